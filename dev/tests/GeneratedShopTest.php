<?php
/**
 * The shop generated for the environment (500 customers, 1500 orders, seed 1, HPOS) is what the plugin expects to
 * read: WooCommerce's tables consistent with each other, and customers and phones as varied as a real shop's.
 *
 * @package Rondine\Dev
 */

use PHPUnit\Framework\TestCase;

final class GeneratedShopTest extends TestCase {
	private function value( string $sql ) {
		global $wpdb;
		return $wpdb->get_var( $sql );
	}

	private function column( string $sql ): array {
		global $wpdb;
		return $wpdb->get_col( $sql );
	}

	public function test_the_environment_has_the_default_generated_shop(): void {
		$summary = get_option( 'rondine_dev_shop' );
		$this->assertIsArray( $summary );
		$this->assertSame( 500, $summary['customers'] );
		$this->assertSame( 1500, $summary['orders'] );
		$this->assertSame( 'hpos', $summary['mode'] );
		$this->assertSame( '1500', $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order'" ) );
	}

	public function test_woocommerce_options_say_hpos_italy_and_euro(): void {
		$this->assertSame( 'yes', get_option( 'woocommerce_custom_orders_table_enabled' ) );
		$this->assertSame( 'no', get_option( 'woocommerce_custom_orders_table_data_sync_enabled' ) );
		$this->assertSame( 'IT:RM', get_option( 'woocommerce_default_country' ) );
		$this->assertSame( 'EUR', get_option( 'woocommerce_currency' ) );
		$this->assertNotEmpty( get_option( 'woocommerce_db_version' ) );
	}

	public function test_every_order_has_one_billing_and_one_shipping_address_and_operational_data(): void {
		$this->assertSame( '1500', $this->value( "SELECT COUNT(DISTINCT order_id) FROM wp_wc_order_addresses WHERE address_type = 'billing'" ) );
		$this->assertSame( '1500', $this->value( "SELECT COUNT(DISTINCT order_id) FROM wp_wc_order_addresses WHERE address_type = 'shipping'" ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_order_operational_data d ON d.order_id = o.id WHERE d.id IS NULL' ) );
	}

	public function test_hpos_order_ids_are_reserved_by_placeholder_posts_and_no_legacy_order_exists(): void {
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_posts p ON p.ID = o.id AND p.post_type = 'shop_order_placehold' WHERE p.ID IS NULL" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order_refund'" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order'" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_postmeta WHERE meta_key = '_billing_phone'" ) );
	}

	public function test_order_stats_agree_with_the_orders(): void {
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_order_stats s ON s.order_id = o.id WHERE s.order_id IS NULL OR s.status <> o.status OR ABS(s.total_sales - o.total_amount) > 0.005' ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_order_stats s LEFT JOIN wp_wc_customer_lookup c ON c.customer_id = s.customer_id WHERE c.customer_id IS NULL' ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_order_stats WHERE ABS(total_sales - tax_total - shipping_total - net_total) > 0.005' ) );
	}

	public function test_line_items_match_the_product_lookup_and_the_order_totals(): void {
		$this->assertSame(
			$this->value( "SELECT COUNT(*) FROM wp_woocommerce_order_items WHERE order_item_type = 'line_item'" ),
			$this->value( 'SELECT COUNT(*) FROM wp_wc_order_product_lookup' )
		);
		// Net revenue of the lines = the order's total less tax and shipping.
		$this->assertSame(
			'0',
			$this->value(
				'SELECT COUNT(*) FROM wp_wc_order_stats s JOIN (SELECT order_id, SUM(product_net_revenue) net FROM wp_wc_order_product_lookup GROUP BY order_id) l ON l.order_id = s.order_id WHERE ABS(l.net - s.net_total) > 0.02'
			)
		);
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_order_product_lookup l LEFT JOIN wp_posts p ON p.ID = l.product_id AND p.post_type = 'product' WHERE p.ID IS NULL" ) );
		$this->assertSame( '39', $this->value( 'SELECT COUNT(*) FROM wp_wc_product_meta_lookup' ) );
	}

	public function test_refunds_are_recorded_as_woocommerce_does(): void {
		// Every refunded order has one full refund: its stats row nets the order to zero, for the order's customer.
		$refunded = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order' AND status = 'wc-refunded'" );
		$this->assertGreaterThan( 0, $refunded );
		$this->assertSame(
			(string) $refunded,
			$this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_stats s ON s.order_id = o.id JOIN wp_wc_order_stats r ON r.parent_id = o.id WHERE o.status = 'wc-refunded' AND ABS(s.total_sales + r.total_sales) < 0.005 AND r.customer_id = s.customer_id AND r.num_items_sold = -s.num_items_sold" )
		);
		// Some completed orders have a partial refund of one line.
		$partial = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_order_stats r JOIN wp_wc_order_stats s ON s.order_id = r.parent_id WHERE s.status = 'wc-completed' AND -r.total_sales < s.total_sales" );
		$this->assertGreaterThan( 0, $partial );
		// A refund is a wc_orders row of type shop_order_refund under its order, in the refund's own status.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders r LEFT JOIN wp_wc_orders o ON o.id = r.parent_order_id AND o.type = 'shop_order' WHERE r.type = 'shop_order_refund' AND (o.id IS NULL OR r.status <> 'wc-completed' OR r.total_amount >= 0 OR r.customer_id IS NOT NULL)" ) );
		$this->assertSame( (string) ( $refunded + $partial ), $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order_refund'" ) );
		$this->assertSame( (string) ( $refunded + $partial ), $this->value( "SELECT COUNT(*) FROM wp_wc_orders_meta m JOIN wp_wc_orders r ON r.id = m.order_id AND r.type = 'shop_order_refund' WHERE m.meta_key = '_refund_amount' AND ABS(m.meta_value + r.total_amount) < 0.005" ) );
		// Its line items point at the refunded ones, with negative quantities.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_woocommerce_order_items i JOIN wp_wc_orders r ON r.id = i.order_id AND r.type = 'shop_order_refund' LEFT JOIN wp_woocommerce_order_itemmeta m ON m.order_item_id = i.order_item_id AND m.meta_key = '_refunded_item_id' LEFT JOIN wp_woocommerce_order_items o ON o.order_item_id = m.meta_value AND o.order_id = r.parent_order_id WHERE o.order_item_id IS NULL" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_order_product_lookup l JOIN wp_wc_orders r ON r.id = l.order_id AND r.type = 'shop_order_refund' WHERE l.product_qty >= 0" ) );
	}

	public function test_registered_customers_are_users_with_billing_meta_and_guests_have_orders(): void {
		$registered = (int) $this->value( 'SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE user_id IS NOT NULL' );
		$guests     = (int) $this->value( 'SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE user_id IS NULL' );
		$this->assertSame( 500, $registered + $guests );
		$this->assertGreaterThan( 250, $registered );
		$this->assertGreaterThan( 100, $guests );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_customer_lookup c LEFT JOIN wp_users u ON u.ID = c.user_id WHERE c.user_id IS NOT NULL AND u.ID IS NULL' ) );
		$this->assertSame( (string) $registered, $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup c JOIN wp_usermeta m ON m.user_id = c.user_id AND m.meta_key = 'billing_phone'" ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_customer_lookup c LEFT JOIN wp_wc_order_stats s ON s.customer_id = c.customer_id WHERE c.user_id IS NULL AND s.order_id IS NULL' ) );
		$this->assertContains( 'customer', array_keys( get_userdata( (int) $this->value( 'SELECT user_id FROM wp_wc_customer_lookup WHERE user_id IS NOT NULL LIMIT 1' ) )->caps ) );
	}

	public function test_customers_come_from_six_countries_italy_first_with_accented_names(): void {
		$countries = $this->column( 'SELECT country FROM wp_wc_customer_lookup GROUP BY country ORDER BY COUNT(*) DESC' );
		$this->assertEqualsCanonicalizing( array( 'IT', 'DE', 'FR', 'ES', 'GB', 'US' ), $countries );
		$this->assertSame( 'IT', $countries[0] );
		$this->assertGreaterThan( 0, (int) $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE CONVERT(CONCAT(first_name, last_name) USING ascii) <> CONCAT(first_name, last_name)" ) );
	}

	public function test_phones_are_written_in_many_ways_with_a_few_invalid_empty_and_shared(): void {
		// wpdb::get_col() gives null for an empty string.
		$phones = array_map( 'strval', $this->column( "SELECT meta_value FROM wp_usermeta WHERE meta_key = 'billing_phone'" ) );
		$total  = count( $phones );
		$empty  = count( array_filter( $phones, static fn( $p ) => '' === $p ) );
		// Not a phone number at all: words, or too few or too many digits.
		$broken = count(
			array_filter(
				$phones,
				static function ( $p ) {
					$digits = strlen( (string) preg_replace( '/\D/', '', $p ) );
					return '' !== $p && ( preg_match( '/[a-z]/i', $p ) || $digits < 9 || $digits > 15 );
				}
			)
		);
		$this->assertGreaterThan( 0, $empty );
		$this->assertLessThan( 0.06, $empty / $total );
		$this->assertGreaterThan( 0, $broken );
		$this->assertLessThan( 0.07, $broken / $total );

		$italian = $this->column( "SELECT a.phone FROM wp_wc_order_addresses a WHERE a.address_type = 'billing' AND a.country = 'IT' AND a.phone <> ''" );
		$shapes  = array_unique( array_map( static fn( $p ) => preg_replace( '/\d/', '9', $p ), $italian ) );
		$this->assertGreaterThanOrEqual( 6, count( $shapes ), 'Italian numbers in at least six written forms' );
		foreach ( array( '+39 ', '0039', '-', '.' ) as $marker ) {
			$this->assertNotEmpty( array_filter( $italian, static fn( $p ) => false !== strpos( $p, $marker ) ), "some Italian phone contains $marker" );
		}

		// A phone shared by customers with different e-mail addresses (a family, a small business).
		$digits = "REGEXP_REPLACE(a.phone, '[^0-9]', '')";
		$this->assertGreaterThan(
			0,
			(int) $this->value( "SELECT COUNT(*) FROM (SELECT RIGHT($digits, 9) d FROM wp_wc_order_addresses a JOIN wp_wc_orders o ON o.id = a.order_id WHERE a.address_type = 'billing' AND LENGTH($digits) >= 9 GROUP BY d HAVING COUNT(DISTINCT o.billing_email) > 1) shared" )
		);
	}

	public function test_two_years_of_orders_in_six_statuses(): void {
		$statuses = $this->column( "SELECT DISTINCT status FROM wp_wc_orders WHERE type = 'shop_order'" );
		$this->assertEqualsCanonicalizing( array( 'wc-completed', 'wc-processing', 'wc-refunded', 'wc-cancelled', 'wc-on-hold', 'wc-pending' ), $statuses );
		$days = (int) $this->value( 'SELECT DATEDIFF(MAX(date_created_gmt), MIN(date_created_gmt)) FROM wp_wc_orders' );
		$this->assertGreaterThan( 700, $days );
		$this->assertLessThanOrEqual( 731, $days );
		// Processing orders are recent ones: older orders have been completed or closed.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE status = 'wc-processing' AND date_created_gmt < (SELECT MAX(date_created_gmt) FROM wp_wc_orders) - INTERVAL 31 DAY" ) );
	}

	public function test_roles_are_woocommerce_s(): void {
		$this->assertTrue( get_role( 'shop_manager' )->has_cap( 'manage_woocommerce' ) );
		$this->assertTrue( get_role( 'shop_manager' )->has_cap( 'edit_shop_orders' ) );
		$this->assertTrue( get_role( 'administrator' )->has_cap( 'manage_woocommerce' ) );
		$this->assertFalse( get_role( 'editor' )->has_cap( 'manage_woocommerce' ) );
		$this->assertSame( array( 'read' => true ), get_role( 'customer' )->capabilities );
	}

	public function test_about_seventy_percent_of_reachable_customers_opted_in(): void {
		global $wpdb;
		$table = $wpdb->prefix . 'rondine_contacts';
		$this->assertSame( $table, $this->value( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) ), 'the plugin keeps its contacts there' );
		$with = (int) $this->value( "SELECT COUNT(*) FROM $table WHERE phone IS NOT NULL AND phone <> ''" );
		// What the generator recorded (the e2e tests, which run before, may since have changed a few contacts' consent).
		$agreed = (int) $this->value( "SELECT COUNT(DISTINCT contact_id) FROM {$wpdb->prefix}rondine_consent_log WHERE status = 'granted' AND source = 'bulk'" );
		$this->assertGreaterThan( 0.6, $agreed / $with );
		$this->assertLessThan( 0.8, $agreed / $with );
		$this->assertGreaterThan( 0.5, (int) $this->value( "SELECT COUNT(*) FROM $table WHERE consent = 'granted'" ) / $with );
	}
}
