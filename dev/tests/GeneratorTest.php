<?php
/**
 * The generator itself: same seed, same shop; other modes; bad arguments refused without touching the data.
 * Runs last (it regenerates the environment's shop) and leaves the default shop (seed 1, 500 customers) behind.
 *
 * @package Rondine\Dev
 */

use PHPUnit\Framework\TestCase;

final class GeneratorTest extends TestCase {
	/**
	 * Runs generate.php against the environment.
	 *
	 * @param string[] $args Arguments.
	 * @return array{0:int,1:string} Exit status and what it printed on stderr.
	 */
	private function generate( array $args ): array {
		$command = array_merge( array( PHP_BINARY, '-d', 'memory_limit=1G', dirname( __DIR__ ) . '/woocommerce/generate.php' ), $args );
		$process = proc_open( $command, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes, null, array( 'RONDINE_WP_DIR' => getenv( 'RONDINE_WP_DIR' ), 'PATH' => getenv( 'PATH' ) ) );
		$this->assertIsResource( $process );
		stream_get_contents( $pipes[1] );
		$stderr = (string) stream_get_contents( $pipes[2] );
		return array( proc_close( $process ), $stderr );
	}

	private function value( string $sql ) {
		global $wpdb;
		$wpdb->flush();
		return $wpdb->get_var( $sql );
	}

	/** What a shop is made of, independent of row ids the database hands out. */
	private function fingerprint(): string {
		global $wpdb;
		$wpdb->query( 'SET SESSION group_concat_max_len = 100000000' );
		return md5(
			(string) $this->value( "SELECT GROUP_CONCAT(CONCAT_WS('|', first_name, last_name, email, country, city, postcode) ORDER BY customer_id) FROM wp_wc_customer_lookup" ) .
			(string) $this->value( "SELECT GROUP_CONCAT(CONCAT_WS('|', o.status, o.total_amount, o.tax_amount, o.date_created_gmt, o.billing_email, a.phone) ORDER BY o.id) FROM wp_wc_orders o JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing'" ) .
			(string) $this->value( "SELECT GROUP_CONCAT(CONCAT_WS('|', order_item_name, order_item_type) ORDER BY order_item_id) FROM wp_woocommerce_order_items" )
		);
	}

	private function option( string $name ): ?string {
		global $wpdb;
		$wpdb->flush();
		return $wpdb->get_var( $wpdb->prepare( 'SELECT option_value FROM wp_options WHERE option_name = %s', $name ) );
	}

	public function test_bad_arguments_are_refused_with_a_message_and_change_nothing(): void {
		$before = $this->fingerprint();
		list( $status, $stderr ) = $this->generate( array( '--mode=sideways' ) );
		$this->assertSame( 2, $status );
		$this->assertStringContainsString( '--mode hpos|legacy|both', $stderr );

		list( $status, $stderr ) = $this->generate( array( '--customers=10', '--orders=5' ) );
		$this->assertSame( 2, $status );
		$this->assertStringContainsString( '--orders >= --customers', $stderr );
		$this->assertSame( $before, $this->fingerprint() );
	}

	public function test_a_shop_that_has_data_is_not_generated_over_without_reset(): void {
		$before = $this->fingerprint();
		list( $status, $stderr ) = $this->generate( array( '--customers=50', '--seed=3' ) );
		$this->assertSame( 3, $status );
		$this->assertStringContainsString( 'pass --reset', $stderr );
		$this->assertSame( $before, $this->fingerprint() );
	}

	public function test_the_same_seed_gives_the_same_shop_and_another_seed_another(): void {
		$args = array( '--reset', '--customers=120', '--orders=300', '--until=2026-01-15' );
		$this->assertSame( 0, $this->generate( array_merge( $args, array( '--seed=7' ) ) )[0] );
		$first = $this->fingerprint();
		$this->assertSame( 0, $this->generate( array_merge( $args, array( '--seed=7' ) ) )[0] );
		$this->assertSame( $first, $this->fingerprint() );
		$this->assertSame( 0, $this->generate( array_merge( $args, array( '--seed=8' ) ) )[0] );
		$this->assertNotSame( $first, $this->fingerprint() );
		$this->assertSame( '2026-01-15', substr( (string) $this->value( 'SELECT MAX(date_created_gmt) FROM wp_wc_orders' ), 0, 10 ) );
	}

	public function test_legacy_mode_stores_orders_as_posts_with_their_meta(): void {
		$this->assertSame( 0, $this->generate( array( '--reset', '--customers=80', '--orders=200', '--mode=legacy' ) )[0] );
		$this->assertSame( 'no', $this->option( 'woocommerce_custom_orders_table_enabled' ) );
		$this->assertSame( '0', $this->value( 'SELECT COUNT(*) FROM wp_wc_orders' ) );
		$this->assertSame( '200', $this->value( "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order' AND post_status LIKE 'wc-%'" ) );
		$this->assertSame( '200', $this->value( "SELECT COUNT(*) FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id AND p.post_type = 'shop_order' WHERE m.meta_key = '_billing_email'" ) );
		// As WooCommerce does, no meta for an empty phone: every order with a phone has it, none has an empty one.
		$this->assertSame(
			$this->value( "SELECT COUNT(*) FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id AND p.post_type = 'shop_order' WHERE m.meta_key = '_billing_address_index' AND m.meta_value NOT LIKE '% '" ),
			$this->value( "SELECT COUNT(*) FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id AND p.post_type = 'shop_order' WHERE m.meta_key = '_billing_phone' AND m.meta_value <> ''" )
		);
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id AND p.post_type = 'shop_order' WHERE m.meta_key = '_billing_phone' AND m.meta_value = ''" ) );
		$this->assertSame( '200', $this->value( "SELECT COUNT(*) FROM wp_wc_order_stats s JOIN wp_posts p ON p.ID = s.order_id AND p.post_type = 'shop_order'" ) );
		// Refunds are shop_order_refund posts under their order, with the amount in their meta.
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_order_stats s LEFT JOIN wp_posts p ON p.ID = s.order_id AND p.post_type = 'shop_order_refund' AND p.post_parent = s.parent_id LEFT JOIN wp_postmeta m ON m.post_id = p.ID AND m.meta_key = '_refund_amount' WHERE s.parent_id > 0 AND (p.ID IS NULL OR ABS(m.meta_value + s.total_sales) > 0.005)" ) );
	}

	public function test_both_mode_keeps_hpos_and_posts_in_sync(): void {
		$this->assertSame( 0, $this->generate( array( '--reset', '--customers=80', '--orders=200', '--mode=both' ) )[0] );
		$this->assertSame( 'yes', $this->option( 'woocommerce_custom_orders_table_enabled' ) );
		$this->assertSame( 'yes', $this->option( 'woocommerce_custom_orders_table_data_sync_enabled' ) );
		$this->assertSame( '200', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_posts p ON p.ID = o.id AND p.post_type = 'shop_order' AND p.post_status = o.status" ) );
		$this->assertSame( '0', $this->value( "SELECT COUNT(*) FROM wp_wc_orders o JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing' JOIN wp_postmeta m ON m.post_id = o.id AND m.meta_key = '_billing_phone' WHERE m.meta_value <> a.phone" ) );
	}

	public static function tearDownAfterClass(): void {
		// Leave the environment's default shop behind.
		$command = array( PHP_BINARY, '-d', 'memory_limit=1G', dirname( __DIR__ ) . '/woocommerce/generate.php', '--reset' );
		$process = proc_open( $command, array( 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes, null, array( 'RONDINE_WP_DIR' => getenv( 'RONDINE_WP_DIR' ), 'PATH' => getenv( 'PATH' ) ) );
		proc_close( $process );
	}
}
