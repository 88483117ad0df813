<?php
/**
 * The storefront chat button feature.
 *
 * @package Rondine
 */

namespace Rondine\Widget;

defined( 'ABSPATH' ) || exit;

/**
 * Registers everything of the chat button: the storefront output. Its REST routes (settings, preview, stats and
 * the public click beacon) are in Rest\ChatButtonController, registered with the other controllers.
 */
final class Feature {

	/**
	 * Hooks.
	 */
	public static function register(): void {
		Storefront::register();
	}
}
