<?php
/**
 * The SQL generator (dev/woocommerce/generate.php, for benchmark-sized shops) writes the rows WooCommerce itself would.
 *
 * For a small seed, the generator makes a shop; its orders are read back with wc_get_order() and made again, the same
 * orders (customer, addresses, lines, shipping, status, dates, refunds), through WooCommerce's API: WC_Order and its
 * setters, wc_create_refund(), then WooCommerce's queued actions and its historical analytics import run (see
 * run_queue()). The rows of wc_orders,
 * wc_order_addresses, wc_order_operational_data, wc_order_stats, wc_customer_lookup and wc_order_product_lookup (in the
 * legacy storage: the orders' posts and postmeta, and the analytics tables) are compared column by column. What is ignored, and why:
 *   - row ids (order, item, address, meta and analytics customer ids): the database hands them out; orders are compared
 *     in the order they were made, references to other rows through that position or the customer's e-mail;
 *   - wc_orders.date_updated_gmt, posts' post_modified(_gmt) and _edit_last-like bookkeeping: WooCommerce stamps the
 *     time of the save;
 *   - wc_customer_lookup.date_last_active: WooCommerce sets it to the time of the import for registered customers;
 *   - wc_customer_lookup rows of accounts that are not the generated shop's (see snapshot()).
 *
 * It leaves the generated shop behind (GeneratorTest, which runs next, regenerates it anyway).
 *
 * @package Rondine\Dev
 */

use PHPUnit\Framework\TestCase;

final class GeneratorMatchesWooCommerceTest extends TestCase {
	const ORDER_TABLES = array( 'wc_orders', 'wc_order_addresses', 'wc_order_operational_data', 'wc_orders_meta', 'wc_order_stats', 'wc_order_product_lookup', 'wc_customer_lookup', 'woocommerce_order_items', 'woocommerce_order_itemmeta' );

	private function generate( array $args ): void {
		$command = array_merge( array( PHP_BINARY, '-d', 'memory_limit=1G', dirname( __DIR__ ) . '/woocommerce/generate.php' ), $args );
		$process = proc_open( $command, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes, null, array( 'RONDINE_WP_DIR' => getenv( 'RONDINE_WP_DIR' ), 'PATH' => getenv( 'PATH' ) ) );
		$this->assertIsResource( $process );
		stream_get_contents( $pipes[1] );
		$stderr = (string) stream_get_contents( $pipes[2] );
		$this->assertSame( 0, proc_close( $process ), $stderr );
		$this->fresh();
	}

	/** This process's caches know nothing of what another process wrote. */
	private function fresh(): void {
		global $wpdb;
		$wpdb->flush();
		wp_cache_flush();
		wp_load_alloptions( true );
	}

	private function rows( string $sql ): array {
		global $wpdb;
		$wpdb->flush();
		return $wpdb->get_results( $sql, ARRAY_A );
	}

	/**
	 * What the shop's orders are, read through WooCommerce's API.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	private function read_orders(): array {
		global $wpdb;
		$ids    = $wpdb->get_col( "SELECT ID FROM {$wpdb->posts} WHERE post_type IN ('shop_order','shop_order_placehold') AND post_parent = 0 ORDER BY ID" );
		$orders = array();
		foreach ( $ids as $id ) {
			$order = wc_get_order( (int) $id );
			if ( ! $order || 'shop_order' !== $order->get_type() ) {
				continue;
			}
			$props = array();
			foreach ( array( 'status', 'currency', 'prices_include_tax', 'customer_id', 'payment_method', 'payment_method_title', 'transaction_id', 'customer_ip_address', 'customer_user_agent', 'created_via', 'customer_note', 'date_created', 'date_paid', 'date_completed', 'cart_hash', 'order_key', 'discount_total', 'discount_tax', 'shipping_total', 'shipping_tax', 'cart_tax', 'total' ) as $prop ) {
				$props[ $prop ] = $order->{"get_$prop"}( 'edit' );
			}
			$props['billing']  = $order->get_address( 'billing' );
			$props['shipping'] = $order->get_address( 'shipping' );
			$lines             = array();
			foreach ( $order->get_items( array( 'line_item', 'shipping' ) ) as $item_id => $item ) {
				$lines[ $item_id ] = $item->get_type() === 'line_item'
					? array( 'line_item', $item->get_name(), $item->get_product_id(), $item->get_variation_id(), $item->get_quantity(), $item->get_subtotal(), $item->get_subtotal_tax(), $item->get_total(), $item->get_total_tax() )
					: array( 'shipping', $item->get_name(), $item->get_method_id(), $item->get_instance_id(), $item->get_total() );
			}
			$refunds = array();
			foreach ( array_reverse( $order->get_refunds() ) as $refund ) {
				$refunded = array();
				foreach ( $refund->get_items( array( 'line_item', 'shipping' ) ) as $item ) {
					$refunded[ (int) $item->get_meta( '_refunded_item_id' ) ] = array( abs( (float) $item->get_quantity() ), abs( (float) $item->get_total() ) );
				}
				$refunds[] = array( $refund->get_amount(), $refund->get_reason(), $refund->get_date_created()->getTimestamp(), $refunded );
			}
			$orders[] = compact( 'props', 'lines', 'refunds' );
		}
		return $orders;
	}

	/** Empties the order tables, keeping the users and products, as a shop without orders. */
	private function remove_orders(): void {
		global $wpdb;
		foreach ( self::ORDER_TABLES as $table ) {
			$wpdb->query( "TRUNCATE TABLE {$wpdb->prefix}$table" );
		}
		$wpdb->query( "DELETE pm FROM {$wpdb->postmeta} pm JOIN {$wpdb->posts} p ON p.ID = pm.post_id WHERE p.post_type IN ('shop_order','shop_order_refund','shop_order_placehold')" );
		$wpdb->query( "DELETE FROM {$wpdb->posts} WHERE post_type IN ('shop_order','shop_order_refund','shop_order_placehold')" );
		$wpdb->query( "DELETE FROM {$wpdb->comments} WHERE comment_type = 'order_note'" );
		$wpdb->query( "DELETE FROM {$wpdb->prefix}actionscheduler_actions WHERE hook LIKE 'wc-admin_%'" );
		$this->fresh();
	}

	/** The same order, made with WC_Order's setters, then its refunds with wc_create_refund(). */
	private function make_order( array $o ): void {
		$order = new WC_Order();
		$props = $o['props'];
		$final = $props['status'];
		foreach ( array( 'currency', 'prices_include_tax', 'customer_id', 'payment_method', 'payment_method_title', 'transaction_id', 'customer_ip_address', 'customer_user_agent', 'created_via', 'customer_note', 'date_created', 'date_paid', 'date_completed', 'cart_hash', 'order_key' ) as $prop ) {
			$order->{"set_$prop"}( $props[ $prop ] );
		}
		$order->set_address( $props['billing'], 'billing' );
		$order->set_address( $props['shipping'], 'shipping' );
		$map = array();
		foreach ( $o['lines'] as $src_id => $line ) {
			if ( 'line_item' === $line[0] ) {
				$item = new WC_Order_Item_Product();
				$item->set_props(
					array(
						'name'         => $line[1],
						'product_id'   => $line[2],
						'variation_id' => $line[3],
						'quantity'     => $line[4],
						'subtotal'     => $line[5],
						'subtotal_tax' => $line[6],
						'total'        => $line[7],
						'total_tax'    => $line[8],
					)
				);
			} else {
				$item = new WC_Order_Item_Shipping();
				$item->set_props(
					array(
						'method_title' => $line[1],
						'method_id'    => $line[2],
						'instance_id'  => $line[3],
						'total'        => $line[4],
					)
				);
			}
			$order->add_item( $item );
			$map[ $src_id ] = $item;
		}
		foreach ( array( 'discount_total', 'discount_tax', 'shipping_total', 'shipping_tax', 'cart_tax', 'total' ) as $prop ) {
			$order->{"set_$prop"}( $props[ $prop ] );
		}
		// A refunded order was completed, then refunded in full: wc_create_refund() moves it to "refunded".
		$order->set_status( 'refunded' === $final ? 'completed' : $final );
		// Becoming "completed" stamps the time as date_completed: the order's own dates are set again after.
		$order->set_date_paid( $props['date_paid'] );
		$order->set_date_completed( $props['date_completed'] );
		$order->save();

		foreach ( $o['refunds'] as list( $amount, $reason, $at, $refunded ) ) {
			$items = array();
			foreach ( $refunded as $src_item => list( $qty, $total ) ) {
				$items[ $map[ $src_item ]->get_id() ] = array(
					'qty'          => $qty,
					'refund_total' => $total,
				);
			}
			$refund = wc_create_refund(
				array(
					'order_id'       => $order->get_id(),
					'amount'         => $amount,
					'reason'         => $reason,
					'line_items'     => $items,
					'date_created'   => $at,
					'refund_payment' => false,
					'restock_items'  => false,
				)
			);
			$this->assertNotWPError( $refund );
		}
		$this->assertSame( $final, wc_get_order( $order->get_id() )->get_status() );
	}

	private function assertNotWPError( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? $value->get_error_message() : '' );
	}

	/**
	 * The rows to compare, ids replaced by the order's position (orders are made in the same sequence both ways) and
	 * analytics customer ids by the customer's e-mail.
	 *
	 * @return array<string,array<int,array<string,mixed>>>
	 */
	private function snapshot( bool $posts ): array {
		global $wpdb;
		$p        = $wpdb->prefix;
		$position = array();
		foreach ( $wpdb->get_col( $posts ? "SELECT ID FROM {$wpdb->posts} WHERE post_type IN ('shop_order','shop_order_refund') ORDER BY ID" : "SELECT id FROM {$p}wc_orders ORDER BY id" ) as $n => $id ) {
			$position[ (int) $id ] = $n + 1;
		}
		$pos   = static fn( $id ) => null === $id ? null : ( 0 === (int) $id ? 0 : ( $position[ (int) $id ] ?? 'unknown ' . $id ) );
		$email = array();
		foreach ( $this->rows( "SELECT customer_id, email FROM {$p}wc_customer_lookup" ) as $row ) {
			$email[ (int) $row['customer_id'] ] = $row['email'];
		}
		$who = static fn( $id ) => null === $id ? null : ( $email[ (int) $id ] ?? 'unknown ' . $id );

		$out = array();
		if ( $posts ) {
			$out['posts'] = array_map(
				static function ( $row ) use ( $pos ) {
					$row['ID']          = $pos( $row['ID'] );
					$row['post_parent'] = $pos( $row['post_parent'] );
					// post_name is made from the time of the call that creates the post (and made unique with a suffix);
					// comment_count counts the order notes, which the generator does not write.
					unset( $row['post_modified'], $row['post_modified_gmt'], $row['guid'], $row['post_name'], $row['comment_count'] );
					if ( 'shop_order_refund' === $row['post_type'] ) {
						// A refund's title has the time of the call that makes it and its key is random.
						unset( $row['post_title'], $row['post_password'] );
					}
					return $row;
				},
				$this->rows( "SELECT * FROM {$wpdb->posts} WHERE post_type IN ('shop_order','shop_order_refund') ORDER BY ID" )
			);
			// One row per order: its meta as key => value (WooCommerce writes them in another order than the generator).
			$meta = array();
			foreach ( $this->rows( "SELECT m.post_id, m.meta_key, m.meta_value FROM {$wpdb->postmeta} m JOIN {$wpdb->posts} p ON p.ID = m.post_id AND p.post_type IN ('shop_order','shop_order_refund') ORDER BY m.post_id, m.meta_key, m.meta_id" ) as $row ) {
				$meta[ $pos( $row['post_id'] ) ][ $row['meta_key'] ] = $row['meta_value'];
			}
			ksort( $meta );
			$out['postmeta'] = array_values( $meta );
		} else {
			$out['wc_orders'] = array_map(
				static function ( $row ) use ( $pos ) {
					$row['id']              = $pos( $row['id'] );
					$row['parent_order_id'] = $pos( $row['parent_order_id'] );
					unset( $row['date_updated_gmt'] );
					return $row;
				},
				$this->rows( "SELECT * FROM {$p}wc_orders ORDER BY id" )
			);
			$out['wc_order_operational_data'] = array_map(
				static function ( $row ) use ( $pos ) {
					$row['order_id'] = $pos( $row['order_id'] );
					unset( $row['id'] );
					return $row;
				},
				$this->rows( "SELECT * FROM {$p}wc_order_operational_data ORDER BY order_id" )
			);
			$out['wc_order_addresses'] = array_map(
				static function ( $row ) use ( $pos ) {
					$row['order_id'] = $pos( $row['order_id'] );
					unset( $row['id'] );
					return $row;
				},
				$this->rows( "SELECT * FROM {$p}wc_order_addresses ORDER BY order_id, address_type" )
			);
		}
		$out['wc_order_stats'] = array_map(
			static function ( $row ) use ( $pos, $who ) {
				$row['order_id']    = $pos( $row['order_id'] );
				$row['parent_id']   = $pos( $row['parent_id'] );
				$row['customer_id'] = $who( $row['customer_id'] );
				return $row;
			},
			$this->rows( "SELECT * FROM {$p}wc_order_stats ORDER BY order_id" )
		);
		$out['wc_customer_lookup'] = array_map(
			static function ( $row ) {
				unset( $row['customer_id'], $row['date_last_active'] );
				return $row;
			},
			// The shop's customers: guests, and the accounts the generator made. WooCommerce's historical import also
			// brings in the site's other customer accounts (the stack's `customer` test user), which the generator leaves
			// alone.
			$this->rows( "SELECT * FROM {$p}wc_customer_lookup WHERE user_id IS NULL OR user_id IN (SELECT user_id FROM {$wpdb->usermeta} WHERE meta_key = '_rondine_dev') ORDER BY email, user_id" )
		);
		$out['wc_order_product_lookup'] = array_map(
			static function ( $row ) use ( $pos, $who ) {
				$row['order_id']    = $pos( $row['order_id'] );
				$row['customer_id'] = $who( $row['customer_id'] );
				unset( $row['order_item_id'] );
				return $row;
			},
			$this->rows( "SELECT * FROM {$p}wc_order_product_lookup ORDER BY order_id, order_item_id" )
		);
		return $out;
	}

	/** Column-by-column differences, one line each, for a readable failure. */
	private function differences( array $generated, array $woocommerce ): array {
		$out = array();
		foreach ( $woocommerce as $table => $rows ) {
			if ( count( $rows ) !== count( $generated[ $table ] ) ) {
				$out[] = sprintf( '%s: %d rows generated, %d by WooCommerce', $table, count( $generated[ $table ] ), count( $rows ) );
			}
			foreach ( $rows as $n => $row ) {
				foreach ( array_diff_key( $generated[ $table ][ $n ] ?? array(), $row ) as $column => $value ) {
					$out[] = sprintf( '%s row %d %s: generated %s, WooCommerce (missing)', $table, $n, $column, var_export( $value, true ) );
				}
				foreach ( $row as $column => $value ) {
					$mine = isset( $generated[ $table ][ $n ] ) && array_key_exists( $column, $generated[ $table ][ $n ] ) ? $generated[ $table ][ $n ][ $column ] : '(missing)';
					if ( $mine !== $value ) {
						$out[] = sprintf( '%s row %d %s: generated %s, WooCommerce %s', $table, $n, $column, var_export( $mine, true ), var_export( $value, true ) );
					}
				}
			}
		}
		return array_values( $out );
	}

	/**
	 * Runs WooCommerce's queued actions, then its analytics import of the whole history into empty analytics tables.
	 *
	 * An order saved once (as here, or by any API client) is imported only by the historical import, while an order
	 * updated after its creation (a refund updates it) is imported at once: which rows exist when another order is
	 * imported decides that order's returning_customer flag. WooCommerce's historical import of the whole history, in
	 * date order, is the one reference that does not depend on that: it is what the generator writes.
	 */
	private function run_queue(): void {
		global $wpdb;
		require_once dirname( __DIR__ ) . '/woocommerce/demo.php';
		rondine_dev_run_due_actions( time() + 120 );
		foreach ( array( 'wc_order_stats', 'wc_order_product_lookup', 'wc_customer_lookup' ) as $table ) {
			$wpdb->query( "TRUNCATE TABLE {$wpdb->prefix}$table" );
		}
		rondine_dev_run_woocommerce_queue( 120, true );
		$this->fresh();
	}

	/**
	 * @dataProvider storages
	 */
	public function test_the_generator_writes_the_rows_woocommerce_writes_for_the_same_orders( string $mode ): void {
		$this->generate( array( '--reset', '--customers=12', '--orders=30', '--seed=21', '--until=2026-06-30', "--mode=$mode" ) );
		$posts     = 'legacy' === $mode;
		$generated = $this->snapshot( $posts );
		$orders    = $this->read_orders();
		$this->assertCount( 30, $orders );
		$this->assertGreaterThan( 0, count( array_filter( $orders, static fn( $o ) => ! empty( $o['refunds'] ) ) ), 'the seed has refunds' );

		$this->remove_orders();
		add_filter( 'pre_wp_mail', '__return_false' );
		foreach ( WC()->mailer()->get_emails() as $email ) {
			add_filter( 'woocommerce_email_enabled_' . $email->id, '__return_false' );
		}
		wp_set_current_user( 1 );
		foreach ( $orders as $order ) {
			$this->make_order( $order );
		}
		$this->run_queue();
		$woocommerce = $this->snapshot( $posts );

		$emails = static fn( array $rows ) => array_map( static fn( $r ) => $r['email'] . ( $r['user_id'] ? ' (user ' . $r['user_id'] . ')' : ' (guest)' ), $rows );
		$this->assertSame( $emails( $generated['wc_customer_lookup'] ), $emails( $woocommerce['wc_customer_lookup'] ), 'the same customers' );
		$this->assertSame( array(), $this->differences( $generated, $woocommerce ) );
	}

	public function storages(): array {
		return array(
			'HPOS'   => array( 'hpos' ),
			'legacy' => array( 'legacy' ),
		);
	}
}
