<?php
/**
 * WooCommerce Analytics lagging behind the orders.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Rondine reads customers and order figures from WooCommerce Analytics' lookup tables (`wc_order_stats`,
 * `wc_customer_lookup`). WooCommerce fills them asynchronously: an order saved now is imported by an Action Scheduler
 * action a little later (or every 12 hours with "scheduled import"), and a shop's history is missing until its
 * "Import historical data" has run. This class finds the orders (and refunds) in the order storage (HPOS `wc_orders`
 * or legacy posts) that `wc_order_stats` lacks or holds with another status, and, when WooCommerce is loaded, has
 * WooCommerce import them now with its own importer (`OrdersScheduler::import()`, what its queued action runs), then
 * syncs the customers concerned. Chosen over reading the order tables ourselves: the rows are exactly the ones
 * WooCommerce's queue would write (so counts are the same before and after it runs), and guests get their
 * `wc_customer_lookup` row, which contacts are keyed on. Without WooCommerce loaded (its tables only) nothing can be
 * imported: the status route says how many orders are missing. Before a count (refresh()) the customers of the orders
 * changed since the last check are synced too, so a count never waits for the contacts sync's next run.
 */
final class Analytics {

	/**
	 * Option: GMT time ('Y-m-d H:i:s') up to which orders were checked.
	 */
	public const CHECKED_OPTION = 'rondine_analytics_checked';

	/**
	 * Orders imported per call at most (a request must stay short; the rest waits for the next call or the sync).
	 */
	public const BATCH = 200;

	/**
	 * Whether this request already caught up.
	 *
	 * @var bool
	 */
	private static bool $done = false;

	/**
	 * Whether WooCommerce's own importer can run here.
	 */
	public static function can_import(): bool {
		$available = function_exists( 'wc_get_order' ) && class_exists( '\Automattic\WooCommerce\Internal\Admin\Schedulers\OrdersScheduler' ) && method_exists( '\Automattic\WooCommerce\Internal\Admin\Schedulers\OrdersScheduler', 'import' );
		/**
		 * Whether Rondine may have WooCommerce import the orders its analytics lack (false leaves it to WooCommerce's
		 * own queue; the status screen then only says how many are missing).
		 *
		 * @param bool $available Whether WooCommerce's importer is loaded.
		 */
		return $available && (bool) apply_filters( 'rondine_analytics_can_import', true );
	}

	/**
	 * Orders and refunds in the order storage that wc_order_stats lacks, or holds with another status (WooCommerce's
	 * own criteria: types shop_order and shop_order_refund, drafts and trash left out).
	 *
	 * @param int         $limit         At most this many ids (oldest first); 0 to count them instead.
	 * @param string|null $updated_since GMT 'Y-m-d H:i:s': only orders changed since then (HPOS date_updated_gmt is
	 *                                   indexed; legacy post_modified_gmt is not).
	 * @param bool        $stale_only    False: every order changed since then, imported or not.
	 * @return int[]|int Ids, or their number.
	 */
	public static function stale( int $limit, ?string $updated_since = null, bool $stale_only = true ) {
		global $wpdb;
		$storage = WooData::order_storage();
		if ( 'none' === $storage || ! WooData::has( 'wc_order_stats' ) ) {
			return $limit > 0 ? array() : 0;
		}
		$stats = $wpdb->prefix . 'wc_order_stats';
		if ( 'hpos' === $storage ) {
			$sql = $wpdb->prepare( "FROM %i o LEFT JOIN %i s ON s.order_id = o.id WHERE o.type IN ('shop_order', 'shop_order_refund') AND o.status NOT IN ('wc-auto-draft', 'auto-draft', 'trash', 'wc-checkout-draft')", $wpdb->prefix . 'wc_orders', $stats );
			if ( $stale_only ) {
				$sql .= " AND (s.order_id IS NULL OR (o.type = 'shop_order' AND s.status <> o.status))";
			}
			if ( null !== $updated_since ) {
				$sql .= $wpdb->prepare( ' AND o.date_updated_gmt >= %s', $updated_since );
			}
			$id = 'o.id';
		} else {
			$sql = $wpdb->prepare( "FROM %i o LEFT JOIN %i s ON s.order_id = o.ID WHERE o.post_type IN ('shop_order', 'shop_order_refund') AND o.post_status NOT IN ('wc-auto-draft', 'auto-draft', 'trash', 'wc-checkout-draft')", $wpdb->posts, $stats );
			if ( $stale_only ) {
				$sql .= " AND (s.order_id IS NULL OR (o.post_type = 'shop_order' AND s.status <> o.post_status))";
			}
			if ( null !== $updated_since ) {
				$sql .= $wpdb->prepare( ' AND o.post_modified_gmt >= %s', $updated_since );
			}
			$id = 'o.ID';
		}
		// $sql is prepared above; WooCommerce's order storage and analytics tables have no API for this comparison, and
		// it must see the shop as it is now.
		if ( $limit <= 0 ) {
			return (int) $wpdb->get_var( 'SELECT COUNT(*) ' . $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- prepared above; see above.
		}
		return array_map( 'intval', $wpdb->get_col( "SELECT $id " . $sql . $wpdb->prepare( " ORDER BY $id LIMIT %d", $limit ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- $id is one of two constant column names, the rest prepared above; see above.
	}

	/**
	 * Has WooCommerce import the stale orders now, then syncs their customers.
	 *
	 * @param string|null $updated_since Only orders changed since then (GMT); null for all.
	 * @param int         $limit         At most this many orders.
	 * @return array{imported:int,customers:int,more:bool}
	 */
	public static function catch_up( ?string $updated_since = null, int $limit = self::BATCH, ?string $changed_since = null ): array {
		global $wpdb;
		$result = array(
			'imported'  => 0,
			'customers' => 0,
			'more'      => false,
		);
		if ( ! self::can_import() ) {
			return $result;
		}
		$ids = self::stale( $limit + 1, $updated_since );
		$ids = is_array( $ids ) ? $ids : array();
		$result['more'] = count( $ids ) > $limit;
		$ids            = array_slice( $ids, 0, $limit );
		foreach ( $ids as $order_id ) {
			\Automattic\WooCommerce\Internal\Admin\Schedulers\OrdersScheduler::import( $order_id );
			++$result['imported'];
		}
		if ( null !== $changed_since ) {
			// Orders WooCommerce's own queue imported already, whose customers the contacts sync has not seen yet.
			$changed = self::stale( $limit, $changed_since, false );
			$ids     = array_values( array_unique( array_merge( $ids, is_array( $changed ) ? $changed : array() ) ) );
		}
		if ( ! $ids ) {
			return $result;
		}
		// The customers of those orders (a refund's row carries its order's customer).
		$customers = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT DISTINCT customer_id FROM %i WHERE customer_id > 0 AND order_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'wc_order_stats' ), $ids ) ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup table, just written; a cache would be stale.
		if ( $customers ) {
			CustomerSync::sync_customers( $customers );
		}
		$result['customers'] = count( $customers );
		return $result;
	}

	/**
	 * Before a segment is counted or an audience read: imports the orders changed since the last check that
	 * WooCommerce has not imported yet (an index range on HPOS, so cheap when nothing changed). Once per request.
	 */
	public static function refresh(): void {
		if ( self::$done || ! self::can_import() ) {
			return;
		}
		self::$done = true;
		$checked    = get_option( self::CHECKED_OPTION );
		$now        = gmdate( 'Y-m-d H:i:s' );
		// A minute of overlap: an order saved in the same second as the last check is not missed.
		$since  = is_string( $checked ) && '' !== $checked ? gmdate( 'Y-m-d H:i:s', (int) strtotime( $checked . ' UTC' ) - MINUTE_IN_SECONDS ) : null;
		// Besides what WooCommerce has not imported, the customers of the orders changed since the last check are
		// synced (a day back on the first check): WooCommerce's queue may have imported them before the contacts sync
		// (a minute after the order, through WP-Cron) ran.
		$result = self::catch_up( $since, self::BATCH, $since ?? gmdate( 'Y-m-d H:i:s', time() - DAY_IN_SECONDS ) );
		// The first check (no mark yet) is the whole history: what it leaves is the hourly sync's and the status
		// screen's, so counts do not scan every order each time.
		if ( ! $result['more'] || null === $since ) {
			update_option( self::CHECKED_OPTION, $now, false );
		}
	}

	/**
	 * Forgets that this request caught up (tests).
	 */
	public static function reset(): void {
		self::$done = false;
	}

	/**
	 * For GET /status: orders missing from (or stale in) WooCommerce Analytics after catching up what can be.
	 *
	 * @return array{missing:int,can_import:bool}
	 */
	public static function status(): array {
		if ( self::can_import() ) {
			self::catch_up( null );
		}
		return array(
			'missing'    => (int) self::stale( 0 ),
			'can_import' => self::can_import(),
		);
	}
}
