<?php
/**
 * Where customer data goes is decided by administrators only.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Tests\TestCase;

/**
 * A shop manager uses Rondine but cannot connect or disconnect the bridge, set the WhatsApp credentials or export
 * every contact (403); an administrator can (the request gets past the permission check).
 */
final class AdminOnlyRoutesTest extends TestCase {

	/**
	 * The administrator-only requests: method, route, body, query.
	 *
	 * @return array<string,array{0:string,1:string,2:array<string,mixed>,3:array<string,mixed>}>
	 */
	public function admin_only(): array {
		return array(
			'connect'     => array( 'POST', '/rondine/v1/settings', array( 'connection_code' => 'rondine_x' ), array() ),
			'disconnect'  => array( 'DELETE', '/rondine/v1/settings/connection', array(), array() ),
			'credentials' => array(
				'PUT',
				'/rondine/v1/whatsapp',
				array(
					'phone_number_id' => '123456',
					'waba_id'         => '654321',
					'access_token'    => 'EAAG-test-token-0000',
					'app_secret'      => 'app-secret-0000',
				),
				array(),
			),
			'credentials check' => array(
				'POST',
				'/rondine/v1/whatsapp/check',
				array(
					'phone_number_id' => '123456',
					'waba_id'         => '654321',
					'access_token'    => 'EAAG-test-token-0000',
				),
				array(),
			),
			'full export' => array( 'GET', '/rondine/v1/contacts/export', array(), array() ),
		);
	}

	/**
	 * Shop managers get 403 and nothing changes.
	 *
	 * @dataProvider admin_only
	 * @param string              $method Method.
	 * @param string              $route  Route.
	 * @param array<string,mixed> $body   Body.
	 * @param array<string,mixed> $query  Query.
	 */
	public function test_shop_manager_gets_403( string $method, string $route, array $body, array $query ): void {
		$this->connect_locally( str_repeat( 'm', 32 ) );
		$before = get_option( \Rondine\Bridge\Connection::OPTION );
		wp_set_current_user( $this->user( 'shop_manager' ) );
		$response = $this->rest( $method, $route, $body, $query );
		$this->assertSame( 403, $response->get_status(), "$method $route" );
		$this->assertSame( 'rondine_forbidden', $response->get_data()['code'] );
		$this->assertSame( $before, get_option( \Rondine\Bridge\Connection::OPTION ), 'the connection is unchanged' );
	}

	/**
	 * Administrators get past the permission check.
	 *
	 * @dataProvider admin_only
	 * @param string              $method Method.
	 * @param string              $route  Route.
	 * @param array<string,mixed> $body   Body.
	 * @param array<string,mixed> $query  Query.
	 */
	public function test_administrator_is_allowed( string $method, string $route, array $body, array $query ): void {
		$this->connect_locally( str_repeat( 'a', 32 ) );
		wp_set_current_user( $this->user( 'administrator' ) );
		$status = $this->rest( $method, $route, $body, $query )->get_status();
		$this->assertNotContains( $status, array( 401, 403 ), "$method $route" );
	}

	/**
	 * A shop manager still saves the shop's own settings, and sees the rest of Rondine.
	 */
	public function test_shop_manager_keeps_the_shop_settings(): void {
		wp_set_current_user( $this->user( 'shop_manager' ) );
		$response = $this->rest( 'POST', '/rondine/v1/settings', array( 'default_country' => 'DE' ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'DE', $response->get_data()['default_country'] );
		$this->assertSame( 200, $this->rest( 'GET', '/rondine/v1/contacts' )->get_status() );
		$this->assertFalse( \Rondine\Admin\Page::boot_data()['canManageConnection'] );
		wp_set_current_user( $this->user( 'administrator' ) );
		$this->assertTrue( \Rondine\Admin\Page::boot_data()['canManageConnection'] );
	}
}
