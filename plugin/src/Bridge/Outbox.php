<?php
/**
 * Durable, retried calls to the bridge for consent changes, erasures and automation events.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * Every consent change, every erasure and every event an automation may start on, made on the site, must reach the
 * bridge, which keeps the tenant's opt-out list, the message history and the automations. They are written to
 * `rondine_outbox` in the same request as the change, sent at `shutdown` of that request when possible, and otherwise
 * retried with exponential backoff (1 min, 2, 4, … capped at 6 h) until the bridge answers 2xx: by an Action Scheduler
 * action `rondine_outbox_deliver` (group `rondine`) when Action Scheduler is loaded (WooCommerce ships it: it runs
 * without waiting for a visitor's page and shows its runs under Tools, Scheduled Actions), by a WP-Cron event of the
 * same name otherwise, and by an hourly WP-Cron safety run in both cases. A row is deleted only after a 2xx; a 4xx
 * other than 401, 408 and 429 is a permanent failure: the row is kept with state `failed` and its error, and logged.
 *
 * Kinds and calls (docs/ARCHITECTURE.md, "Consent and privacy" and "Automation events"):
 * - `consent`: one event `{phone, state, at, source}`; due events are sent together, up to 500 per
 *   `POST /v1/consent`. The bridge keeps the latest `at` per phone, so a retry or a late delivery is harmless.
 * - `erase`: `{phones: [...]}` (up to 20) for `POST /v1/privacy/erase`.
 * - `event`: one automation event `{id, type, phone, contact_id, data}` (docs/design/automations-contract.md), its id
 *   kept in `event_key`: queueing the same id twice makes one row, and the bridge handles an id once, so a retry after
 *   a lost answer starts nothing twice. Due events go in order, up to 500 per `POST /v1/events` `{events: [...]}`.
 */
final class Outbox {

	public const HOOK       = 'rondine_outbox_deliver';
	public const BATCH      = 500;
	public const ERASE_MAX  = 20;
	public const MAX_DELAY  = 21600;
	public const GROUP      = 'rondine';
	public const SOURCES    = array( 'checkout', 'my_account', 'admin', 'import', 'whatsapp_stop', 'whatsapp_resume', 'erasure', 'bulk' );
	private const RETRYABLE = array( 401, 408, 429 );

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( self::HOOK, array( self::class, 'deliver_scheduled' ) );
		add_action( 'init', array( self::class, 'schedule' ) );
	}

	/**
	 * Removes the scheduled runs (deactivation, uninstall).
	 */
	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
		wp_clear_scheduled_hook( self::HOOK, array( 'retry' ) );
		if ( function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( self::HOOK, array( 'retry' ), self::GROUP );
		}
	}

	/**
	 * Whether retries go through Action Scheduler: loaded (WooCommerce ships it) and initialised (its functions refuse
	 * to schedule before `action_scheduler_init`).
	 */
	public static function uses_action_scheduler(): bool {
		return function_exists( 'as_schedule_single_action' ) && function_exists( 'as_unschedule_all_actions' ) && did_action( 'action_scheduler_init' ) > 0;
	}

	/**
	 * The next retry at `$when` (unix seconds), replacing the one planned: an Action Scheduler action when it is
	 * loaded, else a WP-Cron event.
	 *
	 * @param int $when Unix seconds.
	 */
	private static function retry_at( int $when ): void {
		if ( self::uses_action_scheduler() ) {
			as_unschedule_all_actions( self::HOOK, array( 'retry' ), self::GROUP );
			as_schedule_single_action( $when, self::HOOK, array( 'retry' ), self::GROUP );
			return;
		}
		wp_clear_scheduled_hook( self::HOOK, array( 'retry' ) );
		wp_schedule_single_event( $when, self::HOOK, array( 'retry' ) );
	}

	/**
	 * When the next retry is planned (unix seconds), or null.
	 */
	public static function next_retry(): ?int {
		if ( self::uses_action_scheduler() && function_exists( 'as_next_scheduled_action' ) ) {
			$next = as_next_scheduled_action( self::HOOK, array( 'retry' ), self::GROUP );
			return is_int( $next ) ? $next : ( true === $next ? time() : null );
		}
		$next = wp_next_scheduled( self::HOOK, array( 'retry' ) );
		return false === $next ? null : (int) $next;
	}

	/**
	 * Table name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_outbox';
	}

	/**
	 * Keeps an hourly safety run scheduled (the retries schedule their own earlier runs).
	 */
	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time() + 600, 'hourly', self::HOOK );
		}
	}

	/**
	 * Queues consent events.
	 *
	 * @param array<int,array{phone:string,state:string,at:string,source:string}> $events `at` is UTC 'Y-m-d H:i:s' or ISO.
	 * @return int Rows written.
	 */
	public static function push_consent( array $events ): int {
		global $wpdb;
		$now    = current_time( 'mysql', true );
		$values = array();
		foreach ( $events as $event ) {
			$phone = (string) ( $event['phone'] ?? '' );
			if ( ! preg_match( '/^\+[1-9]\d{6,14}$/', $phone ) || ! in_array( $event['state'] ?? '', array( 'granted', 'revoked' ), true ) ) {
				continue;
			}
			$source   = in_array( $event['source'] ?? '', self::SOURCES, true ) ? (string) $event['source'] : 'admin';
			$at       = strtotime( ( (string) ( $event['at'] ?? '' ) ) . ( preg_match( '/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', (string) ( $event['at'] ?? '' ) ) ? ' UTC' : '' ) );
			$payload  = array(
				'phone'  => $phone,
				'state'  => (string) $event['state'],
				'at'     => gmdate( 'Y-m-d\TH:i:s\Z', false === $at ? time() : $at ),
				'source' => $source,
			);
			$values[] = $wpdb->prepare( "('consent', %s, 'pending', 0, %s, '', %s)", (string) wp_json_encode( $payload, JSON_UNESCAPED_SLASHES ), $now, $now );
		}
		foreach ( array_chunk( $values, 500 ) as $chunk ) {
			// Each row is prepared above; the statement's head is prepared here and they are appended as they are.
			$wpdb->query( $wpdb->prepare( 'INSERT INTO %i (kind, payload, state, attempts, next_attempt_at, last_error, created_at) VALUES ', self::table() ) . implode( ',', $chunk ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
		}
		if ( $values ) {
			self::soon();
		}
		return count( $values );
	}

	/**
	 * Queues the erasure of phones on the bridge (in calls of up to 20 phones).
	 *
	 * @param string[] $phones E.164 phones.
	 * @return int Rows written.
	 */
	public static function push_erase( array $phones ): int {
		global $wpdb;
		$phones = array_values( array_unique( array_filter( array_map( 'strval', $phones ), static fn( $p ) => (bool) preg_match( '/^\+[1-9]\d{6,14}$/', $p ) ) ) );
		$now    = current_time( 'mysql', true );
		$rows   = 0;
		foreach ( array_chunk( $phones, self::ERASE_MAX ) as $chunk ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own outbox table, no WordPress API.
			$wpdb->insert(
				self::table(),
				array(
					'kind'            => 'erase',
					'payload'         => (string) wp_json_encode( array( 'phones' => $chunk ), JSON_UNESCAPED_SLASHES ),
					'state'           => 'pending',
					'attempts'        => 0,
					'next_attempt_at' => $now,
					'last_error'      => '',
					'created_at'      => $now,
				)
			);
			++$rows;
		}
		if ( $rows ) {
			self::soon();
		}
		return $rows;
	}

	/**
	 * Queues automation events (docs/design/automations-contract.md, "Events from the site"). An event whose id is
	 * already queued is not queued again.
	 *
	 * @param array<int,array{id:string,type:string,phone:string,contact_id?:string,data?:array<string,mixed>}> $events Events.
	 * @return int Rows written (events already queued not counted).
	 */
	public static function push_events( array $events ): int {
		global $wpdb;
		$now     = current_time( 'mysql', true );
		$values  = array();
		$written = 0;
		foreach ( $events as $event ) {
			$id    = (string) ( $event['id'] ?? '' );
			$type  = (string) ( $event['type'] ?? '' );
			$phone = (string) ( $event['phone'] ?? '' );
			if ( ! preg_match( '/^[A-Za-z0-9:_.\-]{1,190}$/', $id ) || ! preg_match( '/^[a-z0-9_.\-]{1,100}$/', $type ) || ! preg_match( '/^\+[1-9]\d{6,14}$/', $phone ) ) {
				continue;
			}
			$payload = array(
				'id'    => $id,
				'type'  => $type,
				'phone' => $phone,
			);
			if ( isset( $event['contact_id'] ) && '' !== (string) $event['contact_id'] ) {
				$payload['contact_id'] = (string) $event['contact_id'];
			}
			$payload['data'] = (object) ( is_array( $event['data'] ?? null ) ? $event['data'] : array() );
			$values[]        = $wpdb->prepare( "('event', %s, 'pending', 0, %s, '', %s, %s)", (string) wp_json_encode( $payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ), $now, $now, $id );
		}
		foreach ( array_chunk( $values, self::BATCH ) as $chunk ) {
			// IGNORE on the unique event_key: an event already queued stays one row. Each row is prepared above.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (kind, payload, state, attempts, next_attempt_at, last_error, created_at, event_key) VALUES ', self::table() ) . implode( ',', $chunk ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
			$written += max( 0, (int) $wpdb->rows_affected );
		}
		if ( $written ) {
			self::soon();
		}
		return $written;
	}

	/**
	 * Plans a delivery at the end of this request, and a retry in a minute in case it fails.
	 */
	private static function soon(): void {
		if ( false === has_action( 'shutdown', array( self::class, 'deliver_at_shutdown' ) ) ) {
			add_action( 'shutdown', array( self::class, 'deliver_at_shutdown' ) );
		}
		if ( null === self::next_retry() ) {
			self::retry_at( time() + 60 );
		}
	}

	/**
	 * Delivery at shutdown: short timeout, errors only reschedule.
	 */
	public static function deliver_at_shutdown(): void {
		remove_action( 'shutdown', array( self::class, 'deliver_at_shutdown' ) );
		try {
			self::deliver( null, 5.0 );
		} catch ( \Throwable $error ) {
			// The rows stay pending: the cron run retries them.
			unset( $error );
		}
	}

	/**
	 * WP-Cron / Action Scheduler callback.
	 */
	public static function deliver_scheduled(): void {
		self::deliver();
	}

	/**
	 * Sends the due rows.
	 *
	 * @param Client|null $client  Client; the stored connection's when null.
	 * @param float       $timeout Seconds per call when $client is null.
	 * @return array{sent:int,failed:int,retry:int,pending:int} Rows delivered, failed for good, to retry, still pending.
	 */
	public static function deliver( ?Client $client = null, float $timeout = 15.0 ): array {
		global $wpdb;
		$out = array(
			'sent'    => 0,
			'failed'  => 0,
			'retry'   => 0,
			'pending' => 0,
		);
		if ( null === $client ) {
			$connection = Connection::stored();
			if ( null === $connection ) {
				// Not connected: nothing can be sent; the rows wait for a connection.
				$out['pending'] = self::pending_count();
				return $out;
			}
			$client = new Client( $connection['url'], $connection['site'], $connection['secret_bytes'], $timeout );
		}
		$now   = current_time( 'mysql', true );
		$table = self::table();
		for ( $round = 0; $round < 20; $round++ ) {
			$rows = $wpdb->get_results( $wpdb->prepare( "SELECT id, kind, payload, attempts FROM %i WHERE state = 'pending' AND next_attempt_at <= %s ORDER BY id LIMIT %d", $table, $now, self::BATCH ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
			if ( ! $rows ) {
				break;
			}
			$consent = array_values( array_filter( $rows, static fn( $r ) => 'consent' === $r['kind'] ) );
			$events  = array_values( array_filter( $rows, static fn( $r ) => 'event' === $r['kind'] ) );
			$calls   = array();
			// Erasures first: a person's erasure never waits behind consent or automation events, and a bridge that
			// refuses those (the calls stop at the first retryable failure) has already been asked to erase.
			foreach ( $rows as $row ) {
				if ( 'erase' === $row['kind'] ) {
					$calls[] = array( '/v1/privacy/erase', json_decode( (string) $row['payload'], true ), array( $row ) );
				} elseif ( 'consent' !== $row['kind'] && 'event' !== $row['kind'] ) {
					self::fail( array( $row ), 'Unknown outbox kind.', true );
					++$out['failed'];
				}
			}
			if ( $consent ) {
				$calls[] = array(
					'/v1/consent',
					array( 'events' => array_map( static fn( $r ) => json_decode( (string) $r['payload'], true ), $consent ) ),
					$consent,
				);
			}
			if ( $events ) {
				// Decoded as objects, so that an empty `data` stays `{}` for the bridge.
				$calls[] = array(
					'/v1/events',
					array( 'events' => array_map( static fn( $r ) => json_decode( (string) $r['payload'] ), $events ) ),
					$events,
				);
			}
			$stop = false;
			foreach ( $calls as [ $path, $body, $batch ] ) {
				$ids = array_map( static fn( $r ) => (int) $r['id'], $batch );
				try {
					$client->request( 'POST', $path, $body );
					$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $table ), $ids ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
					$out['sent'] += count( $ids );
				} catch ( BridgeError $error ) {
					$permanent = self::is_permanent( $error );
					self::fail( $batch, $error->status() . ' ' . $error->error_code() . ': ' . $error->getMessage(), $permanent );
					$out[ $permanent ? 'failed' : 'retry' ] += count( $ids );
					if ( ! $permanent ) {
						$stop = true; // The bridge is down or refusing us: the other calls would fail the same way.
						break;
					}
				}
			}
			if ( $stop || count( $rows ) < self::BATCH ) {
				break;
			}
		}
		$out['pending'] = self::pending_count();
		$next           = $wpdb->get_var( $wpdb->prepare( "SELECT MIN(next_attempt_at) FROM %i WHERE state = 'pending'", $table ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
		if ( $next ) {
			self::retry_at( max( time() + 30, (int) strtotime( $next . ' UTC' ) ) );
		}
		return $out;
	}

	/**
	 * Pending rows.
	 */
	public static function pending_count(): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM %i WHERE state = 'pending'", self::table() ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
	}

	/**
	 * Seconds before the next attempt after a number of failed attempts: 60 s doubled each time, at most 6 h.
	 *
	 * @param int $attempts Failed attempts so far (1 after the first failure).
	 */
	public static function backoff( int $attempts ): int {
		return (int) min( self::MAX_DELAY, 60 * ( 2 ** max( 0, min( 20, $attempts - 1 ) ) ) );
	}

	/**
	 * Whether a failed call must not be retried: a 4xx other than 401, 408, 429 (the bridge refuses this body).
	 * Client reports the bridge's 401 as 502 (so the admin app does not take it for a login problem): retried.
	 *
	 * @param BridgeError $error Error.
	 */
	private static function is_permanent( BridgeError $error ): bool {
		$status = $error->status();
		if ( 'rondine_not_connected' === $error->error_code() ) {
			return false;
		}
		return $status >= 400 && $status < 500 && ! in_array( $status, self::RETRYABLE, true );
	}

	/**
	 * Records a failed attempt.
	 *
	 * @param array<int,array<string,mixed>> $rows      Rows of the call.
	 * @param string                         $message   Error.
	 * @param bool                           $permanent Whether to give up.
	 */
	private static function fail( array $rows, string $message, bool $permanent ): void {
		global $wpdb;
		$table = self::table();
		foreach ( $rows as $row ) {
			$attempts = (int) $row['attempts'] + 1;
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own outbox table (no WordPress API); a queue read and emptied as it is sent, nothing to cache.
			$wpdb->update(
				$table,
				array(
					'attempts'        => $attempts,
					'state'           => $permanent ? 'failed' : 'pending',
					'next_attempt_at' => gmdate( 'Y-m-d H:i:s', time() + self::backoff( $attempts ) ),
					'last_error'      => mb_substr( $message, 0, 1000 ),
				),
				array( 'id' => (int) $row['id'] )
			);
		}
		if ( $permanent ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- a refused call must be visible to the site's owner.
			error_log( sprintf( 'Rondine: the bridge refused %d outbox row(s) for good: %s', count( $rows ), $message ) );
		}
	}
}
