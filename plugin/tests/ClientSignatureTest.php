<?php
/**
 * Outgoing signatures are unique.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Client;
use Rondine\Bridge\Signer;

/**
 * The bridge refuses a signature it has already seen, so two identical requests in the same second must not sign
 * identically. The requests are captured at WordPress's HTTP layer (`pre_http_request`) before they leave.
 */
final class ClientSignatureTest extends TestCase {

	/**
	 * Identical GETs get different timestamps and signatures, each valid.
	 */
	public function test_identical_requests_sign_differently(): void {
		$secret   = str_repeat( 'q', 32 );
		$captured = array();
		$capture  = static function ( $pre, $args, $url ) use ( &$captured ) {
			$captured[] = array( $args, $url );
			return array(
				'headers'  => array( 'content-type' => 'application/json' ),
				'body'     => '{"ok":true}',
				'response' => array(
					'code'    => 200,
					'message' => 'OK',
				),
				'cookies'  => array(),
				'filename' => null,
			);
		};
		add_filter( 'pre_http_request', $capture, 10, 3 );
		$client = new Client( 'http://127.0.0.1:9', '2f8c6a1e-9b7d-4c3e-8a5f-0d1e2c3b4a59', $secret );
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertSame( array( 'ok' => true ), $client->get( '/v1/campaigns?state=running' ) );
		}
		remove_filter( 'pre_http_request', $capture, 10 );

		$signatures = array();
		foreach ( $captured as [ $args, $url ] ) {
			$this->assertSame( 'http://127.0.0.1:9/v1/campaigns?state=running', $url );
			$headers = $args['headers'];
			$this->assertSame( '2f8c6a1e-9b7d-4c3e-8a5f-0d1e2c3b4a59', $headers['X-Rondine-Site'] );
			$this->assertLessThanOrEqual( 300, abs( time() - (int) $headers['X-Rondine-Timestamp'] ) );
			$this->assertTrue( Signer::verify( $secret, 'GET', '/v1/campaigns?state=running', (int) $headers['X-Rondine-Timestamp'], '', $headers['X-Rondine-Signature'] ) );
			$signatures[] = $headers['X-Rondine-Signature'];
		}
		$this->assertCount( 3, array_unique( $signatures ) );
	}

	/**
	 * The bridge's error code and message are passed on; a 401 from the bridge is not shown as a login problem.
	 */
	public function test_bridge_errors_are_passed_on(): void {
		$error = Client::error_from( 409, array( 'error' => array( 'code' => 'campaign_running', 'message' => 'A running campaign cannot be edited.' ) ), '' );
		$this->assertSame( 'campaign_running', $error->error_code() );
		$this->assertSame( 'A running campaign cannot be edited.', $error->getMessage() );
		$this->assertSame( 409, $error->status() );
		$fastify = Client::error_from( 400, array( 'statusCode' => 400, 'code' => 'invalid_request', 'message' => 'body/name must be string' ), '' );
		$this->assertSame( 'body/name must be string', $fastify->getMessage() );
		$this->assertSame( 502, Client::error_from( 401, array( 'error' => array( 'code' => 'bad_signature', 'message' => 'x' ) ), '' )->status() );
		$this->assertStringContainsString( '503', Client::error_from( 503, null, '<html>Service Unavailable</html>' )->getMessage() );
	}

	/**
	 * Empty JSON objects the admin app sends (`options: {}`) reach the bridge as objects, not as `[]`, which the bridge's
	 * schema would refuse.
	 */
	public function test_empty_objects_are_forwarded_as_objects(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->connect_locally( random_bytes( 32 ) );
		$sent    = null;
		$capture = static function ( $pre, $args, $url ) use ( &$sent ) {
			$sent = array( $args['method'], $url, $args['body'] );
			return array(
				'headers'  => array(),
				'body'     => '{"id":"x"}',
				'response' => array(
					'code'    => 200,
					'message' => 'OK',
				),
				'cookies'  => array(),
			);
		};
		add_filter( 'pre_http_request', $capture, 10, 3 );
		$request = new \WP_REST_Request( 'POST', '/rondine/v1/campaigns' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( '{"name":"Spring","options":{}}' );
		$response = rest_get_server()->dispatch( $request );
		remove_filter( 'pre_http_request', $capture, 10 );

		$this->assertSame( 201, $response->get_status() );
		$this->assertNotNull( $sent );
		$this->assertSame( 'PUT', $sent[0] );
		$this->assertStringContainsString( '/v1/campaigns/', $sent[1] );
		$this->assertStringContainsString( '"options":{}', $sent[2] );
	}
}
