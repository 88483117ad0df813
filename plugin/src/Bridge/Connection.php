<?php
/**
 * The site's connection to its bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

use Rondine\Settings;

/**
 * Decodes the one-time connection code, connects (signed `PUT /v1/site`), and keeps the connection in the
 * `rondine_bridge` option (not autoloaded; never sent to a browser).
 *
 * Code: `rondine_<base64url(JSON {"v":1,"url":...,"site":<uuid>,"secret":<base64url 32 bytes>})>`.
 */
final class Connection {

	public const OPTION = 'rondine_bridge';
	public const PREFIX = 'rondine_';

	/**
	 * Decodes and validates a connection code.
	 *
	 * @param string $code The pasted code (surrounding white space is ignored).
	 * @return array{url:string,site:string,secret:string,secret_bytes:string}
	 * @throws \InvalidArgumentException With a translated message saying what is wrong.
	 */
	public static function parse( string $code ): array {
		$code = trim( $code );
		if ( '' === $code ) {
			throw new \InvalidArgumentException( __( 'The connection code is empty. Paste the code printed by the bridge when the shop was added.', 'rondine' ) );
		}
		if ( 0 !== strpos( $code, self::PREFIX ) ) {
			throw new \InvalidArgumentException( __( 'This is not a Rondine connection code: it should start with "rondine_".', 'rondine' ) );
		}
		$encoded = substr( $code, strlen( self::PREFIX ) );
		$json    = self::base64url_decode( $encoded );
		if ( null === $json ) {
			throw new \InvalidArgumentException( __( 'The connection code is damaged: the part after "rondine_" is not valid base64url. Copy it again, in full.', 'rondine' ) );
		}
		$data = json_decode( $json, true );
		if ( ! is_array( $data ) ) {
			throw new \InvalidArgumentException( __( 'The connection code is damaged: its content is not readable. Copy it again, in full.', 'rondine' ) );
		}
		if ( 1 !== ( $data['v'] ?? null ) ) {
			throw new \InvalidArgumentException( __( 'This connection code was made by a different version of the bridge. Update the plugin or the bridge so that they match.', 'rondine' ) );
		}
		$url = is_string( $data['url'] ?? null ) ? rtrim( $data['url'], '/' ) : '';
		if ( ! preg_match( '~^https?://[^/\s?#]+(/[^\s?#]*)?$~i', $url ) || false === wp_parse_url( $url ) ) {
			throw new \InvalidArgumentException( __( 'The connection code does not contain a valid bridge address (an http or https URL).', 'rondine' ) );
		}
		$site = is_string( $data['site'] ?? null ) ? strtolower( $data['site'] ) : '';
		if ( ! preg_match( '/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/', $site ) ) {
			throw new \InvalidArgumentException( __( 'The connection code does not contain a valid site id.', 'rondine' ) );
		}
		$secret       = is_string( $data['secret'] ?? null ) ? $data['secret'] : '';
		$secret_bytes = self::base64url_decode( $secret );
		if ( null === $secret_bytes || 32 !== strlen( $secret_bytes ) ) {
			throw new \InvalidArgumentException( __( 'The connection code does not contain a valid secret (32 bytes are expected).', 'rondine' ) );
		}
		return array(
			'url'          => $url,
			'site'         => $site,
			'secret'       => $secret,
			'secret_bytes' => $secret_bytes,
		);
	}

	/**
	 * Validates the code, tells the bridge where this site is, and stores the connection only if the bridge
	 * accepted the signed call. A failure leaves the stored connection as it was.
	 *
	 * @param string $code Connection code.
	 * @return array{url:string,site:string} The new connection.
	 * @throws \InvalidArgumentException When the code is malformed.
	 * @throws BridgeError When the bridge refused or could not be reached.
	 */
	public static function connect( string $code ): array {
		$parsed = self::parse( $code );
		$client = new Client( $parsed['url'], $parsed['site'], $parsed['secret_bytes'] );
		$client->request( 'PUT', '/v1/site', self::site_description() );
		update_option(
			self::OPTION,
			array(
				'url'          => $parsed['url'],
				'site'         => $parsed['site'],
				'secret'       => $parsed['secret'],
				'connected_at' => gmdate( 'c' ),
			),
			false
		);
		return array(
			'url'  => $parsed['url'],
			'site' => $parsed['site'],
		);
	}

	/**
	 * What the bridge needs to know about the site (sent on connect and when the settings change).
	 *
	 * @return array<string,string>
	 */
	public static function site_description(): array {
		return array(
			'rest_url'        => rest_url(),
			'name'            => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
			// The bridge needs a country; the plugin sends numbers already in E.164, so it seldom matters.
			'default_country' => '' !== Settings::default_country() ? Settings::default_country() : 'US',
			'timezone'        => Settings::timezone(),
			'plugin_version'  => defined( 'RONDINE_VERSION' ) ? RONDINE_VERSION : '',
		);
	}

	/**
	 * Re-sends the site description to the bridge when connected (e.g. after the default country changed).
	 *
	 * @throws BridgeError When the bridge refused.
	 */
	public static function refresh_site(): void {
		if ( null !== self::stored() ) {
			Client::from_connection()->request( 'PUT', '/v1/site', self::site_description() );
		}
	}

	/**
	 * The stored connection, or null.
	 *
	 * @return array{url:string,site:string,secret:string,secret_bytes:string,connected_at:string}|null
	 */
	public static function stored(): ?array {
		$stored = get_option( self::OPTION );
		if ( ! is_array( $stored ) || empty( $stored['url'] ) || empty( $stored['site'] ) || empty( $stored['secret'] ) ) {
			return null;
		}
		$bytes = self::base64url_decode( (string) $stored['secret'] );
		if ( null === $bytes ) {
			return null;
		}
		return array(
			'url'          => (string) $stored['url'],
			'site'         => (string) $stored['site'],
			'secret'       => (string) $stored['secret'],
			'secret_bytes' => $bytes,
			'connected_at' => (string) ( $stored['connected_at'] ?? '' ),
		);
	}

	/**
	 * Forgets the connection.
	 */
	public static function disconnect(): void {
		delete_option( self::OPTION );
	}

	/**
	 * Strict base64url decoding (padding optional).
	 *
	 * @param string $value Encoded.
	 * @return string|null Bytes, or null when not base64url.
	 */
	public static function base64url_decode( string $value ): ?string {
		if ( '' === $value || ! preg_match( '/^[A-Za-z0-9_-]+={0,2}$/', $value ) ) {
			return null;
		}
		$decoded = base64_decode( strtr( rtrim( $value, '=' ), '-_', '+/' ), true );
		return false === $decoded ? null : $decoded;
	}

	/**
	 * Base64url without padding.
	 *
	 * @param string $bytes Bytes.
	 */
	public static function base64url_encode( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
	}
}
