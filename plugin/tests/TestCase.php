<?php
/**
 * Base test case: each test runs in a database transaction that is rolled back.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\WooData;

/**
 * Runs every test inside START TRANSACTION … ROLLBACK on the real database, so the test site's data (the generated
 * shop) is left as it was; caches are flushed so nothing read during the test survives it.
 */
abstract class TestCase extends \PHPUnit\Framework\TestCase {

	/**
	 * Begin.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'START TRANSACTION' );
		wp_cache_flush();
		WooData::reset();
		Fixtures\Shop::reset();
		wp_set_current_user( 0 );
		$GLOBALS['wp_rest_server'] = null;
		$_POST                     = array();
	}

	/**
	 * Roll back.
	 */
	protected function tearDown(): void {
		global $wpdb;
		$wpdb->query( 'ROLLBACK' );
		// A statement that commits implicitly (DDL, ANALYZE TABLE…) would have made this test's data permanent.
		$leaked = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_customer_lookup WHERE customer_id >= 900000000" )
			+ (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->users} WHERE user_login LIKE 'rondine\\_test\\_%'" );
		$this->assertSame( 0, $leaked, 'the test left data behind: something committed its transaction' );
		wp_cache_flush();
		wp_set_current_user( 0 );
		$GLOBALS['wp_rest_server'] = null;
		$_POST                     = array();
		parent::tearDown();
	}

	/**
	 * A real WooCommerce order (wc_create_order), saved, with the given billing_* fields and customer (user id); the
	 * stack runs the real WooCommerce, so checkout hooks get what WooCommerce passes them.
	 *
	 * @param array<string,mixed> $data billing_* fields and customer_id.
	 */
	protected function wc_order( array $data ): \WC_Order {
		$this->assertTrue( function_exists( 'wc_create_order' ), 'WooCommerce is active in the test WordPress' );
		$order = wc_create_order( array( 'customer_id' => (int) ( $data['customer_id'] ?? 0 ) ) );
		foreach ( $data as $key => $value ) {
			if ( 0 === strpos( $key, 'billing_' ) ) {
				$order->{'set_' . $key}( $value );
			}
		}
		$order->set_payment_method( 'cod' );
		$order->save();
		return $order;
	}

	/**
	 * The outcome of the checkout opt-in noted on an order, as saved (read back from WooCommerce's storage).
	 *
	 * @param \WC_Order $order Order.
	 */
	protected function optin_outcome( \WC_Order $order ): string {
		return (string) wc_get_order( $order->get_id() )->get_meta( \Rondine\Consent\Checkout::ORDER_META );
	}

	/**
	 * A user with a role, created for this test.
	 *
	 * @param string $role Role.
	 */
	protected function user( string $role ): int {
		$id = wp_insert_user(
			array(
				'user_login' => 'rondine_test_' . $role . '_' . wp_generate_password( 6, false ),
				'user_pass'  => wp_generate_password( 20 ),
				'user_email' => $role . '-' . wp_generate_password( 6, false ) . '@example.test',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id, 'user created' );
		return $id;
	}

	/**
	 * Dispatches a REST request as the current user.
	 *
	 * @param string              $method Method.
	 * @param string              $route  Route (/rondine/v1/...).
	 * @param array<string,mixed> $body   JSON body.
	 * @param array<string,mixed> $query  Query parameters.
	 */
	protected function rest( string $method, string $route, array $body = array(), array $query = array() ): \WP_REST_Response {
		$request = new \WP_REST_Request( $method, $route );
		if ( $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		if ( $query ) {
			$request->set_query_params( $query );
		}
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Stores a connection with a known secret (nothing is sent to a bridge).
	 *
	 * @param string $secret Raw secret.
	 * @return string Site id.
	 */
	protected function connect_locally( string $secret ): string {
		$site = '2f8c6a1e-9b7d-4c3e-8a5f-0d1e2c3b4a59';
		update_option(
			\Rondine\Bridge\Connection::OPTION,
			array(
				'url'          => 'http://127.0.0.1:9',
				'site'         => $site,
				'secret'       => \Rondine\Bridge\Connection::base64url_encode( $secret ),
				'connected_at' => gmdate( 'c' ),
			),
			false
		);
		return $site;
	}
}
