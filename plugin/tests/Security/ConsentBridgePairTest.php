<?php
/**
 * Consent and erasure reach the real bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Audience\Contacts;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;
use Rondine\Bridge\Outbox;
use Rondine\Consent\Consent;
use Rondine\Tests\TestCase;

/**
 * The pair, not a contract fake: the test site is connected to the test stack's real bridge, the outbox delivers to
 * it, and the bridge's own privacy export says what it now holds for the phone. A revocation made on the site puts
 * the phone on the bridge's opt-out list (which the bridge checks when it claims each message), a later grant by the
 * person takes it off, and an erasure keeps it suppressed. Each run uses new phones, so the suite can run again on the
 * same stack.
 */
final class ConsentBridgePairTest extends TestCase {

	/**
	 * A phone nobody has used on this bridge.
	 */
	private function new_phone(): string {
		return '+39347' . str_pad( (string) random_int( 0, 9999999 ), 7, '0', STR_PAD_LEFT );
	}

	/**
	 * What the real bridge's privacy export says of the phone's consent.
	 *
	 * @param string $phone E.164.
	 * @return array<string,mixed>|null The `opt_out` entry, null when the bridge has none.
	 */
	private function bridge_consent( string $phone ): ?array {
		$answer = Client::from_connection()->request( 'POST', '/v1/privacy/export', array( 'phones' => array( $phone ) ) );
		foreach ( $answer['body']['opt_out'] ?? array() as $entry ) {
			if ( $phone === $entry['phone'] ) {
				return $entry;
			}
		}
		return null;
	}

	/**
	 * Delivers the outbox to the real bridge and checks nothing is left.
	 */
	private function deliver(): void {
		$result = Outbox::deliver();
		$this->assertSame( 0, $result['failed'], 'the bridge refused an event' );
		$this->assertSame( 0, $result['retry'], 'the bridge could not be reached' );
		$this->assertSame( 0, $result['pending'] );
	}

	/**
	 * Clears what other tests (or the generated shop) left pending, and checks the site is connected for real.
	 */
	protected function setUp(): void {
		global $wpdb;
		parent::setUp();
		$wpdb->query( 'DELETE FROM ' . Outbox::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- the outbox table's name.
		$this->assertNotNull( Connection::stored(), 'the test site is connected to the stack\'s bridge' );
	}

	/**
	 * Revoked on the site → on the bridge's opt-out list; granted again by the person → off it.
	 */
	public function test_revocation_and_new_opt_in_reach_the_real_bridge(): void {
		$phone = $this->new_phone();
		$id    = Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => 'Nora',
				'source'     => 'import',
			)
		)['id'];
		Consent::record( $id, Consent::GRANTED, 'import', 'consent column', gmdate( 'Y-m-d H:i:s', time() - 120 ) );
		Consent::record( $id, Consent::REVOKED, 'my_account', 'switched off in My Account', gmdate( 'Y-m-d H:i:s', time() - 60 ) );
		$this->deliver();
		$entry = $this->bridge_consent( $phone );
		$this->assertNotNull( $entry, 'the bridge knows the revocation' );
		$this->assertSame( 'revoked', $entry['state'] );
		$this->assertSame( 'my_account', $entry['source'] );

		Consent::record( $id, Consent::GRANTED, 'my_account', 'switched on in My Account' );
		$this->deliver();
		$this->assertSame( 'granted', $this->bridge_consent( $phone )['state'] ?? null, 'the new opt-in took the phone off the list' );
	}

	/**
	 * Erased on the site → suppressed on the bridge, with the erasure as its reason.
	 */
	public function test_erasure_reaches_the_real_bridge_and_keeps_the_phone_suppressed(): void {
		$phone = $this->new_phone();
		$id    = Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => 'Ugo',
				'source'     => 'import',
			)
		)['id'];
		Consent::record( $id, Consent::GRANTED, 'import', 'consent column' );
		$this->deliver();
		$this->assertSame( 'granted', $this->bridge_consent( $phone )['state'] ?? null );

		$erasers = apply_filters( 'wp_privacy_personal_data_erasers', array() );
		$result  = call_user_func( $erasers['rondine']['callback'], $phone, 1 );
		$this->assertTrue( $result['items_removed'] );
		$this->deliver();
		$entry = $this->bridge_consent( $phone );
		$this->assertSame( 'revoked', $entry['state'] ?? null, 'an erased phone stays on the bridge\'s suppression list' );
		$this->assertSame( 'erasure', $entry['source'] ?? null );
	}
}
