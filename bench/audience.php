<?php
/**
 * Audience figures on a generated shop: segment counts (median of repeated runs) and the whole opted-in audience
 * streamed to a bridge through the signed endpoint over HTTP, page by page, as the bridge does at a campaign's start.
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php bench/audience.php --url=http://127.0.0.1:<port> [--runs=11] [--page=5000]
 * (bench/audience.sh starts the PHP server and runs this.) The site's bridge connection is replaced by a local one
 * for the run and restored afterwards.
 *
 * @package Rondine\Bench
 */

require dirname( __DIR__ ) . '/dev/wp/bootstrap.php';

use Rondine\Audience\Audience;
use Rondine\Bridge\Connection;
use Rondine\Bridge\Signer;

$rondine_opts = getopt( '', array( 'url:', 'runs:', 'page:' ) );
$rondine_url  = rtrim( $rondine_opts['url'] ?? '', '/' );
$rondine_runs = max( 1, (int) ( $rondine_opts['runs'] ?? 11 ) );
$rondine_page = max( 1, (int) ( $rondine_opts['page'] ?? 5000 ) ); // The page the bridge asks for (audience/snapshot.ts).
if ( '' === $rondine_url ) {
	fwrite( STDERR, "--url is required\n" );
	exit( 2 );
}
global $wpdb;

/**
 * Median in milliseconds of a callable's run time.
 *
 * @param callable $run  What to time; returns the count.
 * @param int      $runs Runs.
 * @return array{0:float,1:int} Median ms and the count.
 */
function rondine_bench_median( callable $run, int $runs ): array {
	$times = array();
	$count = 0;
	$run(); // Warm the buffer pool once, as a shop's database is warm.
	for ( $i = 0; $i < $runs; $i++ ) {
		$start   = hrtime( true );
		$count   = $run();
		$times[] = ( hrtime( true ) - $start ) / 1e6;
	}
	sort( $times );
	return array( $times[ intdiv( count( $times ), 2 ) ], $count );
}

$rondine_segments = array(
	'spent > 100 in the last 365 days, in Italy (2 filters)' => array(
		array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100, 'within_days' => 365 ),
		array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'IT' ) ),
	),
	'3 filters: spent > 100 in 365 days, Italy, at least 2 orders' => array(
		array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100, 'within_days' => 365 ),
		array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'IT' ) ),
		array( 'field' => 'order_count', 'op' => 'gte', 'value' => 2 ),
	),
	'3 filters without a period: Italy, spent > 100, at least 2 orders' => array(
		array( 'field' => 'billing_country', 'op' => 'in', 'value' => array( 'IT' ) ),
		array( 'field' => 'total_spent', 'op' => 'gt', 'value' => 100 ),
		array( 'field' => 'order_count', 'op' => 'gte', 'value' => 2 ),
	),
	'3 filters: registered, last order in 90 days, bought category (the largest)' => null,
	'no filter (every opted-in contact)' => array(),
);
// The category holding the most products (WooCommerce's installer creates "Uncategorized" first, and it is empty here).
$rondine_category = (int) $wpdb->get_var(
	"SELECT tt.term_id FROM {$wpdb->term_relationships} tr JOIN {$wpdb->term_taxonomy} tt ON tt.term_taxonomy_id = tr.term_taxonomy_id
	WHERE tt.taxonomy = 'product_cat' GROUP BY tt.term_id ORDER BY COUNT(*) DESC, tt.term_id LIMIT 1"
);
$rondine_segments['3 filters: registered, last order in 90 days, bought category (the largest)'] = array(
	array( 'field' => 'customer_type', 'op' => 'is', 'value' => 'registered' ),
	array( 'field' => 'last_order_date', 'op' => 'in_last_days', 'value' => 90 ),
	array( 'field' => 'bought_category', 'op' => 'any_of', 'value' => array( max( 1, $rondine_category ) ) ),
);

$rondine_customers = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_customer_lookup" );
$rondine_orders    = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_order_stats WHERE parent_id = 0" );
$rondine_opted_in  = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}rondine_contacts WHERE consent = 'granted' AND phone IS NOT NULL" );
printf( "audience: %d customers, %d orders, %d opted-in contacts\n", $rondine_customers, $rondine_orders, $rondine_opted_in );

foreach ( $rondine_segments as $rondine_name => $rondine_filters ) {
	$rondine_audience = array(
		'segments'   => array(),
		'lists'      => array(),
		'definition' => array(
			'groups' => $rondine_filters ? array(
				array(
					'match'   => 'all',
					'filters' => $rondine_filters,
				),
			) : array(),
		),
	);
	[ $rondine_ms, $rondine_count ] = rondine_bench_median( static fn() => Audience::count( $rondine_audience ), $rondine_runs );
	printf( "  segment count    %-72s %7.1f ms median of %d (count %d)\n", $rondine_name, $rondine_ms, $rondine_runs, $rondine_count );
}

// Streaming: every opted-in contact (a segment with no filter), through POST /rondine/v1/bridge/audience over HTTP.
$rondine_saved  = get_option( Connection::OPTION );
$rondine_secret = random_bytes( 32 );
$rondine_site   = wp_generate_uuid4();
update_option(
	Connection::OPTION,
	array(
		'url'          => 'http://127.0.0.1:9',
		'site'         => $rondine_site,
		'secret'       => Connection::base64url_encode( $rondine_secret ),
		'connected_at' => gmdate( 'c' ),
	),
	false
);
try {
	$rondine_segment = \Rondine\Audience\Segments::save( null, 'bench: everyone', array( 'groups' => array() ) );
	$rondine_cursor  = null;
	$rondine_total   = 0;
	$rondine_pages   = 0;
	$rondine_start   = hrtime( true );
	do {
		$rondine_body = (string) wp_json_encode(
			array(
				'campaign_id' => wp_generate_uuid4(),
				'audience'    => array(
					'segments' => array( $rondine_segment['id'] ),
					'lists'    => array(),
				),
				'cursor'      => $rondine_cursor,
				'limit'       => $rondine_page,
			)
		);
		$rondine_resp = wp_remote_post(
			$rondine_url . '/wp-json/rondine/v1/bridge/audience',
			array(
				'headers' => Signer::headers( $rondine_site, $rondine_secret, 'POST', '/rondine/v1/bridge/audience', $rondine_body ) + array( 'Content-Type' => 'application/json' ),
				'body'    => $rondine_body,
				'timeout' => 60,
			)
		);
		if ( is_wp_error( $rondine_resp ) || 200 !== wp_remote_retrieve_response_code( $rondine_resp ) ) {
			fwrite( STDERR, 'page failed: ' . ( is_wp_error( $rondine_resp ) ? $rondine_resp->get_error_message() : wp_remote_retrieve_body( $rondine_resp ) ) . "\n" );
			exit( 1 );
		}
		$rondine_data    = json_decode( wp_remote_retrieve_body( $rondine_resp ), true );
		$rondine_total  += count( $rondine_data['recipients'] );
		$rondine_cursor  = $rondine_data['next_cursor'];
		++$rondine_pages;
	} while ( null !== $rondine_cursor );
	$rondine_seconds = ( hrtime( true ) - $rondine_start ) / 1e9;
	printf( "  streaming        %d recipients in %d pages of %d over HTTP: %.2f s (%d recipients/s)\n", $rondine_total, $rondine_pages, $rondine_page, $rondine_seconds, (int) ( $rondine_total / max( 0.001, $rondine_seconds ) ) );
	\Rondine\Audience\Segments::delete( $rondine_segment['id'] );
} finally {
	if ( false === $rondine_saved ) {
		delete_option( Connection::OPTION );
	} else {
		update_option( Connection::OPTION, $rondine_saved, false );
	}
}
