<?php
/**
 * The product of a product page.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Name, price and SKU of the product shown, from WooCommerce itself. Without WooCommerce (or away from a single
 * product page) there is none, and the widget reads the page's Product structured data instead.
 */
final class Product {

	/**
	 * The current product page's product, or null.
	 *
	 * @return array{name:string,price:string,sku:string}|null
	 */
	public static function current(): ?array {
		if ( ! function_exists( 'is_product' ) || ! function_exists( 'wc_get_product' ) || ! is_product() ) {
			return null;
		}
		$product = wc_get_product( get_queried_object_id() );
		if ( ! $product ) {
			return null;
		}
		$price = '';
		if ( '' !== $product->get_price() ) {
			$price = Price::format( (float) wc_get_price_to_display( $product ) );
		}
		return array(
			'name'  => html_entity_decode( wp_strip_all_tags( $product->get_name() ), ENT_QUOTES, 'UTF-8' ),
			'price' => $price,
			'sku'   => (string) $product->get_sku(),
		);
	}
}
