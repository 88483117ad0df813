<?php
/**
 * The shop's products and categories, by name.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Finds products (and variations) and product categories by what the owner types, so the segment builder can show
 * names where segments store ids. Read from WordPress's tables as WooCommerce writes them (`product` and
 * `product_variation` posts with `_sku` meta, `product_cat` terms), so it works whether or not WooCommerce is loaded.
 */
final class Catalog {

	/**
	 * Most results one search returns.
	 */
	public const MAX_RESULTS = 50;

	/**
	 * Post statuses that are not products the owner would pick.
	 */
	private const HIDDEN_STATUSES = array( 'trash', 'auto-draft', 'inherit' );

	/**
	 * Products and variations whose name or SKU contains `$search` (or whose id it is), names starting with it first,
	 * then by name; or, with `$include`, exactly those ids (in that order, to name a saved segment's products).
	 *
	 * @param string $search  What the owner typed.
	 * @param int[]  $include Ids to resolve instead of searching.
	 * @param int    $limit   At most this many (1..MAX_RESULTS).
	 * @return array<int,array{id:int,name:string,sku:string,type:string,parent_id:int}>
	 */
	public static function products( string $search, array $include = array(), int $limit = 20 ): array {
		global $wpdb;
		$limit = max( 1, min( self::MAX_RESULTS, $limit ) );
		// WP_Query cannot match the title or the `_sku` meta in one condition nor put names starting with the search
		// first; and a search as the owner types should show products as they are now: nothing is cached.
		if ( $include ) {
			$ids = self::ids( $include );
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- names of a saved segment's products (one query for all, see above).
			$rows = $wpdb->get_results( $wpdb->prepare( "SELECT p.ID AS id, p.post_title AS name, p.post_type AS type, p.post_parent AS parent_id, COALESCE(sku.meta_value, '') AS sku FROM %i p LEFT JOIN %i sku ON sku.post_id = p.ID AND sku.meta_key = '_sku' WHERE p.post_type IN ('product', 'product_variation') AND p.ID IN (" . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $wpdb->posts, $wpdb->postmeta ), $ids ) ), ARRAY_A );
			return self::in_order( array_map( array( self::class, 'product' ), $rows ?: array() ), $ids );
		}
		$search = trim( $search );
		$like   = '%' . $wpdb->esc_like( $search ) . '%';
		$prefix = $wpdb->esc_like( $search ) . '%';
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a search as the owner types (see above).
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT p.ID AS id, p.post_title AS name, p.post_type AS type, p.post_parent AS parent_id, COALESCE(sku.meta_value, '') AS sku FROM %i p LEFT JOIN %i sku ON sku.post_id = p.ID AND sku.meta_key = '_sku' WHERE p.post_type IN ('product', 'product_variation') AND p.post_status NOT IN (" . implode( ',', array_fill( 0, count( self::HIDDEN_STATUSES ), '%s' ) ) . ') AND ( p.post_title LIKE %s OR sku.meta_value LIKE %s OR p.ID = %d ) ORDER BY p.post_title LIKE %s DESC, p.post_title, p.ID LIMIT %d',
				array_merge( array( $wpdb->posts, $wpdb->postmeta ), self::HIDDEN_STATUSES, array( $like, $like, ctype_digit( $search ) ? (int) $search : 0, $prefix, $limit ) )
			),
			ARRAY_A
		);
		return array_map( array( self::class, 'product' ), $rows ?: array() );
	}

	/**
	 * Product categories whose name contains `$search`, names starting with it first, then by name; or, with
	 * `$include`, exactly those term ids.
	 *
	 * @param string $search  What the owner typed.
	 * @param int[]  $include Term ids to resolve instead of searching.
	 * @param int    $limit   At most this many (1..MAX_RESULTS).
	 * @return array<int,array{id:int,name:string,slug:string,parent_name:string,count:int}>
	 */
	public static function categories( string $search, array $include = array(), int $limit = 20 ): array {
		global $wpdb;
		$limit = max( 1, min( self::MAX_RESULTS, $limit ) );
		// get_terms() cannot put names starting with the search first, nor give the parent's name in the same query; a
		// search as the owner types should show categories as they are now: nothing is cached.
		if ( $include ) {
			$ids = self::ids( $include );
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- names of a saved segment's categories (one query for all, see above).
			$rows = $wpdb->get_results( $wpdb->prepare( "SELECT t.term_id AS id, t.name, t.slug, COALESCE(pt.name, '') AS parent_name, tt.count FROM %i t JOIN %i tt ON tt.term_id = t.term_id AND tt.taxonomy = 'product_cat' LEFT JOIN %i pt ON pt.term_id = tt.parent WHERE 1 = 1 AND t.term_id IN (" . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( $wpdb->terms, $wpdb->term_taxonomy, $wpdb->terms ), $ids ) ), ARRAY_A );
			return self::in_order( array_map( array( self::class, 'category' ), $rows ?: array() ), $ids );
		}
		$search = trim( $search );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- a search as the owner types (see above).
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT t.term_id AS id, t.name, t.slug, COALESCE(pt.name, '') AS parent_name, tt.count FROM %i t JOIN %i tt ON tt.term_id = t.term_id AND tt.taxonomy = 'product_cat' LEFT JOIN %i pt ON pt.term_id = tt.parent WHERE 1 = 1 AND t.name LIKE %s ORDER BY t.name LIKE %s DESC, t.name, t.term_id LIMIT %d",
				$wpdb->terms,
				$wpdb->term_taxonomy,
				$wpdb->terms,
				// Names are stored HTML-escaped (`&amp;`): the search is escaped the same way.
				'%' . $wpdb->esc_like( _wp_specialchars( $search ) ) . '%',
				$wpdb->esc_like( _wp_specialchars( $search ) ) . '%',
				$limit
			),
			ARRAY_A
		);
		return array_map( array( self::class, 'category' ), $rows ?: array() );
	}

	/**
	 * Positive integer ids, at most 500 (what a segment filter holds).
	 *
	 * @param array<int,mixed> $ids Ids.
	 * @return int[]
	 */
	private static function ids( array $ids ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $ids ), static fn( $id ) => $id > 0 ) ) );
		return $ids ? array_slice( $ids, 0, 500 ) : array( 0 );
	}

	/**
	 * Rows in the order of the ids asked for (ids not found are left out).
	 *
	 * @param array<int,array<string,mixed>> $rows Rows with `id`.
	 * @param int[]                          $ids  Ids asked for.
	 * @return array<int,array<string,mixed>>
	 */
	private static function in_order( array $rows, array $ids ): array {
		$by_id = array_column( $rows, null, 'id' );
		$out   = array();
		foreach ( $ids as $id ) {
			if ( isset( $by_id[ $id ] ) ) {
				$out[] = $by_id[ $id ];
			}
		}
		return $out;
	}

	/**
	 * A product row as the API answers it.
	 *
	 * @param array<string,string> $row Row.
	 * @return array{id:int,name:string,sku:string,type:string,parent_id:int}
	 */
	private static function product( array $row ): array {
		return array(
			'id'        => (int) $row['id'],
			'name'      => '' === $row['name'] ? sprintf( /* translators: %d: product id. */ __( 'Product #%d', 'rondine' ), (int) $row['id'] ) : $row['name'],
			'sku'       => (string) $row['sku'],
			'type'      => 'product_variation' === $row['type'] ? 'variation' : 'product',
			'parent_id' => (int) $row['parent_id'],
		);
	}

	/**
	 * A category row as the API answers it.
	 *
	 * @param array<string,string> $row Row.
	 * @return array{id:int,name:string,slug:string,parent_name:string,count:int}
	 */
	private static function category( array $row ): array {
		return array(
			'id'          => (int) $row['id'],
			// WordPress stores term names with `&` escaped; the admin app shows text.
			'name'        => wp_specialchars_decode( $row['name'], ENT_QUOTES ),
			'slug'        => $row['slug'],
			'parent_name' => wp_specialchars_decode( $row['parent_name'], ENT_QUOTES ),
			'count'       => (int) $row['count'],
		);
	}
}
