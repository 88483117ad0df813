<?php
/**
 * Loads the real WordPress named by RONDINE_WP_DIR, with WooCommerce and Rondine active.
 *
 * @package Rondine\Tests
 */

$rondine_wp_dir = getenv( 'RONDINE_WP_DIR' );
if ( ! $rondine_wp_dir || ! is_file( $rondine_wp_dir . '/wp-config.php' ) ) {
	fwrite( STDERR, "RONDINE_WP_DIR must point to a WordPress folder with wp-config.php (the test environment's WordPress).\n" );
	exit( 2 );
}

define( 'RONDINE_TESTING', true );

$rondine_home = '';
if ( preg_match( "/define\\(\\s*'WP_HOME',\\s*'([^']+)'\\s*\\)/", (string) file_get_contents( $rondine_wp_dir . '/wp-config.php' ), $rondine_match ) ) {
	$rondine_home = $rondine_match[1];
}
$_SERVER['HTTP_HOST']   = (string) parse_url( $rondine_home ? $rondine_home : 'http://127.0.0.1', PHP_URL_HOST ) . ( parse_url( $rondine_home, PHP_URL_PORT ) ? ':' . parse_url( $rondine_home, PHP_URL_PORT ) : '' );
$_SERVER['SERVER_NAME'] = (string) parse_url( $rondine_home ? $rondine_home : 'http://127.0.0.1', PHP_URL_HOST );
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';

require_once $rondine_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

if ( ! class_exists( \Rondine\Plugin::class ) ) {
	fwrite( STDERR, "The Rondine plugin is not active in $rondine_wp_dir.\n" );
	exit( 2 );
}
\Rondine\Installer::maybe_upgrade();
foreach ( array( 'wc_customer_lookup', 'wc_order_stats', 'wc_order_product_lookup', 'wc_orders', 'wc_order_addresses' ) as $rondine_table ) {
	if ( ! \Rondine\Audience\WooData::has( $rondine_table ) ) {
		fwrite( STDERR, "WooCommerce's table {$wpdb->prefix}$rondine_table is missing in this WordPress (WooCommerce's installer creates it: see dev/wp/setup-site.php).\n" );
		exit( 2 );
	}
}

// Mail cannot be sent here and no test needs it.
add_filter( 'pre_wp_mail', '__return_false' );

require __DIR__ . '/TestCase.php';
require __DIR__ . '/Fixtures/Shop.php';
