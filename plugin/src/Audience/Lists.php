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
		$rows = $wpdb->get_results( self::select_sql() . ' GROUP BY l.id ORDER BY l.id DESC', ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
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
		$row = $wpdb->get_row( $wpdb->prepare( self::select_sql() . ' WHERE l.id = %d GROUP BY l.id', $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * SELECT with counts.
	 */
	private static function select_sql(): string {
		return 'SELECT l.id, l.name, l.description, l.created_at, l.updated_at, COUNT(m.contact_id) AS members, SUM(c.consent = \'granted\' AND c.phone IS NOT NULL) AS opted_in FROM ' . self::table() . ' l LEFT JOIN ' . self::members_table() . ' m ON m.list_id = l.id LEFT JOIN ' . Contacts::table() . ' c ON c.id = m.contact_id';
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
			throw new \InvalidArgumentException( __( 'Give the list a name.', 'rondine' ) );
		}
		$now  = current_time( 'mysql', true );
		$data = array(
			'name'        => mb_substr( $name, 0, 190 ),
			'description' => sanitize_textarea_field( $description ),
			'updated_at'  => $now,
		);
		if ( null === $id ) {
			$data['created_at'] = $now;
			$wpdb->insert( self::table(), $data );
			$id = (int) $wpdb->insert_id;
		} else {
			$wpdb->update( self::table(), $data, array( 'id' => $id ) );
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
		$wpdb->delete( self::members_table(), array( 'list_id' => $id ) );
		return (bool) $wpdb->delete( self::table(), array( 'id' => $id ) );
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
		foreach ( array_chunk( array_values( array_unique( array_map( 'intval', $contact_ids ) ) ), 500 ) as $chunk ) {
			// Only ids of existing contacts get in.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO ' . self::members_table() . ' (list_id, contact_id, added_at) SELECT %d, c.id, %s FROM ' . Contacts::table() . ' c WHERE c.id IN (' . implode( ',', $chunk ) . ')', $list_id, $now ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
			$added += (int) $wpdb->rows_affected;
		}
		$wpdb->update( self::table(), array( 'updated_at' => $now ), array( 'id' => $list_id ) );
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
		return (int) $wpdb->query( $wpdb->prepare( 'DELETE FROM ' . self::members_table() . ' WHERE list_id = %d AND contact_id IN (' . implode( ',', $ids ) . ')', $list_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
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
