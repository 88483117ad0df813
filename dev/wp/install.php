<?php
/**
 * Installs WordPress in an environment with wp_install() (there is no WP-CLI here), once.
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php install.php --admin-password=PW
 *
 * @package Rondine\Dev
 */

define( 'WP_INSTALLING', true );
require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$rondine_options = getopt( '', array( 'admin-password:' ) );
if ( empty( $rondine_options['admin-password'] ) ) {
	fwrite( STDERR, "install.php: --admin-password is required\n" );
	exit( 2 );
}

// There is no sendmail here: the "new site" mail is not sent, on purpose.
add_filter( 'pre_wp_mail', '__return_false' );

if ( ! is_blog_installed() ) {
	$rondine_result = wp_install( 'Bottega Demo', 'admin', 'admin@bottega.test', true, '', $rondine_options['admin-password'], 'en_US' );
	if ( is_wp_error( $rondine_result ) ) {
		fwrite( STDERR, 'wp_install failed: ' . $rondine_result->get_error_message() . "\n" );
		exit( 1 );
	}
	fwrite( STDERR, "WordPress installed\n" );
}

update_option( 'blogname', 'Bottega Demo' );
update_option( 'blogdescription', 'Ceramiche, tessuti e dispensa dal 1987' );
update_option( 'timezone_string', 'Europe/Rome' );
update_option( 'date_format', 'j F Y' );
update_option( 'time_format', 'H:i' );
update_option( 'start_of_week', 1 );
// Fresh sites ask to confirm the admin email on first login; that screen would stand in front of every test.
update_option( 'admin_email_lifespan', time() + 10 * YEAR_IN_SECONDS );

global $wp_rewrite;
if ( '/%postname%/' !== get_option( 'permalink_structure' ) ) {
	$wp_rewrite->set_permalink_structure( '/%postname%/' );
}
update_option( 'rewrite_rules', '' );
