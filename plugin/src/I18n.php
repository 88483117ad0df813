<?php
/**
 * Translations.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * Loads the plugin's own translations from languages/ (those from translate.wordpress.org take precedence).
 */
final class I18n {

	/**
	 * Hooks.
	 */
	public static function register(): void {
		add_action( 'init', array( self::class, 'load' ) );
	}

	/**
	 * Loads languages/rondine-<locale>.mo.
	 */
	public static function load(): void {
		load_plugin_textdomain( 'rondine', false, dirname( plugin_basename( RONDINE_FILE ) ) . '/languages' );
	}
}
