<?php
/**
 * Where WooCommerce keeps its data on this site.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

use Rondine\Plugin;

/**
 * Finds WooCommerce's tables and the order storage in use (HPOS or posts), independently of whether the
 * WooCommerce plugin is loaded: the audience is read from the tables.
 */
final class WooData {

	/**
	 * Tables Rondine reads, without prefix.
	 */
	public const TABLES = array(
		'wc_orders',
		'wc_order_addresses',
		'wc_customer_lookup',
		'wc_order_stats',
		'wc_order_product_lookup',
	);

	/**
	 * Cache of table existence for this request.
	 *
	 * @var array<string,bool>
	 */
	private static array $exists = array();

	/**
	 * Whether a table (without prefix) exists.
	 *
	 * @param string $table Table name without prefix.
	 */
	public static function has( string $table ): bool {
		global $wpdb;
		if ( ! isset( self::$exists[ $table ] ) ) {
			$name                   = $wpdb->prefix . $table;
			self::$exists[ $table ] = $name === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $name ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- no WordPress API tells whether a table exists; the answer is kept for the request in self::$exists (WooCommerce creates its tables on activation, so a persistent cache could be wrong).
		}
		return self::$exists[ $table ];
	}

	/**
	 * Forgets the table cache (tests create tables).
	 */
	public static function reset(): void {
		self::$exists = array();
	}

	/**
	 * `hpos` when orders are authoritative in wc_orders, `legacy` when in posts, `none` without order data.
	 */
	public static function order_storage(): string {
		if ( self::has( 'wc_orders' ) && 'yes' === get_option( 'woocommerce_custom_orders_table_enabled' ) ) {
			return 'hpos';
		}
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- works whether or not WooCommerce is loaded (wc_get_orders() needs it); read for the status screen, where a cached answer would hide a migration just made.
		$legacy = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE post_type = %s LIMIT 1', $wpdb->posts, 'shop_order' ) );
		if ( $legacy > 0 ) {
			return 'legacy';
		}
		return self::has( 'wc_orders' ) ? 'hpos' : 'none';
	}

	/**
	 * When contacts were last synced from WooCommerce (ISO 8601 UTC), or null.
	 */
	private static function last_sync(): ?string {
		$state = get_option( CustomerSync::STATE_OPTION );
		return is_array( $state ) && ! empty( $state['last_run'] ) ? gmdate( 'Y-m-d\TH:i:s\Z', (int) $state['last_run'] ) : null;
	}

	/**
	 * Orders in the order storage itself (not the analytics tables).
	 *
	 * @param string $storage hpos, legacy or none.
	 */
	private static function placed_orders( string $storage ): int {
		global $wpdb;
		// Counted in the tables, whether or not WooCommerce is loaded, for the status screen: nothing is cached, it must
		// show the shop as it is now.
		if ( 'hpos' === $storage ) {
			return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE type = %s', $wpdb->prefix . 'wc_orders', 'shop_order' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		}
		if ( 'legacy' === $storage ) {
			return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE post_type = %s', $wpdb->posts, 'shop_order' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		}
		return 0;
	}

	/**
	 * For GET /status.
	 *
	 * @return array<string,mixed>
	 */
	public static function summary(): array {
		global $wpdb;
		$tables = array();
		foreach ( self::TABLES as $table ) {
			$tables[ $table ] = self::has( $table );
		}
		$storage  = self::order_storage();
		$analytics = Analytics::status();
		// WooCommerce Analytics' tables and the plugin's own have no WordPress API; the status screen shows them as they
		// are now, so nothing is cached.
		$customers = $tables['wc_customer_lookup'] ? (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i', $wpdb->prefix . 'wc_customer_lookup' ) ) : 0; // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$orders    = $tables['wc_order_stats'] ? (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i WHERE parent_id = 0', $wpdb->prefix . 'wc_order_stats' ) ) : 0; // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$placed    = self::placed_orders( $storage );
		$notice    = null;
		if ( $analytics['missing'] > 0 ) {
			// Rondine reads customers and order figures from WooCommerce Analytics' tables, which WooCommerce fills
			// asynchronously (Analytics::class). Said with the number of orders concerned and what happens next.
			$notice = $analytics['can_import']
				/* translators: %s: number of orders. */
				? sprintf( __( 'Orders not yet in WooCommerce Analytics: %s. Rondine has WooCommerce import them a few hundred at a time (each time this page loads and with the hourly contact sync); until then their customers are missing from Rondine or have incomplete figures.', 'rondine' ), number_format_i18n( $analytics['missing'] ) )
				/* translators: %s: number of orders. */
				: sprintf( __( 'Orders not in WooCommerce Analytics: %s, so their customers are missing from Rondine or have incomplete figures. With WooCommerce active, in WooCommerce → Settings → Advanced → Analytics, use "Import historical data".', 'rondine' ), number_format_i18n( $analytics['missing'] ) );
		}
		return array(
			'active'        => Plugin::woocommerce_active(),
			'version'       => defined( 'WC_VERSION' ) ? WC_VERSION : ( get_option( 'woocommerce_version' ) ? (string) get_option( 'woocommerce_version' ) : null ),
			'data_present'  => $tables['wc_customer_lookup'] && $tables['wc_order_stats'] && 'none' !== $storage,
			'order_storage' => $storage,
			'tables'        => $tables,
			'customers'     => $customers,
			'orders'        => $orders,
			'placed_orders' => $placed,
			'notice'        => $notice,
			'analytics_missing' => $analytics['missing'],
			'contacts'      => (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i', Contacts::table() ) ), // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
			'opted_in'      => (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM %i WHERE consent = 'granted' AND phone IS NOT NULL", Contacts::table() ) ), // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
			'last_sync'     => self::last_sync(),
			'figures_ready' => CustomerSync::figures_ready(),
		);
	}
}
