<?php
/**
 * The wp-admin page.
 *
 * @package Rondine
 */

namespace Rondine\Admin;

defined( 'ABSPATH' ) || exit;

use Rondine\Bridge\Connection;
use Rondine\Plugin;
use Rondine\Settings;

/**
 * A top-level "Rondine" menu whose page mounts the admin app (build/admin/index.js) in `#rondine-admin-root`, with
 * its dependencies from index.asset.php, the wp-components style, its translations, and boot data that holds
 * nothing secret.
 */
final class Page {

	public const SLUG   = 'rondine';
	public const HANDLE = 'rondine-admin';

	/**
	 * The page's hook suffix.
	 *
	 * @var string
	 */
	private static string $hook = '';

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menu' ) );
		add_action( 'admin_enqueue_scripts', array( self::class, 'enqueue' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( RONDINE_FILE ), array( self::class, 'action_links' ) );
	}

	/**
	 * The menu.
	 */
	public static function menu(): void {
		self::$hook = (string) add_menu_page(
			__( 'Rondine', 'rondine' ),
			__( 'Rondine', 'rondine' ),
			Plugin::capability(),
			self::SLUG,
			array( self::class, 'render' ),
			'data:image/svg+xml;base64,' . base64_encode( self::icon() ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- menu icon.
			56
		);
	}

	/**
	 * "Settings" link on the Plugins screen.
	 *
	 * @param string[] $links Links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( admin_url( 'admin.php?page=' . self::SLUG . '#/settings' ) ) . '">' . esc_html__( 'Settings', 'rondine' ) . '</a>' );
		return $links;
	}

	/**
	 * Path of the built admin app's asset file.
	 */
	public static function asset_file(): string {
		return RONDINE_DIR . 'build/admin/index.asset.php';
	}

	/**
	 * Scripts and styles, on Rondine's page only.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public static function enqueue( $hook_suffix ): void {
		if ( '' === self::$hook || $hook_suffix !== self::$hook || ! is_readable( self::asset_file() ) ) {
			return;
		}
		$asset = require self::asset_file();
		// The Media Library frame (wp.media), for the campaign editor's image, video and document headers.
		wp_enqueue_media();
		wp_enqueue_script(
			self::HANDLE,
			RONDINE_URL . 'build/admin/index.js',
			$asset['dependencies'] ?? array(),
			$asset['version'] ?? RONDINE_VERSION,
			true
		);
		wp_enqueue_style( 'wp-components' );
		// @wordpress/scripts writes index.css (CSS imported by components) and style-index.css (style.scss files).
		foreach ( array( 'index.css' => self::HANDLE, 'style-index.css' => self::HANDLE . '-style' ) as $file => $handle ) {
			if ( is_readable( RONDINE_DIR . 'build/admin/' . $file ) ) {
				wp_enqueue_style( $handle, RONDINE_URL . 'build/admin/' . $file, array( 'wp-components' ), $asset['version'] ?? RONDINE_VERSION );
				wp_style_add_data( $handle, 'rtl', 'replace' );
			}
		}
		wp_set_script_translations( self::HANDLE, 'rondine', RONDINE_DIR . 'languages' );
		wp_add_inline_script( self::HANDLE, 'window.rondineAdmin = ' . wp_json_encode( self::boot_data() ) . ';', 'before' );
	}

	/**
	 * What the admin app needs before its first request. Nothing secret: no site secret, no token.
	 *
	 * @return array<string,mixed>
	 */
	public static function boot_data(): array {
		$connection = Connection::stored();
		$user       = wp_get_current_user();
		return array(
			'restNamespace'  => 'rondine/v1',
			'restRoot'       => esc_url_raw( rest_url() ),
			'version'        => RONDINE_VERSION,
			'siteTimezone'   => Settings::timezone(),
			'gmtOffset'      => (float) get_option( 'gmt_offset', 0 ),
			'defaultCountry' => Settings::default_country(),
			'locale'         => determine_locale(),
			'shopName'       => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
			'currency'       => function_exists( 'get_woocommerce_currency' ) ? get_woocommerce_currency() : (string) get_option( 'woocommerce_currency', '' ),
			'woocommerce'    => Plugin::woocommerce_active(),
			// WooCommerce's order statuses, custom ones included (slug without wc- => label): order triggers.
			'orderStatuses'  => (object) \Rondine\Automations\OrderEvents::statuses(),
			'connected'      => null !== $connection,
			'adminUrl'       => admin_url( 'admin.php?page=' . self::SLUG ),
			'dateFormat'     => (string) get_option( 'date_format' ),
			'timeFormat'     => (string) get_option( 'time_format' ),
			'userDisplayName' => $user ? $user->display_name : '',
			// Connection, WhatsApp credentials and full contact exports: administrators only (the REST API enforces it).
			'canManageConnection' => current_user_can( Plugin::admin_capability() ),
		);
	}

	/**
	 * The page: the app's root, or how to build it.
	 */
	public static function render(): void {
		if ( ! current_user_can( Plugin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage Rondine.', 'rondine' ), 403 );
		}
		echo '<div class="wrap rondine-wrap">';
		if ( ! is_readable( self::asset_file() ) ) {
			echo '<h1>' . esc_html__( 'Rondine', 'rondine' ) . '</h1>';
			echo '<div class="notice notice-error"><p>';
			printf(
				/* translators: 1: command, 2: folder. */
				esc_html__( 'The Rondine admin app has not been built. Run %1$s at the root of the Rondine repository (it writes %2$s), then reload this page.', 'rondine' ),
				'<code>npm run build</code>',
				'<code>plugin/build/admin/</code>'
			);
			echo '</p></div>';
		}
		echo '<div id="rondine-admin-root"></div></div>';
	}

	/**
	 * A swallow, for the menu.
	 */
	private static function icon(): string {
		return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><path fill="black" d="M1 6c3 0 6 1 8 4 1-3 4-6 10-7-3 2-5 4-6 7 2 0 4 1 5 3-3-1-6 0-8 2-1 1-2 3-2 5-1-3-2-5-4-7C3 11 2 9 1 6z"/></svg>';
	}
}
