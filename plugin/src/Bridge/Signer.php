<?php
/**
 * The HMAC request signature shared by the plugin and the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * Signs and verifies requests between a site and its bridge (docs/ARCHITECTURE.md, "Signing").
 *
 * The string to sign is METHOD "\n" PATH "\n" TIMESTAMP "\n" hex(sha256(body)); the signature is the lower-case
 * hex HMAC-SHA256 of that string with the site secret. The same vectors (docs/signing-vectors.json) are checked by
 * the PHP and the TypeScript tests so that both sides stay byte-identical.
 */
final class Signer {

	public const HEADER_SITE      = 'X-Rondine-Site';
	public const HEADER_TIMESTAMP = 'X-Rondine-Timestamp';
	public const HEADER_SIGNATURE = 'X-Rondine-Signature';

	/**
	 * The string that the HMAC covers.
	 *
	 * @param string $method    HTTP method, any case.
	 * @param string $path      Request target (site → bridge) or REST route (bridge → site).
	 * @param int    $timestamp Unix seconds.
	 * @param string $body      Exact body bytes, '' when there is none.
	 */
	public static function string_to_sign( string $method, string $path, int $timestamp, string $body ): string {
		return strtoupper( $method ) . "\n" . $path . "\n" . $timestamp . "\n" . hash( 'sha256', $body );
	}

	/**
	 * Lower-case hex signature.
	 *
	 * @param string $secret    Site secret (the raw bytes, decoded from the connection code).
	 * @param string $method    HTTP method.
	 * @param string $path      Path as defined above.
	 * @param int    $timestamp Unix seconds.
	 * @param string $body      Exact body bytes.
	 */
	public static function sign( string $secret, string $method, string $path, int $timestamp, string $body ): string {
		return hash_hmac( 'sha256', self::string_to_sign( $method, $path, $timestamp, $body ), $secret );
	}

	/**
	 * The three headers for a signed request.
	 *
	 * @param string $site_id   Site id (uuid).
	 * @param string $secret    Site secret.
	 * @param string $method    HTTP method.
	 * @param string $path      Path as defined above.
	 * @param string $body      Exact body bytes.
	 * @param int    $timestamp Unix seconds; now when 0.
	 * @return array<string,string>
	 */
	public static function headers( string $site_id, string $secret, string $method, string $path, string $body, int $timestamp = 0 ): array {
		$timestamp = $timestamp > 0 ? $timestamp : time();
		return array(
			self::HEADER_SITE      => $site_id,
			self::HEADER_TIMESTAMP => (string) $timestamp,
			self::HEADER_SIGNATURE => self::sign( $secret, $method, $path, $timestamp, $body ),
		);
	}

	/**
	 * Constant-time check of a received signature.
	 *
	 * @param string $secret    Site secret.
	 * @param string $method    HTTP method.
	 * @param string $path      Path as defined above.
	 * @param int    $timestamp Unix seconds from the header.
	 * @param string $body      Exact body bytes received.
	 * @param string $signature Hex signature from the header.
	 */
	public static function verify( string $secret, string $method, string $path, int $timestamp, string $body, string $signature ): bool {
		return hash_equals( self::sign( $secret, $method, $path, $timestamp, $body ), strtolower( $signature ) );
	}
}
