<?php
/**
 * Events about contacts that start automations: a tag given, a list joined.
 *
 * @package Rondine
 */

namespace Rondine\Automations;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Bridge\Outbox;

/**
 * Tells the bridge (through the outbox, `POST /v1/events`) when a contact is given a tag or joins a list, whoever did
 * it: the owner in wp-admin, a CSV import, an automation's own tag or list step. Contacts::add_tags(), set_tags(),
 * add_tags_many() and Lists::add() fire `rondine_contacts_tagged` and `rondine_contacts_added_to_list` with what they
 * really added (a tag the contact had already, or a list they were already in, is no event). Contacts without a valid phone have nothing an automation could send to: no event.
 *
 * Events (docs/design/automations-contract.md, "Events from the site"):
 * - `contact.tagged`, data `{tag, contact}`, id `tag:<contact>:<tag id>:<unix time>`;
 * - `contact.list_added`, data `{list_id, list, contact}`, id `list:<contact>:<list id>:<unix time>`;
 * `contact` is the contact's values (contact_values()); a change made by an automation's step also carries
 * `caused_by: {automation_id, run_id}`, so that the bridge never restarts that automation with it and stops a chain of
 * automations tagging each other.
 */
final class ContactEvents {

	public const TAGGED     = 'contact.tagged';
	public const LIST_ADDED = 'contact.list_added';

	/**
	 * The automation run whose step is being applied (ContactActions), or null.
	 *
	 * @var array{automation_id:string,run_id:int}|null
	 */
	private static ?array $cause = null;

	/**
	 * Hooks: the audience's tag and list changes.
	 */
	public static function register(): void {
		add_action( 'rondine_contacts_tagged', array( self::class, 'tagged' ) );
		add_action( 'rondine_contacts_added_to_list', array( self::class, 'list_added' ), 10, 2 );
	}

	/**
	 * Runs `$apply` as an automation's step: the events it makes carry that cause.
	 *
	 * @param string   $automation_id Automation.
	 * @param int      $run_id        Run.
	 * @param callable $apply         What the step does.
	 * @return mixed What `$apply` returns.
	 */
	public static function caused_by( string $automation_id, int $run_id, callable $apply ) {
		$previous    = self::$cause;
		self::$cause = array(
			'automation_id' => $automation_id,
			'run_id'        => $run_id,
		);
		try {
			return $apply();
		} finally {
			self::$cause = $previous;
		}
	}

	/**
	 * Tags newly given to contacts.
	 *
	 * @param array<int,array{0:int,1:int}> $pairs [contact id, tag id] pairs.
	 * @return int Events queued.
	 */
	public static function tagged( array $pairs ): int {
		global $wpdb;
		if ( ! $pairs ) {
			return 0;
		}
		$tag_ids = array_values( array_unique( array_map( static fn( $p ) => (int) $p[1], $pairs ) ) );
		$names   = array();
		foreach ( array_chunk( $tag_ids, 500 ) as $chunk ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, read once per change.
			foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, name FROM %i WHERE id IN (' . implode( ',', array_fill( 0, count( $chunk ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'rondine_tags' ), $chunk ) ), ARRAY_A ) ?: array() as $row ) {
				$names[ (int) $row['id'] ] = (string) $row['name'];
			}
		}
		$by_contact = array();
		foreach ( $pairs as [ $contact_id, $tag_id ] ) {
			$by_contact[ (int) $contact_id ][] = (int) $tag_id;
		}
		$events = array();
		$now    = time();
		foreach ( self::contacts( array_keys( $by_contact ) ) as $id => $contact ) {
			foreach ( array_unique( $by_contact[ $id ] ) as $tag_id ) {
				if ( isset( $names[ $tag_id ] ) ) {
					$events[] = self::event(
						sprintf( 'tag:%d:%d:%d', $id, $tag_id, $now ),
						self::TAGGED,
						$contact,
						array( 'tag' => $names[ $tag_id ] )
					);
				}
			}
		}
		return Outbox::push_events( $events );
	}

	/**
	 * Contacts newly added to a list.
	 *
	 * @param int   $list_id     List.
	 * @param int[] $contact_ids Contacts added.
	 * @return int Events queued.
	 */
	public static function list_added( int $list_id, array $contact_ids ): int {
		global $wpdb;
		if ( ! $contact_ids ) {
			return 0;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per change.
		$name   = (string) $wpdb->get_var( $wpdb->prepare( 'SELECT name FROM %i WHERE id = %d', $wpdb->prefix . 'rondine_lists', $list_id ) );
		$events = array();
		$now    = time();
		foreach ( self::contacts( $contact_ids ) as $id => $contact ) {
			$events[] = self::event(
				sprintf( 'list:%d:%d:%d', $id, $list_id, $now ),
				self::LIST_ADDED,
				$contact,
				array(
					'list_id' => $list_id,
					'list'    => $name,
				)
			);
		}
		return Outbox::push_events( $events );
	}

	/**
	 * One event.
	 *
	 * @param string              $id      Idempotency key (the bridge's event id).
	 * @param string              $type    Event type.
	 * @param array<string,mixed> $contact Contact row with `tags`.
	 * @param array<string,mixed> $data    The event's own data.
	 * @return array<string,mixed>
	 */
	private static function event( string $id, string $type, array $contact, array $data ): array {
		$data['contact'] = self::contact_values( $contact );
		if ( null !== self::$cause ) {
			$data['caused_by'] = self::$cause;
		}
		return array(
			'id'         => $id,
			'type'       => $type,
			'phone'      => (string) $contact['phone'],
			'contact_id' => (string) $contact['id'],
			'data'       => $data,
		);
	}

	/**
	 * Contacts with a phone, with their tag names, by id (500 per query).
	 *
	 * @param int[] $ids Contact ids.
	 * @return array<int,array<string,mixed>>
	 */
	public static function contacts( array $ids ): array {
		global $wpdb;
		$out = array();
		foreach ( array_chunk( array_values( array_unique( array_map( 'intval', $ids ) ) ), 500 ) as $chunk ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per change; consent must be read as it is now.
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, consent, orders_count, total_spent, last_order_id, last_order_at, birthday FROM %i WHERE phone IS NOT NULL AND id IN (' . implode( ',', array_fill( 0, count( $chunk ), '%d' ) ) . ')', array_merge( array( Contacts::table() ), $chunk ) ), ARRAY_A );
			foreach ( Contacts::with_tags( $rows ?: array() ) as $row ) {
				$out[ (int) $row['id'] ] = $row;
			}
		}
		return $out;
	}

	/**
	 * The values an automation run carries for a contact: the fields a campaign's templates can use (Audience::page()),
	 * plus `consent` (the bridge's consent rule reads it when it has no record of the phone), `tags` (comma-separated
	 * names, for "has the tag" conditions) and `birthday`.
	 *
	 * @param array<string,mixed> $row Contact row (Contacts columns, `tags` as [{id, name}]).
	 * @return array<string,string>
	 */
	public static function contact_values( array $row ): array {
		return array(
			'first_name'        => (string) $row['first_name'],
			'last_name'         => (string) $row['last_name'],
			'full_name'         => trim( $row['first_name'] . ' ' . $row['last_name'] ),
			'email'             => (string) $row['email'],
			'city'              => (string) $row['city'],
			'country'           => (string) $row['country'],
			'language'          => (string) $row['language'],
			'shop_name'         => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
			'orders_count'      => (string) (int) $row['orders_count'],
			'total_spent'       => number_format( (float) $row['total_spent'], 2, '.', '' ),
			'last_order_number' => empty( $row['last_order_id'] ) ? '' : (string) $row['last_order_id'],
			'last_order_date'   => empty( $row['last_order_at'] ) ? '' : substr( (string) $row['last_order_at'], 0, 10 ),
			'consent'           => (string) $row['consent'],
			'tags'              => implode( ',', array_map( static fn( $tag ) => (string) $tag['name'], $row['tags'] ?? array() ) ),
			'birthday'          => empty( $row['birthday'] ) ? '' : (string) $row['birthday'],
		);
	}
}
