<?php
/**
 * A campaign's audience: lists and segments, each phone once, opted-in only.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Resolves an audience (`{segments:[ids], lists:[ids]}` or an unsaved `{definition}`) to contacts: the union of the
 * lists' members and the segments' matches, keeping only contacts with a valid phone and `granted` consent. As the
 * contacts table is unique by phone, counting contacts counts distinct phones.
 */
final class Audience {

	/**
	 * Validates an audience and returns it in canonical form.
	 *
	 * @param mixed $audience Decoded JSON.
	 * @return array{segments:int[],lists:int[],definition:array<string,mixed>|null}
	 * @throws \InvalidArgumentException With a translated message.
	 */
	public static function validate( $audience ): array {
		if ( ! is_array( $audience ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The audience must be an object with “segments” and “lists”.', 'rondine' ) );
		}
		$clean = array(
			'segments'   => array(),
			'lists'      => array(),
			'definition' => null,
		);
		foreach ( array( 'segments', 'lists' ) as $key ) {
			$ids = $audience[ $key ] ?? array();
			if ( ! is_array( $ids ) ) {
				/* translators: %s: segments or lists. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( '“%s” must be a list of ids.', 'rondine' ), $key ) ) );
			}
			foreach ( $ids as $id ) {
				if ( ! is_numeric( $id ) || (int) $id < 1 || (int) $id != $id ) { // phpcs:ignore Universal.Operators.StrictComparisons.LooseNotEqual -- "12" and 12 are both whole numbers; 1.5 is not.
					/* translators: %s: segments or lists. */
					throw new \InvalidArgumentException( esc_html( sprintf( __( '“%s” must be a list of ids.', 'rondine' ), $key ) ) );
				}
			}
			$clean[ $key ] = array_values( array_unique( array_map( 'intval', $ids ) ) );
		}
		if ( isset( $audience['definition'] ) ) {
			$clean['definition'] = SegmentQuery::validate( $audience['definition'] );
		}
		foreach ( $clean['segments'] as $id ) {
			if ( null === Segments::find( $id ) ) {
				/* translators: %d: segment id. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'Segment %d does not exist (it may have been deleted).', 'rondine' ), $id ) ) );
			}
		}
		foreach ( $clean['lists'] as $id ) {
			if ( null === Lists::find( $id ) ) {
				/* translators: %d: list id. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'List %d does not exist (it may have been deleted).', 'rondine' ), $id ) ) );
			}
		}
		return $clean;
	}

	/**
	 * WHERE condition (on alias c) selecting the audience's reachable contacts; null when the audience is empty. It is
	 * SQL text built only from constant SQL, integer ids and SegmentQuery's conditions (whose every value went through
	 * `$wpdb->prepare()`), so the queries below append it to their own prepared text as it is.
	 *
	 * @param array{segments:int[],lists:int[],definition:array<string,mixed>|null} $audience Validated audience.
	 */
	public static function condition( array $audience ): ?string {
		global $wpdb;
		$reachable = "c.phone IS NOT NULL AND c.consent = 'granted'";
		$lists     = implode( ',', array_map( 'intval', $audience['lists'] ) );
		$segments  = array();
		foreach ( $audience['segments'] as $id ) {
			$segments[] = SegmentQuery::parts( Segments::find( $id )['definition'] )['where'];
		}
		if ( null !== $audience['definition'] ) {
			$segments[] = SegmentQuery::parts( $audience['definition'] )['where'];
		}
		if ( ! $segments ) {
			// Lists only: a semi-join from the (few) members, not a scan of every contact.
			return '' === $lists ? null : "$reachable AND c.id IN (SELECT contact_id FROM {$wpdb->prefix}rondine_list_members WHERE list_id IN ($lists))";
		}
		// Segments are conditions on the contact row, so the union is an OR evaluated in one scan (and a bridge page
		// reads contacts in id order from its cursor, instead of rebuilding the union for every page).
		if ( '' !== $lists ) {
			$segments[] = "EXISTS (SELECT 1 FROM {$wpdb->prefix}rondine_list_members m WHERE m.contact_id = c.id AND m.list_id IN ($lists))";
		}
		return "$reachable AND (" . implode( ' OR ', $segments ) . ')';
	}

	/**
	 * Distinct reachable phones.
	 *
	 * @param array{segments:int[],lists:int[],definition:array<string,mixed>|null} $audience Validated audience.
	 */
	public static function count( array $audience ): int {
		global $wpdb;
		$condition = self::condition( $audience );
		if ( null === $condition ) {
			return 0;
		}
		// The condition is prepared SQL (see condition()), appended as it is. IGNORE INDEX (phone), here and in sample()
		// and page(): audience queries read contacts in id order or whole; MariaDB otherwise takes the
		// `phone IS NOT NULL` range of the unique phone index (its estimate is a few thousand rows whatever the table
		// size) and looks every row up again, 7x slower on 200,000 contacts.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts and consent change on every sync and opt-out, a cached count would be wrong.
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i c IGNORE INDEX (phone) WHERE ', Contacts::table() ) . $condition );
	}

	/**
	 * A few matching contacts for the live preview.
	 *
	 * @param array{segments:int[],lists:int[],definition:array<string,mixed>|null} $audience Validated audience.
	 * @param int                                                                   $size     How many.
	 * @return array<int,array<string,mixed>>
	 */
	public static function sample( array $audience, int $size = 10 ): array {
		global $wpdb;
		$condition = self::condition( $audience );
		if ( null === $condition ) {
			return array();
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; a live preview of what the owner is editing, never the same twice.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, consent FROM %i c IGNORE INDEX (phone) WHERE ', Contacts::table() ) . $condition . $wpdb->prepare( ' ORDER BY c.id LIMIT %d', $size ), ARRAY_A );
		return array_map( array( Contacts::class, 'shape' ), $rows ?: array() );
	}

	/**
	 * One page of recipients for the bridge, in contact id order after the cursor, with the fields that template
	 * variables can use.
	 *
	 * @param array{segments:int[],lists:int[],definition:array<string,mixed>|null} $audience Validated audience.
	 * @param int                                                                   $after    Cursor: last contact id already sent (0 at start).
	 * @param int                                                                   $limit    Page size.
	 * @return array{recipients:array<int,array<string,mixed>>,next_cursor:?string}
	 */
	public static function page( array $audience, int $after, int $limit ): array {
		global $wpdb;
		$condition = self::condition( $audience );
		if ( null === $condition ) {
			return array(
				'recipients'  => array(),
				'next_cursor' => null,
			);
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; each page is read once by the bridge, and consent must be read as it is at send time.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, orders_count, total_spent, last_order_id, last_order_at FROM %i c IGNORE INDEX (phone) WHERE ', Contacts::table() ) . $condition . $wpdb->prepare( ' AND c.id > %d ORDER BY c.id LIMIT %d', $after, $limit ), ARRAY_A );
		$rows = $rows ?: array();
		$shop = wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES );
		$out  = array();
		foreach ( $rows as $row ) {
			$out[] = array(
				'contact_id' => (int) $row['id'],
				'phone'      => $row['phone'],
				'country'    => $row['country'],
				'first_name' => $row['first_name'],
				'last_name'  => $row['last_name'],
				'email'      => $row['email'],
				'fields'     => array(
					'first_name'        => $row['first_name'],
					'last_name'         => $row['last_name'],
					'full_name'         => trim( $row['first_name'] . ' ' . $row['last_name'] ),
					'email'             => $row['email'],
					'city'              => $row['city'],
					'country'           => $row['country'],
					'language'          => $row['language'],
					'shop_name'         => $shop,
					'orders_count'      => (string) (int) $row['orders_count'],
					'total_spent'       => number_format( (float) $row['total_spent'], 2, '.', '' ),
					'last_order_number' => null === $row['last_order_id'] ? '' : (string) $row['last_order_id'],
					'last_order_date'   => null === $row['last_order_at'] ? '' : substr( (string) $row['last_order_at'], 0, 10 ),
				),
			);
		}
		$next = count( $rows ) === $limit && $rows ? (string) end( $rows )['id'] : null;
		return array(
			'recipients'  => $out,
			'next_cursor' => $next,
		);
	}
}
