<?php
/**
 * Marketing consent.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Bridge\Outbox;

/**
 * Every consent change goes through here: the contact's current state is updated and the change is appended to
 * `rondine_consent_log` with its time (UTC), source and the exact wording the person saw.
 *
 * States: `granted`, `revoked`, `none` (never asked). Only `granted` contacts are in a campaign's audience.
 */
final class Consent {

	public const GRANTED = 'granted';
	public const REVOKED = 'revoked';
	public const NONE    = 'none';

	/**
	 * Sources written to the log.
	 */
	public const SOURCES = array( 'checkout', 'my_account', 'import', 'admin', 'whatsapp_stop', 'whatsapp_resume', 'bulk', 'erasure' );

	/**
	 * Records a change for a contact. Recording the state the contact already has is still logged (a renewed
	 * consent is evidence too), but does not change `consent_updated_at`'s meaning: it is the time of the last record.
	 *
	 * @param int    $contact_id Contact.
	 * @param string $status     granted or revoked.
	 * @param string $source     One of SOURCES.
	 * @param string $wording    What the person agreed to or how they withdrew.
	 * @param string $at         UTC time 'Y-m-d H:i:s'; now when empty.
	 * @param int    $order_id   The WooCommerce order the consent came with (checkout), 0 for none.
	 * @return bool Whether the contact exists.
	 */
	public static function record( int $contact_id, string $status, string $source, string $wording, string $at = '', int $order_id = 0 ): bool {
		global $wpdb;
		if ( ! in_array( $status, array( self::GRANTED, self::REVOKED ), true ) ) {
			throw new \InvalidArgumentException( 'Consent status must be granted or revoked.' );
		}
		$contact = $wpdb->get_row( $wpdb->prepare( 'SELECT id, phone, email FROM %i WHERE id = %d', Contacts::table(), $contact_id ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
		if ( ! $contact ) {
			return false;
		}
		$at = '' === $at ? current_time( 'mysql', true ) : $at;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
		$wpdb->update(
			Contacts::table(),
			array(
				'consent'            => $status,
				'consent_updated_at' => $at,
				'updated_at'         => current_time( 'mysql', true ),
			),
			array( 'id' => $contact_id )
		);
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own consent log, no WordPress API.
		$wpdb->insert(
			$wpdb->prefix . 'rondine_consent_log',
			array(
				'contact_id' => $contact_id,
				'phone'      => (string) $contact['phone'],
				'email'      => (string) $contact['email'],
				'status'     => $status,
				'source'     => $source,
				'wording'    => $wording,
				'actor_id'   => get_current_user_id(),
				'order_id'   => $order_id > 0 ? $order_id : null,
				'created_at' => $at,
			)
		);
		if ( ! empty( $contact['phone'] ) ) {
			Outbox::push_consent(
				array(
					array(
						'phone'  => (string) $contact['phone'],
						'state'  => $status,
						'at'     => $at,
						'source' => $source,
					),
				)
			);
		}
		/**
		 * Fires after a contact's marketing consent was recorded.
		 *
		 * @param int    $contact_id Contact.
		 * @param string $status     granted or revoked.
		 * @param string $source     Where it came from.
		 */
		do_action( 'rondine_consent_recorded', $contact_id, $status, $source );
		return true;
	}

	/**
	 * Records consent for many contacts at once, in chunks (for the generated shop and migrations). Contacts are
	 * given by id or E.164 phone; unknown ones are skipped.
	 *
	 * @param array<int|string> $contacts Contact ids (int) or E.164 phones (string).
	 * @param string            $status   granted or revoked.
	 * @param string            $source   Log source (default `bulk`).
	 * @param string            $wording  Wording that was agreed to.
	 * @return int How many contacts were updated.
	 */
	public static function record_bulk( array $contacts, string $status, string $source, string $wording ): int {
		global $wpdb;
		if ( ! in_array( $status, array( self::GRANTED, self::REVOKED ), true ) ) {
			throw new \InvalidArgumentException( 'Consent status must be granted or revoked.' );
		}
		$now     = current_time( 'mysql', true );
		$updated = 0;
		foreach ( array_chunk( $contacts, 500 ) as $chunk ) {
			$ids    = array_values( array_filter( $chunk, 'is_int' ) );
			$phones = array_values( array_filter( $chunk, 'is_string' ) );
			$where  = array();
			if ( $ids ) {
				$where[] = $wpdb->prepare( 'id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', $ids );
			}
			if ( $phones ) {
				$where[] = $wpdb->prepare( 'phone IN (' . implode( ',', array_fill( 0, count( $phones ), '%s' ) ) . ')', $phones );
			}
			if ( ! $where ) {
				continue;
			}
			// The conditions are prepared above, appended as they are.
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email FROM %i WHERE ', Contacts::table() ) . implode( ' OR ', $where ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
			if ( ! $rows ) {
				continue;
			}
			$found = array_map( static fn( $r ) => (int) $r['id'], $rows );
			$wpdb->query( $wpdb->prepare( 'UPDATE %i SET consent = %s, consent_updated_at = %s, updated_at = %s WHERE id IN (' . implode( ',', array_fill( 0, count( $found ), '%d' ) ) . ')', array_merge( array( Contacts::table(), $status, $now, $now ), $found ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
			$values = array();
			foreach ( $rows as $row ) {
				$values[] = $wpdb->prepare( '(%d, %s, %s, %s, %s, %s, %d, %s)', (int) $row['id'], (string) $row['phone'], (string) $row['email'], $status, $source, $wording, get_current_user_id(), $now );
			}
			// Each row is prepared above; the statement's head is prepared here and they are appended as they are.
			$wpdb->query( $wpdb->prepare( 'INSERT INTO %i (contact_id, phone, email, status, source, wording, actor_id, created_at) VALUES ', $wpdb->prefix . 'rondine_consent_log' ) . implode( ',', $values ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
			Outbox::push_consent(
				array_map(
					static fn( $row ) => array(
						'phone'  => (string) $row['phone'],
						'state'  => $status,
						'at'     => $now,
						'source' => $source,
					),
					array_filter( $rows, static fn( $row ) => ! empty( $row['phone'] ) )
				)
			);
			$updated += count( $rows );
		}
		return $updated;
	}

	/**
	 * The log of a contact, newest first.
	 *
	 * @param int $contact_id Contact.
	 * @return array<int,array<string,mixed>>
	 */
	public static function log( int $contact_id ): array {
		global $wpdb;
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, status, source, wording, actor_id, order_id, created_at FROM %i WHERE contact_id = %d ORDER BY id DESC', $wpdb->prefix . 'rondine_consent_log', $contact_id ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
		return array_map(
			static function ( $row ) {
				return array(
					'id'         => (int) $row['id'],
					'status'     => $row['status'],
					'source'     => $row['source'],
					'wording'    => $row['wording'],
					'actor_id'   => (int) $row['actor_id'],
					'order_id'   => null === $row['order_id'] ? null : (int) $row['order_id'],
					'created_at' => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row['created_at'] . ' UTC' ) ),
				);
			},
			$rows ?: array()
		);
	}

	/**
	 * The source of a contact's last revocation, '' when it has none.
	 *
	 * @param int $contact_id Contact.
	 */
	public static function last_revocation_source( int $contact_id ): string {
		global $wpdb;
		return (string) $wpdb->get_var( $wpdb->prepare( "SELECT source FROM %i WHERE contact_id = %d AND status = 'revoked' ORDER BY id DESC LIMIT 1", $wpdb->prefix . 'rondine_consent_log', $contact_id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own contacts and consent log (no WordPress API); consent is read as it is now and written as it changes, never cached.
	}

	/**
	 * Applies opt-out and resume events reported by the bridge (a WhatsApp "stop" button, user preferences,
	 * error 131050). An unknown phone that stops is recorded as a contact (consent revoked) so a later import cannot
	 * opt it in silently, unless that phone was erased (the bridge keeps it suppressed). A "resume" only undoes a
	 * revocation whose last source was `whatsapp_stop`: it never grants a contact that was never asked, revoked in My
	 * Account or by the shop, nor creates a contact for an unknown phone. An event older than the contact's last
	 * consent change is skipped: the bridge retries, so reports can arrive late.
	 *
	 * @param array<int,array{phone:string,action:string,source?:string,at?:string}> $events Events.
	 * @return int Events applied.
	 */
	public static function apply_bridge_events( array $events ): int {
		$applied = 0;
		foreach ( $events as $event ) {
			$phone  = (string) ( $event['phone'] ?? '' );
			$action = (string) ( $event['action'] ?? '' );
			if ( ! preg_match( '/^\+[1-9]\d{6,14}$/', $phone ) || ! in_array( $action, array( 'stop', 'resume' ), true ) ) {
				continue;
			}
			$at = '';
			if ( ! empty( $event['at'] ) && false !== strtotime( (string) $event['at'] ) ) {
				$at = gmdate( 'Y-m-d H:i:s', (int) strtotime( (string) $event['at'] ) );
			}
			$contact = Contacts::find_by_phone( $phone );
			if ( $contact && '' !== $at && ! empty( $contact['consent_updated_at'] ) && strtotime( $contact['consent_updated_at'] ) > strtotime( $at . ' UTC' ) ) {
				// A newer choice was recorded here (e.g. a checkout opt-in after the stop): a late report does not undo it.
				continue;
			}
			$source = (string) ( $event['source'] ?? 'whatsapp' );
			if ( 'resume' === $action ) {
				if ( ! $contact || self::REVOKED !== $contact['consent'] || 'whatsapp_stop' !== self::last_revocation_source( (int) $contact['id'] ) ) {
					continue;
				}
				/* translators: %s: where the resume came from, e.g. user_preferences. */
				$wording = sprintf( __( 'Asked to receive marketing messages on WhatsApp again (%s).', 'rondine' ), $source );
				self::record( (int) $contact['id'], self::GRANTED, 'whatsapp_resume', $wording, $at );
				++$applied;
				continue;
			}
			if ( ( ! $contact && Erased::phone( $phone ) ) || ( $contact && self::REVOKED === $contact['consent'] ) ) {
				// Erased: the bridge keeps it suppressed. Already revoked: the revocation keeps its own source, so a
				// later WhatsApp "resume" cannot undo a revocation made in My Account or by the shop.
				continue;
			}
			$id = $contact ? (int) $contact['id'] : Contacts::upsert_by_phone(
				$phone,
				array(
					'phone_raw' => $phone,
					'source'    => 'whatsapp',
				)
			)['id'];
			/* translators: %s: where the opt-out came from, e.g. user_preferences. */
			$wording = sprintf( __( 'Stopped marketing messages on WhatsApp (%s).', 'rondine' ), $source );
			self::record( $id, self::REVOKED, 'whatsapp_stop', $wording, $at );
			++$applied;
		}
		return $applied;
	}
}
