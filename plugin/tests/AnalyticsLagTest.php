<?php
/**
 * Segments stay right while WooCommerce Analytics lags behind the orders.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Analytics;
use Rondine\Audience\Contacts;
use Rondine\Audience\SegmentQuery;

/**
 * Orders are created with WooCommerce's own API (wc_create_order, real products, real status changes): WooCommerce
 * then queues their analytics import (Action Scheduler, `wc-admin_import_orders`), which nothing runs during a test,
 * so wc_order_stats and wc_customer_lookup lack them exactly as on a shop whose queue has not run yet.
 */
final class AnalyticsLagTest extends TestCase {

	/**
	 * A product of this test.
	 *
	 * @var \WC_Product_Simple|null
	 */
	private ?\WC_Product_Simple $product = null;

	/**
	 * Skips nothing: the stack runs the real WooCommerce, and a test without it would prove nothing.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->assertTrue( function_exists( 'wc_create_order' ), 'WooCommerce is active in the test WordPress' );
		Analytics::reset();
		$this->product = new \WC_Product_Simple();
		$this->product->set_name( 'Lag test product' );
		$this->product->set_regular_price( '10' );
		$this->product->save();
	}

	/**
	 * Forget this request's catch-up (the next test is another "request").
	 */
	protected function tearDown(): void {
		Analytics::reset();
		parent::tearDown();
	}

	/**
	 * An order placed through WooCommerce's API.
	 *
	 * @param array<string,mixed> $data phone, city, country, quantity (× 10 €), days_ago, status, user_id, email.
	 */
	private function place( array $data ): \WC_Order {
		$order = wc_create_order( array( 'customer_id' => (int) ( $data['user_id'] ?? 0 ) ) );
		$order->add_product( $this->product, (int) ( $data['quantity'] ?? 1 ) );
		$order->set_billing_first_name( 'Lag' );
		$order->set_billing_last_name( 'Customer' );
		$order->set_billing_email( $data['email'] ?? 'lag-' . wp_generate_password( 8, false ) . '@example.test' );
		$order->set_billing_phone( (string) $data['phone'] );
		$order->set_billing_country( $data['country'] ?? 'IT' );
		$order->set_billing_city( (string) $data['city'] );
		$order->set_payment_method( 'cod' );
		$order->set_date_created( time() - (int) ( $data['days_ago'] ?? 1 ) * DAY_IN_SECONDS );
		$order->calculate_totals( false );
		$order->save();
		$order->update_status( $data['status'] ?? 'completed' );
		return $order;
	}

	/**
	 * "Spent over X in the last year, in Italy", narrowed to this test's city.
	 *
	 * @param string $city City.
	 * @param float  $over Amount.
	 * @return array<string,mixed>
	 */
	private function segment( string $city, float $over ): array {
		return array(
			'groups' => array(
				array(
					'match'   => 'all',
					'filters' => array(
						array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'IT' ) ),
						array( 'field' => 'billing_city', 'op' => 'is', 'value' => $city ),
						array( 'field' => 'total_spent', 'op' => 'gt', 'value' => $over, 'within_days' => 365 ),
					),
				),
			),
		);
	}

	/**
	 * How many contacts the segment matches (consent aside).
	 *
	 * @param array<string,mixed> $definition Segment.
	 */
	private function segment_count( array $definition ): int {
		global $wpdb;
		return (int) $wpdb->get_var( 'SELECT COUNT(*) FROM (' . SegmentQuery::compile( $definition ) . ') x' ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * The same question asked of WooCommerce's order tables alone (HPOS or posts): distinct billing phones in Italy, in
	 * the city, whose orders of the counted statuses in the last 365 days add up to more than X, refunds deducted.
	 *
	 * @param string $city City.
	 * @param float  $over Amount.
	 */
	private function independent_count( string $city, float $over ): int {
		global $wpdb;
		$since = gmdate( 'Y-m-d H:i:s', time() - 365 * DAY_IN_SECONDS );
		if ( \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() ) {
			$sql = $wpdb->prepare(
				"SELECT COUNT(*) FROM (SELECT a.phone FROM {$wpdb->prefix}wc_orders o JOIN {$wpdb->prefix}wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing'
				WHERE o.type = 'shop_order' AND o.status IN ('wc-completed', 'wc-processing', 'wc-on-hold') AND a.country = 'IT' AND a.city = %s AND o.date_created_gmt >= %s
				GROUP BY a.phone
				HAVING SUM(o.total_amount) - COALESCE(SUM((SELECT SUM(ABS(r.total_amount)) FROM {$wpdb->prefix}wc_orders r WHERE r.parent_order_id = o.id AND r.type = 'shop_order_refund')), 0) > %f) t",
				$city,
				$since,
				$over
			);
		} else {
			$sql = $wpdb->prepare(
				"SELECT COUNT(*) FROM (SELECT ph.meta_value AS phone FROM {$wpdb->posts} o
				JOIN {$wpdb->postmeta} ph ON ph.post_id = o.ID AND ph.meta_key = '_billing_phone'
				JOIN {$wpdb->postmeta} co ON co.post_id = o.ID AND co.meta_key = '_billing_country' AND co.meta_value = 'IT'
				JOIN {$wpdb->postmeta} ci ON ci.post_id = o.ID AND ci.meta_key = '_billing_city' AND ci.meta_value = %s
				JOIN {$wpdb->postmeta} t ON t.post_id = o.ID AND t.meta_key = '_order_total'
				WHERE o.post_type = 'shop_order' AND o.post_status IN ('wc-completed', 'wc-processing', 'wc-on-hold') AND o.post_date_gmt >= %s
				GROUP BY ph.meta_value
				HAVING SUM(t.meta_value) - COALESCE(SUM((SELECT SUM(ABS(rt.meta_value)) FROM {$wpdb->posts} r JOIN {$wpdb->postmeta} rt ON rt.post_id = r.ID AND rt.meta_key = '_order_total' WHERE r.post_parent = o.ID AND r.post_type = 'shop_order_refund')), 0) > %f) x",
				$city,
				$since,
				$over
			);
		}
		return (int) $wpdb->get_var( $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Rows of wc_order_stats for these orders.
	 *
	 * @param int[] $ids Orders.
	 */
	private function imported( array $ids ): int {
		global $wpdb;
		return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_order_stats WHERE order_id IN (" . implode( ',', array_map( 'intval', $ids ) ) . ')' ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Runs WooCommerce's queued analytics imports as its Action Scheduler would.
	 */
	private function run_woocommerce_queue(): int {
		$ran = 0;
		foreach ( array( 'wc-admin_import_orders', 'wc-admin_import_customers' ) as $hook ) {
			foreach ( as_get_scheduled_actions( array( 'hook' => $hook, 'status' => \ActionScheduler_Store::STATUS_PENDING, 'per_page' => -1 ), 'ids' ) as $action_id ) {
				\ActionScheduler::runner()->process_action( $action_id, 'rondine-test' );
				++$ran;
			}
		}
		return $ran;
	}

	/**
	 * Guests and a registered customer whose orders WooCommerce has not imported into its analytics yet are counted as
	 * the order tables say, and the count is the same once WooCommerce's queue has run.
	 */
	public function test_segment_counts_orders_before_woocommerce_imports_them(): void {
		$city = 'Lag ' . wp_generate_password( 6, false );
		$user = $this->user( 'customer' );
		$ids  = array(
			$this->place( array( 'phone' => '+39 333 1110001', 'city' => $city, 'quantity' => 12 ) )->get_id(), // 120 €: in.
			$this->place( array( 'phone' => '+39 333 1110002', 'city' => $city, 'quantity' => 5 ) )->get_id(),  // 50 €: out…
			$this->place( array( 'phone' => '+39 333 1110002', 'city' => $city, 'quantity' => 6, 'days_ago' => 30 ) )->get_id(), // …110 € together: in.
			$this->place( array( 'phone' => '+39 333 1110003', 'city' => $city, 'quantity' => 20, 'days_ago' => 400 ) )->get_id(), // more than a year ago: out.
			$this->place( array( 'phone' => '+39 333 1110004', 'city' => $city, 'quantity' => 15, 'status' => 'pending' ) )->get_id(), // not a counted status: out.
			$this->place( array( 'phone' => '+39 333 1110005', 'city' => $city, 'quantity' => 11, 'user_id' => $user ) )->get_id(), // registered, 110 €: in.
		);
		$this->assertSame( 0, $this->imported( $ids ), 'WooCommerce has only queued the analytics import of these orders' );
		$this->assertGreaterThanOrEqual( count( $ids ), Analytics::stale( 0 ), 'the lag is detected' );

		$expected = $this->independent_count( $city, 100 );
		$this->assertSame( 3, $expected );
		$this->assertSame( $expected, $this->segment_count( $this->segment( $city, 100 ) ), 'counted before WooCommerce\'s queue ran' );
		$this->assertSame( count( $ids ), $this->imported( $ids ), 'imported by WooCommerce\'s own importer' );

		$this->assertGreaterThan( 0, $this->run_woocommerce_queue(), 'WooCommerce had queued its imports' );
		Analytics::reset();
		$this->assertSame( $expected, $this->segment_count( $this->segment( $city, 100 ) ), 'the same count after WooCommerce\'s queue ran' );
		$this->assertSame( $expected, $this->independent_count( $city, 100 ) );

		// A status change WooCommerce has not imported either: the order leaves the count at once.
		wc_get_order( $ids[0] )->update_status( 'cancelled' );
		Analytics::reset();
		$this->assertSame( $expected - 1, $this->independent_count( $city, 100 ) );
		$this->assertSame( $expected - 1, $this->segment_count( $this->segment( $city, 100 ) ) );

		// A refund lowers the figures: 110 € - 20 € is no longer over 100 €.
		wc_create_refund( array( 'order_id' => $ids[5], 'amount' => 20 ) );
		Analytics::reset();
		$this->assertSame( $expected - 2, $this->independent_count( $city, 100 ) );
		$this->assertSame( $expected - 2, $this->segment_count( $this->segment( $city, 100 ) ) );
		$this->run_woocommerce_queue();
		Analytics::reset();
		$this->assertSame( $expected - 2, $this->segment_count( $this->segment( $city, 100 ) ) );
	}

	/**
	 * The status route says how many orders WooCommerce Analytics lacks when they cannot be imported here, and says
	 * nothing once they are.
	 */
	public function test_status_names_the_missing_orders(): void {
		global $wpdb;
		wp_set_current_user( $this->user( 'administrator' ) );
		$city  = 'Lag ' . wp_generate_password( 6, false );
		$order = $this->place( array( 'phone' => '+39 333 1110009', 'city' => $city ) );
		$this->assertSame( 0, $this->imported( array( $order->get_id() ) ) );
		$woo = $this->rest( 'GET', '/rondine/v1/status' )->get_data()['woocommerce'];
		$this->assertSame( 1, $this->imported( array( $order->get_id() ) ), 'the status screen has WooCommerce import what it lacks' );
		$this->assertSame( 0, $woo['analytics_missing'] );
		$this->assertNull( $woo['notice'] );
		$contact = $wpdb->get_row( $wpdb->prepare( 'SELECT * FROM ' . Contacts::table() . ' WHERE phone = %s', '+393331110009' ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$this->assertSame( $city, $contact['city'], 'the guest is a contact' );

		// Without WooCommerce's importer (WooCommerce inactive, its tables only) the missing orders are named.
		$second = $this->place( array( 'phone' => '+39 333 1110010', 'city' => $city ) );
		add_filter( 'rondine_analytics_can_import', '__return_false' );
		try {
			$woo = $this->rest( 'GET', '/rondine/v1/status' )->get_data()['woocommerce'];
		} finally {
			remove_filter( 'rondine_analytics_can_import', '__return_false' );
		}
		$this->assertSame( 0, $this->imported( array( $second->get_id() ) ) );
		$this->assertGreaterThanOrEqual( 1, $woo['analytics_missing'] );
		$this->assertStringContainsString( 'Import historical data', (string) $woo['notice'] );
		$this->assertStringContainsString( number_format_i18n( $woo['analytics_missing'] ), (string) $woo['notice'] );
	}

	/**
	 * WooCommerce's hooks fired twice for one order (saved twice, the same status set twice, a status changed back and
	 * forth, its import queued twice): the contact's figures are recomputed from WooCommerce's rows, never added to,
	 * so the order counts once.
	 */
	public function test_an_order_saved_or_changed_twice_counts_once(): void {
		global $wpdb;
		$city  = 'Twice ' . wp_generate_password( 6, false );
		$order = $this->place( array( 'phone' => '+39 333 1110020', 'city' => $city, 'quantity' => 12 ) );
		$this->assertSame( 1, $this->segment_count( $this->segment( $city, 100 ) ) );
		$figures = fn() => $wpdb->get_row( $wpdb->prepare( 'SELECT orders_count, total_spent FROM ' . Contacts::table() . ' WHERE phone = %s', '+393331110020' ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$this->assertSame( array( 'orders_count' => '1', 'total_spent' => '120.0000' ), $figures() );

		$order->save();
		$order->save();
		$order->update_status( 'completed' );
		$order->update_status( 'processing' );
		$order->update_status( 'completed' );
		$this->run_woocommerce_queue();
		$this->run_woocommerce_queue();
		Analytics::reset();
		$this->assertSame( 1, $this->segment_count( $this->segment( $city, 100 ) ) );
		\Rondine\Audience\CustomerSync::sync_customers( array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT customer_id FROM {$wpdb->prefix}wc_order_stats WHERE order_id = %d", $order->get_id() ) ) ) );
		$this->assertSame( array( 'orders_count' => '1', 'total_spent' => '120.0000' ), $figures(), 'one order, counted once' );
		$this->assertSame( 1, $this->segment_count( $this->segment( $city, 119 ) ) );
		$this->assertSame( 0, $this->segment_count( $this->segment( $city, 120 ) ) );
	}

	/**
	 * A sync that runs while WooCommerce is importing a guest's order (its wc_customer_lookup row written, the order's
	 * wc_order_stats row not yet, as happens when Action Scheduler and a catch-up run side by side) leaves that guest
	 * for the next sync: it used to make a contact without a phone, so the guest who ticked the box at checkout ended
	 * up as two contacts, the consented one without the orders and a phoneless one with them.
	 */
	public function test_a_guest_synced_in_the_middle_of_woocommerces_import_stays_one_contact(): void {
		global $wpdb;
		$city  = 'Midway ' . wp_generate_password( 6, false );
		$email = 'midway-' . wp_generate_password( 8, false ) . '@example.test';
		$order = $this->place( array( 'phone' => '+39 333 1110031', 'city' => $city, 'quantity' => 3, 'email' => $email, 'status' => 'processing' ) );
		$order->update_meta_data( \Rondine\Consent\Checkout::ORDER_META, 'ticked' );
		$order->save();
		\Rondine\Consent\Checkout::block_order_processed( $order );
		$contacts = fn() => $wpdb->get_results( $wpdb->prepare( 'SELECT id, customer_id, phone, consent, orders_count FROM ' . Contacts::table() . ' WHERE email = %s ORDER BY id', $email ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$this->assertCount( 1, $contacts(), 'the checkout made the consented contact' );

		// WooCommerce's import has written the guest, not yet the order's stats.
		// (Its importer reads the order through wc-admin's own order class, as here.)
		$customer = (int) \Automattic\WooCommerce\Admin\API\Reports\Customers\DataStore::get_or_create_customer_from_order( new \Automattic\WooCommerce\Admin\Overrides\Order( $order->get_id() ) );
		$this->assertGreaterThan( 0, $customer );
		$this->assertSame( 0, $this->imported( array( $order->get_id() ) ) );
		\Rondine\Audience\CustomerSync::sync_customers( array( $customer ) );
		$this->assertCount( 1, $contacts(), 'no phoneless contact for a guest WooCommerce is still importing' );

		\Automattic\WooCommerce\Internal\Admin\Schedulers\OrdersScheduler::import( $order->get_id() );
		\Rondine\Audience\CustomerSync::sync_customers( array( $customer ) );
		$rows = $contacts();
		$this->assertCount( 1, $rows, 'one person, one contact' );
		$this->assertSame( array( (string) $customer, '+393331110031', 'granted', '1' ), array( $rows[0]['customer_id'], $rows[0]['phone'], $rows[0]['consent'], $rows[0]['orders_count'] ) );
	}
}
