<?php
/**
 * Consent only for one's own phone.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Audience\Contacts;
use Rondine\Audience\CustomerSync;
use Rondine\Consent\Checkout;
use Rondine\Consent\Consent;
use Rondine\Consent\MyAccount;
use Rondine\Tests\Fixtures\Shop;
use Rondine\Tests\TestCase;

/**
 * The billing phone is typed by whoever checks out or edits their account: checkout consent is recorded with the
 * order it came from and never rewrites an existing contact's name or e-mail; My Account shows and changes only the
 * contact linked to that user.
 */
final class ConsentOwnershipTest extends TestCase {

	/**
	 * A guest's tick for a known contact that was never asked: granted, logged with the order id, identity untouched.
	 */
	public function test_checkout_consent_is_logged_with_the_order_and_leaves_identity_alone(): void {
		$id     = Contacts::upsert_by_phone(
			'+393472220001',
			array(
				'first_name' => 'Anna',
				'last_name'  => 'Verdi',
				'email'      => 'anna@example.test',
				'city'       => 'Torino',
				'source'     => 'import',
			)
		)['id'];
		$posted = array(
			'billing_phone'      => '347 222 0001',
			'billing_country'    => 'IT',
			'billing_first_name' => 'Someone',
			'billing_last_name'  => 'Else',
			'billing_email'      => 'someone@example.test',
			'billing_city'       => 'Napoli',
		);
		$order  = $this->wc_order( $posted );
		$_POST  = $posted + array( Checkout::FIELD => '1' );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );

		$contact = Contacts::find( $id );
		$this->assertSame( 'granted', $contact['consent'] );
		$this->assertSame( array( 'Anna', 'Verdi', 'anna@example.test', 'Torino' ), array( $contact['first_name'], $contact['last_name'], $contact['email'], $contact['city'] ) );
		$log = Consent::log( $id );
		$this->assertSame( $order->get_id(), $log[0]['order_id'] );
		$this->assertSame( 'checkout', $log[0]['source'] );
		$this->assertSame( 'yes', $this->optin_outcome( $order ) );
	}

	/**
	 * A registered customer's own tick re-grants the contact linked to them, even after they revoked it.
	 */
	public function test_customer_regrants_their_own_contact(): void {
		$user = $this->user( 'customer' );
		$id   = Contacts::upsert_by_phone(
			'+393472220002',
			array(
				'user_id' => $user,
				'source'  => 'my_account',
			)
		)['id'];
		Consent::record( $id, Consent::REVOKED, 'my_account', 'unticked', gmdate( 'Y-m-d H:i:s', time() - 60 ) );
		$posted = array(
			'billing_phone'   => '+39 347 222 0002',
			'billing_country' => 'IT',
		);
		$order  = $this->wc_order( $posted + array( 'customer_id' => $user ) );
		$_POST  = $posted + array( Checkout::FIELD => '1' );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, $order );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
		$this->assertSame( $order->get_id(), Consent::log( $id )[0]['order_id'] );
		// The same order's hook again (the customer's own contact would be re-granted by a new order): one record.
		$before = count( Consent::log( $id ) );
		do_action( 'woocommerce_checkout_order_processed', $order->get_id(), $posted, wc_get_order( $order->get_id() ) );
		$this->assertCount( $before, Consent::log( $id ), 'one consent record per order' );
	}

	/**
	 * User B who types user A's phone in their billing address neither sees nor changes A's consent.
	 */
	public function test_my_account_acts_only_on_the_users_own_contact(): void {
		$a  = $this->user( 'customer' );
		$id = Contacts::upsert_by_phone(
			'+393472220003',
			array(
				'user_id' => $a,
				'source'  => 'my_account',
			)
		)['id'];
		Consent::record( $id, Consent::GRANTED, 'my_account', 'ticked' );

		$b = $this->user( 'customer' );
		update_user_meta( $b, 'billing_phone', '347 222 0003' );
		update_user_meta( $b, 'billing_country', 'IT' );
		wp_set_current_user( $b );
		$this->assertNull( MyAccount::contact_for( $b, false ) );
		ob_start();
		do_action( 'woocommerce_edit_account_form' );
		$html = (string) ob_get_clean();
		$this->assertStringNotContainsString( 'checked', $html, "B does not see A's consent" );

		$_POST = array();
		do_action( 'woocommerce_save_account_details', $b );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'], "B's unticked box does not revoke A's consent" );

		Consent::record( $id, Consent::REVOKED, 'my_account', 'unticked by A' );
		$_POST = array( MyAccount::FIELD => '1' );
		do_action( 'woocommerce_save_account_details', $b );
		$this->assertSame( 'revoked', Contacts::find( $id )['consent'], "B's ticked box does not grant A's contact" );
		$this->assertSame( $a, Contacts::find( $id )['user_id'] );
	}

	/**
	 * User B types the phone of A's imported, opted-in contact in their account: the contacts sync does not link that
	 * contact to B, so B's My Account still neither sees nor changes it.
	 */
	public function test_sync_does_not_hand_a_contact_to_whoever_types_its_phone(): void {
		$id = Contacts::upsert_by_phone(
			'+393472220004',
			array(
				'email'      => 'alice@example.test',
				'first_name' => 'Alice',
				'source'     => 'import',
			)
		)['id'];
		Consent::record( $id, Consent::GRANTED, 'import', 'signed the form at the fair' );

		$b = $this->user( 'customer' );
		update_user_meta( $b, 'billing_phone', '347 222 0004' );
		update_user_meta( $b, 'billing_country', 'IT' );
		$customer = Shop::customer(
			array(
				'user_id'    => $b,
				'first_name' => 'Bob',
				'email'      => 'bob@example.test',
			)
		);
		CustomerSync::sync_customers( array( $customer ) );

		$contact = Contacts::find( $id );
		$this->assertNull( $contact['customer_id'] );
		$this->assertNull( $contact['user_id'] );
		$this->assertSame( 'Alice', $contact['first_name'] );
		wp_set_current_user( $b );
		$this->assertNull( MyAccount::contact_for( $b, false ) );
		$_POST = array();
		do_action( 'woocommerce_save_account_details', $b );
		$this->assertSame( 'granted', Contacts::find( $id )['consent'] );
	}
}
