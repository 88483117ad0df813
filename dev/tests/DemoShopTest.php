<?php
/**
 * The demo shop of the environment (dev/woocommerce/demo.php: 200 customers, 600 orders, seed 1, HPOS), made through
 * WooCommerce's own API on the real WooCommerce, is what the plugin expects to read: WooCommerce's tables as WooCommerce
 * writes them (its analytics import run), customers and phones as varied as an Italian shop's.
 *
 * The e2e tests run before this suite and may place orders of their own; the demo shop's orders are told apart by
 * their e-mail addresses (@example.test).
 *
 * @package Rondine\Dev
 */

use PHPUnit\Framework\TestCase;

final class DemoShopTest extends TestCase {
	private function value( string $sql ) {
		global $wpdb;
		return $wpdb->get_var( $sql );
	}

	private function column( string $sql ): array {
		global $wpdb;
		return $wpdb->get_col( $sql );
	}

	public function test_the_environment_has_the_default_demo_shop_on_woocommerce_10_0_2(): void {
		$summary = get_option( 'rondine_dev_shop' );
		$this->assertIsArray( $summary );
		$this->assertSame( 'woocommerce-api', $summary['source'] );
		$this->assertSame( 200, $summary['customers'] );
		$this->assertSame( 600, $summary['orders'] );
		$this->assertSame( 'hpos', $summary['mode'] );
		$this->assertSame( '10.0.2', WC()->version );
		$this->assertSame( '600', $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order' AND billing_email LIKE '%@example.test'" ) );
		$this->assertSame( '200', $this->value( "SELECT COUNT(DISTINCT billing_email) FROM wp_wc_orders WHERE type = 'shop_order' AND billing_email LIKE '%@example.test'" ) );
	}

	public function test_woocommerce_is_set_up_for_an_italian_shop(): void {
		$this->assertSame( 'yes', get_option( 'woocommerce_custom_orders_table_enabled' ) );
		$this->assertSame( 'no', get_option( 'woocommerce_custom_orders_table_data_sync_enabled' ) );
		$this->assertSame( 'IT:FC', get_option( 'woocommerce_default_country' ) );
		$this->assertSame( 'Forlì', get_option( 'woocommerce_store_city' ) );
		$this->assertSame( 'EUR', get_option( 'woocommerce_currency' ) );
		$this->assertSame( "1.234,50\u{a0}€", html_entity_decode( wp_strip_all_tags( wc_price( 1234.5 ) ), ENT_QUOTES, 'UTF-8' ) );
		$this->assertSame( 'no', get_option( 'woocommerce_coming_soon' ) );
		$this->assertSame( 'yes', WC()->payment_gateways()->payment_gateways()['cod']->enabled );
		foreach ( array( 'shop', 'cart', 'checkout', 'myaccount' ) as $page ) {
			$this->assertSame( 'publish', get_post_status( wc_get_page_id( $page ) ), "WooCommerce's $page page" );
		}
		$this->assertStringContainsString( 'wp:woocommerce/checkout', get_post( wc_get_page_id( 'checkout' ) )->post_content );
		$classic = get_post( (int) get_option( 'rondine_dev_classic_checkout_page_id' ) );
		$this->assertSame( 'Checkout (classic)', $classic->post_title );
		$this->assertStringContainsString( '[woocommerce_checkout]', $classic->post_content );
	}

	public function test_every_order_has_its_addresses_and_operational_data_as_woocommerce_saved_them(): void {
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing' WHERE o.type = 'shop_order' AND a.id IS NULL" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'shipping' WHERE o.type = 'shop_order' AND a.id IS NULL" ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_order_operational_data d ON d.order_id = o.id WHERE d.id IS NULL' ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_operational_data d ON d.order_id = o.id WHERE o.type = 'shop_order' AND o.billing_email LIKE '%@example.test' AND (d.woocommerce_version <> '10.0.2' OR d.created_via <> 'checkout')" ) );
	}

	public function test_hpos_order_ids_are_reserved_by_placeholder_posts_and_no_legacy_order_exists(): void {
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_posts p ON p.ID = o.id AND p.post_type = 'shop_order_placehold' WHERE p.ID IS NULL" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_posts WHERE post_type IN ('shop_order', 'shop_order_refund')" ) );
	}

	public function test_the_analytics_import_has_run_for_every_order_and_refund(): void {
		// wc_order_stats is written by WooCommerce's queued import: one row per order and refund once it has run.
		// (A refund's analytics row carries its order's status.)
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o LEFT JOIN wp_wc_orders parent ON parent.id = o.parent_order_id LEFT JOIN wp_wc_order_stats s ON s.order_id = o.id WHERE COALESCE(parent.billing_email, o.billing_email) LIKE '%@example.test' AND (s.order_id IS NULL OR s.status <> IF(o.type = 'shop_order_refund', parent.status, o.status) OR ABS(s.total_sales - o.total_amount) > 0.005)" ) );
		$made = get_option( 'rondine_dev_shop' )['made'];
		$this->assertSame( (string) ( $made['orders'] + $made['refunds'] ), $this->value( "SELECT COUNT(*) FROM wp_wc_order_stats s JOIN wp_wc_orders o ON o.id = s.order_id LEFT JOIN wp_wc_orders parent ON parent.id = o.parent_order_id WHERE COALESCE(parent.billing_email, o.billing_email) LIKE '%@example.test'" ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_order_stats s LEFT JOIN wp_wc_customer_lookup c ON c.customer_id = s.customer_id WHERE c.customer_id IS NULL' ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_order_stats WHERE ABS(total_sales - tax_total - shipping_total - net_total) > 0.005' ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_actionscheduler_actions WHERE hook LIKE 'wc-admin_import%' AND status = 'pending'" ) );
		$failed = $this->column( "SELECT CONCAT(hook, ' ', args) FROM wp_actionscheduler_actions WHERE status = 'failed' AND (hook LIKE 'wc%' OR hook LIKE 'woocommerce%')" );
		$this->assertSame( array(), $failed, "WooCommerce's queued actions that failed" );
		// Analytics dates are the orders' own dates, over the last two years.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_stats s ON s.order_id = o.id WHERE s.date_created_gmt <> o.date_created_gmt" ) );
		$days = (int) $this->value( "SELECT DATEDIFF(MAX(date_created_gmt), MIN(date_created_gmt)) FROM wp_wc_orders WHERE billing_email LIKE '%@example.test'" );
		$this->assertGreaterThan( 600, $days );
		$this->assertLessThanOrEqual( 731, $days );
	}

	public function test_line_items_match_the_product_lookup_and_the_order_totals(): void {
		$this->assertSame(
			$this->value( "SELECT COUNT(*) FROM wp_woocommerce_order_items WHERE order_item_type = 'line_item'" ),
			$this->value( 'SELECT COUNT(*) FROM wp_wc_order_product_lookup' )
		);
		$this->assertSame(
			'0',
			$this->value( "SELECT COUNT(*) FROM wp_wc_order_stats s JOIN (SELECT order_id, SUM(product_net_revenue) net FROM wp_wc_order_product_lookup GROUP BY order_id) l ON l.order_id = s.order_id WHERE ABS(l.net - s.net_total) > 0.02" )
		);
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_order_product_lookup l LEFT JOIN wp_posts p ON p.ID = l.product_id AND p.post_type = 'product' WHERE p.ID IS NULL" ) );
		// The variable product's sizes are sold as its variations.
		$this->assertGreaterThan( 0, (int) $this->value( "SELECT COUNT(*) FROM wp_wc_order_product_lookup l JOIN wp_posts v ON v.ID = l.variation_id AND v.post_type = 'product_variation' AND v.post_parent = l.product_id" ) );
		// The demo's products (SKU BD-...; the e2e tests add one of their own).
		$this->assertSame( '19', $this->value( "SELECT COUNT(*) FROM wp_wc_product_meta_lookup l JOIN wp_posts p ON p.ID = l.product_id WHERE p.post_type IN ('product', 'product_variation') AND l.sku LIKE 'BD-%'" ) );
		$this->assertSame( '1', $this->value( "SELECT COUNT(*) FROM wp_posts p JOIN wp_term_relationships r ON r.object_id = p.ID JOIN wp_term_taxonomy t ON t.term_taxonomy_id = r.term_taxonomy_id AND t.taxonomy = 'product_type' JOIN wp_terms n ON n.term_id = t.term_id AND n.slug = 'variable' WHERE p.post_type = 'product'" ) );
	}

	public function test_refunds_are_recorded_by_woocommerce(): void {
		$refunded = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order' AND status = 'wc-refunded'" );
		$this->assertGreaterThan( 0, $refunded );
		// A fully refunded order nets to zero in the analytics, for the order's customer.
		$this->assertSame(
			(string) $refunded,
			$this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_stats s ON s.order_id = o.id JOIN wp_wc_order_stats r ON r.parent_id = o.id WHERE o.status = 'wc-refunded' AND ABS(s.total_sales + r.total_sales) < 0.005 AND r.customer_id = s.customer_id" )
		);
		// Some completed orders have a partial refund of one line.
		$partial = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_order_stats r JOIN wp_wc_order_stats s ON s.order_id = r.parent_id WHERE s.status = 'wc-completed' AND -r.total_sales < s.total_sales" );
		$this->assertGreaterThan( 0, $partial );
		$this->assertSame( (string) ( $refunded + $partial ), $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE type = 'shop_order_refund'" ) );
		$this->assertSame( (string) ( $refunded + $partial ), $this->value( "SELECT COUNT(*) FROM wp_wc_orders_meta m JOIN wp_wc_orders r ON r.id = m.order_id AND r.type = 'shop_order_refund' WHERE m.meta_key = '_refund_amount' AND ABS(m.meta_value + r.total_amount) < 0.005" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_order_product_lookup l JOIN wp_wc_orders r ON r.id = l.order_id AND r.type = 'shop_order_refund' WHERE l.product_qty >= 0" ) );
	}

	public function test_registered_customers_are_woocommerce_customers_and_guests_have_orders(): void {
		$registered = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE user_id IS NOT NULL AND email LIKE '%@example.test'" );
		$guests     = (int) $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE user_id IS NULL AND email LIKE '%@example.test'" );
		$summary    = get_option( 'rondine_dev_shop' );
		$this->assertSame( 200, $registered + $guests );
		$this->assertSame( $summary['made']['registered'], $registered );
		$this->assertSame( $summary['made']['guests'], $guests );
		$this->assertGreaterThan( 100, $registered );
		$this->assertGreaterThan( 30, $guests );
		// Their account's billing phone is the one on their orders (WooCommerce stores no meta for an empty one).
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup c JOIN wp_wc_orders o ON o.customer_id = c.user_id AND o.type = 'shop_order' JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing' LEFT JOIN wp_usermeta m ON m.user_id = c.user_id AND m.meta_key = 'billing_phone' WHERE c.email LIKE '%@example.test' AND COALESCE(m.meta_value, '') <> a.phone" ) );
		$this->assertGreaterThan( $registered * 0.85, (int) $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup c JOIN wp_usermeta m ON m.user_id = c.user_id AND m.meta_key = 'billing_phone' AND m.meta_value <> '' WHERE c.email LIKE '%@example.test'" ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_customer_lookup c LEFT JOIN wp_wc_order_stats s ON s.customer_id = c.customer_id WHERE c.user_id IS NULL AND s.order_id IS NULL' ) );
		$this->assertSame( array( 'customer' ), get_userdata( (int) $this->value( "SELECT user_id FROM wp_wc_customer_lookup WHERE user_id IS NOT NULL AND email LIKE '%@example.test' LIMIT 1" ) )->roles );
		// Registered before their first order.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup c JOIN wp_users u ON u.ID = c.user_id JOIN (SELECT customer_id, MIN(date_created_gmt) first FROM wp_wc_orders WHERE type = 'shop_order' GROUP BY customer_id) o ON o.customer_id = u.ID WHERE u.user_registered > o.first AND c.email LIKE '%@example.test'" ) );
	}

	public function test_customers_are_mostly_italian_with_a_few_abroad(): void {
		$countries = $this->column( "SELECT country FROM wp_wc_customer_lookup WHERE email LIKE '%@example.test' GROUP BY country ORDER BY COUNT(*) DESC" );
		$this->assertSame( 'IT', $countries[0] );
		$this->assertGreaterThan( 1, count( $countries ) );
		$this->assertGreaterThan( 0, (int) $this->value( "SELECT COUNT(*) FROM wp_wc_customer_lookup WHERE CONVERT(CONCAT(first_name, last_name) USING ascii) <> CONCAT(first_name, last_name)" ) );
	}

	public function test_phones_are_written_in_many_ways_with_a_few_invalid_empty_and_shared(): void {
		$phones = array_map( 'strval', $this->column( "SELECT a.phone FROM wp_wc_order_addresses a JOIN wp_wc_orders o ON o.id = a.order_id WHERE a.address_type = 'billing' AND o.billing_email LIKE '%@example.test' GROUP BY o.billing_email, a.phone" ) );
		$this->assertContains( '', $phones );
		$this->assertNotEmpty( array_filter( $phones, static fn( $p ) => '' !== $p && ( preg_match( '/[a-z]/i', $p ) || strlen( (string) preg_replace( '/\D/', '', $p ) ) < 9 ) ), 'some phones are not phone numbers' );
		$italian = array_filter( $phones, static fn( $p ) => (bool) preg_match( '/^\D*(\+39|0039)?\D*3\d\d/', $p ) );
		$shapes  = array_unique( array_map( static fn( $p ) => preg_replace( '/\d/', '9', $p ), $italian ) );
		$this->assertGreaterThanOrEqual( 6, count( $shapes ), 'Italian numbers in at least six written forms' );
		foreach ( array( '+39 ', '0039', '-', '.', '/' ) as $marker ) {
			$this->assertNotEmpty( array_filter( $italian, static fn( $p ) => false !== strpos( $p, $marker ) ), "some Italian phone contains $marker" );
		}
		// A phone shared by customers with different e-mail addresses (a family, a small business).
		$digits = "REGEXP_REPLACE(a.phone, '[^0-9]', '')";
		$this->assertGreaterThan(
			0,
			(int) $this->value( "SELECT COUNT(*) FROM (SELECT RIGHT($digits, 9) d FROM wp_wc_order_addresses a JOIN wp_wc_orders o ON o.id = a.order_id WHERE a.address_type = 'billing' AND LENGTH($digits) >= 9 GROUP BY d HAVING COUNT(DISTINCT o.billing_email) > 1) shared" )
		);
	}

	public function test_two_years_of_orders_in_four_statuses(): void {
		$statuses = $this->column( "SELECT DISTINCT status FROM wp_wc_orders WHERE type = 'shop_order' AND billing_email LIKE '%@example.test'" );
		$this->assertEqualsCanonicalizing( array( 'wc-completed', 'wc-processing', 'wc-refunded', 'wc-cancelled' ), $statuses );
		// Processing orders are recent ones: older orders have been completed or closed.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders WHERE status = 'wc-processing' AND billing_email LIKE '%@example.test' AND date_created_gmt < (SELECT MAX(date_created_gmt) FROM wp_wc_orders) - INTERVAL 31 DAY" ) );
		// Completed orders were paid and completed after they were placed.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_operational_data d ON d.order_id = o.id WHERE o.status = 'wc-completed' AND o.type = 'shop_order' AND (d.date_paid_gmt IS NULL OR d.date_completed_gmt IS NULL OR d.date_completed_gmt < o.date_created_gmt)" ) );
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
		// What demo.php recorded (the e2e tests, which run before, may since have changed a few contacts' consent).
		$agreed = (int) $this->value( "SELECT COUNT(DISTINCT contact_id) FROM {$wpdb->prefix}rondine_consent_log WHERE status = 'granted' AND source = 'bulk'" );
		$this->assertGreaterThan( 0.6, $agreed / $with );
		$this->assertLessThan( 0.8, $agreed / $with );
		$this->assertGreaterThan( 0.5, (int) $this->value( "SELECT COUNT(*) FROM $table WHERE consent = 'granted'" ) / $with );
	}
}
