<?php
/**
 * "Sync now" on Templates reaches the real bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Connection;

/**
 * The test site is connected to the test stack's real bridge, whose querystring schema for GET /v1/templates is the
 * contract: `refresh` is a boolean. The plugin once forwarded `refresh=1`, which the bridge refuses with a 400
 * ("querystring/refresh must be boolean"), so "Sync now" always failed.
 */
final class TemplatesSyncTest extends TestCase {

	/**
	 * The site is connected for real.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->assertNotNull( Connection::stored(), 'the test site is connected to the stack\'s bridge' );
	}

	/**
	 * The forwarded answer as arrays (the bridge's JSON may come back as objects).
	 *
	 * @param \WP_REST_Response $response Response.
	 * @return array<string,mixed>
	 */
	private function body( \WP_REST_Response $response ): array {
		$body = json_decode( (string) wp_json_encode( $response->get_data() ), true );
		$this->assertIsArray( $body );
		return $body;
	}

	/**
	 * A refresh asked the way the admin app asks it (refresh=1) is accepted by the bridge and lists the templates.
	 */
	public function test_sync_now_reaches_the_real_bridge_and_lists_the_templates(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		foreach ( array( '1', 'true' ) as $refresh ) {
			$response = $this->rest( 'GET', '/rondine/v1/templates', array(), array( 'refresh' => $refresh ) );
			$this->assertSame( 200, $response->get_status(), 'refresh=' . $refresh . ': ' . wp_json_encode( $response->get_data() ) );
			$data = $this->body( $response );
			$this->assertIsArray( $data['templates'] ?? null, 'the bridge answered with its templates' );
			$this->assertNotEmpty( $data['templates'], 'the sandbox account has templates' );
		}
	}

	/**
	 * Without a refresh the cached list comes back too.
	 */
	public function test_templates_without_refresh_reach_the_real_bridge(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$response = $this->rest( 'GET', '/rondine/v1/templates' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertIsArray( $this->body( $response )['templates'] ?? null );
	}
}
