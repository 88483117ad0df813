<?php
/**
 * A revoked consent stays revoked.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Audience\Contacts;
use Rondine\Audience\Lists;
use Rondine\Bridge\Signer;
use Rondine\Consent\Checkout;
use Rondine\Consent\Consent;
use Rondine\Tests\TestCase;

/**
 * A stop is only undone by the same person's explicit new opt-in. A CSV import (attested or with a "yes" column), a
 * stranger's checkout and a WhatsApp "resume" after a revocation made in My Account or by the shop all leave the
 * revocation in place; a "resume" for a phone the shop does not know creates no opted-in contact.
 */
final class ConsentResurrectionTest extends TestCase {

	private const SECRET = 'consent-test-secret-0123456789ab';

	/**
	 * A contact whose consent was revoked.
	 *
	 * @param string $phone   E.164.
	 * @param string $source  Source of the revocation.
	 * @param int    $user_id Linked user, 0 for none.
	 */
	private function revoked( string $phone, string $source, int $user_id = 0 ): int {
		$id = Contacts::upsert_by_phone(
			$phone,
			array(
				'first_name' => 'Rita',
				'email'      => 'rita@example.test',
				'user_id'    => $user_id,
				'source'     => 'import',
			)
		)['id'];
		Consent::record( $id, Consent::GRANTED, 'import', 'first consent', gmdate( 'Y-m-d H:i:s', time() - 7200 ) );
		Consent::record( $id, Consent::REVOKED, $source, 'stopped', gmdate( 'Y-m-d H:i:s', time() - 3600 ) );
		return $id;
	}

	/**
	 * Imports a CSV into a new list as an administrator.
	 *
	 * @param string              $csv  CSV.
	 * @param array<string,mixed> $args Import options.
	 * @return array<string,mixed> Report.
	 */
	private function import( string $csv, array $args ): array {
		wp_set_current_user( $this->user( 'administrator' ) );
		$list     = Lists::save( null, 'Fiera', '' )['id'];
		$response = $this->rest( 'POST', "/rondine/v1/lists/$list/import", array( 'csv' => $csv ) + $args );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	/**
	 * A signed bridge → site opt-out report.
	 *
	 * @param array<int,array<string,string>> $events Events.
	 */
	private function bridge_reports( array $events ): \WP_REST_Response {
		$site  = $this->connect_locally( self::SECRET );
		$route = '/rondine/v1/bridge/opt-outs';
		$raw   = (string) wp_json_encode( array( 'events' => $events ) );
		$now   = time();
		$req   = new \WP_REST_Request( 'POST', $route );
		$req->set_header( 'Content-Type', 'application/json' );
		$req->set_body( $raw );
		$req->set_header( 'X-Rondine-Site', $site );
		$req->set_header( 'X-Rondine-Timestamp', (string) $now );
		$req->set_header( 'X-Rondine-Signature', Signer::sign( self::SECRET, 'POST', $route, $now, $raw ) );
		return rest_get_server()->dispatch( $req );
	}

	/**
	 * An import whose consent column says yes does not grant a revoked contact; the row is reported.
	 */
	public function test_import_with_yes_column_keeps_the_revocation(): void {
		$id     = $this->revoked( '+393471110001', 'my_account' );
		$report = $this->import(
			"phone,consent\n+39 347 111 0001,yes\n+39 347 111 0002,yes\n",
			array(
				'mapping'      => array(
					'phone'   => 'phone',
					'consent' => 'consent',
				),
				'consent_mode' => 'column',
			)
		);
		$this->assertSame( 'revoked', Contacts::find( $id )['consent'] );
		$this->assertSame( 'granted', Contacts::find_by_phone( '+393471110002' )['consent'], 'a new contact is granted as before' );
		$this->assertSame( 1, $report['consent_granted'] );
		$this->assertSame( 1, $report['consent_refused_count'] );
		$this->assertSame( 2, $report['consent_refused'][0]['row'] );
		$this->assertSame( 'previously_revoked', $report['consent_refused'][0]['reason'] );
	}

	/**
	 * An attested import does not grant a revoked contact either.
	 */
	public function test_attested_import_keeps_the_revocation(): void {
		$id     = $this->revoked( '+393471110003', 'whatsapp_stop' );
		$report = $this->import(
			"phone\n+39 347 111 0003\n",
			array(
				'mapping'      => array( 'phone' => 'phone' ),
				'consent_mode' => 'attest',
				'attestation'  => true,
			)
		);
		$this->assertSame( 'revoked', Contacts::find( $id )['consent'] );
		$this->assertSame( 0, $report['consent_granted'] );
		$this->assertSame( 'previously_revoked', $report['consent_refused'][0]['reason'] );
		$this->assertSame( 'stopped', Consent::log( $id )[0]['wording'], 'nothing was logged over the revocation' );
	}

	/**
	 * A stranger's checkout with the phone of a revoked contact (linked to a customer or not) does not grant it.
	 */
	public function test_strangers_checkout_keeps_the_revocation(): void {
		$owner    = $this->user( 'customer' );
		$linked   = $this->revoked( '+393471110004', 'my_account', $owner );
		$unlinked = $this->revoked( '+393471110005', 'admin' );
		$stranger = $this->user( 'customer' );
		foreach ( array( array( '347 111 0004', 0 ), array( '347 111 0004', $stranger ), array( '347 111 0005', 0 ), array( '347 111 0005', $stranger ) ) as $i => [ $phone, $customer ] ) {
			$posted = array(
				'billing_phone'      => $phone,
				'billing_country'    => 'IT',
				'billing_first_name' => 'Mallory',
				'billing_email'      => 'mallory@example.test',
			);
			$order  = $this->wc_order( $posted + array( 'customer_id' => $customer ) );
			$_POST  = $posted + array( Checkout::FIELD => '1' );
			do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );
			$this->assertSame( 'not_recorded', $this->optin_outcome( $order ), "case $i" );
		}
		$this->assertSame( 'revoked', Contacts::find( $linked )['consent'] );
		$this->assertSame( 'revoked', Contacts::find( $unlinked )['consent'] );
		$this->assertSame( 'Rita', Contacts::find( $linked )['first_name'] );
	}

	/**
	 * A WhatsApp "resume" does not undo a revocation made in My Account or by the shop, even after a later "stop".
	 */
	public function test_resume_does_not_undo_a_my_account_or_admin_revocation(): void {
		$account = $this->revoked( '+393471110006', 'my_account' );
		$admin   = $this->revoked( '+393471110007', 'admin' );
		$at      = gmdate( 'Y-m-d\TH:i:s\Z', time() - 60 );
		$later   = gmdate( 'Y-m-d\TH:i:s\Z', time() - 30 );
		$this->assertSame( 200, $this->bridge_reports( array( array( 'phone' => '+393471110007', 'action' => 'stop', 'source' => 'button', 'at' => $at ) ) )->get_status() );
		$response = $this->bridge_reports(
			array(
				array( 'phone' => '+393471110006', 'action' => 'resume', 'source' => 'button', 'at' => $later ),
				array( 'phone' => '+393471110007', 'action' => 'resume', 'source' => 'button', 'at' => $later ),
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 0, $response->get_data()['applied'] );
		$this->assertSame( 'revoked', Contacts::find( $account )['consent'] );
		$this->assertSame( 'revoked', Contacts::find( $admin )['consent'] );
	}

	/**
	 * A "resume" for a phone the shop does not know creates no contact.
	 */
	public function test_resume_for_an_unknown_phone_creates_nothing(): void {
		$response = $this->bridge_reports( array( array( 'phone' => '+393471110008', 'action' => 'resume', 'source' => 'button', 'at' => gmdate( 'Y-m-d\TH:i:s\Z' ) ) ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertNull( Contacts::find_by_phone( '+393471110008' ) );
	}

	/**
	 * A "resume" after a WhatsApp "stop" is the same person opting in again: it is applied.
	 */
	public function test_resume_after_a_whatsapp_stop_grants_again(): void {
		$id = $this->revoked( '+393471110009', 'whatsapp_stop' );
		$this->bridge_reports( array( array( 'phone' => '+393471110009', 'action' => 'resume', 'source' => 'button', 'at' => gmdate( 'Y-m-d\TH:i:s\Z' ) ) ) );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
		$this->assertSame( 'whatsapp_resume', Consent::log( $id )[0]['source'] );
	}
}
