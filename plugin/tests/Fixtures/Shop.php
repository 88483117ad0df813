<?php
/**
 * WooCommerce data written straight into WooCommerce's tables for a test.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Fixtures;

/**
 * Writes customers and orders into WooCommerce's own tables (customer lookup, order stats, product lookup, and the
 * billing address in HPOS `wc_order_addresses` or in legacy `posts`/`postmeta`), the way WooCommerce stores them.
 * Ids start high so they never meet the generated shop's; everything is rolled back with the test's transaction.
 */
final class Shop {

	/**
	 * Next ids.
	 *
	 * @var int
	 */
	private static int $next_customer = 0;

	/**
	 * Next order id.
	 *
	 * @var int
	 */
	private static int $next_order = 0;

	/**
	 * Forgets the next ids (each test starts from what the database holds then).
	 */
	public static function reset(): void {
		self::$next_customer = 0;
		self::$next_order    = 0;
	}

	/**
	 * A customer in wc_customer_lookup.
	 *
	 * @param array<string,mixed> $data first_name, last_name, email, country, city, user_id.
	 * @return int customer_id
	 */
	public static function customer( array $data ): int {
		global $wpdb;
		if ( 0 === self::$next_customer ) {
			self::$next_customer = 1 + max( 900000000, (int) $wpdb->get_var( "SELECT MAX(customer_id) FROM {$wpdb->prefix}wc_customer_lookup" ) );
		}
		$id = self::$next_customer++;
		$wpdb->insert(
			$wpdb->prefix . 'wc_customer_lookup',
			array(
				'customer_id'      => $id,
				'user_id'          => $data['user_id'] ?? null,
				'username'         => '',
				'first_name'       => $data['first_name'] ?? 'Test',
				'last_name'        => $data['last_name'] ?? 'Customer',
				'email'            => $data['email'] ?? "customer$id@example.test",
				'date_last_active' => gmdate( 'Y-m-d H:i:s' ),
				'date_registered'  => null,
				'country'          => $data['country'] ?? 'IT',
				'postcode'         => '',
				'city'             => $data['city'] ?? 'Roma',
				'state'            => '',
			)
		);
		return $id;
	}

	/**
	 * An order of a customer.
	 *
	 * @param int                 $customer_id wc_customer_lookup id.
	 * @param array<string,mixed> $data        total, status, days_ago, phone, country, storage (hpos|legacy), products (ids), parent_id.
	 * @return int order id
	 */
	public static function order( int $customer_id, array $data ): int {
		global $wpdb;
		if ( 0 === self::$next_order ) {
			self::$next_order = 1 + max(
				900000000,
				(int) $wpdb->get_var( "SELECT MAX(order_id) FROM {$wpdb->prefix}wc_order_stats" ),
				(int) $wpdb->get_var( "SELECT MAX(ID) FROM {$wpdb->posts}" ),
				(int) $wpdb->get_var( "SELECT MAX(id) FROM {$wpdb->prefix}wc_orders" ),
				(int) $wpdb->get_var( "SELECT MAX(order_id) FROM {$wpdb->prefix}wc_order_addresses" )
			);
		}
		$id      = self::$next_order++;
		$status  = $data['status'] ?? 'wc-completed';
		$total   = (float) ( $data['total'] ?? 50 );
		$local   = ( new \DateTimeImmutable( 'now', wp_timezone() ) )->modify( '-' . (int) ( $data['days_ago'] ?? 10 ) . ' days' );
		$created = $local->format( 'Y-m-d H:i:s' );
		$gmt     = $local->setTimezone( new \DateTimeZone( 'UTC' ) )->format( 'Y-m-d H:i:s' );
		$wpdb->insert(
			$wpdb->prefix . 'wc_order_stats',
			array(
				'order_id'         => $id,
				'parent_id'        => (int) ( $data['parent_id'] ?? 0 ),
				'date_created'     => $created,
				'date_created_gmt' => $gmt,
				'num_items_sold'   => 1,
				'total_sales'      => $total,
				'tax_total'        => 0,
				'shipping_total'   => 0,
				'net_total'        => $total,
				'status'           => $status,
				'customer_id'      => $customer_id,
			)
		);
		foreach ( (array) ( $data['products'] ?? array() ) as $i => $product_id ) {
			$wpdb->insert(
				$wpdb->prefix . 'wc_order_product_lookup',
				array(
					'order_item_id'         => $id * 10 + $i,
					'order_id'              => $id,
					'product_id'            => (int) $product_id,
					'variation_id'          => 0,
					'customer_id'           => $customer_id,
					'date_created'          => $created,
					'product_qty'           => 1,
					'product_net_revenue'   => $total,
					'product_gross_revenue' => $total,
				)
			);
		}
		$phone   = (string) ( $data['phone'] ?? '' );
		$country = (string) ( $data['country'] ?? 'IT' );
		if ( 'legacy' === ( $data['storage'] ?? 'hpos' ) ) {
			$wpdb->insert(
				$wpdb->posts,
				array(
					'ID'                => $id,
					'post_type'         => 'shop_order',
					'post_status'       => $status,
					'post_date'         => $created,
					'post_date_gmt'     => $gmt,
					'post_modified'     => $created,
					'post_modified_gmt' => $gmt,
					'post_title'        => 'Order',
					'post_content'      => '',
					'post_excerpt'      => '',
					'to_ping'           => '',
					'pinged'            => '',
					'post_content_filtered' => '',
				)
			);
			foreach ( array( '_billing_phone' => $phone, '_billing_country' => $country, '_order_total' => (string) $total ) as $key => $value ) {
				$wpdb->insert(
					$wpdb->postmeta,
					array(
						'post_id'    => $id,
						'meta_key'   => $key, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key
						'meta_value' => $value, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value
					)
				);
			}
		} else {
			$wpdb->insert(
				$wpdb->prefix . 'wc_orders',
				array(
					'id'               => $id,
					'status'           => $status,
					'type'             => 'shop_order',
					'total_amount'     => $total,
					'customer_id'      => 0,
					'date_created_gmt' => $gmt,
				)
			);
			$wpdb->insert(
				$wpdb->prefix . 'wc_order_addresses',
				array(
					'order_id'     => $id,
					'address_type' => 'billing',
					'country'      => $country,
					'phone'        => $phone,
				)
			);
		}
		return $id;
	}

	/**
	 * A refund of an order, as WooCommerce records one: a `wc_order_stats` row with the order as parent, a negative
	 * total, the refund's own status (`wc-completed`) and the order's customer, and a `wc_orders` row of type
	 * shop_order_refund (no address).
	 *
	 * @param int   $order_id Refunded order.
	 * @param float $amount   Amount refunded (positive).
	 * @param int   $days_ago When.
	 * @return int Refund id.
	 */
	public static function refund( int $order_id, float $amount, int $days_ago ): int {
		global $wpdb;
		$order   = $wpdb->get_row( $wpdb->prepare( "SELECT customer_id FROM {$wpdb->prefix}wc_order_stats WHERE order_id = %d", $order_id ), ARRAY_A );
		$id      = self::$next_order++;
		$local   = ( new \DateTimeImmutable( 'now', wp_timezone() ) )->modify( '-' . $days_ago . ' days' );
		$gmt     = $local->setTimezone( new \DateTimeZone( 'UTC' ) )->format( 'Y-m-d H:i:s' );
		$wpdb->insert(
			$wpdb->prefix . 'wc_order_stats',
			array(
				'order_id'         => $id,
				'parent_id'        => $order_id,
				'date_created'     => $local->format( 'Y-m-d H:i:s' ),
				'date_created_gmt' => $gmt,
				'num_items_sold'   => -1,
				'total_sales'      => -$amount,
				'tax_total'        => 0,
				'shipping_total'   => 0,
				'net_total'        => -$amount,
				'status'           => 'wc-completed',
				'customer_id'      => (int) $order['customer_id'],
			)
		);
		$wpdb->insert(
			$wpdb->prefix . 'wc_orders',
			array(
				'id'               => $id,
				'status'           => 'wc-completed',
				'type'             => 'shop_order_refund',
				'total_amount'     => -$amount,
				'parent_order_id'  => $order_id,
				'date_created_gmt' => $gmt,
			)
		);
		return $id;
	}
}
