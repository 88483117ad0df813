<?php
/**
 * Opt-in at checkout.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * An unchecked-by-default checkbox just above "Place order" in WooCommerce's classic checkout
 * (`woocommerce_review_order_before_submit`), with the shop's editable wording. When the order is processed
 * (`woocommerce_checkout_order_processed`, documented arguments `$order_id, $posted_data, $order`) a ticked box
 * records consent for the billing phone, with the wording shown and the order number.
 *
 * The Checkout block (WooCommerce 8.9+) gets the same checkbox as an additional checkout field in the order section
 * (`woocommerce_register_additional_checkout_field`, on `woocommerce_init`); its value is noted on the order by
 * `woocommerce_set_additional_field_value` ($key, $value, $group, $wc_object) and the consent is recorded on
 * `woocommerce_store_api_checkout_order_processed` ($order), when the billing phone is final.
 */
final class Checkout {

	public const FIELD       = 'rondine_whatsapp_optin';
	public const BLOCK_FIELD = 'rondine/whatsapp-optin';
	public const ORDER_META  = '_rondine_whatsapp_optin';

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_review_order_before_submit', array( self::class, 'render' ) );
		add_action( 'woocommerce_checkout_order_processed', array( self::class, 'order_processed' ), 10, 3 );
		add_action( 'woocommerce_init', array( self::class, 'register_block_field' ) );
		add_action( 'woocommerce_set_additional_field_value', array( self::class, 'block_field_value' ), 10, 4 );
		add_action( 'woocommerce_store_api_checkout_order_processed', array( self::class, 'block_order_processed' ) );
	}

	/**
	 * The checkbox of the Checkout block.
	 */
	public static function register_block_field(): void {
		if ( ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
			return;
		}
		woocommerce_register_additional_checkout_field(
			array(
				'id'       => self::BLOCK_FIELD,
				'label'    => Settings::consent_text(),
				'location' => 'order',
				'type'     => 'checkbox',
			)
		);
	}

	/**
	 * Notes a ticked block checkbox on the order.
	 *
	 * @param string $key       Field id.
	 * @param mixed  $value     Value.
	 * @param string $group     Group.
	 * @param object $wc_object Order or customer.
	 */
	public static function block_field_value( $key, $value, $group, $wc_object ): void {
		if ( self::BLOCK_FIELD !== $key || ! $value || ! is_object( $wc_object ) || ! method_exists( $wc_object, 'get_billing_phone' ) || ! method_exists( $wc_object, 'update_meta_data' ) ) {
			return;
		}
		$wc_object->update_meta_data( self::ORDER_META, 'ticked' );
	}

	/**
	 * Records the consent of a Checkout block order whose box was ticked.
	 *
	 * @param object $order WC_Order.
	 */
	public static function block_order_processed( $order ): void {
		if ( ! is_object( $order ) || ! method_exists( $order, 'get_meta' ) || 'ticked' !== $order->get_meta( self::ORDER_META ) ) {
			return;
		}
		self::record_for_order( (string) $order->get_id(), array(), $order );
	}

	/**
	 * The checkbox.
	 */
	public static function render(): void {
		$text = Settings::consent_text();
		if ( function_exists( 'woocommerce_form_field' ) ) {
			woocommerce_form_field(
				self::FIELD,
				array(
					'type'     => 'checkbox',
					'class'    => array( 'form-row-wide', 'rondine-optin' ),
					'label'    => esc_html( $text ),
					'required' => false,
					'default'  => 0,
				),
				0
			);
			return;
		}
		printf(
			'<p class="form-row form-row-wide rondine-optin"><label class="woocommerce-form__label woocommerce-form__label-for-checkbox checkbox"><input type="checkbox" class="woocommerce-form__input woocommerce-form__input-checkbox input-checkbox" name="%1$s" id="%1$s" value="1" /> <span>%2$s</span></label></p>',
			esc_attr( self::FIELD ),
			esc_html( $text )
		);
	}

	/**
	 * Records consent when the box was ticked.
	 *
	 * @param int                 $order_id    Order id.
	 * @param array<string,mixed> $posted_data WooCommerce's posted checkout data (billing_* fields).
	 * @param object|null         $order       WC_Order.
	 */
	public static function order_processed( $order_id, $posted_data = array(), $order = null ): void {
		// WooCommerce verified its checkout nonce before this action fires.
		$ticked = ! empty( $_POST[ self::FIELD ] ) || ! empty( $posted_data[ self::FIELD ] ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- WooCommerce verified its checkout nonce before this action fires; the box is only read as ticked or not.
		if ( ! $ticked ) {
			return;
		}
		self::record_for_order( (string) $order_id, is_array( $posted_data ) ? $posted_data : array(), $order );
	}

	/**
	 * Records consent for an order's billing phone, with the order id in the log.
	 *
	 * Whose consent a tick may change (the billing phone is typed by whoever checks out, so it proves nothing):
	 * - a phone without a contact (or erased before): a contact is created from the order and consent granted;
	 * - a contact linked to the order's customer (user id): granted, also after a revocation (their own choice);
	 * - a contact not linked to any user, with consent `none`, whose WooCommerce customer (if any) has the order's
	 *   e-mail address: granted;
	 * - a contact already granted and not linked to the customer: nothing is recorded (meta `yes`);
	 * - anything else (revoked, or linked to another customer): nothing changes, the order meta says `not_recorded`.
	 * An existing contact's name, e-mail and other identity fields are never changed from checkout input. The outcome
	 * is noted on the order (meta `_rondine_whatsapp_optin`), and an order whose outcome is noted is not handled again:
	 * a hook fired twice for the same order gives one consent record.
	 *
	 * @param string              $order_id    Order number.
	 * @param array<string,mixed> $posted_data Unused (the order is the source of truth).
	 * @param object|null         $order       WC_Order.
	 */
	private static function record_for_order( string $order_id, array $posted_data, $order ): void {
		unset( $posted_data );
		if ( ! is_object( $order ) && function_exists( 'wc_get_order' ) ) {
			$order = wc_get_order( (int) $order_id );
		}
		if ( ! is_object( $order ) || ! method_exists( $order, 'get_billing_phone' ) ) {
			return;
		}
		if ( method_exists( $order, 'get_meta' ) && in_array( (string) $order->get_meta( self::ORDER_META ), array( 'yes', 'not_recorded', 'invalid_phone' ), true ) ) {
			return; // This order's box was handled already (its hook fired again): one consent record per order.
		}
		$get     = static function ( string $field ) use ( $order ): string {
			$getter = 'get_' . $field;
			return method_exists( $order, $getter ) ? (string) $order->$getter() : '';
		};
		$text    = Settings::consent_text();
		$country = $get( 'billing_country' );
		$result  = Normalizer::normalize( $get( 'billing_phone' ), '' !== $country ? $country : Settings::default_country() );
		$user_id = method_exists( $order, 'get_customer_id' ) ? (int) $order->get_customer_id() : 0;
		$id      = method_exists( $order, 'get_id' ) && (int) $order->get_id() > 0 ? (int) $order->get_id() : (int) $order_id;
		$outcome = 'invalid_phone';
		if ( $result['ok'] ) {
			$phone   = (string) $result['e164'];
			$contact = Contacts::find_by_phone( $phone );
			$email   = $get( 'billing_email' );
			if ( null === $contact ) {
				Erased::lift( $phone, $email );
				$contact = Contacts::find(
					Contacts::upsert_by_phone(
						$phone,
						array(
							'phone_raw'  => $get( 'billing_phone' ),
							'email'      => $email,
							'first_name' => $get( 'billing_first_name' ),
							'last_name'  => $get( 'billing_last_name' ),
							'country'    => (string) $result['country'],
							'city'       => $get( 'billing_city' ),
							'language'   => determine_locale(),
							'user_id'    => $user_id,
							'source'     => 'checkout',
						)
					)['id']
				);
			}
			if ( $contact && self::may_grant( $contact, $user_id, $email ) ) {
				Consent::record(
					(int) $contact['id'],
					Consent::GRANTED,
					'checkout',
					/* translators: 1: the opt-in wording, 2: order number. */
					sprintf( __( '"%1$s" ticked at checkout, order #%2$s.', 'rondine' ), $text, $order_id ),
					'',
					$id
				);
				$outcome = 'yes';
			} else {
				// Already granted (nothing to change: a renewal by an unverified tick would also move the time that
				// orders late WhatsApp reports) or not this customer's to change.
				$outcome = $contact && Consent::GRANTED === $contact['consent'] ? 'yes' : 'not_recorded';
			}
		}
		if ( method_exists( $order, 'update_meta_data' ) ) {
			$order->update_meta_data( self::ORDER_META, $outcome );
			if ( method_exists( $order, 'save' ) ) {
				$order->save();
			}
		}
	}

	/**
	 * Whether an order's tick may grant consent for an existing contact (see record_for_order).
	 *
	 * @param array<string,mixed> $contact Contact.
	 * @param int                 $user_id The order's customer (user id), 0 for a guest.
	 * @param string              $email   The order's billing e-mail.
	 */
	public static function may_grant( array $contact, int $user_id, string $email ): bool {
		if ( ! empty( $contact['user_id'] ) ) {
			return $user_id > 0 && (int) $contact['user_id'] === $user_id;
		}
		if ( Consent::NONE !== $contact['consent'] ) {
			return false;
		}
		return empty( $contact['customer_id'] ) || ( '' !== $email && strtolower( $email ) === strtolower( (string) $contact['email'] ) );
	}
}
