<?php
/**
 * WooCommerce customers become contacts.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\CustomerSync;
use Rondine\Tests\Fixtures\Shop;

/**
 * The billing phone comes from the latest order (HPOS address table or legacy post meta) or the user meta, is
 * normalised with the customer's country, and keys the contact.
 */
final class CustomerSyncTest extends TestCase {

	/**
	 * The contact of a customer.
	 *
	 * @param int $customer_id Customer.
	 * @return array<string,mixed>|null
	 */
	private function contact_of( int $customer_id ): ?array {
		global $wpdb;
		$id = $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . Contacts::table() . ' WHERE customer_id = %d', $customer_id ) );
		return $id ? Contacts::find( (int) $id ) : null;
	}

	/**
	 * Phones from HPOS, legacy and user meta, each normalised with the customer's country.
	 */
	public function test_phone_sources_for_both_order_storages(): void {
		$hpos = Shop::customer( array( 'country' => 'DE', 'city' => 'Berlin' ) );
		Shop::order( $hpos, array( 'phone' => '0170 1234567', 'country' => 'DE', 'days_ago' => 40 ) );
		Shop::order( $hpos, array( 'phone' => '0151 23456789', 'country' => 'DE', 'days_ago' => 5 ) );

		$legacy = Shop::customer( array( 'country' => 'FR', 'city' => 'Lyon' ) );
		Shop::order( $legacy, array( 'phone' => '06 12 34 56 78', 'country' => 'FR', 'storage' => 'legacy' ) );

		$user_id = $this->user( 'customer' );
		update_user_meta( $user_id, 'billing_phone', '07700 900123' );
		update_user_meta( $user_id, 'locale', 'en_GB' );
		$registered = Shop::customer( array( 'country' => 'GB', 'user_id' => $user_id ) );

		$invalid = Shop::customer( array( 'country' => 'IT' ) );
		Shop::order( $invalid, array( 'phone' => '12345' ) );

		$result = CustomerSync::sync( null );
		$this->assertGreaterThanOrEqual( 4, $result['customers'] );

		$this->assertSame( '+4915123456789', $this->contact_of( $hpos )['phone'], 'the latest order\'s phone wins' );
		$this->assertSame( '+33612345678', $this->contact_of( $legacy )['phone'] );
		$this->assertSame( '+447700900123', $this->contact_of( $registered )['phone'] );
		$this->assertSame( $user_id, $this->contact_of( $registered )['user_id'] );
		$this->assertSame( 'en_GB', $this->contact_of( $registered )['language'] );
		$this->assertNull( $this->contact_of( $invalid )['phone'], 'an invalid phone is kept visible, without a number' );
		$this->assertSame( '12345', $this->contact_of( $invalid )['phone_raw'] );
		$this->assertSame( 'none', $this->contact_of( $hpos )['consent'], 'buying is not consenting' );
		$this->assertSame( 2, $this->contact_of( $hpos )['orders_count'], 'order figures are kept on the contact' );
		$this->assertSame( 100.0, $this->contact_of( $hpos )['total_spent'] );
		$this->assertSame( 0, $this->contact_of( $registered )['orders_count'] );
	}

	/**
	 * One contact per phone; an imported contact is linked to the customer with its phone; running twice changes nothing.
	 */
	public function test_one_contact_per_phone_and_idempotent(): void {
		$imported = Contacts::upsert_by_phone( '+393331230001', array( 'source' => 'import', 'first_name' => 'Imported' ) )['id'];
		$a        = Shop::customer( array( 'first_name' => 'Anna' ) );
		Shop::order( $a, array( 'phone' => '333 123 0001' ) );
		$b = Shop::customer( array( 'first_name' => 'Bruno' ) );
		Shop::order( $b, array( 'phone' => '+39 333 1230001' ) );

		CustomerSync::sync_customers( array( $a, $b ) );
		$contact = Contacts::find( $imported );
		$this->assertSame( $a, $contact['customer_id'], 'the import is now the first customer with that phone' );
		$this->assertSame( 'Anna', $contact['first_name'] );
		$this->assertNull( $this->contact_of( $b ), 'the second customer with the same phone gets no second contact' );
		$this->assertSame( 2, $contact['orders_count'], 'the contact counts both customers\' orders' );
		$this->assertSame( 100.0, $contact['total_spent'] );

		global $wpdb;
		$before = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() );
		$again  = CustomerSync::sync_customers( array( $a, $b ) );
		$this->assertSame( 0, $again['created'] );
		$this->assertSame( $before, (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() ) );
	}

	/**
	 * An order that changes status is reflected in the figures and the period filters after the next sync.
	 */
	public function test_status_change_updates_figures_and_facts(): void {
		global $wpdb;
		update_option( CustomerSync::READY_OPTION, \Rondine\Installer::DB_VERSION );
		$customer = Shop::customer( array( 'country' => 'IT', 'city' => 'Sync ' . wp_generate_password( 6, false ) ) );
		$order    = Shop::order( $customer, array( 'phone' => '+39 333 7770001', 'total' => 150, 'days_ago' => 5 ) );
		CustomerSync::sync_customers( array( $customer ) );
		$contact = $this->contact_of( $customer );
		\Rondine\Consent\Consent::record( $contact['id'], 'granted', 'admin', 'test' );
		$audience = array(
			'segments'   => array(),
			'lists'      => array(),
			'definition' => array(
				'groups' => array(
					array(
						'match'   => 'all',
						'filters' => array(
							array( 'field' => 'billing_city', 'op' => 'is', 'value' => $contact['city'] ),
							array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100, 'within_days' => 30 ),
						),
					),
				),
			),
		);
		$this->assertSame( 1, \Rondine\Audience\Audience::count( $audience ) );
		// As WooCommerce records it: the order's own status and, once imported, its analytics row.
		$wpdb->update( $wpdb->prefix . 'wc_orders', array( 'status' => 'wc-cancelled' ), array( 'id' => $order ) );
		$wpdb->update( $wpdb->prefix . 'wc_order_stats', array( 'status' => 'wc-cancelled' ), array( 'order_id' => $order ) );
		CustomerSync::sync_customers( array( $customer ) );
		$this->assertSame( 0, $this->contact_of( $customer )['orders_count'] );
		$this->assertSame( 0, \Rondine\Audience\Audience::count( $audience ), 'the cancelled order no longer counts in the period' );
	}

	/**
	 * The issue's case: a registered customer whose phone also belongs to an older (guest) account. One contact, linked
	 * to the first customer synced, whose figures are the sum over both: orders and totals added, first order the
	 * earliest, last order the latest, country and city those of the latest order's customer; periods and products
	 * read both customers' orders; refunds of either are deducted. Syncing again, or either customer alone, changes
	 * nothing.
	 */
	public function test_shared_phone_sums_the_customers_figures(): void {
		global $wpdb;
		update_option( \Rondine\Audience\CustomerSync::READY_OPTION, \Rondine\Installer::DB_VERSION );
		$city  = 'Shared ' . wp_generate_password( 6, false );
		$guest = Shop::customer( array( 'first_name' => 'Old', 'country' => 'DE', 'city' => 'Berlin' ) );
		$old_1 = Shop::order( $guest, array( 'phone' => '+39 333 4440001', 'total' => 80, 'days_ago' => 500, 'products' => array( 777001 ) ) );
		Shop::order( $guest, array( 'phone' => '0039 333 444 0001', 'total' => 40, 'days_ago' => 200 ) );
		$user       = $this->user( 'customer' );
		$registered = Shop::customer( array( 'first_name' => 'New', 'country' => 'IT', 'city' => $city, 'user_id' => $user ) );
		$recent     = Shop::order( $registered, array( 'phone' => '+393334440001', 'total' => 70, 'days_ago' => 3 ) );
		Shop::refund( $recent, 10, 1 );

		CustomerSync::sync_customers( array( $guest ) );
		CustomerSync::sync_customers( array( $registered ) );
		$contact = $this->contact_of( $guest );
		$this->assertNotNull( $contact );
		$this->assertNull( $this->contact_of( $registered ), 'one contact for the phone' );
		$this->assertSame( '+393334440001', $contact['phone'] );
		$this->assertSame( 3, $contact['orders_count'], 'orders of both customers' );
		$this->assertSame( 180.0, $contact['total_spent'], '80 + 40 + 70 - 10' );
		$this->assertSame( $recent, $contact['last_order_id'] );
		$first = $wpdb->get_var( $wpdb->prepare( "SELECT date_created FROM {$wpdb->prefix}wc_order_stats WHERE order_id = %d", $old_1 ) );
		$this->assertSame( $first, $contact['first_order_at'], 'the earliest order of either' );
		$this->assertSame( 'IT', $contact['country'], 'where the latest order comes from' );
		$this->assertSame( $city, $contact['city'] );
		$this->assertSame( 'Old', $contact['first_name'], 'who it is stays the first customer' );

		\Rondine\Consent\Consent::record( (int) $contact['id'], 'granted', 'admin', 'test' );
		$count = static fn( array $filters ) => \Rondine\Audience\Audience::count(
			array(
				'segments'   => array(),
				'lists'      => array(),
				'definition' => array(
					'groups' => array(
						array(
							'match'   => 'all',
							'filters' => array_merge( array( array( 'field' => 'billing_city', 'op' => 'is', 'value' => $city ) ), $filters ),
						),
					),
				),
			)
		);
		$this->assertSame( 1, $count( array( array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 99, 'within_days' => 365 ) ) ), '40 + 70 - 10 = 100 in the last year, of both customers' );
		$this->assertSame( 0, $count( array( array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100, 'within_days' => 365 ) ) ) );
		$this->assertSame( 1, $count( array( array( 'field' => 'bought_product', 'op' => 'any_of', 'value' => array( 777001 ) ) ) ), 'the older account\'s products' );
		$this->assertSame( 1, $count( array( array( 'field' => 'order_count', 'op' => 'eq', 'value' => 3 ) ) ) );
		// Other statuses read WooCommerce's rows of every customer of the contact too.
		$with_pending = static fn( float $over ) => \Rondine\Audience\Audience::count(
			array(
				'segments'   => array(),
				'lists'      => array(),
				'definition' => array(
					'statuses' => array( 'wc-completed', 'wc-pending' ),
					'groups'   => array(
						array(
							'match'   => 'all',
							'filters' => array(
								array( 'field' => 'billing_city', 'op' => 'is', 'value' => $city ),
								array( 'field' => 'total_spent', 'op' => 'gt', 'value' => $over ),
							),
						),
					),
				),
			)
		);
		$this->assertSame( 1, $with_pending( 179 ) );
		$this->assertSame( 0, $with_pending( 180 ) );

		// Again, in one batch or the other order: the same figures, no second contact.
		$before = (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() );
		CustomerSync::sync_customers( array( $registered, $guest ) );
		CustomerSync::sync_customers( array( $registered ) );
		$this->assertSame( $before, (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Contacts::table() ) );
		$again = $this->contact_of( $guest );
		$this->assertSame( 3, $again['orders_count'] );
		$this->assertSame( 180.0, $again['total_spent'] );
		$this->assertSame( 1, $count( array( array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 99, 'within_days' => 365 ) ) ) );
	}
}
