<?php
/**
 * Router for `php -S`, doing what WordPress's Apache rewrite rules do: an existing file or folder is handled by the
 * built-in server as it is (static files served, .php files run, folders through their index.php), every other path
 * (pretty permalinks, /wp-json/...) goes through WordPress's index.php.
 *
 * @package Rondine\Dev
 */

$rondine_path = urldecode( (string) parse_url( $_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH ) );

if ( '/' !== $rondine_path && file_exists( $_SERVER['DOCUMENT_ROOT'] . $rondine_path ) ) {
	return false;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
