<?php
/**
 * The bridge address: https on a public address, nothing local or private without the development constant.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Bridge\BridgeError;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;
use Rondine\Tests\TestCase;

/**
 * A connection code (pasted by someone tricked, or a shop manager before) cannot make WordPress call its own machine,
 * the local network or the cloud metadata service, nor send customer data over plain http. The test stack defines
 * RONDINE_ALLOW_PRIVATE_BRIDGE_URL (its bridge is on 127.0.0.1); the `rondine_allow_private_bridge_url` filter turns
 * it off here to see what a production site does.
 */
final class BridgeUrlTest extends TestCase {

	/**
	 * URLs the bridge client was asked to call, with their arguments.
	 *
	 * @var array<int,array{0:string,1:array<string,mixed>}>
	 */
	private array $requests = array();

	/**
	 * Records every outgoing request at WordPress's HTTP layer (it still goes out).
	 *
	 * @param false|array<string,mixed> $pre  Short-circuit value.
	 * @param array<string,mixed>       $args Arguments.
	 * @param string                    $url  URL.
	 * @return false|array<string,mixed>
	 */
	public function record( $pre, $args, $url ) {
		$this->requests[] = array( $url, $args );
		return $pre;
	}

	/**
	 * Begin.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->requests = array();
		add_filter( 'pre_http_request', array( $this, 'record' ), 1, 3 );
	}

	/**
	 * End.
	 */
	protected function tearDown(): void {
		remove_filter( 'pre_http_request', array( $this, 'record' ), 1 );
		remove_all_filters( 'rondine_allow_private_bridge_url' );
		parent::tearDown();
	}

	/**
	 * A connection code for a bridge URL.
	 *
	 * @param string $url Bridge URL.
	 */
	private static function code( string $url ): string {
		return 'rondine_' . Connection::base64url_encode(
			(string) wp_json_encode(
				array(
					'v'      => 1,
					'url'    => $url,
					'site'   => '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f',
					'secret' => Connection::base64url_encode( str_repeat( "\x07", 32 ) ),
				)
			)
		);
	}

	/**
	 * Addresses a production site refuses, and a word of the message.
	 *
	 * @return array<string,array{0:string,1:string}>
	 */
	public function refused_in_production(): array {
		return array(
			'loopback'           => array( 'https://127.0.0.1:8443', 'private network' ),
			'loopback over http' => array( 'http://127.0.0.1:9', 'private network' ),
			'localhost'          => array( 'https://localhost', 'private network' ),
			'private 10/8'       => array( 'https://10.0.0.5', 'private network' ),
			'private 192.168/16' => array( 'https://192.168.1.10:8443', 'private network' ),
			'cloud metadata'     => array( 'http://169.254.169.254/latest', 'private network' ),
			'IPv6 loopback'      => array( 'https://[::1]:8443', 'private network' ),
			'public over http'   => array( 'http://93.184.215.14', 'https' ),
		);
	}

	/**
	 * Without the constant: refused with a clear message before any request, nothing stored.
	 *
	 * @dataProvider refused_in_production
	 * @param string $url  Bridge URL.
	 * @param string $word Word of the message.
	 */
	public function test_refused_without_the_development_constant( string $url, string $word ): void {
		add_filter( 'rondine_allow_private_bridge_url', '__return_false' );
		wp_set_current_user( $this->user( 'administrator' ) );
		$before   = get_option( Connection::OPTION );
		$response = $this->rest( 'POST', '/rondine/v1/settings', array( 'connection_code' => self::code( $url ) ) );
		$this->assertSame( 400, $response->get_status(), $url );
		$this->assertSame( 'rondine_invalid_connection_code', $response->get_data()['code'] );
		$this->assertStringContainsString( $word, $response->get_data()['message'] );
		$this->assertSame( array(), $this->requests, 'no request was made' );
		$this->assertSame( $before, get_option( Connection::OPTION ) );
	}

	/**
	 * A connection stored before (or by a DNS change) to a forbidden address is not called either.
	 */
	public function test_stored_private_address_is_not_called(): void {
		add_filter( 'rondine_allow_private_bridge_url', '__return_false' );
		foreach ( array( 'http://169.254.169.254', 'https://10.1.2.3', 'http://127.0.0.1:9' ) as $url ) {
			try {
				( new Client( $url, '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f', str_repeat( 'x', 32 ) ) )->request( 'GET', '/v1/status' );
				$this->fail( "$url was called" );
			} catch ( BridgeError $error ) {
				$this->assertSame( 'rondine_bridge_url_not_allowed', $error->error_code(), $url );
			}
		}
		$this->assertSame( array(), $this->requests );
	}

	/**
	 * Plain http is refused even with the constant unless the bridge is on this machine.
	 */
	public function test_http_only_on_loopback_with_the_constant(): void {
		add_filter( 'rondine_allow_private_bridge_url', '__return_true' );
		$this->assertNull( Connection::url_refusal( 'http://127.0.0.1:8090' ) );
		$this->assertNull( Connection::url_refusal( 'https://10.0.0.5' ) );
		$this->assertStringContainsString( 'https', (string) Connection::url_refusal( 'http://10.0.0.5:8090' ) );
		$this->assertStringContainsString( 'https', (string) Connection::url_refusal( 'http://169.254.169.254' ) );
		$this->assertNull( Connection::url_refusal( 'https://93.184.215.14' ) );
	}

	/**
	 * With the constant the bridge on this machine is called, through wp_safe_remote_request (WordPress's checks on,
	 * its host alone let through): here the test site's own server answers.
	 */
	public function test_loopback_bridge_allowed_with_the_constant(): void {
		add_filter( 'rondine_allow_private_bridge_url', '__return_true' );
		$home = untrailingslashit( home_url() );
		$this->assertMatchesRegularExpression( '#^http://127\.0\.0\.1:\d+$#', $home, 'the test site runs on 127.0.0.1' );
		try {
			( new Client( $home, '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f', str_repeat( 'x', 32 ), 10 ) )->request( 'GET', '/wp-json/rondine/v1/no-such-route' );
			$this->fail( 'the site answers 404 there' );
		} catch ( BridgeError $error ) {
			$this->assertSame( 404, $error->status(), $error->getMessage() );
		}
		$this->assertCount( 1, $this->requests );
		$this->assertTrue( $this->requests[0][1]['reject_unsafe_urls'], 'wp_safe_remote_request' );
		$this->assertSame( 0, $this->requests[0][1]['redirection'] );
	}

	/**
	 * Without the constant (as in production), even the address of the site itself is refused.
	 */
	public function test_site_itself_refused_without_the_constant(): void {
		add_filter( 'rondine_allow_private_bridge_url', '__return_false' );
		$this->assertStringContainsString( 'private network', (string) Connection::url_refusal( untrailingslashit( home_url() ) ) );
	}
}
