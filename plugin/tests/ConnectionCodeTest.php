<?php
/**
 * Connection code validation.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Connection;

/**
 * POST /settings with a connection code: malformed codes get 400 with a message that says what is wrong, and nothing
 * changes; a well-formed code whose bridge cannot be reached is not stored either.
 */
final class ConnectionCodeTest extends TestCase {

	/**
	 * A code.
	 *
	 * @param array<string,mixed> $payload JSON payload.
	 */
	private static function code( array $payload ): string {
		return 'rondine_' . Connection::base64url_encode( (string) wp_json_encode( $payload ) );
	}

	/**
	 * A valid payload.
	 *
	 * @return array<string,mixed>
	 */
	private static function payload(): array {
		return array(
			'v'      => 1,
			'url'    => 'http://127.0.0.1:9',
			'site'   => '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f',
			'secret' => Connection::base64url_encode( str_repeat( "\x07", 32 ) ),
		);
	}

	/**
	 * Malformed codes and the words their message must contain.
	 *
	 * @return array<string,array{0:string,1:string}>
	 */
	public function malformed(): array {
		return array(
			'empty'              => array( '   ', 'empty' ),
			'wrong prefix'       => array( 'wamid_abc', 'rondine_' ),
			'not base64url'      => array( 'rondine_***', 'base64url' ),
			'not JSON'           => array( 'rondine_' . Connection::base64url_encode( 'hello' ), 'not readable' ),
			'other version'      => array( self::code( array( 'v' => 2 ) + self::payload() ), 'version' ),
			'ftp URL'            => array( self::code( array( 'url' => 'ftp://bridge.example' ) + self::payload() ), 'URL' ),
			'URL with script'    => array( self::code( array( 'url' => 'javascript:alert(1)' ) + self::payload() ), 'URL' ),
			'site not a uuid'    => array( self::code( array( 'site' => "1' OR '1'='1" ) + self::payload() ), 'site id' ),
			'secret too short'   => array( self::code( array( 'secret' => Connection::base64url_encode( 'short' ) ) + self::payload() ), '32 bytes' ),
			'secret not base64'  => array( self::code( array( 'secret' => '!!!' ) + self::payload() ), 'secret' ),
			'truncated on paste' => array( substr( self::code( self::payload() ), 0, 40 ), 'rondine_' ),
		);
	}

	/**
	 * Malformed → 400 rondine_invalid_connection_code, message says what, nothing stored or changed.
	 *
	 * @dataProvider malformed
	 * @param string $code     Code.
	 * @param string $expected Words in the message.
	 */
	public function test_malformed_code_is_refused_and_changes_nothing( string $code, string $expected ): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$before_settings = get_option( 'rondine_settings' );
		$before_bridge   = get_option( Connection::OPTION );
		$response        = $this->rest(
			'POST',
			'/rondine/v1/settings',
			array(
				'connection_code' => $code,
				'default_country' => 'DE',
				'consent_text'    => 'changed',
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rondine_invalid_connection_code', $response->get_data()['code'] );
		if ( 'truncated on paste' !== $this->dataName() ) {
			$this->assertStringContainsString( $expected, $response->get_data()['message'] );
		} else {
			$this->assertNotSame( '', $response->get_data()['message'] );
		}
		$this->assertSame( $before_settings, get_option( 'rondine_settings' ), 'other settings in the same request are not saved either' );
		$this->assertSame( $before_bridge, get_option( Connection::OPTION ) );
	}

	/**
	 * A well-formed code for a bridge that does not answer: a clear error, the previous connection stays.
	 */
	public function test_unreachable_bridge_keeps_previous_connection(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->connect_locally( str_repeat( 'k', 32 ) );
		$before   = get_option( Connection::OPTION );
		$response = $this->rest( 'POST', '/rondine/v1/settings', array( 'connection_code' => self::code( self::payload() ) ) );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'rondine_connection_failed', $response->get_data()['code'] );
		$this->assertStringContainsString( 'Nothing was changed', $response->get_data()['message'] );
		$this->assertSame( $before, get_option( Connection::OPTION ) );
	}

	/**
	 * The secret is never in GET /settings nor in the admin boot data.
	 */
	public function test_secret_never_leaves_the_server(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$secret  = str_repeat( 's', 32 );
		$encoded = Connection::base64url_encode( $secret );
		$this->connect_locally( $secret );
		$settings = wp_json_encode( $this->rest( 'GET', '/rondine/v1/settings' )->get_data() );
		$this->assertStringNotContainsString( $encoded, (string) $settings );
		$this->assertStringContainsString( '"connected":true', (string) $settings );
		$boot = wp_json_encode( \Rondine\Admin\Page::boot_data() );
		$this->assertStringNotContainsString( $encoded, (string) $boot );
		$this->assertFalse( (bool) $GLOBALS['wpdb']->get_var( $GLOBALS['wpdb']->prepare( "SELECT autoload IN ('yes','on','auto-on') FROM {$GLOBALS['wpdb']->options} WHERE option_name = %s", Connection::OPTION ) ), 'the secret is not autoloaded on every page' );
	}

	/**
	 * A parse of a good code gives the parts.
	 */
	public function test_valid_code_parses(): void {
		$parsed = Connection::parse( '  ' . self::code( self::payload() ) . "\n" );
		$this->assertSame( 'http://127.0.0.1:9', $parsed['url'] );
		$this->assertSame( '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f', $parsed['site'] );
		$this->assertSame( str_repeat( "\x07", 32 ), $parsed['secret_bytes'] );
	}
}
