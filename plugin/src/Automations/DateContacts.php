<?php
/**
 * The contacts of a date trigger's day, for the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Automations;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;

/**
 * `POST rondine/v1/bridge/date-contacts` (docs/design/automations-contract.md, "Date triggers"): the bridge keeps the
 * time of a date trigger and, when its day comes, asks for the contacts whose date matches, page by page in contact id
 * order. The bridge has already moved the day by the trigger's offset: `date` is the date the contact's field must
 * have. Only contacts with a valid phone are answered (the bridge's consent rule decides what may be sent to them).
 *
 * Fields, each a day of the shop's timezone:
 * - `birthday`: month and day of the date of birth, any year; on 28 February of a year without a 29th, the 29 February
 *   birthdays too (their day does not exist that year, and the day before keeps it in February);
 * - `last_order` and `first_order`: the contact's last and first order (WooCommerce's order date, in the shop's time);
 * - `created`: the day the contact was added to Rondine (stored in UTC, compared in the shop's day).
 */
final class DateContacts {

	public const FIELDS = array( 'birthday', 'last_order', 'first_order', 'created' );

	/**
	 * One page.
	 *
	 * @param string $field One of FIELDS.
	 * @param string $date  YYYY-MM-DD.
	 * @param int    $after Cursor: the last contact id already answered (0 at start).
	 * @param int    $limit Page size.
	 * @return array{contacts:array<int,array<string,mixed>>,next_cursor:?string}
	 */
	public static function page( string $field, string $date, int $after, int $limit ): array {
		global $wpdb;
		[ $y, $m, $d ] = array_map( 'intval', explode( '-', $date ) );
		$table         = Contacts::table();
		// The columns are spelled out in each query (see Contacts).
		// One literal query per field, so that each is visible whole to $wpdb->prepare(). The plugin's own table; the
		// answer is read once by the bridge, and consent must be read as it is now: nothing is cached.
		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching
		if ( 'birthday' === $field ) {
			$leap_day = 2 === $m && 28 === $d && ! checkdate( 2, 29, $y );
			$rows     = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, consent, orders_count, total_spent, last_order_id, last_order_at, first_order_at, birthday, created_at FROM %i WHERE phone IS NOT NULL AND birthday IS NOT NULL AND ((MONTH(birthday) = %d AND DAY(birthday) = %d) OR (%d = 1 AND MONTH(birthday) = 2 AND DAY(birthday) = 29)) AND id > %d ORDER BY id LIMIT %d', $table, $m, $d, $leap_day ? 1 : 0, $after, $limit ), ARRAY_A );
		} elseif ( 'created' === $field ) {
			[ $from, $to ] = self::utc_day( $date );
			$rows          = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, consent, orders_count, total_spent, last_order_id, last_order_at, first_order_at, birthday, created_at FROM %i WHERE phone IS NOT NULL AND created_at >= %s AND created_at < %s AND id > %d ORDER BY id LIMIT %d', $table, $from, $to, $after, $limit ), ARRAY_A );
		} else {
			$from = $date . ' 00:00:00';
			$to   = gmdate( 'Y-m-d', (int) gmmktime( 0, 0, 0, $m, $d + 1, $y ) ) . ' 00:00:00';
			if ( 'last_order' === $field ) {
				$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, consent, orders_count, total_spent, last_order_id, last_order_at, first_order_at, birthday, created_at FROM %i WHERE phone IS NOT NULL AND last_order_at >= %s AND last_order_at < %s AND id > %d ORDER BY id LIMIT %d', $table, $from, $to, $after, $limit ), ARRAY_A );
			} else {
				$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, email, first_name, last_name, country, city, language, consent, orders_count, total_spent, last_order_id, last_order_at, first_order_at, birthday, created_at FROM %i WHERE phone IS NOT NULL AND first_order_at >= %s AND first_order_at < %s AND id > %d ORDER BY id LIMIT %d', $table, $from, $to, $after, $limit ), ARRAY_A );
			}
		}
		// phpcs:enable
		$rows     = Contacts::with_tags( $rows ?: array() );
		$contacts = array();
		foreach ( $rows as $row ) {
			$contact = array(
				'contact_id' => (int) $row['id'],
				'phone'      => (string) $row['phone'],
				'fields'     => ContactEvents::contact_values( $row ),
				'date'       => self::matched( $field, $row ),
			);
			if ( 'last_order' === $field && ! empty( $row['last_order_id'] ) ) {
				$contact['order_id'] = (int) $row['last_order_id'];
			}
			$contacts[] = $contact;
		}
		return array(
			'contacts'    => $contacts,
			'next_cursor' => count( $rows ) === $limit && $rows ? (string) end( $rows )['id'] : null,
		);
	}

	/**
	 * The contact's date that matched (YYYY-MM-DD, in the shop's time).
	 *
	 * @param string              $field Field.
	 * @param array<string,mixed> $row   Contact row.
	 */
	private static function matched( string $field, array $row ): string {
		switch ( $field ) {
			case 'birthday':
				return (string) $row['birthday'];
			case 'last_order':
				return substr( (string) $row['last_order_at'], 0, 10 );
			case 'first_order':
				return substr( (string) $row['first_order_at'], 0, 10 );
			default:
				return wp_date( 'Y-m-d', (int) strtotime( $row['created_at'] . ' UTC' ) );
		}
	}

	/**
	 * A day of the shop's timezone as a UTC range [from, to).
	 *
	 * @param string $date YYYY-MM-DD.
	 * @return array{0:string,1:string}
	 */
	private static function utc_day( string $date ): array {
		$zone  = wp_timezone();
		$utc   = new \DateTimeZone( 'UTC' );
		$start = new \DateTimeImmutable( $date . ' 00:00:00', $zone );
		return array(
			$start->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
			$start->modify( '+1 day' )->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
		);
	}
}
