<?php
/**
 * The wp-admin page.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Admin\Page;

/**
 * The "Rondine" menu uses Rondine's capability, mounts the app root, enqueues the built app with its translations
 * and boot data (nothing secret), and says how to build it when it is missing.
 */
final class AdminPageTest extends TestCase {

	/**
	 * Registers the menu as an administrator.
	 */
	private function menu(): string {
		global $menu, $submenu, $_wp_submenu_nopriv, $admin_page_hooks, $_registered_pages;
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$menu               = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		$submenu            = array(); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		$_wp_submenu_nopriv = array();
		$admin_page_hooks   = array();
		$_registered_pages  = array();
		wp_set_current_user( $this->user( 'administrator' ) );
		Page::menu();
		$this->assertSame( 'rondine', $admin_page_hooks['rondine'] ?? null );
		$item = array_values( array_filter( $menu, static fn( $m ) => 'rondine' === $m[2] ) )[0];
		$this->assertSame( \Rondine\Plugin::capability(), $item[1] );
		return 'toplevel_page_rondine';
	}

	/**
	 * The page mounts the app, or says how to build it.
	 */
	public function test_page_mounts_the_app_root(): void {
		$this->menu();
		ob_start();
		Page::render();
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( '<div id="rondine-admin-root"></div>', $html );
		if ( ! is_readable( Page::asset_file() ) ) {
			$this->assertStringContainsString( 'npm run build', $html );
		} else {
			$this->assertStringNotContainsString( 'notice-error', $html );
		}
	}

	/**
	 * With the build present: the script with its dependencies, wp-components, translations and boot data.
	 */
	public function test_enqueue_with_translations_and_boot_data(): void {
		$hook = $this->menu();
		if ( ! is_readable( Page::asset_file() ) ) {
			// Without a build only the notice can be checked (previous test); the boot data is checked here.
			$this->assertSame( 'rondine/v1', Page::boot_data()['restNamespace'] );
			return;
		}
		Page::enqueue( $hook );
		$this->assertTrue( wp_script_is( Page::HANDLE, 'enqueued' ) );
		$this->assertTrue( wp_style_is( 'wp-components', 'enqueued' ) );
		$script = wp_scripts()->registered[ Page::HANDLE ];
		$asset  = require Page::asset_file();
		$this->assertSame( $asset['dependencies'], $script->deps );
		$this->assertSame( 'rondine', $script->textdomain );
		$this->assertSame( RONDINE_DIR . 'languages', $script->translations_path );
		$inline = implode( "\n", (array) wp_scripts()->get_data( Page::HANDLE, 'before' ) );
		$this->assertStringContainsString( 'window.rondineAdmin = ', $inline );
		$this->assertStringContainsString( '"restNamespace":"rondine\/v1"', $inline );
		Page::enqueue( 'index.php' );
	}

	/**
	 * Boot data holds what the app needs and nothing secret.
	 */
	public function test_boot_data(): void {
		$this->connect_locally( str_repeat( 'b', 32 ) );
		$data = Page::boot_data();
		foreach ( array( 'restNamespace', 'version', 'siteTimezone', 'defaultCountry', 'connected' ) as $key ) {
			$this->assertArrayHasKey( $key, $data );
		}
		$this->assertTrue( $data['connected'] );
		$this->assertStringNotContainsString( \Rondine\Bridge\Connection::base64url_encode( str_repeat( 'b', 32 ) ), (string) wp_json_encode( $data ) );
	}

	/**
	 * HPOS compatibility is declared on before_woocommerce_init.
	 */
	public function test_hpos_compatibility_is_declared(): void {
		$this->assertNotFalse( has_action( 'before_woocommerce_init' ) );
		$source = (string) file_get_contents( RONDINE_FILE );
		$this->assertStringContainsString( "declare_compatibility( 'custom_order_tables', __FILE__, true )", $source );
	}
}
