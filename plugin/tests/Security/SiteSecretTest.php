<?php
/**
 * The site secret is encrypted at rest.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Bridge\Connection;
use Rondine\Tests\TestCase;

/**
 * The `rondine_bridge` option never holds the secret in clear: a new connection stores it encrypted, an old clear
 * one is encrypted on first read, and when the salts change the site asks for a new connection code without failing.
 */
final class SiteSecretTest extends TestCase {

	/**
	 * The option as stored in the database, unserialized by nothing but PHP.
	 */
	private static function raw_option(): string {
		global $wpdb;
		return (string) $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", Connection::OPTION ) );
	}

	/**
	 * A connection made through the REST API (the bridge's answer given at WordPress's HTTP layer) is stored encrypted.
	 */
	public function test_new_connection_stores_the_secret_encrypted(): void {
		$secret = Connection::base64url_encode( random_bytes( 32 ) );
		$code   = 'rondine_' . Connection::base64url_encode(
			(string) wp_json_encode(
				array(
					'v'      => 1,
					'url'    => 'http://127.0.0.1:9',
					'site'   => '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f',
					'secret' => $secret,
				)
			)
		);
		$bridge = static fn() => array(
			'headers'  => array( 'content-type' => 'application/json' ),
			'body'     => '{"ok":true}',
			'response' => array(
				'code'    => 200,
				'message' => 'OK',
			),
			'cookies'  => array(),
		);
		add_filter( 'pre_http_request', $bridge );
		wp_set_current_user( $this->user( 'administrator' ) );
		$response = $this->rest( 'POST', '/rondine/v1/settings', array( 'connection_code' => $code ) );
		remove_filter( 'pre_http_request', $bridge );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$raw = self::raw_option();
		$this->assertNotSame( '', $raw );
		$this->assertStringNotContainsString( $secret, $raw );
		$this->assertStringNotContainsString( base64_encode( Connection::base64url_decode( $secret ) ), $raw );
		$this->assertArrayNotHasKey( 'secret', get_option( Connection::OPTION ) );
		$this->assertSame( $secret, Connection::stored()['secret'] );
	}

	/**
	 * A secret stored in clear by an older version is encrypted on first read, and still works.
	 */
	public function test_clear_secret_is_migrated_on_first_read(): void {
		$bytes   = random_bytes( 32 );
		$encoded = Connection::base64url_encode( $bytes );
		$this->connect_locally( $bytes );
		$this->assertStringContainsString( $encoded, self::raw_option(), 'the old format, as an older version wrote it' );
		$stored = Connection::stored();
		$this->assertSame( $bytes, $stored['secret_bytes'] );
		wp_cache_flush();
		$this->assertStringNotContainsString( $encoded, self::raw_option() );
		$this->assertSame( $bytes, Connection::stored()['secret_bytes'], 'read back from the encrypted form' );
	}

	/**
	 * New salts: no fatal error, the connection shows as needing a new code.
	 */
	public function test_changed_salts_ask_for_a_new_code(): void {
		$this->connect_locally( random_bytes( 32 ) );
		$this->assertNotNull( Connection::stored() );
		$salt = static fn( $salt, $scheme ) => 'auth' === $scheme ? 'another-site-key-' . $salt : $salt;
		add_filter( 'salt', $salt, 10, 2 );
		wp_cache_flush();
		try {
			$this->assertNull( Connection::stored() );
			$this->assertTrue( Connection::unreadable() );
			wp_set_current_user( $this->user( 'administrator' ) );
			$settings = $this->rest( 'GET', '/rondine/v1/settings' );
			$this->assertSame( 200, $settings->get_status() );
			$this->assertFalse( $settings->get_data()['connection']['connected'] );
			$this->assertTrue( $settings->get_data()['connection']['needs_new_code'] );
		} finally {
			remove_filter( 'salt', $salt, 10 );
		}
	}
}
