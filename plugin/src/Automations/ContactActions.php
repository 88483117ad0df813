<?php
/**
 * What the bridge's automations ask the site to do to a contact.
 *
 * @package Rondine
 */

namespace Rondine\Automations;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Audience\Tags;

/**
 * `POST rondine/v1/bridge/contact-actions` (docs/design/automations-contract.md, "Bridge → site"): tag, list and notify
 * steps of a run, and the statuses of a message about an order for its notes (OrderNotes), each applied once by its id. The bridge retries a delivery from its outbox until the site answers
 * the action's id in `applied`, so an action already applied is answered again without being applied twice.
 *
 * Applied ids are kept in the options table for 30 days (transient naming, so WordPress's expired-transient cleanup
 * removes them), claimed with an INSERT IGNORE on the unique option name: two deliveries of the same action at once
 * cannot both apply it. A claim whose action fails is released, so that the bridge's retry applies it.
 */
final class ContactActions {

	/** How long an applied id is remembered, in seconds. */
	public const TTL = 30 * DAY_IN_SECONDS;

	/** Most actions in one request. */
	public const MAX = 500;

	/**
	 * Applies a delivery's actions.
	 *
	 * @param array<int,mixed> $actions The `actions` of the request.
	 * @return string[] Ids applied now or before.
	 */
	public static function apply_all( array $actions ): array {
		$applied = array();
		foreach ( $actions as $action ) {
			if ( ! is_array( $action ) ) {
				continue;
			}
			$id = self::valid_id( $action['id'] ?? null );
			if ( null !== $id && null === self::problem( $action ) && self::apply_once( $id, $action ) ) {
				$applied[] = $id;
			}
		}
		return array_values( array_unique( $applied ) );
	}

	/**
	 * An action id as the bridge writes them, or null.
	 *
	 * @param mixed $id Id.
	 */
	private static function valid_id( $id ): ?string {
		return is_string( $id ) && preg_match( '/^[A-Za-z0-9:_.\-]{1,128}$/', $id ) ? $id : null;
	}

	/**
	 * Why an action cannot be applied, or null.
	 *
	 * @param array<string,mixed> $action Action.
	 */
	public static function problem( array $action ): ?string {
		if ( ! is_string( $action['phone'] ?? null ) || ! preg_match( '/^\+[1-9][0-9]{6,14}$/', $action['phone'] ) ) {
			return 'phone';
		}
		$type = $action['type'] ?? null;
		if ( ! in_array( $type, array( 'tag', 'list', 'notify', 'order_note' ), true ) ) {
			return 'type';
		}
		if ( 'order_note' === $type ) {
			return OrderNotes::problem( $action );
		}
		foreach ( array( 'add', 'remove' ) as $member ) {
			if ( isset( $action[ $member ] ) && ( ! is_array( $action[ $member ] ) || count( $action[ $member ] ) > 100 ) ) {
				return $member;
			}
		}
		if ( 'notify' === $type && ( ! is_string( $action['subject'] ?? null ) || ! is_string( $action['text'] ?? null ) ) ) {
			return 'notify';
		}
		return null;
	}

	/**
	 * Applies an action unless it was applied before.
	 *
	 * @param string              $id     Action id.
	 * @param array<string,mixed> $action Action.
	 * @return bool Whether the action is applied (now or before).
	 */
	private static function apply_once( string $id, array $action ): bool {
		$claimed = self::claim( $id );
		if ( null === $claimed ) {
			return true;
		}
		try {
			// The tags and lists it gives are announced as this run's doing (ContactEvents: no loop back to it).
			ContactEvents::caused_by(
				is_string( $action['automation_id'] ?? null ) ? $action['automation_id'] : '',
				is_numeric( $action['run_id'] ?? null ) ? (int) $action['run_id'] : 0,
				static fn() => self::apply( $action )
			);
		} catch ( \Throwable $failure ) {
			self::release( $claimed );
			return false;
		}
		return true;
	}

	/**
	 * Claims an id.
	 *
	 * @param string $id Action id.
	 * @return string|null The option name, or null when the id was already applied.
	 */
	private static function claim( string $id ): ?string {
		global $wpdb;
		$name = 'rondine_action_' . substr( hash( 'sha256', $id ), 0, 32 );
		if ( 0 === wp_rand( 0, 49 ) ) {
			self::prune();
		}
		// Straight SQL on the options table, not set_transient(): only an INSERT IGNORE on the unique option name tells
		// atomically whether another process claimed the action first, and the answer must come from the database,
		// never from an object cache (as SignatureLedger::add()).
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$inserted = (int) $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO %i (option_name, option_value, autoload) VALUES (%s, %s, 'off')", $wpdb->options, '_transient_' . $name, (string) time() ) );
		if ( 1 !== $inserted ) {
			return null;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
		$wpdb->query( $wpdb->prepare( "INSERT INTO %i (option_name, option_value, autoload) VALUES (%s, %s, 'off') ON DUPLICATE KEY UPDATE option_value = VALUES(option_value)", $wpdb->options, '_transient_timeout_' . $name, (string) ( time() + self::TTL ) ) );
		return $name;
	}

	/**
	 * Releases a claim whose action failed.
	 *
	 * @param string $name Option name of the claim.
	 */
	private static function release( string $name ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see claim().
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE option_name IN (%s, %s)', $wpdb->options, '_transient_' . $name, '_transient_timeout_' . $name ) );
	}

	/**
	 * Removes claims older than TTL.
	 */
	public static function prune(): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see claim().
		$names = $wpdb->get_col( $wpdb->prepare( 'SELECT SUBSTRING(option_name, 20) FROM %i WHERE option_name LIKE %s AND option_value < %d LIMIT 1000', $wpdb->options, $wpdb->esc_like( '_transient_timeout_rondine_action_' ) . '%', time() ) );
		foreach ( array_chunk( $names, 200 ) as $chunk ) {
			$list = array();
			foreach ( $chunk as $name ) {
				$list[] = '_transient_' . $name;
				$list[] = '_transient_timeout_' . $name;
			}
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see claim().
			$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE option_name IN (' . implode( ',', array_fill( 0, count( $list ), '%s' ) ) . ')', array_merge( array( $wpdb->options ), $list ) ) );
		}
	}

	/**
	 * Applies one action.
	 *
	 * @param array<string,mixed> $action A valid action (problem() is null).
	 */
	private static function apply( array $action ): void {
		if ( 'notify' === $action['type'] ) {
			self::notify( $action );
			return;
		}
		if ( 'order_note' === $action['type'] ) {
			OrderNotes::apply( $action );
			return;
		}
		$contact_id = self::contact_id( $action );
		$add        = is_array( $action['add'] ?? null ) ? $action['add'] : array();
		$remove     = is_array( $action['remove'] ?? null ) ? $action['remove'] : array();
		if ( 'tag' === $action['type'] ) {
			$add_ids = array();
			foreach ( $add as $name ) {
				if ( is_string( $name ) && '' !== trim( $name ) ) {
					$add_ids[] = Tags::ensure( $name );
				}
			}
			if ( $add_ids ) {
				Contacts::add_tags( $contact_id, $add_ids );
			}
			$keep = array_diff( array_map( static fn( $tag ) => (int) $tag['id'], Contacts::with_tags( array( array( 'id' => $contact_id ) ) )[0]['tags'] ?? array() ), self::tag_ids( $remove ) );
			if ( $remove ) {
				Contacts::set_tags( $contact_id, array_values( $keep ) );
			}
			return;
		}
		foreach ( $add as $list_id ) {
			if ( is_int( $list_id ) && null !== Lists::find( $list_id ) ) {
				Lists::add( $list_id, array( $contact_id ) );
			}
		}
		foreach ( $remove as $list_id ) {
			if ( is_int( $list_id ) ) {
				Lists::remove( $list_id, array( $contact_id ) );
			}
		}
	}

	/**
	 * Ids of existing tags by name (removing a tag nobody has creates nothing).
	 *
	 * @param array<int,mixed> $names Names.
	 * @return int[]
	 */
	private static function tag_ids( array $names ): array {
		$ids = array();
		foreach ( Tags::all() as $tag ) {
			foreach ( $names as $name ) {
				if ( is_string( $name ) && sanitize_title( $name ) === $tag['slug'] ) {
					$ids[] = (int) $tag['id'];
				}
			}
		}
		return $ids;
	}

	/**
	 * The action's contact: its contact id when it belongs to the phone, else the contact with the phone, created when
	 * missing (someone who wrote to the shop's number without being a contact yet).
	 *
	 * @param array<string,mixed> $action Action.
	 */
	private static function contact_id( array $action ): int {
		$phone = (string) $action['phone'];
		if ( isset( $action['contact_id'] ) && is_int( $action['contact_id'] ) ) {
			$contact = Contacts::find( $action['contact_id'] );
			if ( null !== $contact && $phone === $contact['phone'] ) {
				return (int) $contact['id'];
			}
		}
		$contact = Contacts::find_by_phone( $phone );
		if ( null !== $contact ) {
			return (int) $contact['id'];
		}
		return Contacts::upsert_by_phone( $phone, array( 'source' => 'whatsapp' ) )['id'];
	}

	/**
	 * A plain-text e-mail to the site's admin address.
	 *
	 * @param array<string,mixed> $action Action.
	 * @throws \RuntimeException When WordPress could not send the e-mail.
	 */
	private static function notify( array $action ): void {
		$subject = sanitize_text_field( (string) $action['subject'] );
		$text    = sanitize_textarea_field( (string) $action['text'] );
		$lines   = array(
			$text,
			'',
			/* translators: %s: the contact's phone number. */
			sprintf( __( 'Contact: %s', 'rondine' ), (string) $action['phone'] ),
		);
		$to      = sanitize_email( (string) get_option( 'admin_email' ) );
		$subject = '' === $subject ? __( 'A Rondine automation notification', 'rondine' ) : $subject;
		if ( '' === $to || ! wp_mail( $to, $subject, implode( "\n", $lines ), array( 'Content-Type: text/plain; charset=UTF-8' ) ) ) {
			throw new \RuntimeException( 'The notification e-mail was not sent.' );
		}
	}
}
