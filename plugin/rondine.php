<?php
/**
 * Plugin Name:          Rondine
 * Description:          Send WhatsApp campaigns to your WooCommerce customers from wp-admin, with consent, segments and statistics, through a Rondine bridge server.
 * Version:              0.1.0
 * Requires at least:    6.8
 * Requires PHP:         8.1
 * Author:               The Rondine contributors
 * License:              GPLv2 or later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          rondine
 * Domain Path:          /languages
 * WC requires at least: 8.0
 * WC tested up to:      9.4
 *
 * @package Rondine
 */

defined( 'ABSPATH' ) || exit;

define( 'RONDINE_VERSION', '0.1.0' );
define( 'RONDINE_FILE', __FILE__ );
define( 'RONDINE_DIR', plugin_dir_path( __FILE__ ) );
define( 'RONDINE_URL', plugin_dir_url( __FILE__ ) );

spl_autoload_register(
	static function ( string $class_name ): void {
		if ( 0 !== strpos( $class_name, 'Rondine\\' ) ) {
			return;
		}
		$file = RONDINE_DIR . 'src/' . str_replace( '\\', '/', substr( $class_name, strlen( 'Rondine\\' ) ) ) . '.php';
		if ( is_readable( $file ) ) {
			require $file;
		}
	}
);

register_activation_hook( __FILE__, array( \Rondine\Installer::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \Rondine\Installer::class, 'deactivate' ) );

add_action(
	'before_woocommerce_init',
	static function (): void {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', __FILE__, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', __FILE__, true );
		}
	}
);

\Rondine\Plugin::boot();
