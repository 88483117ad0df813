<?php
/**
 * Checks requests that claim to come from the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * Verifies the signature of a bridge → site request (docs/ARCHITECTURE.md, "Signing"): known site id, timestamp
 * within 300 s of our clock, HMAC over METHOD, REST route, timestamp and body hash, compared in constant time, and
 * each signature accepted once (SignatureLedger: two concurrent replays cannot both pass).
 */
final class RequestVerifier {

	public const WINDOW = 300;

	/**
	 * Checks a REST request.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return true|\WP_Error 401 errors say which check failed.
	 */
	public static function verify( \WP_REST_Request $request ) {
		$site      = (string) $request->get_header( 'x_rondine_site' );
		$timestamp = (string) $request->get_header( 'x_rondine_timestamp' );
		$signature = strtolower( (string) $request->get_header( 'x_rondine_signature' ) );
		if ( '' === $site || '' === $timestamp || '' === $signature ) {
			return self::refuse( 'rondine_signature_missing', 'Missing X-Rondine-Site, X-Rondine-Timestamp or X-Rondine-Signature header.' );
		}
		$connection = Connection::stored();
		if ( null === $connection || ! hash_equals( $connection['site'], strtolower( $site ) ) ) {
			return self::refuse( 'rondine_unknown_site', 'Unknown site id.' );
		}
		if ( ! preg_match( '/^\d{1,12}$/', $timestamp ) || abs( time() - (int) $timestamp ) > self::WINDOW ) {
			return self::refuse( 'rondine_signature_expired', 'The timestamp is more than 300 seconds away from the site\'s clock.' );
		}
		if ( ! preg_match( '/^[0-9a-f]{64}$/', $signature ) || ! Signer::verify( $connection['secret_bytes'], $request->get_method(), $request->get_route(), (int) $timestamp, $request->get_body(), $signature ) ) {
			return self::refuse( 'rondine_signature_invalid', 'The signature does not match.' );
		}
		if ( ! SignatureLedger::add( 'seen', $signature ) ) {
			return self::refuse( 'rondine_signature_replayed', 'This signed request was already received.' );
		}
		return true;
	}

	/**
	 * A 401.
	 *
	 * @param string $code    Code.
	 * @param string $message Message (for the bridge's logs; not translated).
	 */
	private static function refuse( string $code, string $message ): \WP_Error {
		return new \WP_Error( $code, $message, array( 'status' => 401 ) );
	}
}
