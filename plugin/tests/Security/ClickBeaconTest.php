<?php
/**
 * The storefront's public click beacon is throttled and small.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Tests\TestCase;
use Rondine\Widget\Clicks;
use Rondine\Widget\Settings;

/**
 * One address cannot inflate the click counter (or fill the table) by replaying the beacon, nor send a large body.
 */
final class ClickBeaconTest extends TestCase {

	/**
	 * Begin: the button on, one agent.
	 */
	protected function setUp(): void {
		parent::setUp();
		Settings::update(
			array(
				'enabled' => true,
				'agents'  => array(
					array(
						'name'  => 'Giulia',
						'phone' => '+39 333 123 4567',
					),
				),
			)
		);
		$_SERVER['REMOTE_ADDR'] = '203.0.113.7';
	}

	/**
	 * End.
	 */
	protected function tearDown(): void {
		$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
		parent::tearDown();
	}

	/**
	 * Past the limit an address gets 429 and nothing is counted; another address is not affected.
	 */
	public function test_beacon_is_throttled_per_address(): void {
		$before = Clicks::summary( 1 )['total'];
		for ( $i = 0; $i < Clicks::LIMIT; $i++ ) {
			$this->assertSame( 204, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 0 ) )->get_status(), "click $i" );
		}
		$refused = $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 0 ) );
		$this->assertSame( 429, $refused->get_status() );
		$this->assertSame( $before + Clicks::LIMIT, Clicks::summary( 1 )['total'] );

		$_SERVER['REMOTE_ADDR'] = '198.51.100.20';
		$this->assertSame( 204, $this->rest( 'POST', '/rondine/v1/chat-button/click', array( 'agent' => 0 ) )->get_status() );
		$this->assertSame( $before + Clicks::LIMIT + 1, Clicks::summary( 1 )['total'] );
	}

	/**
	 * A body larger than a beacon's is refused.
	 */
	public function test_large_body_is_refused(): void {
		$before  = Clicks::summary( 1 )['total'];
		$request = new \WP_REST_Request( 'POST', '/rondine/v1/chat-button/click' );
		$request->set_header( 'Content-Type', 'application/x-www-form-urlencoded' );
		$request->set_body( 'agent=0&pad=' . str_repeat( 'x', 100000 ) );
		$request->set_body_params( array( 'agent' => '0' ) );
		$this->assertSame( 413, rest_get_server()->dispatch( $request )->get_status() );
		$this->assertSame( $before, Clicks::summary( 1 )['total'] );
	}
}
