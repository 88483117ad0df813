<?php
/**
 * The opt-in toggle in My Account.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Audience\WooData;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * A checkbox in My Account → Account details (`woocommerce_edit_account_form`), saved with the form
 * (`woocommerce_save_account_details`, argument `$user_id`, after WooCommerce checked its nonce). Ticking and
 * unticking are both recorded.
 */
final class MyAccount {

	public const FIELD = 'rondine_whatsapp_optin';

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_edit_account_form', array( self::class, 'render' ) );
		add_action( 'woocommerce_save_account_details', array( self::class, 'save' ) );
	}

	/**
	 * The contact of a user: only one linked to that user (by user id, or by a WooCommerce customer of that user).
	 * The billing phone typed in the account is used only to create a contact for a phone no contact has yet: a
	 * phone that belongs to another contact is never shown or changed from someone else's account.
	 *
	 * @param int  $user_id User.
	 * @param bool $create  Create it from the billing phone when missing.
	 * @return array<string,mixed>|null
	 */
	public static function contact_for( int $user_id, bool $create ): ?array {
		global $wpdb;
		if ( $user_id <= 0 ) {
			return null;
		}
		$contact = Contacts::find_by_user( $user_id );
		if ( $contact ) {
			return $contact;
		}
		if ( WooData::has( 'wc_customer_lookup' ) ) {
			$id = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT c.id FROM %i c JOIN %i l ON l.customer_id = c.customer_id WHERE l.user_id = %d ORDER BY c.id LIMIT 1', Contacts::table(), $wpdb->prefix . 'wc_customer_lookup', $user_id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts joined to WooCommerce's customer lookup (no API for either); read once when the customer opens the page, their consent must be current.
			if ( $id > 0 ) {
				return Contacts::find( $id );
			}
		}
		if ( ! $create ) {
			return null;
		}
		$country = (string) get_user_meta( $user_id, 'billing_country', true );
		$result  = Normalizer::normalize( (string) get_user_meta( $user_id, 'billing_phone', true ), '' !== $country ? $country : Settings::default_country() );
		if ( ! $result['ok'] || null !== Contacts::find_by_phone( (string) $result['e164'] ) ) {
			return null;
		}
		$user = get_userdata( $user_id );
		Erased::lift( (string) $result['e164'], $user ? $user->user_email : '' );
		$id = Contacts::upsert_by_phone(
			(string) $result['e164'],
			array(
				'phone_raw'  => (string) get_user_meta( $user_id, 'billing_phone', true ),
				'email'      => $user ? $user->user_email : '',
				'first_name' => (string) get_user_meta( $user_id, 'billing_first_name', true ),
				'last_name'  => (string) get_user_meta( $user_id, 'billing_last_name', true ),
				'country'    => (string) $result['country'],
				'city'       => (string) get_user_meta( $user_id, 'billing_city', true ),
				'user_id'    => $user_id,
				'source'     => 'my_account',
			)
		)['id'];
		return Contacts::find( $id );
	}

	/**
	 * The checkbox.
	 */
	public static function render(): void {
		$user_id = get_current_user_id();
		if ( ! $user_id ) {
			return;
		}
		$contact = self::contact_for( $user_id, false );
		$checked = $contact && Consent::GRANTED === $contact['consent'];
		$phone   = (string) get_user_meta( $user_id, 'billing_phone', true );
		echo '<fieldset class="rondine-optin"><legend>' . esc_html__( 'WhatsApp', 'rondine' ) . '</legend>';
		printf(
			'<p class="woocommerce-form-row form-row"><label class="woocommerce-form__label woocommerce-form__label-for-checkbox"><input type="checkbox" class="woocommerce-form__input woocommerce-form__input-checkbox" name="%1$s" id="%1$s" value="1" %2$s %3$s/> <span>%4$s</span></label></p>',
			esc_attr( self::FIELD ),
			checked( $checked, true, false ),
			( null === $contact && '' === $phone ) ? 'disabled' : '',
			esc_html( Settings::consent_text() )
		);
		if ( null === $contact && '' === $phone ) {
			echo '<p class="description">' . esc_html__( 'Add a phone number to your billing address to receive messages on WhatsApp.', 'rondine' ) . '</p>';
		}
		echo '</fieldset>';
	}

	/**
	 * Saves the choice when it changed.
	 *
	 * @param int $user_id User.
	 */
	public static function save( $user_id ): void {
		$wanted  = ! empty( $_POST[ self::FIELD ] ); // phpcs:ignore WordPress.Security.NonceVerification.Missing -- WooCommerce checked save-account-details.
		$contact = self::contact_for( (int) $user_id, $wanted );
		if ( null === $contact ) {
			return;
		}
		$has = Consent::GRANTED === $contact['consent'];
		if ( $wanted === $has ) {
			return;
		}
		$text = Settings::consent_text();
		Consent::record(
			(int) $contact['id'],
			$wanted ? Consent::GRANTED : Consent::REVOKED,
			'my_account',
			$wanted
				/* translators: %s: the opt-in wording. */
				? sprintf( __( '"%s" ticked in My Account.', 'rondine' ), $text )
				/* translators: %s: the opt-in wording. */
				: sprintf( __( '"%s" unticked in My Account.', 'rondine' ), $text )
		);
	}
}
