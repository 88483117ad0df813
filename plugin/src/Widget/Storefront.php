<?php
/**
 * The chat button on the storefront.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

use Rondine\Plugin;

/**
 * Prints, at the end of storefront pages where the button may show, its configuration as JSON and its first stage
 * inlined as a module script (about 1.5 KB gzipped): the button then needs no request of its own, and the chat panel
 * is fetched only when a visitor shows intent. Nothing is printed when the button is off or the page is excluded.
 */
final class Storefront {

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'wp_footer', array( self::class, 'print_widget' ), 30 );
	}

	/**
	 * Whether the current page gets the button.
	 *
	 * @param array<string,mixed> $settings Chat button settings.
	 */
	public static function wanted( array $settings ): bool {
		if ( ! $settings['enabled'] || ! $settings['agents'] || is_admin() || is_feed() || is_embed() || is_customize_preview() ) {
			return false;
		}
		// With WooCommerce, "product pages only" is decided here; without it the widget looks for Product structured data.
		if ( $settings['product_only'] && Plugin::woocommerce_active() && function_exists( 'is_product' ) && ! is_product() ) {
			return false;
		}
		return PageRules::allows( self::request_path(), $settings );
	}

	/**
	 * The requested path relative to the site's home (so a site in /shop/ matches `/contact/` for /shop/contact/).
	 */
	public static function request_path(): string {
		$uri  = isset( $_SERVER['REQUEST_URI'] ) ? (string) wp_unslash( $_SERVER['REQUEST_URI'] ) : '/'; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- only matched against patterns.
		$path = rawurldecode( (string) wp_parse_url( $uri, PHP_URL_PATH ) );
		$home = rtrim( (string) wp_parse_url( home_url( '/' ), PHP_URL_PATH ), '/' );
		if ( '' !== $home && 0 === strpos( $path, $home ) ) {
			$path = substr( $path, strlen( $home ) );
		}
		return '' === $path ? '/' : $path;
	}

	/**
	 * Prints the configuration and the button's script.
	 */
	public static function print_widget(): void {
		$settings = Settings::get();
		if ( ! self::wanted( $settings ) ) {
			return;
		}
		$script = RONDINE_DIR . 'build/widget/rondine-chat.js';
		if ( ! is_readable( $script ) ) {
			return;
		}
		/**
		 * Filters the chat button configuration printed in the page. It must stay the same for every visitor.
		 *
		 * @param array<string,mixed> $config See widget/src/types.ts.
		 */
		$config = apply_filters( 'rondine_chat_button_config', Config::build( $settings, Product::current() ) );
		wp_print_inline_script_tag(
			Config::to_json( $config ),
			array(
				'type' => 'application/json',
				'id'   => 'rondine-chat-config',
			)
		);
		wp_print_inline_script_tag(
			trim( (string) file_get_contents( $script ) ), // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local build file.
			array(
				'type' => 'module',
				'id'   => 'rondine-chat',
			)
		);
	}
}
