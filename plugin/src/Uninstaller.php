<?php
/**
 * What deleting the plugin removes.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * Removes everything Rondine stored, on every site of a multisite network: its tables and options
 * (Installer::uninstall()), every `rondine_*` cron event whatever its arguments, its transients and site transients,
 * its user meta and the order meta it writes (`_rondine_*`, in WooCommerce's order tables and in post meta for
 * orders stored as posts).
 */
final class Uninstaller {

	/**
	 * Cleans every site (each site of a network, or the only one).
	 */
	public static function run(): void {
		if ( is_multisite() ) {
			foreach ( get_sites(
				array(
					'fields' => 'ids',
					'number' => 0,
				)
			) as $site_id ) {
				switch_to_blog( (int) $site_id );
				self::clean_site();
				restore_current_blog();
			}
			self::clean_network();
			return;
		}
		self::clean_site();
	}

	/**
	 * Cleans the current site.
	 */
	public static function clean_site(): void {
		global $wpdb;
		self::clear_cron();
		Installer::uninstall();
		// Order meta written at checkout (Consent\Checkout::ORDER_META and any other `_rondine_` key).
		$like = $wpdb->esc_like( '_rondine_' ) . '%';
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->postmeta} WHERE meta_key LIKE %s", $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
		$orders_meta = $wpdb->prefix . 'wc_orders_meta';
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $orders_meta ) ) ) === $orders_meta ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
			$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE meta_key LIKE %s', $orders_meta, $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
		}
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
		wp_cache_flush();
	}

	/**
	 * Every scheduled event whose hook starts with `rondine_`, whatever its arguments.
	 */
	private static function clear_cron(): void {
		$cron = _get_cron_array();
		foreach ( is_array( $cron ) ? $cron : array() as $events ) {
			foreach ( array_keys( (array) $events ) as $hook ) {
				if ( 0 === strpos( (string) $hook, 'rondine_' ) ) {
					wp_unschedule_hook( (string) $hook );
				}
			}
		}
	}

	/**
	 * Network-wide data of a multisite: site options and site transients.
	 */
	private static function clean_network(): void {
		global $wpdb;
		$wpdb->query( // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: rows removed once, nothing to cache.
			$wpdb->prepare(
				"DELETE FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s OR meta_key LIKE %s OR meta_key LIKE %s",
				$wpdb->esc_like( 'rondine_' ) . '%',
				$wpdb->esc_like( '_site_transient_rondine_' ) . '%',
				$wpdb->esc_like( '_site_transient_timeout_rondine_' ) . '%'
			)
		);
		wp_cache_flush();
	}
}
