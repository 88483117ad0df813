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
			self::$exists[ $table ] = $name === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $name ) ) );
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
		$legacy = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s LIMIT 1", 'shop_order' ) );
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
		if ( 'hpos' === $storage ) {
			return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_orders WHERE type = %s", 'shop_order' ) );
		}
		if ( 'legacy' === $storage ) {
			return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s", 'shop_order' ) );
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
		$storage   = self::order_storage();
		$customers = $tables['wc_customer_lookup'] ? (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_customer_lookup" ) : 0;
		$orders    = $tables['wc_order_stats'] ? (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_order_stats WHERE parent_id = 0" ) : 0;
		$placed    = self::placed_orders( $storage );
		$notice    = null;
		if ( $placed > 0 && ( 0 === $customers || $orders < $placed / 2 ) ) {
			// Rondine reads customers and order figures from WooCommerce Analytics' tables; a shop whose history was
			// never imported has orders but (almost) nothing there.
			$notice = __( 'WooCommerce Analytics has not imported this shop\'s order history yet, so most customers are missing from Rondine. In WooCommerce → Settings → Advanced → Analytics, use "Import historical data".', 'rondine' );
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
			'contacts'      => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}rondine_contacts" ),
			'opted_in'      => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}rondine_contacts WHERE consent = 'granted' AND phone IS NOT NULL" ),
			'last_sync'     => self::last_sync(),
			'figures_ready' => CustomerSync::figures_ready(),
		);
	}
}
