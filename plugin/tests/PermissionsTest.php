<?php
/**
 * Who may call which route.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

/**
 * Every route and method of rondine/v1 (read from the REST server, so a new route cannot be forgotten): an
 * administrator gets through, a shop manager too except where customer data goes (connection, WhatsApp credentials,
 * full export: 403); an editor, a customer and a visitor get 403. The bridge routes answer
 * 401 to all of them (they need the bridge's signature).
 */
final class PermissionsTest extends TestCase {

	/**
	 * Every (route, method) of the namespace, with path parameters filled in.
	 *
	 * @return array<int,array{0:string,1:string}>
	 */
	private function endpoints(): array {
		$out = array();
		foreach ( rest_get_server()->get_routes( 'rondine/v1' ) as $route => $handlers ) {
			if ( '/rondine/v1' === $route ) {
				continue;
			}
			$path = preg_replace_callback(
				'/\(\?P<(\w+)>([^)]*)\)/',
				static function ( $m ) {
					if ( 'id' === $m[1] && false !== strpos( $m[2], 'a-f' ) ) {
						return '6f1c2a7e-0d55-4f7e-9a1e-2b8f1c0d9e11';
					}
					if ( 'action' === $m[1] ) {
						return explode( '|', $m[2] )[0];
					}
					return '1';
				},
				$route
			);
			foreach ( $handlers as $handler ) {
				foreach ( array_keys( $handler['methods'] ) as $method ) {
					$out[ "$method $path" ] = array( $method, $path );
				}
			}
		}
		ksort( $out );
		return array_values( $out );
	}

	/**
	 * Status of each endpoint for the current user.
	 *
	 * @return array<string,int>
	 */
	private function statuses(): array {
		$statuses = array();
		foreach ( $this->endpoints() as [ $method, $path ] ) {
			$statuses[ "$method $path" ] = $this->rest( $method, $path )->get_status();
		}
		return $statuses;
	}

	/**
	 * Whether the route is one of the bridge's.
	 *
	 * @param string $key "METHOD /path".
	 */
	private static function is_bridge( string $key ): bool {
		return false !== strpos( $key, '/rondine/v1/bridge/' );
	}

	/**
	 * Every route has a permission callback (WordPress would otherwise let anyone in, with a notice).
	 */
	public function test_every_route_has_a_permission_callback(): void {
		$count = 0;
		foreach ( rest_get_server()->get_routes( 'rondine/v1' ) as $route => $handlers ) {
			if ( '/rondine/v1' === $route ) {
				continue;
			}
			foreach ( $handlers as $handler ) {
				$this->assertArrayHasKey( 'permission_callback', $handler, $route );
				if ( '/rondine/v1/chat-button/click' === $route ) {
					continue; // The storefront's click counter is public by design (widget engineer's route).
				}
				$this->assertNotSame( '__return_true', $handler['permission_callback'], $route );
				++$count;
			}
		}
		$this->assertGreaterThan( 30, $count );
	}

	/**
	 * The capability is manage_woocommerce where WooCommerce's roles exist, and follows the filter.
	 */
	public function test_capability_follows_woocommerce_and_filter(): void {
		$this->assertSame( 'manage_woocommerce', \Rondine\Plugin::capability() );
		$filter = static fn() => 'manage_options';
		add_filter( 'rondine_capability', $filter );
		$this->assertSame( 'manage_options', \Rondine\Plugin::capability() );
		remove_filter( 'rondine_capability', $filter );
	}

	/**
	 * Roles allowed in.
	 *
	 * @return array<string,array{0:string}>
	 */
	public function allowed(): array {
		return array(
			'administrator' => array( 'administrator' ),
			'shop manager'  => array( 'shop_manager' ),
		);
	}

	/**
	 * Where customer data goes: administrators only (the connection code, sent to POST /settings, in
	 * Security/AdminOnlyRoutesTest).
	 */
	private const ADMIN_ONLY = array(
		'DELETE /rondine/v1/settings/connection',
		'PUT /rondine/v1/whatsapp',
		'POST /rondine/v1/whatsapp/check',
		'GET /rondine/v1/contacts/export',
	);

	/**
	 * Shop managers and administrators pass every admin route (bridge routes still want a signature), except that shop
	 * managers get 403 where customer data goes.
	 *
	 * @dataProvider allowed
	 * @param string $role Role.
	 */
	public function test_allowed_roles_pass_every_route( string $role ): void {
		$this->assertNotNull( get_role( $role ), "the $role role exists on the test site (WooCommerce's roles)" );
		wp_set_current_user( $this->user( $role ) );
		foreach ( $this->statuses() as $key => $status ) {
			if ( self::is_bridge( $key ) ) {
				$this->assertSame( 401, $status, $key );
			} elseif ( 'shop_manager' === $role && in_array( $key, self::ADMIN_ONLY, true ) ) {
				$this->assertSame( 403, $status, $key );
			} else {
				$this->assertNotContains( $status, array( 401, 403 ), $key );
			}
		}
	}

	/**
	 * Roles kept out.
	 *
	 * @return array<string,array{0:string}>
	 */
	public function refused(): array {
		return array(
			'editor'   => array( 'editor' ),
			'customer' => array( 'customer' ),
			'visitor'  => array( '' ),
		);
	}

	/**
	 * Editors, customers and visitors get 403 on every admin route and 401 on the bridge routes.
	 *
	 * @dataProvider refused
	 * @param string $role Role, '' for a visitor.
	 */
	public function test_other_roles_get_403_everywhere( string $role ): void {
		if ( '' !== $role ) {
			$this->assertNotNull( get_role( $role ), "the $role role exists" );
			wp_set_current_user( $this->user( $role ) );
		}
		$statuses = $this->statuses();
		$this->assertGreaterThan( 35, count( $statuses ) );
		foreach ( $statuses as $key => $status ) {
			if ( self::is_bridge( $key ) ) {
				$this->assertSame( 401, $status, $key );
			} elseif ( false !== strpos( $key, '/chat-button/click' ) ) {
				// The storefront's click counter is public by design (the widget engineer's route).
				continue;
			} else {
				$this->assertSame( 403, $status, $key );
			}
		}
	}
}
