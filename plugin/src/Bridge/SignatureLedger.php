<?php
/**
 * Signatures seen or used recently.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * A set of signatures kept for ten minutes, shared by every PHP process of the site through the options table
 * (transient naming, so WordPress's expired-transient cleanup also removes them). Adding is an INSERT IGNORE on the
 * unique option name, so two processes can never both add the same signature.
 *
 * Used both ways: the replay guard of requests from the bridge ("seen"), and the outgoing side ("used"), because the
 * bridge refuses a signature it has already seen and two identical requests in the same second (the admin app
 * loading the same campaign twice) would otherwise sign identically.
 */
final class SignatureLedger {

	public const TTL = 600;

	/**
	 * Adds a signature; false when it is already there and not expired.
	 *
	 * @param string $kind      `seen` or `used`.
	 * @param string $signature Hex signature.
	 */
	public static function add( string $kind, string $signature ): bool {
		global $wpdb;
		$name = 'rondine_' . $kind . '_' . substr( $signature, 0, 32 );
		$now  = time();
		if ( 0 === wp_rand( 0, 49 ) ) {
			self::prune( $kind );
		}
		// Straight SQL on the options table, not set_transient(): only an INSERT IGNORE on the unique option name tells
		// atomically whether another process added the signature first (get then set would let both through), and the
		// answer must come from the database, never from an object cache that another process has not seen.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$inserted = (int) $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO %i (option_name, option_value, autoload) VALUES (%s, %s, 'off')", $wpdb->options, '_transient_' . $name, (string) $now ) );
		if ( 1 !== $inserted ) {
			$since = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT option_value FROM %i WHERE option_name = %s', $wpdb->options, '_transient_' . $name ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
			if ( $since > $now - self::TTL ) {
				return false;
			}
			// An old entry: the timestamp window makes it harmless, take it over atomically.
			$taken = (int) $wpdb->query( $wpdb->prepare( 'UPDATE %i SET option_value = %s WHERE option_name = %s AND option_value = %s', $wpdb->options, (string) $now, '_transient_' . $name, (string) $since ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above (compare-and-set).
			if ( 1 !== $taken ) {
				return false;
			}
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$wpdb->query( $wpdb->prepare( "INSERT INTO %i (option_name, option_value, autoload) VALUES (%s, %s, 'off') ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)", $wpdb->options, '_transient_timeout_' . $name, (string) ( $now + self::TTL ) ) );
		return true;
	}

	/**
	 * Removes expired entries of a kind.
	 *
	 * @param string $kind `seen` or `used`.
	 */
	public static function prune( string $kind ): void {
		global $wpdb;
		// Straight SQL for the same reason as add(): these entries are written by SQL and never go through an object cache.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$names = $wpdb->get_col(
			$wpdb->prepare(
				'SELECT SUBSTRING(option_name, 20) FROM %i WHERE option_name LIKE %s AND option_value < %d LIMIT 1000',
				$wpdb->options,
				$wpdb->esc_like( '_transient_timeout_rondine_' . $kind . '_' ) . '%',
				time()
			)
		);
		foreach ( array_chunk( $names, 200 ) as $chunk ) {
			$list = array();
			foreach ( $chunk as $name ) {
				$list[] = '_transient_' . $name;
				$list[] = '_transient_timeout_' . $name;
			}
			$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE option_name IN (' . implode( ',', array_fill( 0, count( $list ), '%s' ) ) . ')', array_merge( array( $wpdb->options ), $list ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		}
	}
}
