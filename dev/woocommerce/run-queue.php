<?php
/**
 * Runs WooCommerce's queued actions now (Action Scheduler), as WP-Cron would (the stack disables WP-Cron), until its
 * analytics import has nothing pending; with --import-history, WooCommerce's historical analytics import too ("Import
 * historical data": orders saved once are imported only by it). For tests that need WooCommerce's lookup tables to
 * catch up after orders were placed.
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php run-queue.php [--import-history] [--timeout=120]
 * Prints {"actions": N} on stdout.
 *
 * @package Rondine\Dev
 */

require_once dirname( __DIR__ ) . '/wp/bootstrap.php';
require_once __DIR__ . '/demo.php';

$rondine_options = getopt( '', array( 'import-history', 'timeout:' ) );
if ( ! class_exists( 'WooCommerce' ) ) {
	fwrite( STDERR, "run-queue.php: WooCommerce is not active\n" );
	exit( 1 );
}
add_filter( 'pre_wp_mail', '__return_false' );
$rondine_ran = rondine_dev_run_woocommerce_queue( (int) ( $rondine_options['timeout'] ?? 120 ), isset( $rondine_options['import-history'] ) );
echo wp_json_encode( array( 'actions' => $rondine_ran ) ) . "\n";
