<?php
/**
 * The signed endpoints the bridge calls.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Bridge\Signer;
use Rondine\Consent\Consent;

/**
 * Unsigned, forged, expired, replayed or unknown-site requests get 401 with `{error:{code,message}}` and change
 * nothing; signed ones page through the audience in a stable order and apply opt-outs.
 */
final class BridgeEndpointsTest extends TestCase {

	private const SECRET = 'bridge-test-secret-0123456789abc';

	/**
	 * Site id.
	 *
	 * @var string
	 */
	private string $site;

	/**
	 * Connect with a known secret.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->site = $this->connect_locally( self::SECRET );
	}

	/**
	 * A signed request.
	 *
	 * @param string              $route     Route.
	 * @param array<string,mixed> $body      Body.
	 * @param array<string,mixed> $overrides site, timestamp, signature, secret.
	 */
	private function signed( string $route, array $body, array $overrides = array() ): \WP_REST_Response {
		$raw       = (string) wp_json_encode( $body );
		$timestamp = $overrides['timestamp'] ?? time() + (int) ( $overrides['offset'] ?? 0 );
		$request   = new \WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $raw );
		$request->set_header( 'X-Rondine-Site', $overrides['site'] ?? $this->site );
		$request->set_header( 'X-Rondine-Timestamp', (string) $timestamp );
		$request->set_header( 'X-Rondine-Signature', $overrides['signature'] ?? Signer::sign( $overrides['secret'] ?? self::SECRET, 'POST', $route, (int) $timestamp, $raw ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * An opted-in contact in a list.
	 *
	 * @param string $phone   Phone.
	 * @param string $consent Consent.
	 * @return int Contact id.
	 */
	private function contact( string $phone, string $consent = 'granted' ): int {
		$id = Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => 'Ada <script>',
				'last_name'  => "O'Brien",
				'country'    => 'IT',
				'source'     => 'import',
			)
		)['id'];
		if ( 'none' !== $consent ) {
			Consent::record( $id, $consent, 'admin', 'test' );
		}
		return $id;
	}

	/**
	 * Each bad request gets 401 and the opt-out it carries is not applied.
	 *
	 * @return array<string,array{0:array<string,mixed>,1:string}>
	 */
	public function bad_signatures(): array {
		return array(
			'forged'       => array( array( 'signature' => str_repeat( 'ab', 32 ) ), 'rondine_signature_invalid' ),
			'wrong secret' => array( array( 'secret' => 'another-secret-0123456789abcdefg' ), 'rondine_signature_invalid' ),
			'expired'      => array( array( 'offset' => -301 ), 'rondine_signature_expired' ),
			'future'       => array( array( 'offset' => 310 ), 'rondine_signature_expired' ),
			'unknown site' => array( array( 'site' => '00000000-0000-4000-8000-000000000000' ), 'rondine_unknown_site' ),
		);
	}

	/**
	 * Forged, expired, unknown site → 401, nothing applied.
	 *
	 * @dataProvider bad_signatures
	 * @param array<string,mixed> $overrides What is wrong.
	 * @param string              $code      Expected code.
	 */
	public function test_bad_signature_is_refused_and_changes_nothing( array $overrides, string $code ): void {
		$id       = $this->contact( '+393331112222' );
		$response = $this->signed( '/rondine/v1/bridge/opt-outs', array( 'events' => array( array( 'phone' => '+393331112222', 'action' => 'stop' ) ) ), $overrides );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( $code, $response->get_data()['error']['code'] );
		$this->assertNotSame( '', $response->get_data()['error']['message'] );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
	}

	/**
	 * No headers at all → 401, also for a body that would not validate.
	 */
	public function test_unsigned_request_is_refused(): void {
		foreach ( array( '/rondine/v1/bridge/audience', '/rondine/v1/bridge/opt-outs' ) as $route ) {
			$request = new \WP_REST_Request( 'POST', $route );
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( '{"events":"nonsense"}' );
			$response = rest_get_server()->dispatch( $request );
			$this->assertSame( 401, $response->get_status(), $route );
			$this->assertSame( 'rondine_signature_missing', $response->get_data()['error']['code'] );
		}
	}

	/**
	 * Even an administrator's cookie session does not open the bridge endpoints.
	 */
	public function test_logged_in_admin_without_signature_is_refused(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertSame( 401, $this->rest( 'POST', '/rondine/v1/bridge/audience', array( 'audience' => array( 'lists' => array() ) ) )->get_status() );
	}

	/**
	 * The same signed request twice: the second is a replay.
	 */
	public function test_replayed_request_is_refused(): void {
		$id        = $this->contact( '+393331113333' );
		$timestamp = time();
		$body      = array( 'events' => array( array( 'phone' => '+393331113333', 'action' => 'stop' ) ) );
		$first     = $this->signed( '/rondine/v1/bridge/opt-outs', $body, array( 'timestamp' => $timestamp ) );
		$this->assertSame( 200, $first->get_status() );
		Consent::record( $id, Consent::GRANTED, 'admin', 'opted in again' );
		$second = $this->signed( '/rondine/v1/bridge/opt-outs', $body, array( 'timestamp' => $timestamp ) );
		$this->assertSame( 401, $second->get_status() );
		$this->assertSame( 'rondine_signature_replayed', $second->get_data()['error']['code'] );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'], 'the replay changed nothing' );
	}

	/**
	 * Audience pages: opted-in valid phones only, each once, in id order, cursor to the end, fields for templates.
	 */
	public function test_audience_pages_are_stable_and_complete(): void {
		$list  = Lists::save( null, 'Bridge test', '' )['id'];
		$other = Lists::save( null, 'Bridge test 2', '' )['id'];
		$ids   = array();
		for ( $i = 0; $i < 7; $i++ ) {
			$ids[] = $this->contact( sprintf( '+39333444%04d', $i ) );
		}
		$revoked = $this->contact( '+393334449999', 'revoked' );
		$never   = $this->contact( '+393334449998', 'none' );
		Lists::add( $list, array_merge( $ids, array( $revoked, $never ) ) );
		Lists::add( $other, array_slice( $ids, 2, 3 ) );

		$seen   = array();
		$cursor = null;
		$pages  = 0;
		do {
			$response = $this->signed(
				'/rondine/v1/bridge/audience',
				array(
					'campaign_id' => '6f1c2a7e-0d55-4f7e-9a1e-2b8f1c0d9e11',
					'audience'    => array(
						'segments' => array(),
						'lists'    => array( $list, $other ),
					),
					'cursor'      => $cursor,
					'limit'       => 3,
				)
			);
			$this->assertSame( 200, $response->get_status() );
			$data = $response->get_data();
			foreach ( $data['recipients'] as $recipient ) {
				$seen[] = $recipient['contact_id'];
				$this->assertMatchesRegularExpression( '/^\+\d+$/', $recipient['phone'] );
				$this->assertSame( 'Ada <script>', $recipient['fields']['first_name'], 'names are data, passed as they are' );
				$this->assertArrayHasKey( 'last_order_number', $recipient['fields'] );
			}
			$cursor = $data['next_cursor'];
			++$pages;
		} while ( null !== $cursor && $pages < 10 );
		$this->assertSame( $ids, $seen, 'each opted-in contact once, in id order, none opted out or never asked' );
		$this->assertSame( 3, $pages );
	}

	/**
	 * A stop removes the contact from the next audience; a resume brings it back; unknown phones are remembered.
	 */
	public function test_opt_outs_update_consent(): void {
		$id   = $this->contact( '+393335550001' );
		$at   = gmdate( 'Y-m-d\TH:i:s\Z', time() + 1 );
		$list = Lists::save( null, 'Opt-out test', '' )['id'];
		Lists::add( $list, array( $id ) );
		$response = $this->signed(
			'/rondine/v1/bridge/opt-outs',
			array(
				'events' => array(
					array(
						'phone'  => '+393335550001',
						'action' => 'stop',
						'source' => 'user_preferences',
						'at'     => $at,
					),
					array(
						'phone'  => '+447700900999',
						'action' => 'stop',
						'source' => '131050',
					),
					array(
						'phone'  => 'not a phone',
						'action' => 'stop',
					),
				),
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 2, $response->get_data()['applied'] );
		$this->assertSame( 'revoked', Contacts::find( $id )['consent'] );
		$this->assertSame( 'whatsapp_stop', Consent::log( $id )[0]['source'] );
		$this->assertSame( $at, Contacts::find( $id )['consent_updated_at'], 'the time of the stop on WhatsApp is kept' );
		$this->assertSame( 'revoked', Contacts::find_by_phone( '+447700900999' )['consent'] );
		$this->assertSame( 0, \Rondine\Audience\Audience::count( array( 'segments' => array(), 'lists' => array( $list ), 'definition' => null ) ) );

		$this->signed( '/rondine/v1/bridge/opt-outs', array( 'events' => array( array( 'phone' => '+393335550001', 'action' => 'resume', 'source' => 'user_preferences' ) ) ) );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
	}

	/**
	 * A stop that happened before a newer opt-in (reported late by the bridge) does not undo it.
	 */
	public function test_late_stop_does_not_undo_a_newer_opt_in(): void {
		$id = $this->contact( '+393335550077' );
		Consent::record( $id, Consent::GRANTED, 'checkout', 'ticked again', gmdate( 'Y-m-d H:i:s', time() - 60 ) );
		$response = $this->signed(
			'/rondine/v1/bridge/opt-outs',
			array(
				'events' => array(
					array(
						'phone'  => '+393335550077',
						'action' => 'stop',
						'source' => 'user_preferences',
						'at'     => gmdate( 'Y-m-d\TH:i:s\Z', time() - 600 ),
					),
				),
			)
		);
		$this->assertSame( 0, $response->get_data()['applied'] );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
	}

	/**
	 * A bad body after a good signature is a 400 with the bridge's error shape.
	 */
	public function test_invalid_body_is_400(): void {
		$response = $this->signed( '/rondine/v1/bridge/audience', array( 'audience' => array( 'lists' => array( 'x' ) ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rondine_invalid_audience', $response->get_data()['error']['code'] );
	}
}
