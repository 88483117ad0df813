<?php
/**
 * A campaign's recipients as the owner reads them: names from the contacts, statuses in words, a spreadsheet file.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * The bridge knows a recipient by its phone and the contact id the plugin gave it; the names stay here.
 */
final class Recipients {

	/**
	 * Adds `contact_id` (the contact as it is now, or null when it was deleted) and `name` to the bridge's recipients:
	 * by the contact id the bridge was given, else by the phone.
	 *
	 * @param array<int,array<string,mixed>> $recipients The bridge's recipient views.
	 * @return array<int,array<string,mixed>>
	 */
	public static function with_contacts( array $recipients ): array {
		global $wpdb;
		$ids    = array();
		$phones = array();
		foreach ( $recipients as $recipient ) {
			if ( isset( $recipient['contact_id'] ) && is_numeric( $recipient['contact_id'] ) ) {
				$ids[] = (int) $recipient['contact_id'];
			}
			if ( ! empty( $recipient['phone'] ) ) {
				$phones[] = (string) $recipient['phone'];
			}
		}
		$by_id    = array();
		$by_phone = array();
		foreach ( array_chunk( array_values( array_unique( $ids ) ), 500 ) as $chunk ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- the plugin's own table; one page of recipients, placeholders built from the chunk.
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, first_name, last_name FROM %i WHERE id IN (' . implode( ',', array_fill( 0, count( $chunk ), '%d' ) ) . ')', array_merge( array( Contacts::table() ), $chunk ) ), ARRAY_A );
			foreach ( $rows ?: array() as $row ) {
				$by_id[ (int) $row['id'] ] = $row;
			}
		}
		foreach ( array_chunk( array_values( array_unique( $phones ) ), 500 ) as $chunk ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- the plugin's own table; one page of recipients, placeholders built from the chunk.
			$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT id, phone, first_name, last_name FROM %i WHERE phone IN (' . implode( ',', array_fill( 0, count( $chunk ), '%s' ) ) . ')', array_merge( array( Contacts::table() ), $chunk ) ), ARRAY_A );
			foreach ( $rows ?: array() as $row ) {
				$by_phone[ (string) $row['phone'] ] = $row;
			}
		}
		foreach ( $recipients as &$recipient ) {
			$contact = null;
			$id      = isset( $recipient['contact_id'] ) && is_numeric( $recipient['contact_id'] ) ? (int) $recipient['contact_id'] : 0;
			// The id is trusted only while it still names the same phone (a contact deleted and its id reused is not).
			if ( isset( $by_id[ $id ] ) && ( empty( $recipient['phone'] ) || $by_id[ $id ]['phone'] === $recipient['phone'] ) ) {
				$contact = $by_id[ $id ];
			} elseif ( ! empty( $recipient['phone'] ) && isset( $by_phone[ (string) $recipient['phone'] ] ) ) {
				$contact = $by_phone[ (string) $recipient['phone'] ];
			}
			$recipient['contact_id'] = null === $contact ? null : (int) $contact['id'];
			$recipient['name']       = null === $contact ? '' : trim( $contact['first_name'] . ' ' . $contact['last_name'] );
		}
		return $recipients;
	}

	/**
	 * A recipient's status in words: the message's status once sent, else where its run stands.
	 *
	 * @param string $status State or message status.
	 */
	public static function status_label( string $status ): string {
		switch ( $status ) {
			case 'pending':
			case 'retry':
				return __( 'Waiting', 'rondine' );
			case 'sending':
				return __( 'Sending', 'rondine' );
			case 'sent':
				return __( 'Sent', 'rondine' );
			case 'delivered':
				return __( 'Delivered', 'rondine' );
			case 'read':
				return __( 'Read', 'rondine' );
			case 'failed':
				return __( 'Failed', 'rondine' );
			case 'unknown':
				return __( 'Unknown outcome', 'rondine' );
			case 'skipped':
				return __( 'Skipped', 'rondine' );
			case 'cancelled':
				return __( 'Cancelled', 'rondine' );
			case 'opted_out':
				return __( 'Opted out before sending', 'rondine' );
		}
		return $status;
	}

	/**
	 * A failure reason in words.
	 *
	 * @param string $reason The bridge's `error_reason`.
	 */
	public static function error_label( string $reason ): string {
		switch ( $reason ) {
			case '':
				return '';
			case 'invalid_phone':
				return __( 'Invalid phone number', 'rondine' );
			case 'not_on_whatsapp':
				return __( 'Not on WhatsApp', 'rondine' );
			case 'daily_limit':
				return __( 'Over the daily limit', 'rondine' );
			case 'opted_out':
				return __( 'Opted out', 'rondine' );
			case 'rate_limited':
				return __( 'Rate limited', 'rondine' );
			case 'template':
				return __( 'Template problem', 'rondine' );
			case 'transient':
				return __( 'Temporary error, retries exhausted', 'rondine' );
			case 'unknown':
				return __( 'Outcome unknown', 'rondine' );
		}
		return $reason;
	}

	/**
	 * The recipients as a CSV file for the spreadsheet of the user's locale: translated headers, no internal
	 * columns, statuses in words, times in the shop's time zone.
	 *
	 * @param array<int,array<string,mixed>> $recipients Recipients with contacts (with_contacts()).
	 */
	public static function csv( array $recipients ): string {
		$conventions = Csv::conventions();
		$headers     = array(
			__( 'Name', 'rondine' ),
			__( 'Phone', 'rondine' ),
			__( 'Status', 'rondine' ),
			__( 'Error', 'rondine' ),
			__( 'Sent', 'rondine' ),
			__( 'Delivered', 'rondine' ),
			__( 'Read', 'rondine' ),
			__( 'Replied or tapped', 'rondine' ),
			__( 'Updated', 'rondine' ),
		);
		$rows        = array();
		foreach ( $recipients as $recipient ) {
			$error = self::error_label( (string) ( $recipient['error_reason'] ?? '' ) );
			if ( ! empty( $recipient['error_code'] ) ) {
				$error = trim( $error . ' (' . $recipient['error_code'] . ')' );
			}
			$rows[] = array(
				(string) ( $recipient['name'] ?? '' ),
				(string) ( $recipient['phone'] ?? '' ),
				self::status_label( (string) ( $recipient['message_status'] ?? $recipient['state'] ?? '' ) ),
				$error,
				Csv::shop_time( $recipient['sent_at'] ?? null ),
				Csv::shop_time( $recipient['delivered_at'] ?? null ),
				Csv::shop_time( $recipient['read_at'] ?? null ),
				Csv::shop_time( $recipient['interacted_at'] ?? null ),
				Csv::shop_time( $recipient['updated_at'] ?? null ),
			);
		}
		return Csv::document( $headers, $rows, $conventions['separator'] );
	}
}
