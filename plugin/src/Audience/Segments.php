<?php
/**
 * Saved segments.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * `rondine_segments`: a name and a validated definition (JSON).
 */
final class Segments {

	/**
	 * Table.
	 */
	private static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_segments';
	}

	/**
	 * All segments, newest first.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public static function all(): array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; a few rows read when the owner opens the audience screen.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, name, definition, created_at, updated_at FROM %i ORDER BY id DESC', self::table() ), ARRAY_A );
		return array_map( array( self::class, 'shape' ), $rows ?: array() );
	}

	/**
	 * One segment.
	 *
	 * @param int $id Id.
	 * @return array<string,mixed>|null
	 */
	public static function find( int $id ): ?array {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; one primary-key read, and a campaign must send to the segment as last saved.
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT id, name, definition, created_at, updated_at FROM %i WHERE id = %d', self::table(), $id ), ARRAY_A );
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * Creates or updates.
	 *
	 * @param int|null $id         Id, null to create.
	 * @param string   $name       Name.
	 * @param mixed    $definition Definition (validated here).
	 * @return array<string,mixed>
	 * @throws \InvalidArgumentException When the definition or name is invalid.
	 */
	public static function save( ?int $id, string $name, $definition ): array {
		global $wpdb;
		$name = trim( sanitize_text_field( $name ) );
		if ( '' === $name ) {
			throw new \InvalidArgumentException( esc_html__( 'Give the segment a name.', 'rondine' ) );
		}
		$clean = SegmentQuery::validate( $definition );
		$now   = current_time( 'mysql', true );
		$data  = array(
			'name'       => mb_substr( $name, 0, 190 ),
			'definition' => wp_json_encode( $clean ),
			'updated_at' => $now,
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
	 * Deletes.
	 *
	 * @param int $id Id.
	 */
	public static function delete( int $id ): bool {
		global $wpdb;
		return (bool) $wpdb->delete( self::table(), array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
	}

	/**
	 * Typed row.
	 *
	 * @param array<string,mixed> $row Row.
	 * @return array<string,mixed>
	 */
	private static function shape( array $row ): array {
		return array(
			'id'         => (int) $row['id'],
			'name'       => $row['name'],
			'definition' => json_decode( (string) $row['definition'], true ),
			'created_at' => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row['created_at'] . ' UTC' ) ),
			'updated_at' => gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row['updated_at'] . ' UTC' ) ),
		);
	}
}
