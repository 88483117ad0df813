<?php
/**
 * Click counter of the chat button.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Clicks per day (shop time) and agent, in the plugin's `rondine_click_counts` table (source `chat_button:<agent>`).
 * One atomic upsert per click: no read-modify-write race between simultaneous visitors.
 */
final class Clicks {

	private const SOURCE = 'chat_button:';

	/**
	 * Largest beacon body accepted, in bytes (the widget sends `agent=<n>`).
	 */
	public const MAX_BODY = 256;

	/**
	 * Clicks counted per address and window; more are refused with 429 until the window ends.
	 */
	public const LIMIT = 20;

	/**
	 * Length of the throttle window, in seconds.
	 */
	public const WINDOW = 60;

	/**
	 * Whether one more click from this address may be counted now: at most LIMIT per WINDOW seconds, kept in a
	 * transient named after a hash of the address (no address is stored).
	 *
	 * @param string $ip Client address.
	 */
	public static function allow( string $ip ): bool {
		$key   = 'rondine_click_' . substr( hash_hmac( 'sha256', $ip, wp_salt( 'nonce' ) ), 0, 24 );
		$state = get_transient( $key );
		$now   = time();
		if ( ! is_array( $state ) || ! isset( $state['since'], $state['count'] ) || $now - (int) $state['since'] >= self::WINDOW ) {
			$state = array(
				'since' => $now,
				'count' => 0,
			);
		}
		if ( $state['count'] >= self::LIMIT ) {
			return false;
		}
		++$state['count'];
		set_transient( $key, $state, max( 1, self::WINDOW - ( $now - (int) $state['since'] ) ) );
		return true;
	}

	/**
	 * The client's address as the web server saw it (REMOTE_ADDR; forwarded headers are not trusted here, so behind a
	 * proxy all visitors share one budget unless the proxy sets REMOTE_ADDR).
	 */
	public static function client_ip(): string {
		$ip = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
		return (string) filter_var( $ip, FILTER_VALIDATE_IP );
	}

	/**
	 * Counts one click on an agent.
	 *
	 * @param int $agent Agent position in the settings.
	 */
	public static function record( int $agent ): bool {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own click counters (no WordPress API); an atomic increment, and the summary is read live by the settings screen.
		return false !== $wpdb->query(
			$wpdb->prepare(
				'INSERT INTO %i (day, source, clicks) VALUES (%s, %s, 1) ON DUPLICATE KEY UPDATE clicks = clicks + 1',
				$wpdb->prefix . 'rondine_click_counts',
				current_time( 'Y-m-d' ),
				self::SOURCE . $agent
			)
		);
	}

	/**
	 * Clicks of the last days.
	 *
	 * @param int $days Days back from today, today included.
	 * @return array{total:int,by_day:array<int,array{day:string,clicks:int}>,by_agent:array<int,int>}
	 */
	public static function summary( int $days ): array {
		global $wpdb;
		$since = wp_date( 'Y-m-d', time() - ( $days - 1 ) * DAY_IN_SECONDS );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own click counters (no WordPress API); an atomic increment, and the summary is read live by the settings screen.
		$rows  = $wpdb->get_results(
			$wpdb->prepare(
				'SELECT day, source, clicks FROM %i WHERE source LIKE %s AND day >= %s ORDER BY day',
				$wpdb->prefix . 'rondine_click_counts',
				$wpdb->esc_like( self::SOURCE ) . '%',
				$since
			),
			ARRAY_A
		);
		$total    = 0;
		$by_day   = array();
		$by_agent = array();
		foreach ( (array) $rows as $row ) {
			$clicks                 = (int) $row['clicks'];
			$agent                  = (int) substr( $row['source'], strlen( self::SOURCE ) );
			$total                 += $clicks;
			$by_day[ $row['day'] ]  = ( $by_day[ $row['day'] ] ?? 0 ) + $clicks;
			$by_agent[ $agent ]     = ( $by_agent[ $agent ] ?? 0 ) + $clicks;
		}
		$days_list = array();
		foreach ( $by_day as $day => $clicks ) {
			$days_list[] = array(
				'day'    => $day,
				'clicks' => $clicks,
			);
		}
		return array(
			'total'    => $total,
			'by_day'   => $days_list,
			'by_agent' => $by_agent,
		);
	}
}
