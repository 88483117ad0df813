<?php
/**
 * Removes Rondine's tables, options, transients, cron events, user meta and order meta when the plugin is deleted
 * from wp-admin, on every site of a multisite network.
 *
 * @package Rondine
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/src/Settings.php';
require_once __DIR__ . '/src/Installer.php';
require_once __DIR__ . '/src/Uninstaller.php';

\Rondine\Uninstaller::run();
