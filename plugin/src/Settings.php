<?php
/**
 * Shop-level settings.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * The `rondine_settings` option: default country, the consent wording and who gets messages about an order. The bridge connection lives apart, in
 * `rondine_bridge` (Bridge\Connection), because it holds the site secret.
 */
final class Settings {

	public const OPTION = 'rondine_settings';

	/**
	 * Countries whose national number formats the phone normaliser knows (others need a +CC prefix).
	 */
	public const SHOP_COUNTRIES = array( 'IT', 'DE', 'FR', 'ES', 'GB', 'US' );

	/**
	 * The values of `order_messages_to` (order_messages_to()).
	 */
	public const ORDER_MESSAGES_TO = array( 'consented', 'customers' );

	/**
	 * Defaults written on activation.
	 *
	 * @return array{default_country:string,consent_text:string,order_messages_to:string}
	 */
	public static function defaults(): array {
		return array(
			'default_country'   => '',
			'consent_text'      => '',
			'order_messages_to' => 'consented',
		);
	}

	/**
	 * All settings merged over the defaults.
	 *
	 * @return array{default_country:string,consent_text:string,order_messages_to:string}
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? array_intersect_key( $stored, self::defaults() ) : array() );
	}

	/**
	 * Saves some settings.
	 *
	 * @param array<string,string> $changes Keys of defaults().
	 */
	public static function update( array $changes ): void {
		update_option( self::OPTION, array_merge( self::all(), array_intersect_key( $changes, self::defaults() ) ), false );
	}

	/**
	 * The country for numbers written without an international prefix: the setting, else WooCommerce's store
	 * country, else the site locale's country.
	 */
	public static function default_country(): string {
		$country = strtoupper( self::all()['default_country'] );
		if ( '' === $country ) {
			$store   = (string) get_option( 'woocommerce_default_country', '' );
			$country = strtoupper( substr( $store, 0, 2 ) );
		}
		if ( '' === $country ) {
			$locale  = get_locale();
			$country = strlen( $locale ) >= 5 ? strtoupper( substr( $locale, 3, 2 ) ) : '';
		}
		return preg_match( '/^[A-Z]{2}$/', $country ) ? $country : '';
	}

	/**
	 * The opt-in wording shown to customers, with `{shop}` replaced by the site name.
	 */
	public static function consent_text(): string {
		$text = trim( self::all()['consent_text'] );
		if ( '' === $text ) {
			/* translators: {shop} is replaced by the shop's name; keep it as is. */
			$text = __( 'Yes, I would like to receive offers and news from {shop} on WhatsApp. I can stop them at any time.', 'rondine' );
		}
		return str_replace( '{shop}', wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ), $text );
	}

	/**
	 * Who receives an automation's utility messages about an order (docs/design/automations-contract.md, "Order
	 * events"): `consented`, only those who agreed to WhatsApp messages (the default), or `customers`, every customer
	 * who gave a phone at checkout (their order is the context Meta's utility category asks for).
	 */
	public static function order_messages_to(): string {
		return in_array( self::all()['order_messages_to'], self::ORDER_MESSAGES_TO, true ) ? self::all()['order_messages_to'] : 'consented';
	}

	/**
	 * The shop's timezone as an IANA name when WordPress has one, else the UTC offset (+02:00).
	 */
	public static function timezone(): string {
		return wp_timezone_string();
	}
}
