<?php
/**
 * The contacts of a date trigger's day, answered to the bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Audience\Contacts;
use Rondine\Audience\Importer;
use Rondine\Audience\Lists;
use Rondine\Bridge\Signer;

/**
 * `POST /rondine/v1/bridge/date-contacts`: the contacts whose birthday (month and day; the 29 February ones on
 * 28 February of a year without it), last or first order, or creation falls on the bridge's date in the shop's
 * timezone (Europe/Rome on the test site), page by page, with their values; signed by the bridge only. Dates of birth
 * come from a CSV import (as Italians write them, too) or the contact's page.
 */
final class DateContactsTest extends TestCase {

	private const SECRET = 'dates-test-secret-0123456789abcde';

	/**
	 * Site id.
	 *
	 * @var string
	 */
	private string $site;

	/**
	 * Connects locally.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->site = $this->connect_locally( self::SECRET );
	}

	/**
	 * A signed request, as the bridge sends it.
	 *
	 * @param array<string,mixed> $body Body.
	 */
	private function ask( array $body ): \WP_REST_Response {
		static $second = 0;
		$route     = '/rondine/v1/bridge/date-contacts';
		$raw       = (string) wp_json_encode( $body );
		$timestamp = time() - ( $second++ % 200 );
		$request   = new \WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $raw );
		$request->set_header( 'X-Rondine-Site', $this->site );
		$request->set_header( 'X-Rondine-Timestamp', (string) $timestamp );
		$request->set_header( 'X-Rondine-Signature', Signer::sign( self::SECRET, 'POST', $route, $timestamp, $raw ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Phones answered for a field and date.
	 *
	 * @param string $field Field.
	 * @param string $date  Date.
	 * @return string[]
	 */
	private function phones( string $field, string $date ): array {
		$answer = $this->ask(
			array(
				'automation_id' => 'a1',
				'field'         => $field,
				'date'          => $date,
				'cursor'        => null,
				'limit'         => 100,
			)
		);
		$this->assertSame( 200, $answer->get_status() );
		return array_map( static fn( $c ) => $c['phone'], $answer->get_data()['contacts'] );
	}

	/**
	 * Birthdays by month and day, 29 February on 28 February when the year has no 29th; paged in contact id order.
	 */
	public function test_birthdays_and_the_29th_of_february(): void {
		$list   = (int) Lists::save( null, 'Compleanni', '' )['id'];
		$report = Importer::run(
			$list,
			"phone,nome,compleanno\n+393476660001,Leo,1992-02-29\n+393476660002,Mia,28/02/1990\n+393476660003,Noa,01.03.1985\n+393476660004,Oto,31/02/1990\n+393476660005,Pia,\n",
			array(
				'phone'      => 'phone',
				'first_name' => 'nome',
				'birthday'   => 'compleanno',
			),
			'IT',
			'none',
			'',
			false
		);
		$this->assertSame( 4, $report['imported'] );
		$this->assertSame( array( 'invalid_birthday' ), array_column( $report['rejected'], 'reason' ), '31 February is not a date' );
		$this->assertSame( '1990-02-28', Contacts::find_by_phone( '+393476660002' )['birthday'], 'day first, as in Italy' );
		$this->assertNull( Contacts::find_by_phone( '+393476660005' )['birthday'] );

		$this->assertSame( array( '+393476660001', '+393476660002' ), $this->phones( 'birthday', '2027-02-28' ), 'no 29th in 2027: Leo on the 28th' );
		$this->assertSame( array( '+393476660002' ), $this->phones( 'birthday', '2028-02-28' ) );
		$this->assertSame( array( '+393476660001' ), $this->phones( 'birthday', '2028-02-29' ) );
		$this->assertSame( array( '+393476660003' ), $this->phones( 'birthday', '2027-03-01' ) );

		$page = $this->ask(
			array(
				'automation_id' => 'a1',
				'field'         => 'birthday',
				'date'          => '2027-02-28',
				'cursor'        => null,
				'limit'         => 1,
			)
		)->get_data();
		$this->assertCount( 1, $page['contacts'] );
		$this->assertSame( 'Leo', $page['contacts'][0]['fields']['first_name'] );
		$this->assertSame( '1992-02-29', $page['contacts'][0]['date'] );
		$this->assertSame( 'none', $page['contacts'][0]['fields']['consent'] );
		$next = $this->ask(
			array(
				'automation_id' => 'a1',
				'field'         => 'birthday',
				'date'          => '2027-02-28',
				'cursor'        => $page['next_cursor'],
				'limit'         => 1,
			)
		)->get_data();
		$this->assertSame( '+393476660002', $next['contacts'][0]['phone'] );
	}

	/**
	 * Orders by the shop's day (WooCommerce's local order dates); contacts created by the shop's day, stored in UTC.
	 */
	public function test_orders_and_creation_by_the_shops_day(): void {
		global $wpdb;
		$late  = Contacts::upsert_by_phone( '+393476660011', array( 'first_name' => 'Ugo' ) )['id'];
		$early = Contacts::upsert_by_phone( '+393476660012', array( 'first_name' => 'Eva' ) )['id'];
		$table = Contacts::table();
		// phpcs:disable WordPress.DB.DirectDatabaseQuery.DirectQuery
		$wpdb->update(
			$table,
			array(
				'last_order_at'  => '2031-03-11 23:30:00',
				'last_order_id'  => 777,
				'first_order_at' => '2030-01-05 10:00:00',
				// 23:30 UTC on the 10th is 00:30 on the 11th in Rome.
				'created_at'     => '2031-03-10 23:30:00',
			),
			array( 'id' => $late )
		);
		$wpdb->update(
			$table,
			array(
				'last_order_at' => '2031-03-12 00:10:00',
				'created_at'    => '2031-03-10 22:30:00',
			),
			array( 'id' => $early )
		);
		// phpcs:enable
		$this->assertSame( array( '+393476660011' ), $this->phones( 'last_order', '2031-03-11' ) );
		$this->assertSame( array( '+393476660012' ), $this->phones( 'last_order', '2031-03-12' ) );
		$this->assertSame( array( '+393476660011' ), $this->phones( 'first_order', '2030-01-05' ) );
		$this->assertSame( array( '+393476660011' ), $this->phones( 'created', '2031-03-11' ) );
		$this->assertSame( array( '+393476660012' ), $this->phones( 'created', '2031-03-10' ) );
		$order = $this->ask(
			array(
				'automation_id' => 'a1',
				'field'         => 'last_order',
				'date'          => '2031-03-11',
				'cursor'        => null,
				'limit'         => 10,
			)
		)->get_data()['contacts'][0];
		$this->assertSame( 777, $order['order_id'] );
		$this->assertSame( '2031-03-11', $order['date'] );
		$this->assertSame( '777', $order['fields']['last_order_number'] );
	}

	/**
	 * The bridge's only: unsigned is 401; a bad field, date, cursor or limit is 400.
	 */
	public function test_signed_and_checked(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertSame( 401, $this->rest( 'POST', '/rondine/v1/bridge/date-contacts', array( 'field' => 'birthday' ) )->get_status() );
		$good = array(
			'automation_id' => 'a1',
			'field'         => 'birthday',
			'date'          => '2027-02-28',
			'cursor'        => null,
			'limit'         => 10,
		);
		foreach ( array(
			array( 'field' => 'name_day' ),
			array( 'date' => '2027-02-30' ),
			array( 'date' => '28/02/2027' ),
			array( 'cursor' => 'abc' ),
			array( 'limit' => 0 ),
			array( 'limit' => 5001 ),
		) as $bad ) {
			$answer = $this->ask( $bad + $good );
			$this->assertSame( 400, $answer->get_status(), (string) wp_json_encode( $bad ) );
			$this->assertArrayHasKey( 'error', $answer->get_data() );
		}
	}

	/**
	 * The owner sets and clears a date of birth on the contact's page; a date that is not real is refused.
	 */
	public function test_the_owner_sets_a_date_of_birth(): void {
		wp_set_current_user( $this->user( 'administrator' ) );
		$id = Contacts::upsert_by_phone( '+393476660021', array( 'first_name' => 'Ivo' ) )['id'];
		$this->assertSame( '1980-12-24', $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'birthday' => '1980-12-24' ) )->get_data()['birthday'] );
		$this->assertSame( 400, $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'birthday' => '1980-02-30' ) )->get_status() );
		$this->assertSame( 400, $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'birthday' => gmdate( 'Y-m-d', time() + 10 * DAY_IN_SECONDS ) ) )->get_status(), 'not in the future' );
		$this->assertSame( '1980-12-24', Contacts::find( $id )['birthday'] );
		$this->assertNull( $this->rest( 'PUT', "/rondine/v1/contacts/$id", array( 'birthday' => '' ) )->get_data()['birthday'] );
	}
}
