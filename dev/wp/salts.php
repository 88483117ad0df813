<?php
/**
 * Prints the eight WordPress keys and salts as PHP define() lines, from random_bytes().
 *
 * @package Rondine\Dev
 */

$names = array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' );
echo "<?php\n";
foreach ( $names as $name ) {
	printf( "define( '%s', '%s' );\n", $name, bin2hex( random_bytes( 32 ) ) );
}
