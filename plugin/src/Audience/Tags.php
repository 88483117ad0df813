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
		$where  = array( '1 = 1' );
		$params = array();
		$order  = 't.name, t.id';
		if ( $include ) {
			$ids     = array_filter( array_map( 'intval', $include ), static fn( $id ) => $id > 0 );
			$where[] = 't.id IN (' . implode( ',', $ids ? $ids : array( 0 ) ) . ')';
		} elseif ( '' !== trim( $search ) ) {
			$where[]  = 't.name LIKE %s';
			$params[] = '%' . $wpdb->esc_like( trim( $search ) ) . '%';
			$order    = 't.name LIKE %s DESC, ' . $order;
			$params[] = $wpdb->esc_like( trim( $search ) ) . '%';
		}
		$sql = 'SELECT t.id, t.name, t.slug, (SELECT COUNT(*) FROM ' . $wpdb->prefix . 'rondine_contact_tags ct WHERE ct.tag_id = t.id) AS count FROM ' . self::table() . ' t WHERE ' . implode( ' AND ', $where ) . ' ORDER BY ' . $order;
		if ( $limit > 0 && ! $include ) {
			$sql     .= ' LIMIT %d';
			$params[] = $limit;
		}
		$rows = $wpdb->get_results( $params ? $wpdb->prepare( $sql, $params ) : $sql, ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- placeholders and integers built above.
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
			throw new \InvalidArgumentException( __( 'A tag needs a name.', 'rondine' ) );
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
		$other           = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table() . ' WHERE slug = %s AND id <> %d', $slug, $id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		if ( $other ) {
			throw new \DomainException( __( 'Another tag already has this name.', 'rondine' ) );
		}
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
		$id              = $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table() . ' WHERE slug = %s', $slug ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		if ( $id ) {
			return (int) $id;
		}
		$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO ' . self::table() . ' (name, slug) VALUES (%s, %s)', $name, $slug ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table() . ' WHERE slug = %s', $slug ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
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
