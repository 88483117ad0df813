<?php
/**
 * Every consent change reaches the bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Bridge\Outbox;
use Rondine\Consent\Checkout;
use Rondine\Consent\Consent;
use Rondine\Consent\MyAccount;
use Rondine\Tests\Fixtures\BridgeReceiver;
use Rondine\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Fixtures/BridgeReceiver.php';

/**
 * Contract test of the site → bridge consent push: each consent change writes an outbox row in the same request; the
 * outbox delivers the rows signed, in the contract's body, to a receiver that checks the signature and the schema as
 * the bridge's `POST /v1/consent` does; when the bridge is down the rows stay, are retried with exponential backoff
 * and are all delivered once it answers; a refusal (4xx other than 401/408/429) is not retried forever.
 */
final class ConsentOutboxTest extends TestCase {

	private const SECRET = 'outbox-test-secret-0123456789abcd';

	/**
	 * Receiver.
	 *
	 * @var BridgeReceiver
	 */
	private BridgeReceiver $bridge;

	/**
	 * Connects to the receiver.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		// Rows the generated shop queued (its seeded consents) are not this test's.
		$wpdb->query( 'DELETE FROM ' . Outbox::table() );
		$site         = $this->connect_locally( self::SECRET );
		$this->bridge = ( new BridgeReceiver( 'http://127.0.0.1:9', $site, self::SECRET ) )->start();
	}

	/**
	 * Stops the receiver.
	 */
	protected function tearDown(): void {
		$this->bridge->stop();
		parent::tearDown();
	}

	/**
	 * The outbox's pending consent events.
	 *
	 * @return array<int,array<string,mixed>>
	 */
	private function queued(): array {
		global $wpdb;
		$rows = $wpdb->get_col( "SELECT payload FROM {$wpdb->prefix}rondine_outbox WHERE kind = 'consent' AND state = 'pending' ORDER BY id" );
		return array_map( static fn( $p ) => json_decode( (string) $p, true ), $rows ?: array() );
	}

	/**
	 * Every way a consent changes writes a row with phone, state, time and source.
	 */
	public function test_every_consent_change_writes_an_outbox_row(): void {
		$id = Contacts::upsert_by_phone( '+393473330001', array( 'source' => 'import' ) )['id'];
		Consent::record( $id, Consent::GRANTED, 'admin', 'by phone call', '2026-12-07 10:00:00' );
		Consent::record( $id, Consent::REVOKED, 'admin', 'by phone call' );
		Contacts::upsert_by_phone( '+393473330002', array( 'source' => 'import' ) );
		Consent::record_bulk( array( '+393473330002' ), Consent::GRANTED, 'bulk', 'migration' );

		$user = $this->user( 'customer' );
		update_user_meta( $user, 'billing_phone', '+39 347 333 0003' );
		$_POST = array( MyAccount::FIELD => '1' );
		do_action( 'woocommerce_save_account_details', $user );
		$_POST = array();
		do_action( 'woocommerce_save_account_details', $user );

		$posted = array(
			'billing_phone'   => '+39 347 333 0004',
			'billing_country' => 'IT',
		);
		$_POST  = $posted + array( Checkout::FIELD => '1' );
		$order  = $this->wc_order( $posted );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );

		wp_set_current_user( $this->user( 'administrator' ) );
		$list = Lists::save( null, 'Fiera', '' )['id'];
		$this->rest(
			'POST',
			"/rondine/v1/lists/$list/import",
			array(
				'csv'          => "phone\n+39 347 333 0005\n",
				'mapping'      => array( 'phone' => 'phone' ),
				'consent_mode' => 'attest',
				'attestation'  => true,
			)
		);
		Consent::apply_bridge_events( array( array( 'phone' => '+393473330006', 'action' => 'stop', 'source' => 'button' ) ) );

		$seen = array_map( static fn( $e ) => $e['phone'] . ' ' . $e['state'] . ' ' . $e['source'], $this->queued() );
		$this->assertSame(
			array(
				'+393473330001 granted admin',
				'+393473330001 revoked admin',
				'+393473330002 granted bulk',
				'+393473330003 granted my_account',
				'+393473330003 revoked my_account',
				'+393473330004 granted checkout',
				'+393473330005 granted import',
				'+393473330006 revoked whatsapp_stop',
			),
			$seen
		);
		$this->assertSame( '2026-12-07T10:00:00Z', $this->queued()[0]['at'] );
		$this->assertNotNull( Outbox::next_retry(), 'a retry is scheduled in case the shutdown delivery fails' );
		$this->assertSame( 10, has_action( 'shutdown', array( Outbox::class, 'deliver_at_shutdown' ) ), 'sent right away at the end of the request' );
	}

	/**
	 * The rows are delivered signed, in the contract's schema, and removed once the bridge answered.
	 */
	public function test_outbox_delivers_signed_events_to_the_bridge(): void {
		$id = Contacts::upsert_by_phone( '+393473330011', array( 'source' => 'import' ) )['id'];
		Consent::record( $id, Consent::GRANTED, 'admin', 'ok', gmdate( 'Y-m-d H:i:s', time() - 10 ) );
		Consent::record( $id, Consent::REVOKED, 'my_account', 'stop' );

		$result = Outbox::deliver();
		$this->assertSame( array(), $this->bridge->refused, 'signature and schema accepted' );
		$this->assertSame( 2, $result['sent'] );
		$this->assertSame( array( '/v1/consent' ), $this->bridge->paths() );
		$this->assertSame( 'revoked', $this->bridge->opt_outs['+393473330011']['state'] );
		$this->assertSame( 'my_account', $this->bridge->opt_outs['+393473330011']['source'] );
		$this->assertSame( 0, Outbox::pending_count() );
	}

	/**
	 * While the bridge is down nothing is lost: attempts back off (1 min, 2 min, …) and everything is delivered later.
	 */
	public function test_retries_with_backoff_and_loses_nothing(): void {
		global $wpdb;
		$table   = Outbox::table();
		$contact = Contacts::upsert_by_phone( '+393473330021', array( 'source' => 'import' ) )['id'];
		Consent::record( $contact, Consent::GRANTED, 'admin', 'ok', gmdate( 'Y-m-d H:i:s', time() - 20 ) );
		Consent::record( $contact, Consent::REVOKED, 'admin', 'stop', gmdate( 'Y-m-d H:i:s', time() - 10 ) );

		$this->bridge->down = true;
		$first              = Outbox::deliver();
		$this->assertSame( 0, $first['sent'] );
		$this->assertSame( 2, $first['retry'] );
		$this->assertSame( 2, Outbox::pending_count() );
		$row   = $wpdb->get_row( "SELECT attempts, next_attempt_at, last_error FROM $table ORDER BY id LIMIT 1", ARRAY_A );
		$delay = strtotime( $row['next_attempt_at'] . ' UTC' ) - time();
		$this->assertSame( '1', (string) $row['attempts'] );
		$this->assertGreaterThanOrEqual( 55, $delay );
		$this->assertLessThanOrEqual( 60, $delay );
		$this->assertStringContainsString( 'could not be reached', $row['last_error'] );
		$this->assertNotNull( Outbox::next_retry() );

		$this->assertSame( 0, Outbox::deliver()['sent'] + Outbox::deliver()['retry'], 'not retried before its time' );

		$wpdb->query( "UPDATE $table SET next_attempt_at = '2000-01-01 00:00:00'" );
		Outbox::deliver();
		$row   = $wpdb->get_row( "SELECT attempts, next_attempt_at FROM $table ORDER BY id LIMIT 1", ARRAY_A );
		$delay = strtotime( $row['next_attempt_at'] . ' UTC' ) - time();
		$this->assertSame( '2', (string) $row['attempts'] );
		$this->assertGreaterThanOrEqual( 115, $delay, 'the second wait is twice the first' );
		$this->assertLessThanOrEqual( 120, $delay );
		$this->assertSame( 21600, Outbox::backoff( 30 ), 'capped at six hours' );

		$this->bridge->down = false;
		$wpdb->query( "UPDATE $table SET next_attempt_at = '2000-01-01 00:00:00'" );
		do_action( Outbox::HOOK, 'retry' ); // What Action Scheduler (or WP-Cron) runs.
		$this->assertSame( 0, Outbox::pending_count() );
		$this->assertCount( 2, $this->bridge->received[0][1]['events'], 'both events delivered in one call' );
		$this->assertSame( 'revoked', $this->bridge->opt_outs['+393473330021']['state'], 'latest at wins on the bridge' );
	}

	/**
	 * 501 events go in two calls (500 at most each); a 400 is a permanent failure, a 429 is retried.
	 */
	public function test_batches_and_permanent_failures(): void {
		global $wpdb;
		$events = array();
		for ( $i = 0; $i < 501; $i++ ) {
			$events[] = array(
				'phone'  => sprintf( '+3934744%05d', $i ),
				'state'  => 'revoked',
				'at'     => gmdate( 'Y-m-d H:i:s' ),
				'source' => 'bulk',
			);
		}
		Outbox::push_consent( $events );
		$this->assertSame( 501, Outbox::deliver()['sent'] );
		$sizes = array_map( static fn( $r ) => count( $r[1]['events'] ), $this->bridge->received );
		$this->assertSame( array( 500, 1 ), $sizes );

		$this->bridge->status = 429;
		Outbox::push_consent( array( $events[0] ) );
		$this->assertSame( 1, Outbox::deliver()['retry'] );
		$this->assertSame( 'pending', $wpdb->get_var( 'SELECT state FROM ' . Outbox::table() ) );

		$wpdb->query( 'UPDATE ' . Outbox::table() . " SET next_attempt_at = '2000-01-01 00:00:00'" );
		$this->bridge->status = 400;
		$this->assertSame( 1, Outbox::deliver()['failed'] );
		$this->assertSame( 'failed', $wpdb->get_var( 'SELECT state FROM ' . Outbox::table() ) );
		$this->assertSame( 0, Outbox::pending_count() );
	}
}
