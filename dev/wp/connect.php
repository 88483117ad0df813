<?php
/**
 * Connects the environment's Rondine plugin to a bridge with a connection code, through the plugin's own code
 * (Rondine\Bridge\Connection::connect(), the same path as pasting the code in wp-admin).
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php connect.php --code=rondine_...   (prints {"url":..,"site":..})
 *        RONDINE_WP_DIR=<env>/wordpress php connect.php --check --url=URL      (exit 0 when connected to that bridge)
 *
 * @package Rondine\Dev
 */

require __DIR__ . '/bootstrap.php';

$rondine_options = getopt( '', array( 'code:', 'check', 'url:' ) );

if ( ! class_exists( '\Rondine\Bridge\Connection' ) ) {
	fwrite( STDERR, "connect.php: the Rondine plugin is not active (no Rondine\\Bridge\\Connection)\n" );
	exit( 1 );
}

if ( isset( $rondine_options['check'] ) ) {
	$rondine_stored = \Rondine\Bridge\Connection::stored();
	$rondine_wanted = rtrim( (string) ( $rondine_options['url'] ?? '' ), '/' );
	if ( null === $rondine_stored || ( '' !== $rondine_wanted && rtrim( $rondine_stored['url'], '/' ) !== $rondine_wanted ) ) {
		exit( 1 );
	}
	echo wp_json_encode(
		array(
			'url'  => $rondine_stored['url'],
			'site' => $rondine_stored['site'],
		)
	) . "\n";
	exit( 0 );
}

if ( empty( $rondine_options['code'] ) ) {
	fwrite( STDERR, "connect.php: --code or --check is required\n" );
	exit( 2 );
}

try {
	$rondine_connection = \Rondine\Bridge\Connection::connect( $rondine_options['code'] );
} catch ( \Throwable $rondine_error ) {
	fwrite( STDERR, 'connect.php: ' . get_class( $rondine_error ) . ': ' . $rondine_error->getMessage() . "\n" );
	exit( 1 );
}
echo wp_json_encode( $rondine_connection ) . "\n";
