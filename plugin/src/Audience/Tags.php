<?php
/**
 * Tags.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

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
		return self::query( '', array() );
	}

	/**
	 * Tags whose name contains `$search` (names starting with it first, then by name), or exactly the ids of
	 * `$include`; with their contact counts.
	 *
	 * @param string $search  What the owner typed ('' for every tag).
	 * @param int[]  $include Ids to resolve instead of searching.
	 * @param int    $limit   At most this many (0: no limit; not applied to `$include`).
	 * @return array<int,array{id:int,name:string,slug:string,count:int}>
	 */
	public static function find( string $search, array $include = array(), int $limit = 0 ): array {
		return self::query( $search, $include, $limit );
	}

	/**
	 * One tag, or null.
	 *
	 * @param int $id Id.
	 * @return array{id:int,name:string,slug:string,count:int}|null
	 */
	public static function get( int $id ): ?array {
		return self::query( '', array( $id ) )[0] ?? null;
	}

	/**
	 * Tags with counts.
	 *
	 * @param string $search  Name contains.
	 * @param int[]  $include Only these ids.
	 * @param int    $limit   At most this many (0: no limit).
	 * @return array<int,array{id:int,name:string,slug:string,count:int}>
	 */
	private static function query( string $search, array $include, int $limit = 0 ): array {
		global $wpdb;
		$tables = array( $wpdb->prefix . 'rondine_contact_tags', self::table() );
		$search = trim( $search );
		// One literal query per case, so that each is visible whole to $wpdb->prepare(). The tables are the plugin's own
		// (no WordPress API); counts change with every import and tag change, so nothing is cached.
		if ( $include ) {
			$ids  = array_values( array_filter( array_map( 'intval', $include ), static fn( $id ) => $id > 0 ) );
			$ids  = $ids ? $ids : array( 0 );
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM %i ct WHERE ct.tag_id = t.id) AS count FROM %i t WHERE t.id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') ORDER BY t.name, t.id', array_merge( $tables, $ids ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, counts change with every import (see above).
		} elseif ( '' !== $search && $limit > 0 ) {
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM %i ct WHERE ct.tag_id = t.id) AS count FROM %i t WHERE t.name LIKE %s ORDER BY t.name LIKE %s DESC, t.name, t.id LIMIT %d', $tables[0], $tables[1], '%' . $wpdb->esc_like( $search ) . '%', $wpdb->esc_like( $search ) . '%', $limit ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, counts change with every import (see above).
		} elseif ( '' !== $search ) {
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM %i ct WHERE ct.tag_id = t.id) AS count FROM %i t WHERE t.name LIKE %s ORDER BY t.name LIKE %s DESC, t.name, t.id', $tables[0], $tables[1], '%' . $wpdb->esc_like( $search ) . '%', $wpdb->esc_like( $search ) . '%' ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, counts change with every import (see above).
		} elseif ( $limit > 0 ) {
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM %i ct WHERE ct.tag_id = t.id) AS count FROM %i t ORDER BY t.name, t.id LIMIT %d', $tables[0], $tables[1], $limit ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, counts change with every import (see above).
		} else {
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM %i ct WHERE ct.tag_id = t.id) AS count FROM %i t ORDER BY t.name, t.id', $tables[0], $tables[1] ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, counts change with every import (see above).
		}
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
	 * A tag's name and slug from what the owner typed.
	 *
	 * @param string $name Name.
	 * @return array{0:string,1:string} Name, slug.
	 * @throws \InvalidArgumentException When the name is empty.
	 */
	private static function clean( string $name ): array {
		$name = mb_substr( trim( sanitize_text_field( $name ) ), 0, 100 );
		$slug = mb_substr( sanitize_title( $name ), 0, 100 );
		if ( '' === $name || '' === $slug ) {
			throw new \InvalidArgumentException( esc_html__( 'A tag needs a name.', 'rondine' ) );
		}
		return array( $name, $slug );
	}

	/**
	 * Renames a tag (its slug follows the name).
	 *
	 * @param int    $id   Id.
	 * @param string $name New name.
	 * @throws \InvalidArgumentException When the name is empty.
	 * @throws \DomainException          When another tag already has this name.
	 */
	public static function rename( int $id, string $name ): void {
		global $wpdb;
		[ $name, $slug ] = self::clean( $name );
		$other           = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM %i WHERE slug = %s AND id <> %d', self::table(), $slug, $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		if ( $other ) {
			throw new \DomainException( esc_html__( 'Another tag already has this name.', 'rondine' ) );
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		$wpdb->update(
			self::table(),
			array(
				'name' => $name,
				'slug' => $slug,
			),
			array( 'id' => $id )
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
		[ $name, $slug ] = self::clean( $name );
		$id              = $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM %i WHERE slug = %s', self::table(), $slug ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		if ( $id ) {
			return (int) $id;
		}
		// INSERT IGNORE on the unique slug: two imports creating the same tag at once both get its id.
		$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (name, slug) VALUES (%s, %s)', self::table(), $name, $slug ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM %i WHERE slug = %s', self::table(), $slug ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
	}

	/**
	 * Whether a tag exists.
	 *
	 * @param int $id Id.
	 */
	public static function exists( int $id ): bool {
		global $wpdb;
		return (bool) $wpdb->get_var( $wpdb->prepare( 'SELECT 1 FROM %i WHERE id = %d', self::table(), $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
	}

	/**
	 * Deletes a tag and its assignments.
	 *
	 * @param int $id Id.
	 */
	public static function delete( int $id ): bool {
		global $wpdb;
		$wpdb->delete( $wpdb->prefix . 'rondine_contact_tags', array( 'tag_id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
		return (bool) $wpdb->delete( self::table(), array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; nothing of it is cached.
	}
}
