<?php
/**
 * Removes Rondine's tables and options when the plugin is deleted from wp-admin.
 *
 * @package Rondine
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/src/Settings.php';
require_once __DIR__ . '/src/Installer.php';

\Rondine\Installer::uninstall();
