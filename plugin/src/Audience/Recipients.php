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
	 * A recipient's status in words: the message's status once sent, else where its run stands (the bridge's
	 * MessageStatus and RecipientState, Contract::MESSAGE_STATUSES and Contract::RECIPIENT_STATES).
	 *
	 * @param string $status State or message status.
	 */
	public static function status_label( string $status ): string {
		switch ( $status ) {
			case 'pending':
				return __( 'Waiting', 'rondine' );
			case 'retry':
				return __( 'Waiting to retry', 'rondine' );
			case 'sending':
				return __( 'Sending', 'rondine' );
			case 'accepted':
			case 'completed':
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
			case 'cancelled':
				return __( 'Cancelled', 'rondine' );
			case 'capped':
				return __( 'Held back by the frequency cap', 'rondine' );
			case 'opted_out':
				return __( 'Opted out before sending', 'rondine' );
		}
		return $status;
	}

	/**
	 * Every failure reason the bridge writes (Contract::ERROR_REASONS) in words.
	 *
	 * @return array<string,string>
	 */
	public static function error_labels(): array {
		$rate      = __( 'Rate limited by WhatsApp, retries exhausted', 'rondine' );
		$temporary = __( 'Temporary WhatsApp error, retries exhausted', 'rondine' );
		$template  = __( 'Template problem', 'rondine' );
		$parameter = __( 'Invalid message parameter', 'rondine' );
		$account   = __( 'WhatsApp account problem: sending stopped', 'rondine' );
		return array(
			'invalid_phone'                      => __( 'Invalid phone number', 'rondine' ),
			'opted_out'                          => __( 'Opted out', 'rondine' ),
			'daily_limit'                        => __( 'Over the daily limit', 'rondine' ),
			'not_sent'                           => __( 'Could not reach WhatsApp', 'rondine' ),
			'cancelled'                          => __( 'Cancelled before sending', 'rondine' ),
			'capped'                             => __( 'Over the marketing frequency cap', 'rondine' ),
			'campaign_failed'                    => __( 'The campaign failed before sending', 'rondine' ),
			'interrupted'                        => __( 'Interrupted while sending', 'rondine' ),
			'throughput_exceeded'                => $rate,
			'app_rate_limit'                     => $rate,
			'waba_rate_limit'                    => $rate,
			'account_in_maintenance'             => $temporary,
			'unknown_api_error'                  => $temporary,
			'service_unavailable'                => $temporary,
			'something_went_wrong'               => $temporary,
			'service_overloaded'                 => $temporary,
			'server_temporarily_unavailable'     => $temporary,
			'pair_rate_limit'                    => $rate,
			'marketing_per_user_limit'           => __( 'WhatsApp limits marketing messages to this person', 'rondine' ),
			'spam_rate_limit'                    => __( 'Limited by WhatsApp for spam', 'rondine' ),
			'not_on_whatsapp'                    => __( 'Not on WhatsApp', 'rondine' ),
			'invalid_parameter'                  => $parameter,
			'required_parameter_missing'         => $parameter,
			'parameter_value_invalid'            => $parameter,
			'unknown_error'                      => __( 'Error unknown to Rondine', 'rondine' ),
			'template_parameter_count_mismatch'  => $template,
			'template_not_found'                 => __( 'Template not found', 'rondine' ),
			'template_text_too_long'             => $template,
			'template_policy_violation'          => $template,
			'template_parameter_format_mismatch' => $template,
			'template_paused'                    => __( 'Template paused by WhatsApp', 'rondine' ),
			'template_disabled'                  => __( 'Template disabled by WhatsApp', 'rondine' ),
			'template_parameter_invalid'         => $template,
			'auth_exception'                     => $account,
			'access_token_expired'               => $account,
			'capability_missing'                 => $account,
			'permission_denied'                  => $account,
			'account_restricted_policy'          => $account,
			'account_locked'                     => $account,
			'payment_problem'                    => $account,
			'account_restricted'                 => $account,
			'country_restricted'                 => $account,
			'business_number_not_registered'     => $account,
		);
	}

	/**
	 * A failure reason in words; a free technical detail (state `unknown`) as it is.
	 *
	 * @param string $reason The bridge's `error_reason`.
	 */
	public static function error_label( string $reason ): string {
		return self::error_labels()[ $reason ] ?? $reason;
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
