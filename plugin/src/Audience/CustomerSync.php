<?php
/**
 * WooCommerce customers → contacts.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * Keeps `rondine_contacts` in step with WooCommerce's customers (`wc_customer_lookup`, registered and guests).
 *
 * The billing phone is not in WooCommerce's lookup tables: it is read from the customer's latest order (HPOS
 * `wc_order_addresses.phone`, legacy `_billing_phone` post meta), else from the `billing_phone` user meta, and
 * normalised with the customer's billing country.
 *
 * One contact per phone. Several customers may share a phone (a guest who later registered, a family, a shop phone):
 * the contact stays linked to the first customer synced with that phone (`customer_id`: name, e-mail, user and
 * language are that customer's, and so is My Account's consent toggle), and its order figures are the sum over every
 * customer whose current billing phone it is (`rondine_customer_contacts`: customer → contact): orders_count and
 * total_spent added up, first_order_at the earliest, last_order_at and last_order_id the latest; country and city are
 * those of the customer whose latest order is the most recent. Periods and products read the same customers' orders
 * (their facts are written under the contact's customer_id). A customer whose phone is not valid, or is held by a
 * contact that no customer owns (an import it may not be linked to), keeps a contact of their own. Runs in batches of 1,000 customers (a handful of queries each), hourly
 * through WP-Cron for customers active since the last run, soon after an order is created or changes status, and on
 * demand (POST /contacts/sync, the dev seeder).
 */
final class CustomerSync {

	public const HOOK         = 'rondine_sync_contacts';
	public const STATE_OPTION = 'rondine_sync_state';
	public const READY_OPTION = 'rondine_figures_ready';

	/**
	 * Whether every contact's order figures and facts were written by a full sync of the current schema. Until then
	 * segments read wc_order_stats directly (slower, never wrong): a site whose WP-Cron does not run must not get
	 * wrong counts after an upgrade.
	 */
	public static function figures_ready(): bool {
		return \Rondine\Installer::DB_VERSION === get_option( self::READY_OPTION );
	}

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( self::HOOK, array( self::class, 'run_incremental' ) );
		add_action( 'init', array( self::class, 'schedule' ) );
		add_action( 'woocommerce_order_status_changed', array( self::class, 'soon' ) );
		add_action( 'woocommerce_new_order', array( self::class, 'soon' ) );
		add_action( 'woocommerce_order_refunded', array( self::class, 'soon' ) );
		add_action( 'woocommerce_refund_deleted', array( self::class, 'soon' ) );
	}

	/**
	 * Removes the scheduled events (deactivation, uninstall).
	 */
	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
		wp_clear_scheduled_hook( self::HOOK, array( 'soon' ) );
	}

	/**
	 * Keeps the hourly event scheduled.
	 */
	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time() + 300, 'hourly', self::HOOK );
		}
	}

	/**
	 * Runs an incremental sync a minute from now (WooCommerce updates its lookup tables asynchronously).
	 */
	public static function soon(): void {
		if ( ! wp_next_scheduled( self::HOOK, array( 'soon' ) ) ) {
			wp_schedule_single_event( time() + 60, self::HOOK, array( 'soon' ) );
		}
	}

	/**
	 * Customers active since the last run (with a day of overlap) and customers added since.
	 */
	public static function run_incremental(): void {
		$state = get_option( self::STATE_OPTION, array() );
		$since = is_array( $state ) && ! empty( $state['last_run'] ) ? gmdate( 'Y-m-d H:i:s', (int) $state['last_run'] - DAY_IN_SECONDS ) : null;
		self::sync( $since );
	}

	/**
	 * Syncs customers.
	 *
	 * @param string|null $active_since UTC 'Y-m-d H:i:s': only customers active since then; null for all.
	 * @param int         $batch        Customers per batch.
	 * @return array{customers:int,created:int,updated:int,invalid_phone:int,shared_phone:int}
	 */
	public static function sync( ?string $active_since = null, int $batch = 1000 ): array {
		global $wpdb;
		$totals = array(
			'customers'     => 0,
			'created'       => 0,
			'updated'       => 0,
			'invalid_phone' => 0,
			'shared_phone'  => 0,
		);
		if ( ! WooData::has( 'wc_customer_lookup' ) ) {
			return $totals;
		}
		$started = time();
		// Orders WooCommerce Analytics has not imported yet (Analytics): imported by WooCommerce's own importer first,
		// their customers synced with them.
		Analytics::catch_up( null, 1000 );
		$last_id = 0;
		do {
			// One literal query per case. A refund changes the customer's figures without making them "active" for
			// WooCommerce: its own wc_order_stats row (dated when it was made, date_created is shop time and indexed)
			// brings the customer in.
			if ( null === $active_since ) {
				$customers = $wpdb->get_results( $wpdb->prepare( 'SELECT customer_id, user_id, first_name, last_name, email, country, city FROM %i WHERE customer_id > %d ORDER BY customer_id LIMIT %d', $wpdb->prefix . 'wc_customer_lookup', $last_id, $batch ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
			} elseif ( WooData::has( 'wc_order_stats' ) ) {
				$customers = $wpdb->get_results( $wpdb->prepare( 'SELECT customer_id, user_id, first_name, last_name, email, country, city FROM %i WHERE customer_id > %d AND (date_last_active >= %s OR date_last_active IS NULL OR customer_id IN (SELECT customer_id FROM %i WHERE parent_id > 0 AND date_created >= %s)) ORDER BY customer_id LIMIT %d', $wpdb->prefix . 'wc_customer_lookup', $last_id, $active_since, $wpdb->prefix . 'wc_order_stats', get_date_from_gmt( $active_since ), $batch ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
			} else {
				$customers = $wpdb->get_results( $wpdb->prepare( 'SELECT customer_id, user_id, first_name, last_name, email, country, city FROM %i WHERE customer_id > %d AND (date_last_active >= %s OR date_last_active IS NULL) ORDER BY customer_id LIMIT %d', $wpdb->prefix . 'wc_customer_lookup', $last_id, $active_since, $batch ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
			}
			if ( ! $customers ) {
				break;
			}
			$last_id = (int) end( $customers )['customer_id'];
			$result  = self::sync_batch( $customers );
			foreach ( $result as $key => $value ) {
				$totals[ $key ] += $value;
			}
		} while ( count( $customers ) === $batch );
		update_option( self::STATE_OPTION, array( 'last_run' => $started ), false );
		if ( null === $active_since ) {
			update_option( self::READY_OPTION, \Rondine\Installer::DB_VERSION, true );
		}
		return $totals;
	}

	/**
	 * Syncs some customers now (e.g. after their orders changed).
	 *
	 * @param int[] $customer_ids wc_customer_lookup ids.
	 * @return array{customers:int,created:int,updated:int,invalid_phone:int,shared_phone:int}
	 */
	public static function sync_customers( array $customer_ids ): array {
		global $wpdb;
		$ids = array_values( array_filter( array_map( 'intval', $customer_ids ) ) );
		if ( ! $ids || ! WooData::has( 'wc_customer_lookup' ) ) {
			return array( 'customers' => 0, 'created' => 0, 'updated' => 0, 'invalid_phone' => 0, 'shared_phone' => 0 );
		}
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT customer_id, user_id, first_name, last_name, email, country, city FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') ORDER BY customer_id', array_merge( array( $wpdb->prefix . 'wc_customer_lookup' ), $ids ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
		return $rows ? self::sync_batch( $rows ) : array( 'customers' => 0, 'created' => 0, 'updated' => 0, 'invalid_phone' => 0, 'shared_phone' => 0 );
	}

	/**
	 * Syncs one batch of wc_customer_lookup rows.
	 *
	 * @param array<int,array<string,mixed>> $customers Rows.
	 * @return array{customers:int,created:int,updated:int,invalid_phone:int,shared_phone:int}
	 */
	public static function sync_batch( array $customers ): array {
		global $wpdb;
		$counts       = array(
			'customers'     => count( $customers ),
			'created'       => 0,
			'updated'       => 0,
			'invalid_phone' => 0,
			'shared_phone'  => 0,
		);

		$phones    = self::phones_for( $customers );
		$customers = self::without_guests_mid_import( $customers, $phones );
		if ( ! $customers ) {
			return $counts;
		}
		$customer_ids = array_map( static fn( $c ) => (int) $c['customer_id'], $customers );
		$languages    = self::languages( $customers );
		$default      = Settings::default_country();
		$links        = self::table_links();

		// What already exists, by customer and by phone, and which contact each customer's orders counted for.
		$table       = Contacts::table();
		$by_customer = array();
		foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, customer_id, phone, phone_raw, email, first_name, last_name, country, city, language, user_id FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( $table ), $customer_ids ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
			$by_customer[ (int) $row['customer_id'] ] = $row;
		}
		$old_links = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT contact_id FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( $links ), $customer_ids ) ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; links change with every sync, nothing is cached.
		$normalised = array();
		foreach ( $customers as $customer ) {
			$id     = (int) $customer['customer_id'];
			$raw    = $phones[ $id ]['phone'] ?? '';
			$result = '' === $raw ? null : Normalizer::normalize( $raw, '' !== $customer['country'] ? (string) $customer['country'] : ( $phones[ $id ]['country'] ?? $default ) );
			$normalised[ $id ] = $result && $result['ok'] ? $result['e164'] : null;
		}
		// People erased through WordPress's privacy tools stay erased (Consent\Erased): not re-created, linked or updated.
		$erased   = \Rondine\Consent\Erased::which( array_filter( $normalised ), array_map( static fn( $c ) => (string) $c['email'], $customers ) );
		$wanted   = array_values( array_filter( array_unique( $normalised ) ) );
		$by_phone = array();
		if ( $wanted ) {
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, customer_id, user_id, phone, email, consent FROM %i WHERE phone IN (' . implode( ',', array_fill( 0, count( $wanted ), '%s' ) ) . ')', array_merge( array( $table ), $wanted ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
			foreach ( $rows ?: array() as $row ) {
				$by_phone[ $row['phone'] ] = $row;
			}
		}

		$now     = current_time( 'mysql', true );
		$insert  = array();
		$skipped = array();
		foreach ( $customers as $customer ) {
			$id     = (int) $customer['customer_id'];
			$phone  = $normalised[ $id ];
			if ( ( null !== $phone && isset( $erased[ 'phone:' . $phone ] ) ) || ( '' !== (string) $customer['email'] && isset( $erased[ 'email:' . strtolower( trim( (string) $customer['email'] ) ) ] ) ) ) {
				$skipped[] = $id;
				continue;
			}
			// Who the person is; the order figures are the whole group's, written by regroup() below.
			$fields = array(
				'phone_raw'  => mb_substr( (string) ( $phones[ $id ]['phone'] ?? '' ), 0, 64 ),
				'email'      => mb_substr( (string) $customer['email'], 0, 100 ),
				'first_name' => mb_substr( (string) $customer['first_name'], 0, 100 ),
				'last_name'  => mb_substr( (string) $customer['last_name'], 0, 100 ),
				'country'    => strtoupper( substr( (string) ( '' !== $customer['country'] ? $customer['country'] : ( $phones[ $id ]['country'] ?? '' ) ), 0, 2 ) ),
				'city'       => mb_substr( (string) ( '' !== $customer['city'] ? $customer['city'] : ( $phones[ $id ]['city'] ?? '' ) ), 0, 100 ),
				'user_id'    => empty( $customer['user_id'] ) ? null : (int) $customer['user_id'],
				'language'   => $languages[ (int) $customer['user_id'] ] ?? '',
			);
			if ( null === $phone ) {
				++$counts['invalid_phone'];
			}
			$mine  = $by_customer[ $id ] ?? null;
			$owner = null === $phone ? null : ( $by_phone[ $phone ] ?? null );
			if ( $owner && ( ! $mine || (int) $owner['id'] !== (int) $mine['id'] ) ) {
				if ( empty( $owner['customer_id'] ) && ! $mine && self::may_link( $owner, $customer ) ) {
					// An imported contact turns out to be this customer: link them.
					$wpdb->update( $table, $fields + array( 'customer_id' => $id, 'updated_at' => $now ), array( 'id' => (int) $owner['id'] ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
					$by_phone[ $phone ]['customer_id'] = $id;
					++$counts['updated'];
				} else {
					// The phone belongs to another contact: this customer's orders count for it (see the class header);
					// this customer's own row (if any, from an earlier phone) keeps who it is.
					++$counts['shared_phone'];
					if ( $mine ) {
						$wpdb->update( $table, $fields + array( 'updated_at' => $now ), array( 'id' => (int) $mine['id'] ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
					}
				}
				continue;
			}
			if ( $mine ) {
				$changes = $fields;
				if ( null !== $phone || '' !== $fields['phone_raw'] ) {
					// A phone WooCommerce no longer has (or never had: an import linked to this customer) is kept.
					$changes['phone'] = $phone;
				} else {
					unset( $changes['phone_raw'] );
				}
				if ( self::unchanged( $mine, $changes ) ) {
					continue; // Most customers of an incremental run: no write at all.
				}
				$wpdb->update( $table, $changes + array( 'updated_at' => $now ), array( 'id' => (int) $mine['id'] ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
				++$counts['updated'];
				continue;
			}
			if ( null !== $phone ) {
				$by_phone[ $phone ] = array(
					'id'          => 0,
					'customer_id' => $id,
					'phone'       => $phone,
				);
			}
			// One literal format for every row: a missing phone or user goes in as '' or 0, which NULLIF() turns into
			// NULL (no phone or user is ever '' or 0).
			$insert[] = $wpdb->prepare(
				"(NULLIF(%s, ''), %s, %s, %s, %s, %s, %s, %s, %d, NULLIF(%d, 0), 'woocommerce', 'none', %s, %s)",
				(string) $phone,
				$fields['phone_raw'],
				$fields['email'],
				$fields['first_name'],
				$fields['last_name'],
				$fields['country'],
				$fields['city'],
				$fields['language'],
				$id,
				(int) $fields['user_id'],
				$now,
				$now
			);
		}
		if ( $insert ) {
			// Each row is prepared above; the statement's head is prepared here and they are appended as they are.
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, one multi-row insert per batch of the sync; nothing of it is cached.
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (phone, phone_raw, email, first_name, last_name, country, city, language, customer_id, user_id, source, consent, created_at, updated_at) VALUES ', $table ) . implode( ',', $insert ) );
			$counts['created'] += (int) $wpdb->rows_affected;
		}

		// Each customer's orders count for the contact of their phone when that contact is a customer's, else for
		// their own row (a customer without a valid phone has one of their own).
		$contact_of = array();
		foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, customer_id FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( $table ), $customer_ids ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
			$contact_of[ (int) $row['customer_id'] ] = (int) $row['id'];
		}
		$of_phone = array();
		if ( $wanted ) {
			foreach ( $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone FROM %i WHERE customer_id IS NOT NULL AND phone IN (' . implode( ',', array_fill( 0, count( $wanted ), '%s' ) ) . ')', array_merge( array( $table ), $wanted ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
				$of_phone[ $row['phone'] ] = (int) $row['id'];
			}
		}
		$pairs = array();
		$new   = array();
		foreach ( $customer_ids as $id ) {
			if ( in_array( $id, $skipped, true ) ) {
				continue;
			}
			$contact = null !== $normalised[ $id ] && isset( $of_phone[ $normalised[ $id ] ] ) ? $of_phone[ $normalised[ $id ] ] : ( $contact_of[ $id ] ?? null );
			if ( null !== $contact ) {
				$pairs[] = $wpdb->prepare( '(%d, %d)', $id, $contact );
				$new[]   = $contact;
			}
		}
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( $links ), $customer_ids ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, rewritten for the batch; nothing of it is cached.
		if ( $pairs ) {
			// Each pair is prepared above; the statement's head is prepared here and they are appended as they are.
			$wpdb->query( $wpdb->prepare( 'INSERT INTO %i (customer_id, contact_id) VALUES ', $links ) . implode( ',', $pairs ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, one multi-row insert per batch of the sync; nothing of it is cached.
		}
		self::regroup( array_values( array_unique( array_merge( $old_links, $new ) ) ) );
		return $counts;
	}

	/**
	 * The table linking each customer to the contact their orders count for.
	 */
	public static function table_links(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_customer_contacts';
	}

	/**
	 * Writes the order figures of contacts (the sum over the customers linked to each, see the class header) and
	 * rewrites the order and product facts of those whose figures moved (all of them until a full sync completed).
	 *
	 * @param int[] $contact_ids Contacts.
	 */
	private static function regroup( array $contact_ids ): void {
		global $wpdb;
		$contact_ids = array_values( array_filter( array_map( 'intval', $contact_ids ) ) );
		if ( ! $contact_ids ) {
			return;
		}
		$stored  = $wpdb->get_results( $wpdb->prepare( 'SELECT id, customer_id, country, city, orders_count, total_spent, first_order_at, last_order_at, last_order_id FROM %i WHERE id IN (' . implode( ',', array_fill( 0, count( $contact_ids ), '%d' ) ) . ')', array_merge( array( Contacts::table() ), $contact_ids ) ), ARRAY_A ) ?: array(); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
		$figures = self::group_figures( $contact_ids );
		$places  = self::group_places( $contact_ids );
		$facts   = array();
		$all     = ! self::figures_ready();
		$now     = current_time( 'mysql', true );
		foreach ( $stored as $row ) {
			$id      = (int) $row['id'];
			$current = ( $figures[ $id ] ?? self::NO_ORDERS ) + ( $places[ $id ] ?? array() );
			if ( $all || (int) $row['orders_count'] !== $current['orders_count'] || (string) $row['last_order_id'] !== (string) $current['last_order_id'] || abs( (float) $row['total_spent'] - $current['total_spent'] ) > 0.00005 ) {
				$facts[] = $id;
			}
			if ( ! self::unchanged( $row, $current ) ) {
				$wpdb->update( Contacts::table(), $current + array( 'updated_at' => $now ), array( 'id' => $id ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, no WordPress API; contacts change with every sync, import and opt-out, so nothing is cached.
			}
		}
		self::copy_facts( $facts );
	}

	/**
	 * Order figures of contacts over the default counted statuses, summed over the customers linked to each.
	 *
	 * @param int[] $contact_ids Contacts.
	 * @return array<int,array{orders_count:int,total_spent:float,first_order_at:?string,last_order_at:?string,last_order_id:?int}>
	 */
	private static function group_figures( array $contact_ids ): array {
		global $wpdb;
		if ( ! WooData::has( 'wc_order_stats' ) ) {
			return array();
		}
		$counted = SegmentQuery::counted( SegmentQuery::DEFAULT_STATUSES );
		// $counted is prepared SQL (SegmentQuery::counted()), appended as it is between the two prepared parts.
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT m.contact_id, SUM(s.parent_id = 0) AS orders_count, SUM(s.total_sales) AS total_spent, MIN(CASE WHEN s.parent_id = 0 THEN s.date_created END) AS first_order_at, MAX(CASE WHEN s.parent_id = 0 THEN s.date_created END) AS last_order_at, MAX(CASE WHEN s.parent_id = 0 THEN s.order_id END) AS last_order_id FROM %i m JOIN %i s ON s.customer_id = m.customer_id WHERE ', self::table_links(), $wpdb->prefix . 'wc_order_stats' ) . $counted . $wpdb->prepare( ' AND m.contact_id IN (' . implode( ',', array_fill( 0, count( $contact_ids ), '%d' ) ) . ') GROUP BY m.contact_id', $contact_ids ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
		$out  = array();
		foreach ( $rows ?: array() as $row ) {
			$out[ (int) $row['contact_id'] ] = array(
				'orders_count'   => (int) $row['orders_count'],
				'total_spent'    => round( (float) $row['total_spent'], 4 ),
				'first_order_at' => $row['first_order_at'],
				'last_order_at'  => $row['last_order_at'],
				'last_order_id'  => null === $row['last_order_id'] ? null : (int) $row['last_order_id'],
			);
		}
		return $out;
	}

	/**
	 * For contacts shared by several customers: the country and city of the customer whose latest order is the most
	 * recent (any status; customers without orders only when none has one).
	 *
	 * @param int[] $contact_ids Contacts.
	 * @return array<int,array{country:string,city:string}>
	 */
	private static function group_places( array $contact_ids ): array {
		global $wpdb;
		if ( ! WooData::has( 'wc_order_stats' ) || ! WooData::has( 'wc_customer_lookup' ) ) {
			return array();
		}
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT m.contact_id, m.customer_id, l.country, l.city, (SELECT MAX(s.date_created_gmt) FROM %i s WHERE s.customer_id = m.customer_id AND s.parent_id = 0) AS latest FROM %i m JOIN %i l ON l.customer_id = m.customer_id WHERE m.contact_id IN (SELECT contact_id FROM %i WHERE contact_id IN (' . implode( ',', array_fill( 0, count( $contact_ids ), '%d' ) ) . ') GROUP BY contact_id HAVING COUNT(*) > 1) ORDER BY m.contact_id, latest DESC, m.customer_id DESC', array_merge( array( $wpdb->prefix . 'wc_order_stats', self::table_links(), $wpdb->prefix . 'wc_customer_lookup', self::table_links() ), $contact_ids ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
		$out  = array();
		foreach ( $rows ?: array() as $row ) {
			$id = (int) $row['contact_id'];
			if ( ! isset( $out[ $id ] ) && '' !== (string) $row['country'] ) {
				$out[ $id ] = array(
					'country' => strtoupper( substr( (string) $row['country'], 0, 2 ) ),
					'city'    => mb_substr( (string) $row['city'], 0, 100 ),
				);
			}
		}
		return $out;
	}

	/**
	 * Whether a contact that no customer has yet may be linked to this customer because the customer's billing phone
	 * is the contact's. The billing phone is typed by the customer (in an order or in My Account), so it does not prove
	 * the contact is theirs: a contact linked to another user, or whose consent was already given or withdrawn, is
	 * linked only to a customer with the contact's e-mail address. Linking gives the customer's My Account the
	 * contact's consent checkbox.
	 *
	 * @param array<string,mixed> $contact  Contact row (user_id, email, consent).
	 * @param array<string,mixed> $customer wc_customer_lookup row.
	 */
	private static function may_link( array $contact, array $customer ): bool {
		$same_email = '' !== trim( (string) ( $contact['email'] ?? '' ) ) && strtolower( trim( (string) $contact['email'] ) ) === strtolower( trim( (string) $customer['email'] ) );
		if ( ! empty( $contact['user_id'] ) && (int) $contact['user_id'] !== (int) $customer['user_id'] ) {
			return false;
		}
		return $same_email || ! empty( $contact['user_id'] ) || 'none' === ( $contact['consent'] ?? 'none' );
	}

	/**
	 * Whether a stored row already has these values.
	 *
	 * @param array<string,mixed> $row     Stored row.
	 * @param array<string,mixed> $changes New values.
	 */
	private static function unchanged( array $row, array $changes ): bool {
		foreach ( $changes as $key => $value ) {
			$stored = $row[ $key ] ?? null;
			if ( 'total_spent' === $key ) {
				if ( abs( (float) $stored - (float) $value ) > 0.00005 ) {
					return false;
				}
			} elseif ( ( null === $value ) !== ( null === $stored ) || (string) $value !== (string) $stored ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Rewrites the `rondine_order_facts` and `rondine_product_facts` rows of contacts from wc_order_stats (default
	 * counted statuses): the orders of every customer linked to the contact, under the contact's customer_id (which
	 * segments join on).
	 *
	 * @param int[] $contact_ids Contacts.
	 */
	private static function copy_facts( array $contact_ids ): void {
		global $wpdb;
		if ( ! $contact_ids || ! WooData::has( 'wc_order_stats' ) ) {
			return;
		}
		$ids       = array_map( 'intval', $contact_ids );
		$customers = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT customer_id FROM %i WHERE customer_id IS NOT NULL AND id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ')', array_merge( array( Contacts::table() ), $ids ) ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per batch of the sync; contacts change with every sync, nothing is cached.
		if ( ! $customers ) {
			return;
		}
		$counted   = SegmentQuery::counted( SegmentQuery::DEFAULT_STATUSES );
		// $counted is prepared SQL (SegmentQuery::counted()), appended as it is after the prepared part.
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customers ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'rondine_order_facts' ), $customers ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own fact tables, rewritten from WooCommerce's lookup tables for the customers whose orders changed; nothing of it is cached.
		$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (customer_id, date_created_gmt, order_id, total, is_order) SELECT c.customer_id, s.date_created_gmt, s.order_id, s.total_sales, s.parent_id = 0 FROM %i c JOIN %i m ON m.contact_id = c.id JOIN %i s ON s.customer_id = m.customer_id WHERE c.customer_id IS NOT NULL AND c.id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') AND ', array_merge( array( $wpdb->prefix . 'rondine_order_facts', Contacts::table(), self::table_links(), $wpdb->prefix . 'wc_order_stats' ), $ids ) ) . $counted ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own fact tables, rewritten from WooCommerce's lookup tables for the customers whose orders changed; nothing of it is cached.
		$wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customers ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'rondine_product_facts' ), $customers ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own fact tables, rewritten from WooCommerce's lookup tables for the customers whose orders changed; nothing of it is cached.
		if ( WooData::has( 'wc_order_product_lookup' ) ) {
			// Products and variations, so "bought product" matches either id as the live query does.
			foreach ( array( 'product_id', 'variation_id' ) as $column ) {
				$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (customer_id, product_id) SELECT DISTINCT c.customer_id, pl.%i FROM %i c JOIN %i m ON m.contact_id = c.id JOIN %i pl ON pl.customer_id = m.customer_id JOIN %i s ON s.order_id = pl.order_id WHERE c.customer_id IS NOT NULL AND c.id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') AND pl.%i > 0 AND ', array_merge( array( $wpdb->prefix . 'rondine_product_facts', $column, Contacts::table(), self::table_links(), $wpdb->prefix . 'wc_order_product_lookup', $wpdb->prefix . 'wc_order_stats' ), $ids, array( $column ) ) ) . $counted ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own fact tables, rewritten from WooCommerce's lookup tables for the customers whose orders changed; nothing of it is cached.
			}
		}
	}

	/**
	 * The WordPress language of registered customers (their profile's locale, else none: the site's is not theirs).
	 *
	 * @param array<int,array<string,mixed>> $customers wc_customer_lookup rows.
	 * @return array<int,string> By user id.
	 */
	private static function languages( array $customers ): array {
		global $wpdb;
		$users = array_filter( array_map( static fn( $c ) => (int) $c['user_id'], $customers ) );
		if ( ! $users ) {
			return array();
		}
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT user_id, meta_value FROM %i WHERE meta_key = 'locale' AND meta_value <> '' AND user_id IN (" . implode( ',', array_fill( 0, count( $users ), '%d' ) ) . ')', array_merge( array( $wpdb->usermeta ), array_values( $users ) ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
		$out  = array();
		foreach ( $rows ?: array() as $row ) {
			$out[ (int) $row['user_id'] ] = substr( (string) $row['meta_value'], 0, 20 );
		}
		return $out;
	}

	/**
	 * Figures of a customer without orders.
	 */
	private const NO_ORDERS = array(
		'orders_count'   => 0,
		'total_spent'    => 0.0,
		'first_order_at' => null,
		'last_order_at'  => null,
		'last_order_id'  => null,
	);

	/**
	 * Leaves out guests WooCommerce is importing right now. Its analytics import writes a guest's wc_customer_lookup row
	 * before the order's wc_order_stats row, and the phone is read from that order: a sync that runs in between (another
	 * request, or Action Scheduler beside a catch-up) would make a contact without a phone, which the phone's own
	 * contact (from the checkout's opt-in) could then never be merged with. A guest exists in the lookup only through an
	 * order, so a guest without a phone and without any order in wc_order_stats is mid-import: the next sync takes it.
	 *
	 * @param array<int,array<string,mixed>>                         $customers wc_customer_lookup rows.
	 * @param array<int,array{phone:string,country:string,city:string}> $phones    From phones_for(), by customer id.
	 * @return array<int,array<string,mixed>>
	 */
	private static function without_guests_mid_import( array $customers, array $phones ): array {
		global $wpdb;
		$unsure = array();
		foreach ( $customers as $customer ) {
			if ( empty( $customer['user_id'] ) && ! isset( $phones[ (int) $customer['customer_id'] ] ) ) {
				$unsure[] = (int) $customer['customer_id'];
			}
		}
		if ( ! $unsure || ! WooData::has( 'wc_order_stats' ) ) {
			return $customers;
		}
		$with_orders = array_flip( array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT DISTINCT customer_id FROM %i WHERE parent_id = 0 AND customer_id IN (' . implode( ',', array_fill( 0, count( $unsure ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'wc_order_stats' ), $unsure ) ) ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup table, read once per batch of the sync for the few guests without a phone; a cache would miss the import this looks for.
		$mid_import  = array_flip( array_diff( $unsure, array_keys( $with_orders ) ) );
		return array_values( array_filter( $customers, static fn( $c ) => ! isset( $mid_import[ (int) $c['customer_id'] ] ) ) );
	}

	/**
	 * The billing phone of each customer: latest order's billing address (HPOS, then legacy post meta), else the
	 * user's `billing_phone` meta.
	 *
	 * @param array<int,array<string,mixed>> $customers wc_customer_lookup rows.
	 * @return array<int,array{phone:string,country?:string,city?:string}> By customer_id.
	 */
	private static function phones_for( array $customers ): array {
		global $wpdb;
		$ids    = array_map( static fn( $c ) => (int) $c['customer_id'], $customers );
		$phones = array();
		if ( WooData::has( 'wc_order_stats' ) ) {
			$latest = $wpdb->get_results( $wpdb->prepare( 'SELECT customer_id, MAX(order_id) AS order_id FROM %i WHERE parent_id = 0 AND customer_id IN (' . implode( ',', array_fill( 0, count( $ids ), '%d' ) ) . ') GROUP BY customer_id', array_merge( array( $wpdb->prefix . 'wc_order_stats' ), $ids ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
			$orders = array();
			foreach ( $latest ?: array() as $row ) {
				$orders[ (int) $row['order_id'] ] = (int) $row['customer_id'];
			}
			if ( $orders ) {
				if ( WooData::has( 'wc_order_addresses' ) ) {
					$rows = $wpdb->get_results( $wpdb->prepare( "SELECT order_id, phone, country, city FROM %i WHERE address_type = 'billing' AND order_id IN (" . implode( ',', array_fill( 0, count( $orders ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'wc_order_addresses' ), array_keys( $orders ) ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
					foreach ( $rows ?: array() as $row ) {
						if ( '' !== trim( (string) $row['phone'] ) ) {
							$phones[ $orders[ (int) $row['order_id'] ] ] = array(
								'phone'   => (string) $row['phone'],
								'country' => (string) $row['country'],
								'city'    => (string) $row['city'],
							);
						}
					}
				}
				$missing = array_filter( $orders, static fn( $customer_id ) => ! isset( $phones[ $customer_id ] ) );
				if ( $missing ) {
					$rows = $wpdb->get_results( $wpdb->prepare( "SELECT post_id, meta_key, meta_value FROM %i WHERE meta_key IN ('_billing_phone', '_billing_country', '_billing_city') AND post_id IN (" . implode( ',', array_fill( 0, count( $missing ), '%d' ) ) . ')', array_merge( array( $wpdb->postmeta ), array_keys( $missing ) ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
					$meta = array();
					foreach ( $rows ?: array() as $row ) {
						$meta[ (int) $row['post_id'] ][ substr( $row['meta_key'], 9 ) ] = (string) $row['meta_value'];
					}
					foreach ( $meta as $order_id => $values ) {
						if ( '' !== trim( $values['phone'] ?? '' ) ) {
							$phones[ $missing[ $order_id ] ] = array(
								'phone'   => $values['phone'],
								'country' => $values['country'] ?? '',
								'city'    => $values['city'] ?? '',
							);
						}
					}
				}
			}
		}
		$users = array();
		foreach ( $customers as $customer ) {
			if ( ! isset( $phones[ (int) $customer['customer_id'] ] ) && ! empty( $customer['user_id'] ) ) {
				$users[ (int) $customer['user_id'] ] = (int) $customer['customer_id'];
			}
		}
		if ( $users ) {
			$rows = $wpdb->get_results( $wpdb->prepare( "SELECT user_id, meta_key, meta_value FROM %i WHERE meta_key IN ('billing_phone', 'billing_country', 'billing_city') AND user_id IN (" . implode( ',', array_fill( 0, count( $users ), '%d' ) ) . ')', array_merge( array( $wpdb->usermeta ), array_keys( $users ) ) ), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- WooCommerce's lookup tables and the customers' meta, read in bulk once per batch of the sync (no API reads a batch); a cache would go stale with the next order.
			$meta = array();
			foreach ( $rows ?: array() as $row ) {
				$meta[ (int) $row['user_id'] ][ substr( $row['meta_key'], 8 ) ] = (string) $row['meta_value'];
			}
			foreach ( $meta as $user_id => $values ) {
				if ( '' !== trim( $values['phone'] ?? '' ) ) {
					$phones[ $users[ $user_id ] ] = array(
						'phone'   => $values['phone'],
						'country' => $values['country'] ?? '',
						'city'    => $values['city'] ?? '',
					);
				}
			}
		}
		return $phones;
	}
}
