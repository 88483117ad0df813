<?php
/**
 * WordPress's privacy tools cover the whole person, on the site and on the bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Audience\Contacts;
use Rondine\Audience\CustomerSync;
use Rondine\Audience\Lists;
use Rondine\Bridge\Outbox;
use Rondine\Consent\Consent;
use Rondine\Tests\Fixtures\BridgeReceiver;
use Rondine\Tests\Fixtures\Shop;
use Rondine\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Fixtures/BridgeReceiver.php';

/**
 * The exporter and the eraser find the person by e-mail (their contacts and the phones of their WooCommerce customer
 * and orders) and by a phone typed as the identifier; the export includes what the bridge keeps (signed
 * `POST /v1/privacy/export`, group `rondine-bridge`); the erasure removes the contacts, queues the bridge's erasure
 * (`POST /v1/privacy/erase`, through the outbox) and the person stays erased: the next contacts sync or an import does
 * not bring them back.
 */
final class PrivacyToolsTest extends TestCase {

	private const SECRET = 'privacy-test-secret-0123456789abc';

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
	 * A WooCommerce customer with an order, synced into a contact.
	 *
	 * @param string $email E-mail.
	 * @param string $phone Billing phone as typed.
	 * @return int Customer id.
	 */
	private function customer( string $email, string $phone ): int {
		$customer = Shop::customer( array( 'email' => $email, 'first_name' => 'Pia' ) );
		Shop::order( $customer, array( 'phone' => $phone, 'country' => 'IT' ) );
		CustomerSync::sync_customers( array( $customer ) );
		return $customer;
	}

	/**
	 * The exporter's or eraser's callback.
	 *
	 * @param string $kind  exporters or erasers.
	 * @param string $id    Identifier.
	 * @return mixed
	 */
	private function tool( string $kind, string $id ) {
		$tools = apply_filters( "wp_privacy_personal_data_$kind", array() );
		return call_user_func( $tools['rondine']['callback'], $id, 1 );
	}

	/**
	 * Export by e-mail finds the phone of the person's orders; export by phone works too; both include the bridge's data.
	 */
	public function test_export_by_email_and_by_phone_includes_the_bridge_group(): void {
		$this->customer( 'pia.export@example.test', '347 555 1001' );
		$contact = Contacts::find_by_phone( '+393475551001' );
		$this->assertNotNull( $contact );
		Consent::record( (int) $contact['id'], Consent::GRANTED, 'checkout', 'ticked at checkout' );
		$this->bridge->held['+393475551001'] = array(
			'messages' => array(
				array(
					'campaign_id'   => 'c1',
					'campaign_name' => 'Saldi invernali',
					'state'         => 'read',
					'sent_at'       => '2026-12-01T10:00:00Z',
					'delivered_at'  => '2026-12-01T10:00:02Z',
					'read_at'       => '2026-12-01T11:00:00Z',
					'failed_at'     => null,
					'error'         => null,
				),
			),
			'inbound'  => array(
				array(
					'received_at' => '2026-12-01T11:05:00Z',
					'type'        => 'text',
					'text'        => 'Grazie!',
				),
			),
		);

		foreach ( array( 'pia.export@example.test', '+39 347 555 1001' ) as $identifier ) {
			$export = $this->tool( 'exporters', $identifier );
			$this->assertIsArray( $export, $identifier );
			$json = (string) wp_json_encode( $export['data'] );
			$this->assertStringContainsString( '+393475551001', $json, $identifier );
			$this->assertStringContainsString( 'ticked at checkout', $json, $identifier );
			$groups = array_unique( array_column( $export['data'], 'group_id' ) );
			$this->assertContains( 'rondine-bridge', $groups, $identifier );
			$this->assertStringContainsString( 'Saldi invernali', $json, $identifier );
			$this->assertStringContainsString( 'Grazie!', $json, $identifier );
		}
		$this->assertSame( array(), $this->bridge->refused );
		$this->assertSame( array( array( 'phones' => array( '+393475551001' ) ) ), array_values( array_unique( array_map( static fn( $r ) => $r[1], $this->bridge->received ), SORT_REGULAR ) ) );

		$this->bridge->down = true;
		$this->assertInstanceOf( \WP_Error::class, $this->tool( 'exporters', 'pia.export@example.test' ), 'an incomplete export is an error, not a silent gap' );
	}

	/**
	 * Erasure by e-mail removes the contact, queues the bridge's erasure, and the next sync does not re-create it.
	 */
	public function test_erase_by_email_stays_erased(): void {
		$customer = $this->customer( 'pia.erase@example.test', '347 555 1002' );
		$id       = (int) Contacts::find_by_phone( '+393475551002' )['id'];
		$this->bridge->down = true;

		$result = $this->tool( 'erasers', 'pia.erase@example.test' );
		$this->assertTrue( $result['items_removed'] );
		$this->assertNull( Contacts::find( $id ) );
		$this->assertNotEmpty( $result['messages'], 'the owner is told the bridge part is queued' );
		global $wpdb;
		$queued = $wpdb->get_col( 'SELECT payload FROM ' . Outbox::table() . " WHERE kind = 'erase' AND state = 'pending'" );
		$this->assertSame( array( '{"phones":["+393475551002"]}' ), $queued );
		$this->assertSame( 0, (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . $wpdb->prefix . 'rondine_erased WHERE hash = %s', '+393475551002' ) ), 'the tombstone is not the phone' );

		CustomerSync::sync();
		CustomerSync::sync_customers( array( $customer ) );
		$this->assertNull( Contacts::find_by_phone( '+393475551002' ) );
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . Contacts::table() . ' WHERE customer_id = %d OR email = %s', $customer, 'pia.erase@example.test' ) ) );

		$this->bridge->down = false;
		$wpdb->query( 'UPDATE ' . Outbox::table() . " SET next_attempt_at = '2000-01-01 00:00:00'" );
		Outbox::deliver();
		$this->assertSame( array( '/v1/privacy/erase' ), $this->bridge->paths() );
		$this->assertTrue( $this->bridge->erased['+393475551002'] );
		$this->assertSame( 'erasure', $this->bridge->opt_outs['+393475551002']['source'] );
	}

	/**
	 * Erasure by phone: contact removed, bridge erased right away, sync and import do not bring it back.
	 */
	public function test_erase_by_phone_stays_erased(): void {
		$customer = $this->customer( 'pia.phone@example.test', '347 555 1003' );
		$id       = (int) Contacts::find_by_phone( '+393475551003' )['id'];

		$result = $this->tool( 'erasers', '+39 347 555 1003' );
		$this->assertTrue( $result['items_removed'] );
		$this->assertNull( Contacts::find( $id ) );
		$this->assertSame( array( '/v1/privacy/erase' ), $this->bridge->paths() );
		$this->assertSame( array( 'phones' => array( '+393475551003' ) ), $this->bridge->received[0][1] );
		$this->assertSame( 0, Outbox::pending_count() );

		CustomerSync::sync();
		CustomerSync::sync_customers( array( $customer ) );
		$this->assertNull( Contacts::find_by_phone( '+393475551003' ) );

		wp_set_current_user( $this->user( 'administrator' ) );
		$list   = Lists::save( null, 'Fiera', '' )['id'];
		$report = $this->rest(
			'POST',
			"/rondine/v1/lists/$list/import",
			array(
				'csv'          => "phone\n347 555 1003\n",
				'mapping'      => array( 'phone' => 'phone' ),
				'consent_mode' => 'attest',
				'attestation'  => true,
			)
		)->get_data();
		$this->assertSame( 'previously_erased', $report['rejected'][0]['reason'] );
		$this->assertNull( Contacts::find_by_phone( '+393475551003' ) );
	}
}
