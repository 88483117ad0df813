<?php
/**
 * Prices as the shop writes them.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * The shop's price format (WooCommerce → Settings → General → Currency options) and prices written with it: with
 * WooCommerce's own wc_price() when WooCommerce is loaded, else from the same options, as wc_price() applies them
 * ("49,90 €" for an Italian shop, "€49.90" for an Irish one).
 */
final class Price {

	/**
	 * The shop's price format for the widget (widget/src/types.ts `PriceFormat`), or null when the shop has no
	 * currency set (no WooCommerce).
	 *
	 * @return array{currency:string,decimals:int,decimalSeparator:string,thousandSeparator:string,pattern:string}|null
	 */
	public static function format_settings(): ?array {
		$currency = function_exists( 'get_woocommerce_currency' ) ? (string) get_woocommerce_currency() : (string) get_option( 'woocommerce_currency', '' );
		if ( ! preg_match( '/^[A-Z]{3}$/', $currency ) ) {
			return null;
		}
		$symbol   = self::symbol( $currency );
		$patterns = array(
			'left'        => $symbol . '%s',
			'right'       => '%s' . $symbol,
			'left_space'  => $symbol . ' %s',
			'right_space' => '%s ' . $symbol,
		);
		return array(
			'currency'          => $currency,
			'decimals'          => max( 0, min( 8, function_exists( 'wc_get_price_decimals' ) ? (int) wc_get_price_decimals() : (int) get_option( 'woocommerce_price_num_decimals', 2 ) ) ),
			'decimalSeparator'  => function_exists( 'wc_get_price_decimal_separator' ) ? (string) wc_get_price_decimal_separator() : (string) get_option( 'woocommerce_price_decimal_sep', '.' ),
			'thousandSeparator' => function_exists( 'wc_get_price_thousand_separator' ) ? (string) wc_get_price_thousand_separator() : (string) get_option( 'woocommerce_price_thousand_sep', ',' ),
			'pattern'           => $patterns[ (string) get_option( 'woocommerce_currency_pos', 'left' ) ] ?? $patterns['left'],
		);
	}

	/**
	 * An amount in the shop's currency as the shop writes it, as plain text (a normal space where wc_price() puts a
	 * non-breaking one); the bare number when the shop has no currency.
	 *
	 * @param float $amount Amount.
	 */
	public static function format( float $amount ): string {
		if ( function_exists( 'wc_price' ) ) {
			$price = html_entity_decode( wp_strip_all_tags( wc_price( $amount ) ), ENT_QUOTES, 'UTF-8' );
			return trim( str_replace( "\u{00A0}", ' ', $price ) );
		}
		$format = self::format_settings();
		if ( ! $format ) {
			return (string) $amount;
		}
		$number = number_format( abs( $amount ), $format['decimals'], $format['decimalSeparator'], $format['thousandSeparator'] );
		return ( $amount < 0 ? '-' : '' ) . str_replace( '%s', $number, $format['pattern'] );
	}

	/**
	 * The currency's symbol: WooCommerce's when loaded, else ICU's, else the code.
	 *
	 * @param string $currency ISO 4217 code.
	 */
	private static function symbol( string $currency ): string {
		if ( function_exists( 'get_woocommerce_currency_symbol' ) ) {
			return html_entity_decode( (string) get_woocommerce_currency_symbol( $currency ), ENT_QUOTES, 'UTF-8' );
		}
		if ( class_exists( \NumberFormatter::class ) ) {
			$formatter = new \NumberFormatter( 'en@currency=' . $currency, \NumberFormatter::CURRENCY );
			$symbol    = (string) $formatter->getSymbol( \NumberFormatter::CURRENCY_SYMBOL );
			if ( '' !== $symbol ) {
				return $symbol;
			}
		}
		return $currency;
	}
}
