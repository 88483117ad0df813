<?php
/**
 * Writes <wordpress>/wp-config.php for a local environment.
 *
 * Usage: php write-config.php --wordpress=DIR --url=URL --socket=PATH --db-password=PW --salts=FILE --log=FILE
 *
 * @package Rondine\Dev
 */

$options = getopt( '', array( 'wordpress:', 'url:', 'socket:', 'db-password:', 'salts:', 'log:' ) );
foreach ( array( 'wordpress', 'url', 'socket', 'db-password', 'salts', 'log' ) as $required ) {
	if ( empty( $options[ $required ] ) ) {
		fwrite( STDERR, "write-config.php: --$required is required\n" );
		exit( 2 );
	}
}

$config = sprintf(
	<<<'PHP'
<?php
// Written by dev/wp/write-config.php for the local Rondine stack; rewritten on every start.
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wordpress' );
define( 'DB_PASSWORD', %s );
define( 'DB_HOST', %s );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';

require %s;

define( 'WP_HOME', %s );
define( 'WP_SITEURL', %s );
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', %s );
define( 'WP_DEBUG_DISPLAY', false );
define( 'SCRIPT_DEBUG', false );
// No cron on page loads (the bridge owns everything time-bound) and no calls to the internet; loopback stays allowed.
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'FS_METHOD', 'direct' );
// Development only: the local bridge is on 127.0.0.1 over http, which the plugin refuses otherwise.
define( 'RONDINE_ALLOW_PRIVATE_BRIDGE_URL', true );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';

PHP,
	var_export( $options['db-password'], true ),
	var_export( 'localhost:' . $options['socket'], true ),
	var_export( $options['salts'], true ),
	var_export( rtrim( $options['url'], '/' ), true ),
	var_export( rtrim( $options['url'], '/' ), true ),
	var_export( $options['log'], true )
);

$target = rtrim( $options['wordpress'], '/' ) . '/wp-config.php';
if ( ! is_file( $target ) || file_get_contents( $target ) !== $config ) {
	file_put_contents( $target, $config );
}
