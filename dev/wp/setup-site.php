<?php
/**
 * Sets up an installed WordPress for Rondine: WooCommerce activated (its installer creates its tables, roles and pages;
 * dev/wp/setup-woocommerce.php then sets it up in a new process), the test users, the plugin activated. Idempotent. Writes the users and their passwords to --users-file (kept between runs, created when missing).
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php setup-site.php --users-file=<env>/users.json --admin-password=PW
 *
 * @package Rondine\Dev
 */

require __DIR__ . '/bootstrap.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

$rondine_options = getopt( '', array( 'users-file:', 'admin-password:' ) );
if ( empty( $rondine_options['users-file'] ) || empty( $rondine_options['admin-password'] ) ) {
	fwrite( STDERR, "setup-site.php: --users-file and --admin-password are required\n" );
	exit( 2 );
}
add_filter( 'pre_wp_mail', '__return_false' );

// The real WooCommerce (dev/lib/stack.sh copies it into wp-content/plugins): activating it runs WC_Install::install(),
// which creates its tables, its roles (customer, shop_manager) and its pages.
if ( ! is_plugin_active( 'woocommerce/woocommerce.php' ) ) {
	if ( ! is_file( WP_PLUGIN_DIR . '/woocommerce/woocommerce.php' ) ) {
		fwrite( STDERR, "WooCommerce is not in wp-content/plugins\n" );
		exit( 1 );
	}
	wp_set_current_user( 1 );
	$rondine_activation = activate_plugin( 'woocommerce/woocommerce.php' );
	if ( is_wp_error( $rondine_activation ) ) {
		fwrite( STDERR, 'cannot activate WooCommerce: ' . $rondine_activation->get_error_message() . "\n" );
		exit( 1 );
	}
	fwrite( STDERR, "WooCommerce activated\n" );
}
if ( ! get_role( 'customer' ) || ! get_role( 'shop_manager' ) ) {
	WC_Install::create_roles();
}

$rondine_users_file = $rondine_options['users-file'];
$rondine_users      = is_file( $rondine_users_file ) ? json_decode( (string) file_get_contents( $rondine_users_file ), true ) : array();
if ( ! is_array( $rondine_users ) ) {
	$rondine_users = array();
}

// The users the tests log in as: one per kind of person who meets Rondine.
$rondine_wanted = array(
	'admin'    => array( 'administrator', 'admin@bottega.test', 'Giulia', 'Ferri' ),
	'manager'  => array( 'shop_manager', 'manager@bottega.test', 'Marco', 'Bellini' ),
	'editor'   => array( 'editor', 'editor@bottega.test', 'Sofia', 'Conti' ),
	// Writes posts without unfiltered_html (kses applies): the security tests post hostile markup as this user.
	'author'   => array( 'author', 'autore@bottega.test', 'Elena', 'Greco' ),
	'customer' => array( 'customer', 'cliente@bottega.test', 'Luca', 'Esposito' ),
);

foreach ( $rondine_wanted as $rondine_login => list( $rondine_role, $rondine_email, $rondine_first, $rondine_last ) ) {
	$rondine_password = 'admin' === $rondine_login
		? $rondine_options['admin-password']
		: ( $rondine_users[ $rondine_login ]['password'] ?? wp_generate_password( 20, false ) );
	$rondine_user     = get_user_by( 'login', $rondine_login );
	$rondine_data     = array(
		'user_login' => $rondine_login,
		'user_email' => $rondine_email,
		'user_pass'  => $rondine_password,
		'first_name' => $rondine_first,
		'last_name'  => $rondine_last,
		'role'       => $rondine_role,
	);
	if ( $rondine_user ) {
		$rondine_data['ID'] = $rondine_user->ID;
		if ( isset( $rondine_users[ $rondine_login ]['password'] ) && $rondine_users[ $rondine_login ]['password'] === $rondine_password && wp_check_password( $rondine_password, $rondine_user->user_pass, $rondine_user->ID ) ) {
			unset( $rondine_data['user_pass'] );
		}
		$rondine_id = wp_update_user( $rondine_data );
	} else {
		$rondine_id = wp_insert_user( $rondine_data );
	}
	if ( is_wp_error( $rondine_id ) ) {
		fwrite( STDERR, "cannot create the user $rondine_login: " . $rondine_id->get_error_message() . "\n" );
		exit( 1 );
	}
	$rondine_users[ $rondine_login ] = array(
		'id'       => (int) $rondine_id,
		'login'    => $rondine_login,
		'password' => $rondine_password,
		'role'     => $rondine_role,
		'email'    => $rondine_email,
	);
}
file_put_contents( $rondine_users_file, wp_json_encode( $rondine_users, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) . "\n" );
chmod( $rondine_users_file, 0600 );

// The plugin, when its bootstrap file is there (the plugin/ folder is linked, not copied).
if ( is_file( WP_PLUGIN_DIR . '/rondine/rondine.php' ) && ! is_plugin_active( 'rondine/rondine.php' ) ) {
	wp_set_current_user( $rondine_users['admin']['id'] );
	$rondine_activation = activate_plugin( 'rondine/rondine.php' );
	if ( is_wp_error( $rondine_activation ) ) {
		fwrite( STDERR, 'cannot activate the Rondine plugin: ' . $rondine_activation->get_error_message() . "\n" );
		exit( 1 );
	}
	fwrite( STDERR, "Rondine plugin activated\n" );
}

// A demo shop has its chat button on: one agent, as the owner would set it up in Rondine > Chat button.
if ( class_exists( '\Rondine\Widget\Settings' ) && false === get_option( \Rondine\Widget\Settings::OPTION ) ) {
	$rondine_chat = \Rondine\Widget\Settings::update(
		array(
			'enabled' => true,
			'agents'  => array(
				array(
					'name'  => 'Giulia',
					'role'  => 'Bottega Demo',
					'phone' => '+39 333 123 4567',
				),
			),
		)
	);
	if ( is_wp_error( $rondine_chat ) ) {
		fwrite( STDERR, 'cannot turn the chat button on: ' . wp_json_encode( $rondine_chat->get_error_data() ) . "\n" );
		exit( 1 );
	}
	fwrite( STDERR, "chat button turned on\n" );
}
