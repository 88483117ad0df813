<?php
/**
 * A tag given on the site starts the real bridge's automation once, however the delivery goes.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Tags;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;
use Rondine\Bridge\Outbox;

/**
 * The pair, not a contract fake: the test site is connected to the test stack's real bridge. An automation with a tag
 * trigger is made through the plugin's own routes and activated; a contact is tagged on the site; the bridge is
 * unreachable for a while (the site's HTTP calls to it fail), then reachable: the outbox delivers the event and the
 * bridge starts one run. The same event delivered again (an answer lost) starts nothing more. Each run uses a new tag
 * and phone, so the suite can run again on the same stack; the automation is archived and deleted after.
 */
final class AutomationEventsBridgePairTest extends TestCase {

	/**
	 * The automation made for the test (archived and deleted after).
	 *
	 * @var string
	 */
	private string $automation = '';

	/**
	 * Checks the site is connected for real and starts from an empty outbox.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'DELETE FROM ' . Outbox::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the outbox table's name.
		$this->assertNotNull( Connection::stored(), 'the test site is connected to the stack\'s bridge' );
		wp_set_current_user( $this->user( 'administrator' ) );
	}

	/**
	 * Archives and deletes the test's automation on the bridge.
	 */
	protected function tearDown(): void {
		if ( '' !== $this->automation ) {
			$this->rest( 'POST', "/rondine/v1/automations/{$this->automation}/state", array( 'state' => 'archived' ) );
			$this->rest( 'DELETE', "/rondine/v1/automations/{$this->automation}" );
		}
		parent::tearDown();
	}

	/**
	 * The runs the real bridge has for the automation and phone.
	 *
	 * @param string $phone E.164.
	 * @return array<int,array<string,mixed>>
	 */
	private function runs( string $phone ): array {
		$answer = Client::from_connection()->request( 'GET', "/v1/automations/{$this->automation}/runs?phone=" . rawurlencode( $phone ) );
		return $answer['body']['runs'] ?? array();
	}

	/**
	 * Down, then up, then the same event again: one run.
	 */
	public function test_a_tag_given_while_the_bridge_is_down_starts_its_automation_once(): void {
		$suffix  = strtolower( wp_generate_password( 8, false ) );
		$tag     = "pair $suffix";
		$created = $this->rest(
			'POST',
			'/rondine/v1/automations',
			array(
				'name'    => "Pair $suffix",
				'trigger' => array(
					'type' => 'tag',
					'tag'  => $tag,
				),
				'reentry' => array( 'mode' => 'once' ),
				'exit_on' => array(),
				'steps'   => array(
					array(
						'id'   => 'done',
						'type' => 'end',
					),
				),
			)
		);
		$this->assertSame( 201, $created->get_status(), (string) wp_json_encode( $created->get_data() ) );
		$this->automation = (string) ( (array) $created->get_data() )['id'];
		$this->assertSame( 200, $this->rest( 'POST', "/rondine/v1/automations/{$this->automation}/state", array( 'state' => 'active' ) )->get_status() );

		$phone   = '+39347' . str_pad( (string) random_int( 0, 9999999 ), 7, '0', STR_PAD_LEFT );
		$contact = Contacts::upsert_by_phone( $phone, array( 'first_name' => 'Nora' ) )['id'];
		Contacts::add_tags( $contact, array( Tags::ensure( $tag ) ) );
		$this->assertSame( 1, Outbox::pending_count() );

		$bridge = (string) Connection::stored()['url'];
		$down   = static fn( $pre, $args, $url ) => 0 === strpos( (string) $url, $bridge ) ? new \WP_Error( 'http_request_failed', 'Connection refused' ) : $pre;
		add_filter( 'pre_http_request', $down, 10, 3 );
		$failed = Outbox::deliver();
		remove_filter( 'pre_http_request', $down, 10 );
		$this->assertSame( 1, $failed['retry'] );
		$this->assertSame( array(), $this->runs( $phone ) );

		global $wpdb;
		$wpdb->query( $wpdb->prepare( "UPDATE %i SET next_attempt_at = '2000-01-01 00:00:00'", Outbox::table() ) );
		$payload = $wpdb->get_var( $wpdb->prepare( "SELECT payload FROM %i WHERE kind = 'event'", Outbox::table() ) );
		$this->assertSame( 1, Outbox::deliver()['sent'] );
		$runs = $this->runs( $phone );
		$this->assertCount( 1, $runs );
		$this->assertSame( (string) $contact, (string) $runs[0]['contact_id'] );

		// The answer was lost and the outbox sends the same event again: the bridge handles its id once.
		$this->assertSame( 1, Outbox::push_events( array( json_decode( (string) $payload, true ) ) ) );
		$this->assertSame( 1, Outbox::deliver()['sent'] );
		$this->assertCount( 1, $this->runs( $phone ) );
	}
}
