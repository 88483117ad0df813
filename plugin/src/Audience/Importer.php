<?php
/**
 * CSV import into a list.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

use Rondine\Consent\Consent;
use Rondine\Consent\Erased;
use Rondine\Phone\Normalizer;

/**
 * Imports contacts from CSV into a static list, with a column mapping, the shop's default country for numbers
 * without prefix, and consent only from a consent column or an explicit attestation. Every rejected row is reported
 * with its line number, why, and the value at fault; accepted rows are written, rejected ones are not.
 */
final class Importer {

	public const MAPPABLE = array( 'phone', 'first_name', 'last_name', 'email', 'country', 'city', 'consent', 'tags', 'birthday' );

	private const YES = array( '1', 'y', 'yes', 'true', 'si', 'sì', 'ja', 'oui', 'sí', 'x', 'granted', 'opt-in', 'opted in', 'opted-in', 'subscribed' );
	private const NO  = array( '0', 'n', 'no', 'false', 'nein', 'non', '', 'revoked', 'opt-out', 'opted out', 'opted-out', 'unsubscribed' );

	/**
	 * Runs an import.
	 *
	 * @param int                  $list_id         Target list.
	 * @param string               $csv             CSV text.
	 * @param array<string,string> $mapping         Contact field → CSV header.
	 * @param string               $default_country ISO code for numbers without prefix.
	 * @param string               $consent_mode    column, attest or none.
	 * @param string               $attestation     Wording recorded when consent_mode is attest.
	 * @param bool                 $dry_run         Report only, write nothing.
	 * @return array<string,mixed> The report.
	 * @throws \InvalidArgumentException When the file or the options cannot be used at all.
	 */
	public static function run( int $list_id, string $csv, array $mapping, string $default_country, string $consent_mode, string $attestation, bool $dry_run ): array {
		$parsed  = Csv::parse( $csv );
		$headers = $parsed['headers'];
		foreach ( $mapping as $field => $header ) {
			if ( ! in_array( $field, self::MAPPABLE, true ) ) {
				/* translators: %s: field name. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( '“%s” is not a contact field that can be imported.', 'rondine' ), $field ) ) );
			}
			if ( '' !== $header && ! in_array( $header, $headers, true ) ) {
				/* translators: 1: column name, 2: the columns found. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'The file has no column “%1$s”. Its columns are: %2$s.', 'rondine' ), $header, implode( ', ', $headers ) ) ) );
			}
		}
		$mapping = array_filter( $mapping, static fn( $h ) => '' !== $h );
		if ( empty( $mapping['phone'] ) ) {
			throw new \InvalidArgumentException( esc_html__( 'Choose the column that holds the phone numbers.', 'rondine' ) );
		}
		if ( ! in_array( $consent_mode, array( 'column', 'attest', 'none' ), true ) ) {
			throw new \InvalidArgumentException( esc_html__( 'Consent must come from a column, from your attestation, or not be recorded.', 'rondine' ) );
		}
		if ( 'column' === $consent_mode && empty( $mapping['consent'] ) ) {
			throw new \InvalidArgumentException( esc_html__( 'Choose the column that says whether each person agreed to receive WhatsApp messages.', 'rondine' ) );
		}
		if ( 'attest' === $consent_mode && '' === trim( $attestation ) ) {
			throw new \InvalidArgumentException( esc_html__( 'Confirm that everyone in this file agreed to receive WhatsApp messages from you.', 'rondine' ) );
		}
		$default_country = strtoupper( $default_country );

		$report = array(
			'headers'         => $headers,
			'rows'            => count( $parsed['rows'] ),
			'imported'        => 0,
			'created'         => 0,
			'updated'         => 0,
			'added_to_list'   => 0,
			'consent_granted' => 0,
			'rejected_count'  => 0,
			'rejected'        => array(),
			'consent_refused' => array(),
			'dry_run'         => $dry_run,
		);
		$seen     = array();
		$accepted = array();
		foreach ( $parsed['rows'] as $line => $row ) {
			$raw     = $row[ $mapping['phone'] ] ?? '';
			$country = isset( $mapping['country'] ) && preg_match( '/^[A-Za-z]{2}$/', $row[ $mapping['country'] ] ?? '' ) ? strtoupper( $row[ $mapping['country'] ] ) : $default_country;
			$result  = Normalizer::normalize( $raw, $country );
			if ( ! $result['ok'] ) {
				self::reject( $report, $line, 'empty' === $result['reason'] ? 'missing_phone' : 'invalid_phone', Normalizer::explain( (string) $result['reason'] ), $raw );
				continue;
			}
			$phone = (string) $result['e164'];
			if ( isset( $seen[ $phone ] ) ) {
				/* translators: %d: line number of the first occurrence. */
				self::reject( $report, $line, 'duplicate', sprintf( __( 'The same phone number is already on line %d of this file.', 'rondine' ), $seen[ $phone ] ), $raw );
				continue;
			}
			$email = isset( $mapping['email'] ) ? ( $row[ $mapping['email'] ] ?? '' ) : '';
			if ( '' !== $email && ! is_email( $email ) ) {
				self::reject( $report, $line, 'invalid_email', __( 'The email address is not valid.', 'rondine' ), $email );
				continue;
			}
			$birthday = '';
			if ( isset( $mapping['birthday'] ) && '' !== trim( $row[ $mapping['birthday'] ] ?? '' ) ) {
				$birthday = (string) self::birthday( (string) $row[ $mapping['birthday'] ] );
				if ( '' === $birthday ) {
					self::reject( $report, $line, 'invalid_birthday', __( 'The date of birth is not a date: write it as 1990-05-31 or 31/05/1990.', 'rondine' ), (string) $row[ $mapping['birthday'] ] );
					continue;
				}
			}
			$granted = 'attest' === $consent_mode;
			if ( 'column' === $consent_mode ) {
				$value = mb_strtolower( trim( $row[ $mapping['consent'] ] ?? '' ) );
				if ( in_array( $value, self::YES, true ) ) {
					$granted = true;
				} elseif ( ! in_array( $value, self::NO, true ) ) {
					self::reject( $report, $line, 'invalid_consent', __( 'The consent column must say yes or no (also 1/0, true/false, sì, ja, oui).', 'rondine' ), (string) ( $row[ $mapping['consent'] ] ?? '' ) );
					continue;
				}
			}
			$seen[ $phone ] = $line;
			$accepted[]     = array(
				'phone'   => $phone,
				'country' => (string) $result['country'],
				'row'     => $row,
				'granted'  => $granted,
				'email'    => $email,
				'birthday' => $birthday,
			);
		}
		// An erased person is not brought back by a file; a revoked consent is not granted again by one.
		$erased  = Erased::which( array_column( $accepted, 'phone' ), array_filter( array_column( $accepted, 'email' ) ) );
		$revoked = self::revoked( array_column( $accepted, 'phone' ) );
		$kept    = array();
		$refused = 0;
		foreach ( $accepted as $item ) {
			$line = $seen[ $item['phone'] ];
			if ( isset( $erased[ 'phone:' . $item['phone'] ] ) || ( '' !== $item['email'] && isset( $erased[ 'email:' . strtolower( $item['email'] ) ] ) ) ) {
				self::reject( $report, $line, 'previously_erased', __( 'This person asked to have their data erased: they are not imported again.', 'rondine' ), (string) ( $item['row'][ $mapping['phone'] ] ?? '' ) );
				continue;
			}
			if ( $item['granted'] && isset( $revoked[ $item['phone'] ] ) ) {
				$item['granted'] = false;
				++$refused;
				if ( count( $report['consent_refused'] ) < 1000 ) {
					$report['consent_refused'][] = array(
						'row'     => $line,
						'reason'  => 'previously_revoked',
						'message' => __( 'This person withdrew their consent before: the file cannot grant it again. The contact was imported without consent.', 'rondine' ),
						'value'   => (string) ( $item['row'][ $mapping['phone'] ] ?? '' ),
					);
				}
			}
			$kept[] = $item;
		}
		$accepted                        = $kept;
		$report['consent_refused_count'] = $refused;
		$report['imported']              = count( $accepted );
		if ( $dry_run ) {
			$report['consent_granted'] = count( array_filter( $accepted, static fn( $a ) => $a['granted'] ) );
			return $report;
		}

		$user     = wp_get_current_user();
		$by       = $user && $user->exists() ? $user->user_login : 'system';
		$contacts = array();
		foreach ( $accepted as $item ) {
			$row                         = $item['row'];
			$get                         = static fn( string $field ) => isset( $mapping[ $field ] ) ? (string) ( $row[ $mapping[ $field ] ] ?? '' ) : '';
			$contacts[ $item['phone'] ] = array(
				'phone_raw'  => $get( 'phone' ),
				'email'      => $item['email'],
				'first_name' => sanitize_text_field( $get( 'first_name' ) ),
				'last_name'  => sanitize_text_field( $get( 'last_name' ) ),
				'country'    => '' !== $item['country'] ? $item['country'] : $default_country,
				'city'       => sanitize_text_field( $get( 'city' ) ),
				'birthday'   => $item['birthday'],
				'source'     => 'import',
			);
		}
		$saved       = Contacts::upsert_many( $contacts );
		$contact_ids = array();
		$tagged      = array(); // [contact id, tag id] pairs, added in bulk.
		$tag_ids     = array(); // Tag name → id, each name looked up once.
		$consents    = array(); // Wording → contact ids, recorded in bulk.
		foreach ( $accepted as $item ) {
			if ( ! isset( $saved[ $item['phone'] ] ) ) {
				continue;
			}
			$id            = $saved[ $item['phone'] ]['id'];
			$contact_ids[] = $id;
			$report[ $saved[ $item['phone'] ]['created'] ? 'created' : 'updated' ]++;
			$row = $item['row'];
			$get = static fn( string $field ) => isset( $mapping[ $field ] ) ? (string) ( $row[ $mapping[ $field ] ] ?? '' ) : '';
			if ( $item['granted'] ) {
				$wording                = 'attest' === $consent_mode
					? sprintf(
						/* translators: 1: the attestation, 2: user login. */
						__( 'Imported from CSV with this attestation by %2$s: %1$s', 'rondine' ),
						$attestation,
						$by
					)
					: sprintf(
						/* translators: 1: column name, 2: value, 3: user login. */
						__( 'Imported from CSV by %3$s: column "%1$s" said "%2$s".', 'rondine' ),
						$mapping['consent'],
						$get( 'consent' ),
						$by
					);
				$consents[ $wording ][] = $id;
			}
			$tags = $get( 'tags' );
			if ( '' !== trim( $tags ) ) {
				foreach ( preg_split( '/[,|;]/', $tags ) as $name ) {
					$name = trim( $name );
					if ( '' !== $name ) {
						$tag_ids[ $name ] ??= Tags::ensure( $name );
						$tagged[]           = array( $id, $tag_ids[ $name ] );
					}
				}
			}
		}
		Contacts::add_tags_many( $tagged );
		foreach ( $consents as $wording => $ids ) {
			$report['consent_granted'] += Consent::record_bulk( $ids, Consent::GRANTED, 'import', $wording );
		}
		$report['added_to_list'] = Lists::add( $list_id, $contact_ids );
		return $report;
	}

	/**
	 * A date of birth as people write it in a file: 1990-05-31, or day first (31/05/1990, 31-05-1990, 31.05.1990) as
	 * in Italy and most of Europe. Null when it is not a real past date.
	 *
	 * @param string $value Cell.
	 */
	public static function birthday( string $value ): ?string {
		$value = trim( $value );
		if ( preg_match( '/^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/', $value, $m ) ) {
			$value = sprintf( '%04d-%02d-%02d', (int) $m[3], (int) $m[2], (int) $m[1] );
		}
		return Contacts::birthday( $value );
	}

	/**
	 * The phones among these whose contact's consent is revoked.
	 *
	 * @param string[] $phones E.164 phones.
	 * @return array<string,true>
	 */
	private static function revoked( array $phones ): array {
		global $wpdb;
		$out = array();
		foreach ( array_chunk( array_values( array_unique( $phones ) ), 500 ) as $chunk ) {
			$found = $wpdb->get_col( $wpdb->prepare( "SELECT phone FROM %i WHERE consent = 'revoked' AND phone IN (" . implode( ',', array_fill( 0, count( $chunk ), '%s' ) ) . ')', array_merge( array( Contacts::table() ), $chunk ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own table, read once per import; consent changes with every opt-out, a cache would be wrong.
			foreach ( $found ?: array() as $phone ) {
				$out[ (string) $phone ] = true;
			}
		}
		return $out;
	}

	/**
	 * Adds a rejected row to the report (the first 1,000 are listed; all are counted).
	 *
	 * @param array<string,mixed> $report  Report.
	 * @param int                 $line    Line number in the file (the header is line 1).
	 * @param string              $reason  Machine code.
	 * @param string              $message Human explanation.
	 * @param string              $value   The value at fault.
	 */
	private static function reject( array &$report, int $line, string $reason, string $message, string $value ): void {
		++$report['rejected_count'];
		if ( count( $report['rejected'] ) < 1000 ) {
			$report['rejected'][] = array(
				'row'     => $line,
				'reason'  => $reason,
				'message' => $message,
				'value'   => $value,
			);
		}
	}
}
