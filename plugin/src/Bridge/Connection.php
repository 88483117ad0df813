<?php
/**
 * The site's connection to its bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

use Rondine\Settings;

/**
 * Decodes the one-time connection code, connects (signed `PUT /v1/site`), and keeps the connection in the
 * `rondine_bridge` option (not autoloaded; never sent to a browser). The site secret is stored encrypted
 * (`secret_box`: libsodium secretbox, key derived with HKDF from the site's AUTH_KEY/AUTH_SALT through wp_salt()),
 * so a copy of the database alone does not give it away. A secret stored in clear by an older version is encrypted on
 * first read. When the salts change the secret cannot be read any more: the site shows as needing a new connection
 * code (unreadable()), nothing fails.
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
			throw new \InvalidArgumentException( esc_html__( 'The connection code is empty. Paste the code printed by the bridge when the shop was added.', 'rondine' ) );
		}
		if ( 0 !== strpos( $code, self::PREFIX ) ) {
			throw new \InvalidArgumentException( esc_html__( 'This is not a Rondine connection code: it should start with “rondine_”.', 'rondine' ) );
		}
		$encoded = substr( $code, strlen( self::PREFIX ) );
		$json    = self::base64url_decode( $encoded );
		if ( null === $json ) {
			throw new \InvalidArgumentException( esc_html__( 'The connection code is damaged: the part after “rondine_” is not valid base64url. Copy it again, in full.', 'rondine' ) );
		}
		$data = json_decode( $json, true );
		if ( ! is_array( $data ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The connection code is damaged: its content is not readable. Copy it again, in full.', 'rondine' ) );
		}
		if ( 1 !== ( $data['v'] ?? null ) ) {
			throw new \InvalidArgumentException( esc_html__( 'This connection code was made by a different version of the bridge. Update the plugin or the bridge so that they match.', 'rondine' ) );
		}
		$url = is_string( $data['url'] ?? null ) ? rtrim( $data['url'], '/' ) : '';
		if ( ! preg_match( '~^https?://[^/\s?#@]+(/[^\s?#]*)?$~i', $url ) || false === wp_parse_url( $url ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The connection code does not contain a valid bridge address (an http or https URL).', 'rondine' ) );
		}
		$refusal = self::url_refusal( $url );
		if ( null !== $refusal ) {
			throw new \InvalidArgumentException( $refusal ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- a message for the REST API's JSON, escaped where shown.
		}
		$site = is_string( $data['site'] ?? null ) ? strtolower( $data['site'] ) : '';
		if ( ! preg_match( '/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/', $site ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The connection code does not contain a valid site id.', 'rondine' ) );
		}
		$secret       = is_string( $data['secret'] ?? null ) ? $data['secret'] : '';
		$secret_bytes = self::base64url_decode( $secret );
		if ( null === $secret_bytes || 32 !== strlen( $secret_bytes ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The connection code does not contain a valid secret (32 bytes are expected).', 'rondine' ) );
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
				'secret_box'   => self::seal( $parsed['secret'] ),
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
		if ( ! is_array( $stored ) || empty( $stored['url'] ) || empty( $stored['site'] ) ) {
			return null;
		}
		if ( ! empty( $stored['secret'] ) && is_string( $stored['secret'] ) ) {
			// Stored in clear by an older version: encrypt it now.
			$secret = $stored['secret'];
			unset( $stored['secret'] );
			$stored['secret_box'] = self::seal( $secret );
			update_option( self::OPTION, $stored, false );
		} else {
			$secret = self::open( (string) ( $stored['secret_box'] ?? '' ) );
		}
		$bytes = null === $secret ? null : self::base64url_decode( $secret );
		if ( null === $secret || null === $bytes ) {
			return null;
		}
		return array(
			'url'          => (string) $stored['url'],
			'site'         => (string) $stored['site'],
			'secret'       => $secret,
			'secret_bytes' => $bytes,
			'connected_at' => (string) ( $stored['connected_at'] ?? '' ),
		);
	}

	/**
	 * Whether a connection is stored but its secret cannot be decrypted (the site's salts changed since it was
	 * stored): the shop must paste a new connection code.
	 */
	public static function unreadable(): bool {
		$stored = get_option( self::OPTION );
		return is_array( $stored ) && ! empty( $stored['url'] ) && ! empty( $stored['secret_box'] ) && null === self::stored();
	}

	/**
	 * Encrypts the site secret for the option: `v1.` and base64url of nonce + secretbox.
	 *
	 * @param string $secret The secret (base64url text).
	 */
	private static function seal( string $secret ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		return 'v1.' . self::base64url_encode( $nonce . sodium_crypto_secretbox( $secret, $nonce, self::key() ) );
	}

	/**
	 * Decrypts what seal() wrote.
	 *
	 * @param string $sealed Stored value.
	 * @return string|null The secret, or null when it cannot be decrypted (other salts, damaged value).
	 */
	private static function open( string $sealed ): ?string {
		$raw = 0 === strpos( $sealed, 'v1.' ) ? self::base64url_decode( substr( $sealed, 3 ) ) : null;
		if ( null === $raw || strlen( $raw ) <= SODIUM_CRYPTO_SECRETBOX_NONCEBYTES + SODIUM_CRYPTO_SECRETBOX_MACBYTES ) {
			return null;
		}
		try {
			$plain = sodium_crypto_secretbox_open( substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), self::key() );
		} catch ( \SodiumException $error ) {
			return null;
		}
		return false === $plain ? null : $plain;
	}

	/**
	 * The encryption key: HKDF-SHA256 of wp_salt( 'auth' ) (AUTH_KEY and AUTH_SALT from wp-config.php).
	 */
	private static function key(): string {
		return hash_hkdf( 'sha256', wp_salt( 'auth' ), SODIUM_CRYPTO_SECRETBOX_KEYBYTES, 'rondine:bridge-site-secret:v1' );
	}

	/**
	 * Forgets the connection.
	 */
	public static function disconnect(): void {
		delete_option( self::OPTION );
	}

	/**
	 * Whether bridge addresses on this machine or a private network are allowed: only when wp-config.php defines
	 * RONDINE_ALLOW_PRIVATE_BRIDGE_URL as true (local development and the test stack). Never by default.
	 */
	public static function private_urls_allowed(): bool {
		$allowed = defined( 'RONDINE_ALLOW_PRIVATE_BRIDGE_URL' ) && true === constant( 'RONDINE_ALLOW_PRIVATE_BRIDGE_URL' );
		/**
		 * Filters whether the bridge may be on a loopback or private address (and then on http://). Default: the
		 * RONDINE_ALLOW_PRIVATE_BRIDGE_URL constant, false when it is not defined.
		 *
		 * @param bool $allowed Whether private bridge addresses are allowed.
		 */
		return true === apply_filters( 'rondine_allow_private_bridge_url', $allowed );
	}

	/**
	 * Why a bridge address is refused, or null when it is fine: https on a public address; http and loopback,
	 * private, link-local (cloud metadata, 169.254.169.254) or reserved addresses only with private_urls_allowed(),
	 * and http then only on this machine. A host name is resolved and each of its IPv4 addresses checked.
	 *
	 * @param string $url Bridge base URL.
	 */
	public static function url_refusal( string $url ): ?string {
		$parts  = wp_parse_url( $url );
		$scheme = strtolower( (string) ( $parts['scheme'] ?? '' ) );
		$host   = strtolower( trim( (string) ( $parts['host'] ?? '' ), '[]' ) );
		if ( '' === $host || ! in_array( $scheme, array( 'http', 'https' ), true ) || isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return __( 'The connection code does not contain a valid bridge address (an http or https URL).', 'rondine' );
		}
		if ( filter_var( $host, FILTER_VALIDATE_IP ) ) {
			$addresses = array( $host );
		} elseif ( 'localhost' === $host || '.localhost' === substr( $host, -10 ) ) {
			$addresses = array( '127.0.0.1' );
		} else {
			// Unresolvable now: the request will say the bridge cannot be reached.
			$addresses = gethostbynamel( $host ) ?: array(); // phpcs:ignore Universal.Operators.DisallowShortTernary.Found -- false when unresolvable.
		}
		$private  = array_filter(
			$addresses,
			static fn( $ip ) => false === filter_var( $ip, FILTER_VALIDATE_IP, FILTER_FLAG_NO_PRIV_RANGE | FILTER_FLAG_NO_RES_RANGE )
		);
		$loopback = $addresses && count( $addresses ) === count(
			array_filter(
				$addresses,
				static fn( $ip ) => '::1' === $ip || 0 === strpos( (string) $ip, '127.' )
			)
		);
		$allowed  = self::private_urls_allowed();
		if ( $private && ! $allowed ) {
			return sprintf(
				/* translators: 1: bridge address, 2: IP address. */
				__( 'The bridge address %1$s points to a local or private network address (%2$s), which Rondine does not call. Use the bridge\'s public https address. For a bridge on this machine during development, define RONDINE_ALLOW_PRIVATE_BRIDGE_URL as true in wp-config.php.', 'rondine' ),
				$url,
				(string) reset( $private )
			);
		}
		if ( 'https' !== $scheme && ! ( $allowed && $loopback ) ) {
			return sprintf(
				/* translators: %s: bridge address. */
				__( 'The bridge address %s does not use https: customer data and signed requests would travel unencrypted. Use the bridge\'s https address (http is accepted only for a bridge on this machine, with RONDINE_ALLOW_PRIVATE_BRIDGE_URL defined as true in wp-config.php).', 'rondine' ),
				$url
			);
		}
		return null;
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
