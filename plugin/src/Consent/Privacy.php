<?php
/**
 * WordPress personal-data export and erasure.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;

/**
 * Registers Rondine with Tools → Export/Erase Personal Data: contacts found by email address, with their consent
 * history; erasing deletes the contacts and strips the phone and email from their consent log (the log keeps that a
 * consent existed, without the person).
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
	 * Export.
	 *
	 * @param string $email Email address.
	 * @param int    $page  Page (one page is enough: a person has few contacts).
	 * @return array{data:array<int,mixed>,done:bool}
	 */
	public static function export( $email, $page = 1 ) {
		$data = array();
		foreach ( Contacts::find_by_email( (string) $email ) as $contact ) {
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
		return array(
			'data' => $data,
			'done' => true,
		);
	}

	/**
	 * Erase.
	 *
	 * @param string $email Email address.
	 * @param int    $page  Page.
	 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
	 */
	public static function erase( $email, $page = 1 ) {
		$contacts = Contacts::find_by_email( (string) $email );
		foreach ( $contacts as $contact ) {
			Contacts::delete( (int) $contact['id'] );
		}
		return array(
			'items_removed'  => (bool) $contacts,
			'items_retained' => false,
			'messages'       => array(),
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
			)
		);
	}
}
