<?php
/**
 * GET /status.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Tests\Fixtures\Shop;

/**
 * Versions, WooCommerce data and the bridge as the dashboard shows them.
 */
final class StatusTest extends TestCase {

	/**
	 * Versions and WooCommerce data.
	 */
	public function test_versions_and_woocommerce_data(): void {
		global $wp_version;
		wp_set_current_user( $this->user( 'administrator' ) );
		\Rondine\Bridge\Connection::disconnect();
		$data = $this->rest( 'GET', '/rondine/v1/status' )->get_data();
		$this->assertSame( RONDINE_VERSION, $data['plugin_version'] );
		$this->assertSame( $wp_version, $data['wordpress_version'] );
		$this->assertSame( PHP_VERSION, $data['php_version'] );
		$this->assertTrue( $data['woocommerce']['tables']['wc_order_stats'] );
		$this->assertContains( $data['woocommerce']['order_storage'], array( 'hpos', 'legacy' ) );
		$this->assertFalse( $data['bridge']['connected'] );
		$this->assertNull( $data['bridge']['status'] );
	}

	/**
	 * Orders that WooCommerce Analytics never imported are pointed out.
	 */
	public function test_missing_analytics_history_is_pointed_out(): void {
		global $wpdb;
		wp_set_current_user( $this->user( 'administrator' ) );
		$customer = Shop::customer( array() );
		Shop::order( $customer, array( 'phone' => '+39 333 1234567' ) );
		$this->assertNull( $this->rest( 'GET', '/rondine/v1/status' )->get_data()['woocommerce']['notice'] );
		$wpdb->query( "DELETE FROM {$wpdb->prefix}wc_order_stats" );
		// WooCommerce's importer left out (AnalyticsLagTest covers the import): the missing history is named.
		add_filter( 'rondine_analytics_can_import', '__return_false' );
		try {
			$this->assertStringContainsString( 'Import historical data', $this->rest( 'GET', '/rondine/v1/status' )->get_data()['woocommerce']['notice'] );
		} finally {
			remove_filter( 'rondine_analytics_can_import', '__return_false' );
		}
	}

	/**
	 * A stored connection whose bridge does not answer: connected, not reachable, the error in the owner's words with
	 * the network error kept apart for support.
	 */
	public function test_unreachable_bridge(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->connect_locally( str_repeat( 'u', 32 ) );
		$bridge = $this->rest( 'GET', '/rondine/v1/status' )->get_data()['bridge'];
		$this->assertTrue( $bridge['connected'] );
		$this->assertFalse( $bridge['reachable'] );
		$this->assertSame( 'rondine_bridge_unreachable', $bridge['error']['code'] );
		$this->assertStringContainsString( 'could not reach its messaging server', $bridge['error']['message'] );
		$this->assertStringNotContainsString( '127.0.0.1', $bridge['error']['message'] );
		$this->assertStringContainsString( '127.0.0.1:9', $bridge['error']['detail'] );
	}
}
