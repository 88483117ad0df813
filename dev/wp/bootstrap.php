<?php
/**
 * Loads the WordPress of an environment from the command line: RONDINE_WP_DIR=<env>/wordpress.
 *
 * @package Rondine\Dev
 */

$rondine_wp_dir = getenv( 'RONDINE_WP_DIR' );
if ( ! $rondine_wp_dir || ! is_file( $rondine_wp_dir . '/wp-config.php' ) ) {
	fwrite( STDERR, "RONDINE_WP_DIR must point to a WordPress folder with a wp-config.php\n" );
	exit( 2 );
}

$rondine_home = '';
if ( preg_match( "/define\\( 'WP_HOME', '([^']+)' \\)/", (string) file_get_contents( $rondine_wp_dir . '/wp-config.php' ), $rondine_match ) ) {
	$rondine_home = $rondine_match[1];
}
$_SERVER['HTTP_HOST']   = (string) parse_url( $rondine_home, PHP_URL_HOST ) . ( parse_url( $rondine_home, PHP_URL_PORT ) ? ':' . parse_url( $rondine_home, PHP_URL_PORT ) : '' );
$_SERVER['SERVER_NAME'] = (string) parse_url( $rondine_home, PHP_URL_HOST );
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PORT'] = (string) ( parse_url( $rondine_home, PHP_URL_PORT ) ?? 80 );
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';

require_once $rondine_wp_dir . '/wp-load.php';
