<?php
/**
 * WordPress personal-data export and erasure.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Audience\WooData;
use Rondine\Bridge\BridgeError;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;
use Rondine\Bridge\Outbox;
use Rondine\Phone\Normalizer;
use Rondine\Settings;

/**
 * Registers Rondine with Tools → Export/Erase Personal Data. The person is found by e-mail address (their contacts,
 * and the phones of their WooCommerce customers, orders and account) or by a phone number given as the identifier.
 * The export includes the consent history and what the bridge keeps (group `rondine-bridge`); erasing deletes the
 * contacts, strips the phone and e-mail from their consent log (the log keeps that a consent existed, without the
 * person), keeps a keyed-hash tombstone (Erased) and queues the bridge's erasure in the outbox.
 */
final class Privacy {

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_filter( 'wp_privacy_personal_data_exporters', array( self::class, 'add_exporter' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( self::class, 'add_eraser' ) );
		add_action( 'admin_init', array( self::class, 'policy_text' ) );
	}

	/**
	 * Exporter registration.
	 *
	 * @param array<string,mixed> $exporters Exporters.
	 * @return array<string,mixed>
	 */
	public static function add_exporter( $exporters ) {
		$exporters['rondine'] = array(
			'exporter_friendly_name' => __( 'Rondine WhatsApp contacts', 'rondine' ),
			'callback'               => array( self::class, 'export' ),
		);
		return $exporters;
	}

	/**
	 * Eraser registration.
	 *
	 * @param array<string,mixed> $erasers Erasers.
	 * @return array<string,mixed>
	 */
	public static function add_eraser( $erasers ) {
		$erasers['rondine'] = array(
			'eraser_friendly_name' => __( 'Rondine WhatsApp contacts', 'rondine' ),
			'callback'             => array( self::class, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * The phones and contacts of the person a privacy request names.
	 *
	 * WordPress's requests name an e-mail address: the contacts with that address, the contacts of the WooCommerce
	 * customers with that address, and the billing phones of that address's orders (HPOS and legacy), customers and
	 * user account are all that person's. An identifier that is not an e-mail address but normalises as a phone
	 * (shop's default country for a number without prefix) names the contact with that phone.
	 *
	 * @param string $identifier E-mail address or phone.
	 * @return array{contacts:array<int,array<string,mixed>>,phones:string[],emails:string[]}
	 */
	public static function person( string $identifier ): array {
		global $wpdb;
		$identifier = trim( $identifier );
		$phones     = array();
		$contacts   = array();
		$emails     = array();
		if ( is_email( $identifier ) ) {
			$emails[] = $identifier;
			foreach ( Contacts::find_by_email( $identifier ) as $contact ) {
				$contacts[ (int) $contact['id'] ] = $contact;
			}
			$raw = array(); // [ phone, country ].
			if ( WooData::has( 'wc_customer_lookup' ) ) {
				$customer_ids = array_map( 'intval', $wpdb->get_col( $wpdb->prepare( 'SELECT customer_id FROM %i WHERE email = %s', $wpdb->prefix . 'wc_customer_lookup', $identifier ) ) ?: array() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the privacy tools' export and erasure read WooCommerce's lookup tables and order meta by e-mail (no API finds orders by billing e-mail across both order storages); run once per request, never cached.
				if ( $customer_ids ) {
					foreach ( $wpdb->get_col( $wpdb->prepare( 'SELECT id FROM %i WHERE customer_id IN (' . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( Contacts::table() ), $customer_ids ) ) ) ?: array() as $id ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the privacy tools' export and erasure read WooCommerce's lookup tables and order meta by e-mail (no API finds orders by billing e-mail across both order storages); run once per request, never cached.
						$contacts[ (int) $id ] = Contacts::find( (int) $id );
					}
					if ( WooData::has( 'wc_order_stats' ) && WooData::has( 'wc_order_addresses' ) ) {
						foreach ( $wpdb->get_results( $wpdb->prepare( "SELECT a.phone, a.country FROM %i a JOIN %i s ON s.order_id = a.order_id WHERE a.address_type = 'billing' AND s.customer_id IN (" . implode( ',', array_fill( 0, count( $customer_ids ), '%d' ) ) . ')', array_merge( array( $wpdb->prefix . 'wc_order_addresses', $wpdb->prefix . 'wc_order_stats' ), $customer_ids ) ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the privacy tools' export and erasure read WooCommerce's lookup tables and order meta by e-mail (no API finds orders by billing e-mail across both order storages); run once per request, never cached.
							$raw[] = array( (string) $row['phone'], (string) $row['country'] );
						}
					}
				}
			}
			if ( WooData::has( 'wc_order_addresses' ) ) {
				foreach ( $wpdb->get_results( $wpdb->prepare( "SELECT phone, country FROM %i WHERE address_type = 'billing' AND email = %s", $wpdb->prefix . 'wc_order_addresses', $identifier ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the privacy tools' export and erasure read WooCommerce's lookup tables and order meta by e-mail (no API finds orders by billing e-mail across both order storages); run once per request, never cached.
					$raw[] = array( (string) $row['phone'], (string) $row['country'] );
				}
			}
			// Legacy order storage: billing e-mail and phone in post meta.
			foreach ( $wpdb->get_results( $wpdb->prepare( "SELECT p.meta_value AS phone, c.meta_value AS country FROM %i e JOIN %i p ON p.post_id = e.post_id AND p.meta_key = '_billing_phone' LEFT JOIN %i c ON c.post_id = e.post_id AND c.meta_key = '_billing_country' WHERE e.meta_key = '_billing_email' AND e.meta_value = %s", $wpdb->postmeta, $wpdb->postmeta, $wpdb->postmeta, $identifier ), ARRAY_A ) ?: array() as $row ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the privacy tools' export and erasure read WooCommerce's lookup tables and order meta by e-mail (no API finds orders by billing e-mail across both order storages); run once per request, never cached.
				$raw[] = array( (string) $row['phone'], (string) $row['country'] );
			}
			$user = get_user_by( 'email', $identifier );
			if ( $user ) {
				$raw[] = array( (string) get_user_meta( $user->ID, 'billing_phone', true ), (string) get_user_meta( $user->ID, 'billing_country', true ) );
				$linked = Contacts::find_by_user( (int) $user->ID );
				if ( $linked ) {
					$contacts[ (int) $linked['id'] ] = $linked;
				}
			}
			foreach ( $raw as [ $phone, $country ] ) {
				if ( '' === trim( $phone ) ) {
					continue;
				}
				$result = Normalizer::normalize( $phone, '' !== $country ? $country : Settings::default_country() );
				if ( $result['ok'] ) {
					$phones[] = (string) $result['e164'];
				}
			}
		} else {
			$result = Normalizer::normalize( $identifier, Settings::default_country() );
			if ( $result['ok'] ) {
				$phones[] = (string) $result['e164'];
			}
		}
		foreach ( array_unique( $phones ) as $phone ) {
			$contact = Contacts::find_by_phone( $phone );
			if ( $contact ) {
				$contacts[ (int) $contact['id'] ] = $contact;
			}
		}
		$contacts = array_values( array_filter( $contacts ) );
		foreach ( $contacts as $contact ) {
			if ( ! empty( $contact['phone'] ) ) {
				$phones[] = (string) $contact['phone'];
			}
			if ( '' !== (string) $contact['email'] ) {
				$emails[] = (string) $contact['email'];
			}
		}
		return array(
			'contacts' => $contacts,
			'phones'   => array_values( array_unique( $phones ) ),
			'emails'   => array_values( array_unique( array_map( 'strtolower', $emails ) ) ),
		);
	}

	/**
	 * Export.
	 *
	 * @param string $email Email address (or a phone number).
	 * @param int    $page  Page (one page is enough: a person has few contacts).
	 * @return array{data:array<int,mixed>,done:bool}|\WP_Error An error when the bridge could not be asked: the export
	 *         would be incomplete, so WordPress shows the error and the request can be retried.
	 */
	public static function export( $email, $page = 1 ) {
		$person = self::person( (string) $email );
		$data   = array();
		foreach ( $person['contacts'] as $contact ) {
			$data[] = array(
				'group_id'    => 'rondine-contact',
				'group_label' => __( 'WhatsApp contact', 'rondine' ),
				'item_id'     => 'rondine-contact-' . $contact['id'],
				'data'        => array(
					array(
						'name'  => __( 'Phone', 'rondine' ),
						'value' => (string) $contact['phone'],
					),
					array(
						'name'  => __( 'Name', 'rondine' ),
						'value' => trim( $contact['first_name'] . ' ' . $contact['last_name'] ),
					),
					array(
						'name'  => __( 'Email', 'rondine' ),
						'value' => (string) $contact['email'],
					),
					array(
						'name'  => __( 'Country', 'rondine' ),
						'value' => $contact['country'],
					),
					array(
						'name'  => __( 'Marketing consent', 'rondine' ),
						'value' => $contact['consent'],
					),
				),
			);
			foreach ( Consent::log( (int) $contact['id'] ) as $entry ) {
				$data[] = array(
					'group_id'    => 'rondine-consent',
					'group_label' => __( 'WhatsApp consent history', 'rondine' ),
					'item_id'     => 'rondine-consent-' . $entry['id'],
					'data'        => array(
						array(
							'name'  => __( 'Date', 'rondine' ),
							'value' => $entry['created_at'],
						),
						array(
							'name'  => __( 'Consent', 'rondine' ),
							'value' => $entry['status'],
						),
						array(
							'name'  => __( 'Source', 'rondine' ),
							'value' => $entry['source'],
						),
						array(
							'name'  => __( 'Wording', 'rondine' ),
							'value' => $entry['wording'],
						),
					),
				);
			}
		}
		if ( $person['phones'] && null !== Connection::stored() ) {
			try {
				$data = array_merge( $data, self::bridge_export( $person['phones'] ) );
			} catch ( BridgeError $error ) {
				return new \WP_Error(
					'rondine_bridge_export_failed',
					/* translators: %s: the bridge's error. */
					sprintf( __( 'The WhatsApp messages kept by the messaging server could not be exported: %s Try again later.', 'rondine' ), $error->getMessage() )
				);
			}
		}
		return array(
			'data' => $data,
			'done' => true,
		);
	}

	/**
	 * What the bridge holds about these phones (signed POST /v1/privacy/export, 20 phones per call), as items of the
	 * group `rondine-bridge`.
	 *
	 * @param string[] $phones E.164 phones.
	 * @return array<int,array<string,mixed>>
	 * @throws BridgeError When the bridge cannot answer.
	 */
	private static function bridge_export( array $phones ): array {
		$client = Client::from_connection();
		$label  = __( 'WhatsApp messages (messaging server)', 'rondine' );
		$items  = array();
		$n      = 0;
		$field  = static function ( string $name, $value ): array {
			return array(
				'name'  => $name,
				'value' => null === $value ? '' : ( is_scalar( $value ) ? (string) $value : (string) wp_json_encode( $value ) ),
			);
		};
		foreach ( array_chunk( $phones, 20 ) as $chunk ) {
			$body = $client->request( 'POST', '/v1/privacy/export', array( 'phones' => $chunk ) )['body'];
			$body = is_array( $body ) ? $body : array();
			foreach ( (array) ( $body['messages'] ?? array() ) as $message ) {
				$message = (array) $message;
				$items[] = array(
					'group_id'    => 'rondine-bridge',
					'group_label' => $label,
					'item_id'     => 'rondine-bridge-' . ( ++$n ),
					'data'        => array(
						$field( __( 'Type', 'rondine' ), __( 'Message sent', 'rondine' ) ),
						$field( __( 'Phone', 'rondine' ), $message['phone'] ?? '' ),
						$field( __( 'Campaign', 'rondine' ), $message['campaign_name'] ?? ( $message['campaign_id'] ?? '' ) ),
						$field( __( 'State', 'rondine' ), $message['state'] ?? '' ),
						$field( __( 'Sent', 'rondine' ), $message['sent_at'] ?? null ),
						$field( __( 'Delivered', 'rondine' ), $message['delivered_at'] ?? null ),
						$field( __( 'Read', 'rondine' ), $message['read_at'] ?? null ),
						$field( __( 'Failed', 'rondine' ), $message['failed_at'] ?? null ),
						$field( __( 'Error', 'rondine' ), $message['error'] ?? null ),
					),
				);
			}
			foreach ( (array) ( $body['inbound'] ?? array() ) as $inbound ) {
				$inbound = (array) $inbound;
				$items[] = array(
					'group_id'    => 'rondine-bridge',
					'group_label' => $label,
					'item_id'     => 'rondine-bridge-' . ( ++$n ),
					'data'        => array(
						$field( __( 'Type', 'rondine' ), __( 'Message received', 'rondine' ) ),
						$field( __( 'Phone', 'rondine' ), $inbound['phone'] ?? '' ),
						$field( __( 'Received', 'rondine' ), $inbound['received_at'] ?? null ),
						$field( __( 'Kind', 'rondine' ), $inbound['type'] ?? '' ),
						$field( __( 'Text', 'rondine' ), $inbound['text'] ?? null ),
					),
				);
			}
			foreach ( (array) ( $body['opt_out'] ?? array() ) as $opt_out ) {
				$opt_out = (array) $opt_out;
				$items[] = array(
					'group_id'    => 'rondine-bridge',
					'group_label' => $label,
					'item_id'     => 'rondine-bridge-' . ( ++$n ),
					'data'        => array(
						$field( __( 'Type', 'rondine' ), __( 'Opt-out', 'rondine' ) ),
						$field( __( 'Phone', 'rondine' ), $opt_out['phone'] ?? '' ),
						$field( __( 'State', 'rondine' ), $opt_out['state'] ?? '' ),
						$field( __( 'Changed', 'rondine' ), $opt_out['changed_at'] ?? null ),
						$field( __( 'Source', 'rondine' ), $opt_out['source'] ?? '' ),
					),
				);
			}
		}
		return $items;
	}

	/**
	 * Erase: the person's contacts are deleted, their phones and addresses kept only as keyed hashes (Erased) so that
	 * the contacts sync and imports do not bring them back, their consent log rows lose the phone and address, and
	 * the bridge is asked to erase what it holds about those phones (through the outbox, retried until it answers;
	 * the bridge keeps the phone on its suppression list, source `erasure`, so it is never messaged again).
	 *
	 * @param string $email Email address (or a phone number).
	 * @param int    $page  Page.
	 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
	 */
	public static function erase( $email, $page = 1 ) {
		$person = self::person( (string) $email );
		return self::forget( $person['contacts'], $person['phones'], $person['emails'] );
	}

	/**
	 * Erase contacts the shop owner chose in wp-admin (the contacts' bulk "Erase"), exactly as WordPress's eraser does
	 * for a person: the same tombstones, consent log rows kept without the identity, the bridge's erasure queued.
	 *
	 * @param array<int,array<string,mixed>> $contacts Contacts (rows of Contacts::find()).
	 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
	 */
	public static function erase_contacts( array $contacts ): array {
		$phones = array_values( array_filter( array_map( static fn( $c ) => (string) ( $c['phone'] ?? '' ), $contacts ) ) );
		$emails = array_values( array_filter( array_map( static fn( $c ) => (string) ( $c['email'] ?? '' ), $contacts ) ) );
		$by_id  = array();
		foreach ( $contacts as $contact ) {
			$by_id[ (int) $contact['id'] ] = $contact;
		}
		return self::forget( $by_id, array_values( array_unique( $phones ) ), array_values( array_unique( $emails ) ) );
	}

	/**
	 * What an erasure does, for the eraser and for the owner's bulk erase.
	 *
	 * @param array<int,array<string,mixed>> $contacts Contacts by id.
	 * @param string[]                       $phones   E.164 phones.
	 * @param string[]                       $emails   E-mail addresses.
	 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
	 */
	private static function forget( array $contacts, array $phones, array $emails ): array {
		global $wpdb;
		foreach ( $contacts as $contact ) {
			Contacts::delete( (int) $contact['id'] );
		}
		$log = $wpdb->prefix . 'rondine_consent_log';
		foreach ( $phones as $phone ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables (no WordPress API); an erasure writes once, nothing of it is cached.
			$wpdb->update(
				$log,
				array(
					'phone' => '',
					'email' => '',
				),
				array( 'phone' => $phone )
			);
			// Consent and automation events not sent yet: the erasure below supersedes them and they name the person.
			$wpdb->query( $wpdb->prepare( "DELETE FROM %i WHERE kind IN ('consent', 'event') AND state IN ('pending', 'failed') AND payload LIKE %s", Outbox::table(), '%' . $wpdb->esc_like( '"phone":"' . $phone . '"' ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables (no WordPress API); an erasure writes once, nothing of it is cached.
		}
		foreach ( $emails as $address ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tables (no WordPress API); an erasure writes once, nothing of it is cached.
			$wpdb->update(
				$log,
				array(
					'phone' => '',
					'email' => '',
				),
				array( 'email' => $address )
			);
		}
		Erased::add( $phones, $emails );
		$messages = array();
		$queued   = Outbox::push_erase( $phones );
		if ( $queued ) {
			$result = Outbox::deliver( null, 10.0 );
			if ( $result['pending'] > 0 || $result['failed'] > 0 ) {
				$messages[] = __( 'The messaging server could not be reached: the erasure of the WhatsApp messages it keeps is queued and will be retried automatically.', 'rondine' );
			}
		}
		return array(
			'items_removed'  => (bool) $contacts || $queued > 0,
			'items_retained' => false,
			'messages'       => $messages,
			'done'           => true,
		);
	}

	/**
	 * Suggested privacy policy text.
	 */
	public static function policy_text(): void {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		wp_add_privacy_policy_content(
			'Rondine',
			wp_kses_post(
				'<p>' . __( 'If you agree to receive our offers on WhatsApp (at checkout or in your account), we keep your phone number, name, email address, country and the record of your consent (when, where and the wording you agreed to). To send messages we pass your phone number, name and the details used in the message to our messaging server and to Meta\'s WhatsApp Business Platform. You can stop at any time by replying STOP, with the button in our messages, or in your account.', 'rondine' ) . '</p>'
				. '<p>' . __( 'If you ask us to erase your data, we delete your WhatsApp contact and ask our messaging server to delete the messages sent to you and received from you. We keep only what is needed to honour the request: your phone number on the messaging server\'s list of numbers never to contact, and on our site a one-way code computed from your phone number and e-mail address, so that your contact is not created again from your orders or from an imported file. If you later agree again to receive our messages, that code is deleted.', 'rondine' ) . '</p>'
			)
		);
	}
}
