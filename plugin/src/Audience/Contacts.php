<?php
/**
 * Contacts table access.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes `rondine_contacts`: one row per normalised phone (or per WooCommerce customer whose phone is not
 * valid, with phone NULL so the owner can see and fix it).
 */
final class Contacts {

	// The columns a contact is answered with (id, phone, phone_raw, email, first_name, last_name, country, city,
	// language, customer_id, user_id, source, consent, consent_updated_at, orders_count, total_spent, first_order_at,
	// last_order_at, last_order_id, birthday, created_at, updated_at) are spelled out in each query below: WordPress.org's Plugin
	// Check wants the SQL handed to $wpdb->prepare() literal. Add a column to all of them.

	/**
	 * Sortable columns (request value → SQL).
	 */
	public const ORDERBY = array(
		'id'            => 'c.id',
		'name'          => 'c.last_name, c.first_name',
		'phone'         => 'c.phone',
		'country'       => 'c.country',
		'total_spent'   => 'c.total_spent',
		'orders_count'  => 'c.orders_count',
		'last_order_at' => 'c.last_order_at',
		'consent'       => 'c.consent',
	);

	/**
	 * Table name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_contacts';
	}

	/**
	 * One contact by id.
	 *
	 * @param int $id Contact id.
	 * @return array<string,mixed>|null
	 */
	public static function find( int $id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT id, phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, source, consent, consent_updated_at, orders_count, total_spent, first_order_at, last_order_at, last_order_id, birthday, created_at, updated_at FROM %i WHERE id = %d', self::table(), $id ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * One contact by E.164 phone.
	 *
	 * @param string $phone E.164.
	 * @return array<string,mixed>|null
	 */
	public static function find_by_phone( string $phone ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT id, phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, source, consent, consent_updated_at, orders_count, total_spent, first_order_at, last_order_at, last_order_id, birthday, created_at, updated_at FROM %i WHERE phone = %s', self::table(), $phone ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * Contacts of a WordPress user (by user id, else by the user's billing phone).
	 *
	 * @param int $user_id User id.
	 * @return array<string,mixed>|null
	 */
	public static function find_by_user( int $user_id ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT id, phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, source, consent, consent_updated_at, orders_count, total_spent, first_order_at, last_order_at, last_order_id, birthday, created_at, updated_at FROM %i WHERE user_id = %d ORDER BY id LIMIT 1', self::table(), $user_id ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		return $row ? self::shape( $row ) : null;
	}

	/**
	 * Contacts with an email address (privacy tools).
	 *
	 * @param string $email Email.
	 * @return array<int,array<string,mixed>>
	 */
	public static function find_by_email( string $email ): array {
		global $wpdb;
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, source, consent, consent_updated_at, orders_count, total_spent, first_order_at, last_order_at, last_order_id, birthday, created_at, updated_at FROM %i WHERE email = %s ORDER BY id', self::table(), $email ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		return array_map( array( self::class, 'shape' ), $rows ?: array() );
	}

	/**
	 * Creates a contact for a phone or updates the one that has it. Empty values never overwrite stored ones.
	 *
	 * @param string               $phone  E.164.
	 * @param array<string,mixed>  $fields phone_raw, email, first_name, last_name, country, city, language, user_id, customer_id, source.
	 * @return array{id:int,created:bool}
	 */
	public static function upsert_by_phone( string $phone, array $fields ): array {
		global $wpdb;
		$now      = current_time( 'mysql', true );
		$existing = $wpdb->get_row( $wpdb->prepare( 'SELECT id, customer_id, user_id FROM %i WHERE phone = %s', self::table(), $phone ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		$values   = self::clean( $fields );
		if ( $existing ) {
			$update = array_filter( $values, static fn( $value ) => '' !== $value && null !== $value && 0 !== $value );
			unset( $update['source'] );
			if ( ! empty( $existing['customer_id'] ) ) {
				unset( $update['customer_id'] );
			}
			if ( ! empty( $existing['user_id'] ) ) {
				unset( $update['user_id'] );
			}
			$update['updated_at'] = $now;
			$wpdb->update( self::table(), $update, array( 'id' => (int) $existing['id'] ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
			return array(
				'id'      => (int) $existing['id'],
				'created' => false,
			);
		}
		$values['phone']      = $phone;
		$values['created_at'] = $now;
		$values['updated_at'] = $now;
		$values['consent']    = 'none';
		if ( empty( $values['customer_id'] ) ) {
			$values['customer_id'] = null;
		}
		if ( empty( $values['user_id'] ) ) {
			$values['user_id'] = null;
		}
		$wpdb->insert( self::table(), $values ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- the plugin's own table, no WordPress API.
		return array(
			'id'      => (int) $wpdb->insert_id,
			'created' => true,
		);
	}

	/**
	 * upsert_by_phone() for many contacts, in chunks of 500 (three queries per chunk plus one UPDATE per existing
	 * contact whose data changed).
	 *
	 * @param array<string,array<string,mixed>> $contacts E.164 phone → fields.
	 * @return array<string,array{id:int,created:bool}> By phone.
	 */
	public static function upsert_many( array $contacts ): array {
		global $wpdb;
		$table = self::table();
		$now   = current_time( 'mysql', true );
		$out   = array();
		foreach ( array_chunk( $contacts, 500, true ) as $chunk ) {
			$phones   = array_map( 'strval', array_keys( $chunk ) );
			$existing = array();
			foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, birthday FROM %i WHERE phone IN (' . implode( ',', array_fill( 0, count( $phones ), '%s' ) ) . ')', array_merge( array( $table ), $phones ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
				$existing[ $row['phone'] ] = $row;
			}
			$values = array();
			foreach ( $chunk as $phone => $fields ) {
				$phone  = (string) $phone;
				$fields = self::clean( $fields );
				if ( isset( $existing[ $phone ] ) ) {
					$row    = $existing[ $phone ];
					$update = array_filter( $fields, static fn( $value ) => '' !== $value && null !== $value && 0 !== $value );
					unset( $update['source'] );
					if ( ! empty( $row['customer_id'] ) ) {
						unset( $update['customer_id'] );
					}
					if ( ! empty( $row['user_id'] ) ) {
						unset( $update['user_id'] );
					}
					$update = array_filter( $update, static fn( $value, $key ) => (string) $value !== (string) ( $row[ $key ] ?? '' ), ARRAY_FILTER_USE_BOTH );
					if ( $update ) {
						$wpdb->update( $table, $update + array( 'updated_at' => $now ), array( 'id' => (int) $row['id'] ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
					}
					$out[ $phone ] = array(
						'id'      => (int) $row['id'],
						'created' => false,
					);
					continue;
				}
				$values[] = $wpdb->prepare(
					"(%s, %s, %s, %s, %s, %s, %s, %s, %s, NULLIF(%s, ''), 'none', %s, %s)",
					$phone,
					$fields['phone_raw'] ?? '',
					$fields['email'] ?? '',
					$fields['first_name'] ?? '',
					$fields['last_name'] ?? '',
					$fields['country'] ?? '',
					$fields['city'] ?? '',
					$fields['language'] ?? '',
					$fields['source'] ?? '',
					$fields['birthday'] ?? '',
					$now,
					$now
				);
			}
			if ( $values ) {
				// IGNORE: a contact created meanwhile by another request keeps its row; it is found just below.
				// The rows are each prepared above; the statement's head is prepared here and they are appended as they are.
				$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (phone, phone_raw, email, first_name, last_name, country, city, language, source, birthday, consent, created_at, updated_at) VALUES ', $table ) . implode( ',', $values ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
				$new = array_values( array_diff( $phones, array_keys( $existing ) ) );
				foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, created_at FROM %i WHERE phone IN (' . implode( ',', array_fill( 0, count( $new ), '%s' ) ) . ')', array_merge( array( $table ), $new ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
					$out[ $row['phone'] ] = array(
						'id'      => (int) $row['id'],
						'created' => true,
					);
				}
			}
		}
		return $out;
	}

	/**
	 * Search and paging for the contacts screen and the CSV export.
	 *
	 * @param array<string,mixed> $args search, list, segment (definition array), tag, consent, country, orderby (ORDERBY key),
	 *                                  order (asc/desc), page, per_page (0 = all).
	 * @return array{items:array<int,array<string,mixed>>,total:int}
	 */
	public static function query( array $args ): array {
		global $wpdb;
		$where  = array( '1=1' );
		$params = array();
		$search = trim( (string) ( $args['search'] ?? '' ) );
		if ( '' !== $search ) {
			$like     = '%' . $wpdb->esc_like( $search ) . '%';
			$where[]  = '(c.phone LIKE %s OR c.email LIKE %s OR c.first_name LIKE %s OR c.last_name LIKE %s OR CONCAT(c.first_name, \' \', c.last_name) LIKE %s)';
			$params[] = $like;
			$params[] = $like;
			$params[] = $like;
			$params[] = $like;
			$params[] = $like;
			// A phone typed as people write it ("333 123", "+39 333-123", "(0039) 333"): its digits, matched against the
			// normalised number (E.164, digits after the +), also without the leading 00 of an international prefix.
			$digits = (string) preg_replace( '/\D/', '', $search );
			if ( strlen( $digits ) >= 3 && ! preg_match( '/[^\d\s+().\-\/]/u', $search ) ) {
				$where[ count( $where ) - 1 ] = substr( $where[ count( $where ) - 1 ], 0, -1 ) . ' OR c.phone LIKE %s OR c.phone_raw LIKE %s)';
				$params[] = '%' . $wpdb->esc_like( (string) preg_replace( '/^00/', '', $digits ) ) . '%';
				$params[] = $like;
			}
		}
		if ( ! empty( $args['country'] ) ) {
			$where[]  = 'c.country = %s';
			$params[] = strtoupper( (string) $args['country'] );
		}
		if ( ! empty( $args['list'] ) ) {
			$where[]  = 'c.id IN (SELECT contact_id FROM %i WHERE list_id = %d)';
			$params[] = $wpdb->prefix . 'rondine_list_members';
			$params[] = (int) $args['list'];
		}
		if ( ! empty( $args['consent'] ) ) {
			$where[]  = 'c.consent = %s';
			$params[] = (string) $args['consent'];
		}
		if ( ! empty( $args['tag'] ) ) {
			$where[]  = 'c.id IN (SELECT contact_id FROM %i WHERE tag_id = %d)';
			$params[] = $wpdb->prefix . 'rondine_contact_tags';
			$params[] = (int) $args['tag'];
		}
		$where_sql = implode( ' AND ', $where );
		if ( $params ) {
			$where_sql = $wpdb->prepare( $where_sql, $params ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- placeholders built above.
		}
		if ( ! empty( $args['segment'] ) && is_array( $args['segment'] ) ) {
			$where_sql .= ' AND c.id IN (' . SegmentQuery::compile( $args['segment'] ) . ')';
		}
		// $where_sql is prepared above (its values through placeholders, the segment compiled to prepared SQL by
		// SegmentQuery), appended as it is; ORDER BY comes from the ORDERBY whitelist.
		$total    = (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i c WHERE ', self::table() ) . $where_sql ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; a live search of the contacts screen, never the same twice.
		$per_page = (int) ( $args['per_page'] ?? 20 );
		$limit    = '';
		if ( $per_page > 0 ) {
			$page  = max( 1, (int) ( $args['page'] ?? 1 ) );
			$limit = $wpdb->prepare( ' LIMIT %d OFFSET %d', $per_page, ( $page - 1 ) * $per_page );
		}
		$orderby = self::ORDERBY[ (string) ( $args['orderby'] ?? 'id' ) ] ?? 'c.id';
		$order   = 'asc' === strtolower( (string) ( $args['order'] ?? 'desc' ) ) ? 'ASC' : 'DESC';
		$rows    = $wpdb->get_results( $wpdb->prepare( 'SELECT c.id, c.phone, c.phone_raw, c.email, c.first_name, c.last_name, c.country, c.city, c.language, c.customer_id, c.user_id, c.source, c.consent, c.consent_updated_at, c.orders_count, c.total_spent, c.first_order_at, c.last_order_at, c.last_order_id, c.birthday, c.created_at, c.updated_at FROM %i c WHERE ', self::table() ) . $where_sql . ' ORDER BY ' . $orderby . ' ' . $order . ', c.id ' . $order . $limit, ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; a live search of the contacts screen, never the same twice.
		$items   = array_map( array( self::class, 'shape' ), $rows ?: array() );
		return array(
			'items' => self::with_tags( $items ),
			'total' => $total,
		);
	}

	/**
	 * Adds `tags` (array of {id,name}) to contacts.
	 *
	 * @param array<int,array<string,mixed>> $contacts Contacts.
	 * @return array<int,array<string,mixed>>
	 */
	public static function with_tags( array $contacts ): array {
		global $wpdb;
		if ( ! $contacts ) {
			return $contacts;
		}
		$ids  = array_map( static fn( $c ) => (int) $c['id'], $contacts );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables, no WordPress API; tags change with every import and edit, so nothing is cached.
		$rows = $wpdb->get_results(
			$wpdb->prepare( 'SELECT ct.contact_id, t.id, t.name FROM %i ct JOIN %i t ON t.id = ct.tag_id WHERE ct.contact_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') ORDER BY t.name', array_merge( array( $wpdb->prefix . 'rondine_contact_tags', $wpdb->prefix . 'rondine_tags' ), $ids ) ),
			ARRAY_A
		);
		$by_contact = array();
		foreach ( $rows ?: array() as $row ) {
			$by_contact[ (int) $row['contact_id'] ][] = array(
				'id'   => (int) $row['id'],
				'name' => $row['name'],
			);
		}
		foreach ( $contacts as &$contact ) {
			$contact['tags'] = $by_contact[ $contact['id'] ] ?? array();
		}
		return $contacts;
	}

	/**
	 * Replaces a contact's tags. The tags it did not have before are announced (tagged()).
	 *
	 * @param int   $contact_id Contact.
	 * @param int[] $tag_ids    Tags.
	 */
	public static function set_tags( int $contact_id, array $tag_ids ): void {
		global $wpdb;
		$table  = $wpdb->prefix . 'rondine_contact_tags';
		$before = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT tag_id FROM %i WHERE contact_id = %d', $table, $contact_id ) ) ?: array() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; nothing of it is cached.
		$wpdb->delete( $table, array( 'contact_id' => $contact_id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		$added = array();
		foreach ( array_unique( array_map( 'intval', $tag_ids ) ) as $tag_id ) {
			if ( $tag_id > 0 ) {
				$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (contact_id, tag_id) VALUES (%d, %d)', $table, $contact_id, $tag_id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; nothing of it is cached.
				if ( ! in_array( $tag_id, $before, true ) && 1 === (int) $wpdb->rows_affected ) {
					$added[] = array( $contact_id, $tag_id );
				}
			}
		}
		self::tagged( $added );
	}

	/**
	 * Adds tags to a contact. The tags it did not have are announced (tagged()).
	 *
	 * @param int   $contact_id Contact.
	 * @param int[] $tag_ids    Tags.
	 */
	public static function add_tags( int $contact_id, array $tag_ids ): void {
		self::add_tags_many( array_map( static fn( $tag_id ) => array( $contact_id, (int) $tag_id ), $tag_ids ) );
	}

	/**
	 * Adds tags to contacts, 500 pairs per INSERT (a CSV import tags thousands of contacts). The pairs that are new are
	 * announced (tagged()).
	 *
	 * @param array<int,array{0:int,1:int}> $pairs [contact id, tag id].
	 */
	public static function add_tags_many( array $pairs ): void {
		global $wpdb;
		$table = $wpdb->prefix . 'rondine_contact_tags';
		$clean = array();
		foreach ( $pairs as [ $contact_id, $tag_id ] ) {
			if ( (int) $contact_id > 0 && (int) $tag_id > 0 ) {
				$clean[ (int) $contact_id . ':' . (int) $tag_id ] = array( (int) $contact_id, (int) $tag_id );
			}
		}
		$added = array();
		foreach ( array_chunk( array_values( $clean ), 500 ) as $chunk ) {
			$contacts = array_values( array_unique( array_map( static fn( $p ) => $p[0], $chunk ) ) );
			$had      = array();
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; nothing of it is cached.
			foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT contact_id, tag_id FROM %i WHERE contact_id IN (' . implode( ',', array_fill( 0, count( $contacts ), '%d' ) ) . ')', array_merge( array( $table ), $contacts ) ), ARRAY_A ) ?: array() as $row ) {
				$had[ $row['contact_id'] . ':' . $row['tag_id'] ] = true;
			}
			$values = array();
			foreach ( $chunk as [ $contact_id, $tag_id ] ) {
				$values[] = $wpdb->prepare( '(%d, %d)', $contact_id, $tag_id );
				if ( ! isset( $had[ $contact_id . ':' . $tag_id ] ) ) {
					$added[] = array( $contact_id, $tag_id );
				}
			}
			// Each pair is prepared above; the statement's head is prepared here and they are appended as they are.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (contact_id, tag_id) VALUES ', $table ) . implode( ',', $values ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; nothing of it is cached.
		}
		self::tagged( $added );
	}

	/**
	 * Tags newly given to contacts, whoever gave them (the owner, an import, an automation's step).
	 *
	 * @param array<int,array{0:int,1:int}> $pairs [contact id, tag id].
	 */
	private static function tagged( array $pairs ): void {
		if ( $pairs ) {
			/**
			 * Fires after contacts were given tags they did not have.
			 *
			 * @param array<int,array{0:int,1:int}> $pairs [contact id, tag id] pairs.
			 */
			do_action( 'rondine_contacts_tagged', $pairs );
		}
	}

	/**
	 * Deletes a contact and what hangs off it (privacy eraser). The consent log keeps the event without the person.
	 *
	 * @param int $id Contact.
	 */
	public static function delete( int $id ): void {
		global $wpdb;
		$wpdb->delete( $wpdb->prefix . 'rondine_list_members', array( 'contact_id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		$wpdb->delete( $wpdb->prefix . 'rondine_contact_tags', array( 'contact_id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		$wpdb->delete( $wpdb->prefix . 'rondine_customer_contacts', array( 'contact_id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
		$wpdb->update(
			$wpdb->prefix . 'rondine_consent_log',
			array(
				'phone' => '',
				'email' => '',
			),
			array( 'contact_id' => $id )
		);
		$wpdb->delete( self::table(), array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
	}

	/**
	 * A date of birth as stored (YYYY-MM-DD), or null when `$value` is not one: a real calendar date, not in the future,
	 * not before 1900.
	 *
	 * @param string $value YYYY-MM-DD.
	 */
	public static function birthday( string $value ): ?string {
		if ( ! preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', trim( $value ), $m ) || ! checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) ) {
			return null;
		}
		$date = $m[1] . '-' . $m[2] . '-' . $m[3];
		return (int) $m[1] >= 1900 && $date <= gmdate( 'Y-m-d', time() + DAY_IN_SECONDS ) ? $date : null;
	}

	/**
	 * Sets or clears a contact's date of birth.
	 *
	 * @param int         $id       Contact.
	 * @param string|null $birthday YYYY-MM-DD (birthday() accepts it), or null to clear.
	 */
	public static function set_birthday( int $id, ?string $birthday ): void {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; nothing of it is cached.
		$wpdb->update(
			self::table(),
			array(
				'birthday'   => $birthday,
				'updated_at' => current_time( 'mysql', true ),
			),
			array( 'id' => $id )
		);
	}

	/**
	 * Typed row.
	 *
	 * @param array<string,mixed> $row Database row.
	 * @return array<string,mixed>
	 */
	public static function shape( array $row ): array {
		foreach ( array( 'id', 'customer_id', 'user_id', 'orders_count', 'last_order_id' ) as $int ) {
			if ( array_key_exists( $int, $row ) ) {
				$row[ $int ] = null === $row[ $int ] ? null : (int) $row[ $int ];
			}
		}
		if ( array_key_exists( 'total_spent', $row ) ) {
			$row['total_spent'] = round( (float) $row['total_spent'], 2 );
		}
		foreach ( array( 'consent_updated_at', 'created_at', 'updated_at' ) as $date ) {
			if ( ! empty( $row[ $date ] ) ) {
				$row[ $date ] = gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $row[ $date ] . ' UTC' ) );
			}
		}
		return $row;
	}

	/**
	 * Only known columns, trimmed to their sizes.
	 *
	 * @param array<string,mixed> $fields Fields.
	 * @return array<string,mixed>
	 */
	private static function clean( array $fields ): array {
		$sizes = array(
			'phone_raw'  => 64,
			'email'      => 100,
			'first_name' => 100,
			'last_name'  => 100,
			'country'    => 2,
			'city'       => 100,
			'language'   => 20,
			'source'     => 20,
		);
		$clean = array();
		foreach ( $sizes as $key => $size ) {
			if ( isset( $fields[ $key ] ) ) {
				$clean[ $key ] = mb_substr( trim( (string) $fields[ $key ] ), 0, $size );
			}
		}
		if ( isset( $clean['country'] ) ) {
			$clean['country'] = strtoupper( $clean['country'] );
		}
		foreach ( array( 'customer_id', 'user_id' ) as $int ) {
			if ( isset( $fields[ $int ] ) ) {
				$clean[ $int ] = (int) $fields[ $int ];
			}
		}
		if ( isset( $fields['birthday'] ) && null !== self::birthday( (string) $fields['birthday'] ) ) {
			$clean['birthday'] = self::birthday( (string) $fields['birthday'] );
		}
		return $clean;
	}
}
