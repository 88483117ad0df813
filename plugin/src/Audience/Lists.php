<?php
/**
 * Static lists.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * `rondine_lists` and `rondine_list_members`.
 */
final class Lists {

	/**
	 * Table.
	 */
	private static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_lists';
	}

	/**
	 * Members table.
	 */
	private static function members_table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_list_members';
	}

	/**
	 * All lists with member counts, newest first.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public static function all(): array {
		global $wpdb;
		// The same SELECT as find()'s (kept literal in both, so that the whole query is visible to $wpdb->prepare()).
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; member and opt-in counts change with every import, sync and opt-out.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT l.id, l.name, l.description, l.created_at, l.updated_at, COUNT(m.contact_id) AS members, SUM(c.consent = \'granted\' AND c.phone IS NOT NULL) AS opted_in FROM %i l LEFT JOIN %i m ON m.list_id = l.id LEFT JOIN %i c ON c.id = m.contact_id GROUP BY l.id ORDER BY l.id DESC', self::table(), self::members_table(), Contacts::table() ), ARRAY_A );
		return array_map( array( self::class, 'shape' ), $rows ?: array() );
	}

	/**
	 * One list.
	 *
	 * @param int $id Id.
	 * @return array<string,mixed>|null
	 */
	public static function find( int $id ): ?array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; member and opt-in counts change with every import, sync and opt-out.
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT l.id, l.name, l.description, l.created_at, l.updated_at, COUNT(m.contact_id) AS members, SUM(c.consent = \'granted\' AND c.phone IS NOT NULL) AS opted_in FROM %i l LEFT JOIN %i m ON m.list_id = l.id LEFT JOIN %i c ON c.id = m.contact_id WHERE l.id = %d GROUP BY l.id', self::table(), self::members_table(), Contacts::table(), $id ), ARRAY_A );
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * Creates or updates.
	 *
	 * @param int|null $id          Id or null.
	 * @param string   $name        Name.
	 * @param string   $description Description.
	 * @return array<string,mixed>
	 * @throws \InvalidArgumentException When the name is empty.
	 */
	public static function save( ?int $id, string $name, string $description ): array {
		global $wpdb;
		$name = trim( sanitize_text_field( $name ) );
		if ( '' === $name ) {
			throw new \InvalidArgumentException( esc_html__( 'Give the list a name.', 'rondine' ) );
		}
		$now  = current_time( 'mysql', true );
		$data = array(
			'name'        => mb_substr( $name, 0, 190 ),
			'description' => sanitize_textarea_field( $description ),
			'updated_at'  => $now,
		);
		if ( null === $id ) {
			$data['created_at'] = $now;
			$wpdb->insert( self::table(), $data ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own tables, no WordPress API.
			$id = (int) $wpdb->insert_id;
		} else {
			$wpdb->update( self::table(), $data, array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		}
		return (array) self::find( $id );
	}

	/**
	 * Deletes a list and its memberships (not the contacts).
	 *
	 * @param int $id Id.
	 */
	public static function delete( int $id ): bool {
		global $wpdb;
		$wpdb->delete( self::members_table(), array( 'list_id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		return (bool) $wpdb->delete( self::table(), array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
	}

	/**
	 * The lists a contact belongs to.
	 *
	 * @param int $contact_id Contact.
	 * @return array<int,array{id:int,name:string}>
	 */
	public static function of_contact( int $contact_id ): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; memberships change with every import.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT l.id, l.name FROM %i l JOIN %i m ON m.list_id = l.id WHERE m.contact_id = %d ORDER BY l.name', self::table(), self::members_table(), $contact_id ), ARRAY_A );
		return array_map(
			static fn( $row ) => array(
				'id'   => (int) $row['id'],
				'name' => (string) $row['name'],
			),
			$rows ?: array()
		);
	}

	/**
	 * Adds contacts.
	 *
	 * @param int   $list_id     List.
	 * @param int[] $contact_ids Contacts.
	 * @return int Newly added.
	 */
	public static function add( int $list_id, array $contact_ids ): int {
		global $wpdb;
		$added = 0;
		$now   = current_time( 'mysql', true );
		$new   = array();
		foreach ( array_chunk( array_values( array_unique( array_map( 'intval', $contact_ids ) ) ), 500 ) as $chunk ) {
			// Only ids of existing contacts get in.
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; one INSERT … SELECT per 500 contacts, nothing of it is cached.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (list_id, contact_id, added_at) SELECT %d, c.id, %s FROM %i c WHERE c.id IN (' . implode( ',', array_fill( 0, count( $chunk ), '%d' ) ) . ')', array_merge( array( self::members_table(), $list_id, $now, Contacts::table() ), $chunk ) ) );
			$inserted = (int) $wpdb->rows_affected;
			$added   += $inserted;
			if ( $inserted > 0 ) {
				// The members added now: their added_at is this call's (one added in the same second by another call
				// is announced with the same event id, so once).
				// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
				$new = array_merge( $new, array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT contact_id FROM %i WHERE list_id = %d AND added_at = %s AND contact_id IN (' . implode( ',', array_fill( 0, count( $chunk ), '%d' ) ) . ')', array_merge( array( self::members_table(), $list_id, $now ), $chunk ) ) ) ?: array() ) );
			}
		}
		if ( $new ) {
			/**
			 * Fires after contacts joined a list they were not in.
			 *
			 * @param int   $list_id     List.
			 * @param int[] $contact_ids Contacts added.
			 */
			do_action( 'rondine_contacts_added_to_list', $list_id, $new );
		}
		$wpdb->update( self::table(), array( 'updated_at' => $now ), array( 'id' => $list_id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		return $added;
	}

	/**
	 * Removes contacts.
	 *
	 * @param int   $list_id     List.
	 * @param int[] $contact_ids Contacts.
	 * @return int Removed.
	 */
	public static function remove( int $list_id, array $contact_ids ): int {
		global $wpdb;
		$ids = array_filter( array_map( 'intval', $contact_ids ) );
		if ( ! $ids ) {
			return 0;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		return (int) $wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE list_id = %d AND contact_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( self::members_table(), $list_id ), array_values( $ids ) ) ) );
	}

	/**
	 * Typed row.
	 *
	 * @param array<string,mixed> $row Row.
	 * @return array<string,mixed>
	 */
	private static function shape( array $row ): array {
		return array(
			'id'          => (int) $row['id'],
			'name'        => $row['name'],
			'description' => $row['description'],
			'members'     => (int) $row['members'],
			'opted_in'    => (int) $row['opted_in'],
			'created_at'  => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row['created_at'] . ' UTC' ) ),
			'updated_at'  => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row['updated_at'] . ' UTC' ) ),
		);
	}
}
