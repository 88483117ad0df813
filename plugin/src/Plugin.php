<?php
/**
 * Plugin entry point.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * Registers every feature once. Each feature class has a static `register()` that adds its own hooks; nothing
 * else in the plugin hooks at file scope.
 */
final class Plugin {

	/**
	 * Whether boot() already ran.
	 *
	 * @var bool
	 */
	private static bool $booted = false;

	/**
	 * The features, in registration order.
	 *
	 * @return string[] Class names with a static register().
	 */
	public static function features(): array {
		$features = array(
			Installer::class,
			I18n::class,
			Admin\Page::class,
			Rest\Routes::class,
			Consent\Checkout::class,
			Consent\MyAccount::class,
			Consent\Privacy::class,
			Audience\CustomerSync::class,
			Bridge\Outbox::class,
			Automations\ContactEvents::class,
			Automations\OrderEvents::class,
			Widget\Feature::class,
		);
		return $features;
	}

	/**
	 * Registers the hooks of every feature.
	 */
	public static function boot(): void {
		if ( self::$booted ) {
			return;
		}
		self::$booted = true;
		foreach ( self::features() as $feature ) {
			$feature::register();
		}
	}

	/**
	 * The capability needed for everything in Rondine's wp-admin page and REST API.
	 *
	 * `manage_woocommerce` when WooCommerce is active or its roles are installed (WooCommerce gives administrators and
	 * shop managers that capability on install and leaves it in place), otherwise `manage_options`.
	 */
	public static function capability(): string {
		$administrator = function_exists( 'get_role' ) ? get_role( 'administrator' ) : null;
		$woo_roles     = $administrator && $administrator->has_cap( 'manage_woocommerce' );
		$default       = self::woocommerce_active() || $woo_roles ? 'manage_woocommerce' : 'manage_options';
		/**
		 * Filters the capability that grants access to Rondine.
		 *
		 * @param string $capability Default `manage_woocommerce` with WooCommerce, `manage_options` without.
		 */
		return (string) apply_filters( 'rondine_capability', $default );
	}

	/**
	 * The capability needed, on top of capability(), to decide where customer data goes: connecting or disconnecting
	 * the bridge, the WhatsApp credentials, full contact exports. `manage_options` (administrators): a shop manager
	 * could otherwise point the bridge at any server and receive the shop's customers.
	 */
	public static function admin_capability(): string {
		/**
		 * Filters the capability that allows changing the bridge connection, the WhatsApp credentials and exporting
		 * all contacts.
		 *
		 * @param string $capability Default `manage_options`.
		 */
		return (string) apply_filters( 'rondine_admin_capability', 'manage_options' );
	}

	/**
	 * Whether WooCommerce is loaded (the plugin, not just its tables).
	 */
	public static function woocommerce_active(): bool {
		return class_exists( 'WooCommerce' ) || defined( 'WC_VERSION' );
	}
}
