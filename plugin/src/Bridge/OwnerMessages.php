<?php
/**
 * Errors in the shop owner's words.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * The one place where failures of the bridge and of the WhatsApp Cloud API become what the shop owner reads: what
 * happened and what to do, translated. The technical message (Meta's "Invalid parameter…", a network error such as
 * ENOTFOUND) is kept apart, as `detail`, for the "Technical details" a support person asks for.
 */
final class OwnerMessages {

	/**
	 * What the owner reads for an error code, or null when the code has no owner wording (the message is then the
	 * bridge's own, already meant for people).
	 *
	 * @param string $code Error code (the bridge's or the plugin's).
	 */
	public static function message( string $code ): ?string {
		switch ( $code ) {
			case 'whatsapp_token_rejected':
				return __( 'WhatsApp did not accept the access token: it may be incomplete, expired or revoked. In Meta Business Settings → Users → System users, generate a new token for your app with the whatsapp_business_messaging and whatsapp_business_management permissions, then paste it here.', 'rondine' );
			case 'whatsapp_phone_number_id_unknown':
				return __( 'WhatsApp has no number with this phone number ID for this token. The phone number ID is a long number that is not your phone number: copy it from Meta’s App Dashboard → WhatsApp → API Setup, under your number.', 'rondine' );
			case 'whatsapp_waba_id_unknown':
				return __( 'WhatsApp has no business account with this ID for this token. Copy the WhatsApp Business Account ID from Meta’s App Dashboard → WhatsApp → API Setup (or WhatsApp Manager → Overview).', 'rondine' );
			case 'whatsapp_permission_missing':
				return __( 'The access token is valid but may not use this number or business account. In Meta Business Settings, give the system user access to the WhatsApp account, then generate the token again with the whatsapp_business_messaging and whatsapp_business_management permissions.', 'rondine' );
			case 'whatsapp_unreachable':
				return __( 'WhatsApp could not be reached just now, so the details could not be checked. Nothing was saved: try again in a few minutes.', 'rondine' );
			case 'whatsapp_credentials_rejected':
				return __( 'WhatsApp did not accept these details. Check each value against Meta’s App Dashboard → WhatsApp → API Setup, then try again.', 'rondine' );
			case 'phone_number_id_taken':
				return __( 'This WhatsApp number is already connected to another shop that uses the same messaging server. Use another number, or disconnect it from the other shop first.', 'rondine' );
			case 'rondine_bridge_unreachable':
				return __( 'Rondine could not reach its messaging server. If this lasts more than a few minutes, send the technical details below to whoever set up Rondine for you.', 'rondine' );
		}
		return null;
	}

	/**
	 * A bridge failure as a REST error in the owner's words: `message` for the owner, `data.detail` the technical
	 * message, `data.status` the HTTP status.
	 *
	 * @param BridgeError $error The failure.
	 */
	public static function to_wp_error( BridgeError $error ): \WP_Error {
		$message = self::message( $error->error_code() );
		return new \WP_Error(
			$error->error_code(),
			$message ?? $error->getMessage(),
			array(
				'status' => $error->status(),
				'detail' => null === $message ? null : $error->getMessage(),
			)
		);
	}
}
