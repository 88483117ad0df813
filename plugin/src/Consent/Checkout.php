<?php
/**
 * Opt-in at checkout.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

use Rondine\Audience\Contacts;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * An unchecked-by-default checkbox just above "Place order" in WooCommerce's checkout
 * (`woocommerce_review_order_before_submit`), with the shop's editable wording. When the order is processed
 * (`woocommerce_checkout_order_processed`, documented arguments `$order_id, $posted_data, $order`) a ticked box
 * records consent for the billing phone, with the wording shown and the order number.
 */
final class Checkout {

	public const FIELD      = 'rondine_whatsapp_optin';
	public const ORDER_META = '_rondine_whatsapp_optin';

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_review_order_before_submit', array( self::class, 'render' ) );
		add_action( 'woocommerce_checkout_order_processed', array( self::class, 'order_processed' ), 10, 3 );
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
		$ticked = ! empty( $_POST[ self::FIELD ] ) || ! empty( $posted_data[ self::FIELD ] ); // phpcs:ignore WordPress.Security.NonceVerification.Missing
		if ( ! $ticked ) {
			return;
		}
		$posted_data = is_array( $posted_data ) ? $posted_data : array();
		$get         = static function ( string $field ) use ( $order, $posted_data ): string {
			$getter = 'get_' . $field;
			if ( is_object( $order ) && method_exists( $order, $getter ) ) {
				return (string) $order->$getter();
			}
			return (string) ( $posted_data[ $field ] ?? '' );
		};
		$text    = Settings::consent_text();
		$country = $get( 'billing_country' );
		$result  = Normalizer::normalize( $get( 'billing_phone' ), '' !== $country ? $country : Settings::default_country() );
		if ( is_object( $order ) && method_exists( $order, 'update_meta_data' ) ) {
			$order->update_meta_data( self::ORDER_META, $result['ok'] ? 'yes' : 'invalid_phone' );
			$order->save();
		}
		if ( ! $result['ok'] ) {
			return;
		}
		$user_id = is_object( $order ) && method_exists( $order, 'get_customer_id' ) ? (int) $order->get_customer_id() : get_current_user_id();
		$contact = Contacts::upsert_by_phone(
			(string) $result['e164'],
			array(
				'phone_raw'  => $get( 'billing_phone' ),
				'email'      => $get( 'billing_email' ),
				'first_name' => $get( 'billing_first_name' ),
				'last_name'  => $get( 'billing_last_name' ),
				'country'    => (string) $result['country'],
				'city'       => $get( 'billing_city' ),
				'language'   => determine_locale(),
				'user_id'    => $user_id,
				'source'     => 'checkout',
			)
		);
		Consent::record(
			$contact['id'],
			Consent::GRANTED,
			'checkout',
			/* translators: 1: the opt-in wording, 2: order number. */
			sprintf( __( '"%1$s" ticked at checkout, order #%2$s.', 'rondine' ), $text, (string) $order_id )
		);
	}
}
