<?php
/**
 * Tags.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

/**
 * `rondine_tags`: names with a unique slug; contacts get them through `rondine_contact_tags`.
 */
final class Tags {

	/**
	 * Table.
	 */
	private static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_tags';
	}

	/**
	 * All tags with their contact counts, by name.
	 *
	 * @return array<int,array{id:int,name:string,slug:string,count:int}>
	 */
	public static function all(): array {
		global $wpdb;
		$rows = $wpdb->get_results( 'SELECT t.id, t.name, t.slug, COUNT(ct.contact_id) AS count FROM ' . self::table() . ' t LEFT JOIN ' . $wpdb->prefix . 'rondine_contact_tags ct ON ct.tag_id = t.id GROUP BY t.id ORDER BY t.name', ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return array_map(
			static fn( $r ) => array(
				'id'    => (int) $r['id'],
				'name'  => $r['name'],
				'slug'  => $r['slug'],
				'count' => (int) $r['count'],
			),
			$rows ?: array()
		);
	}

	/**
	 * The tag with this name, created when missing.
	 *
	 * @param string $name Name.
	 * @return int Tag id.
	 * @throws \InvalidArgumentException When the name is empty.
	 */
	public static function ensure( string $name ): int {
		global $wpdb;
		$name = mb_substr( trim( sanitize_text_field( $name ) ), 0, 100 );
		$slug = sanitize_title( $name );
		if ( '' === $name || '' === $slug ) {
			throw new \InvalidArgumentException( __( 'A tag needs a name.', 'rondine' ) );
		}
		$id = $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table() . ' WHERE slug = %s', $slug ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		if ( $id ) {
			return (int) $id;
		}
		$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO ' . self::table() . ' (name, slug) VALUES (%s, %s)', $name, mb_substr( $slug, 0, 100 ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table() . ' WHERE slug = %s', mb_substr( $slug, 0, 100 ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Whether a tag exists.
	 *
	 * @param int $id Id.
	 */
	public static function exists( int $id ): bool {
		global $wpdb;
		return (bool) $wpdb->get_var( $wpdb->prepare( 'SELECT 1 FROM ' . self::table() . ' WHERE id = %d', $id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Deletes a tag and its assignments.
	 *
	 * @param int $id Id.
	 */
	public static function delete( int $id ): bool {
		global $wpdb;
		$wpdb->delete( $wpdb->prefix . 'rondine_contact_tags', array( 'tag_id' => $id ) );
		return (bool) $wpdb->delete( self::table(), array( 'id' => $id ) );
	}
}
