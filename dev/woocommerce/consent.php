<?php
/**
 * Records the generated customers' agreement to marketing messages the way the plugin stores consent.
 *
 * generate.php picks about 70% of the customers with a usable phone (deterministically from the seed). Here they become
 * the plugin's contacts (Rondine\Audience\CustomerSync::sync(), as the plugin's own sync does from wc_customer_lookup)
 * and their consent is recorded as granted with Rondine\Consent\Consent::record_bulk() (source `bulk`, the shop's
 * consent wording), which updates rondine_contacts and appends to rondine_consent_log.
 *
 * @package Rondine\Dev
 */

/**
 * @param array<int,array{customer_id:int}> $customers Opted-in customers.
 * @param int                               $at        When they agreed (the generator's --until).
 * @return string What was done, for the summary.
 */
function rondine_dev_record_marketing_consent( array $customers, int $at ): string {
	global $wpdb;
	if ( ! class_exists( '\Rondine\Audience\CustomerSync' ) || ! class_exists( '\Rondine\Consent\Consent' ) ) {
		return 'not recorded: the Rondine plugin is not active';
	}
	$synced = \Rondine\Audience\CustomerSync::sync();

	$table   = \Rondine\Audience\Contacts::table();
	$ids     = array();
	$wanted  = array_map( static fn( $c ) => (int) $c['customer_id'], $customers );
	foreach ( array_chunk( $wanted, 1000 ) as $chunk ) {
		$found = $wpdb->get_col( "SELECT id FROM $table WHERE customer_id IN (" . implode( ',', array_map( 'intval', $chunk ) ) . ')' ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		foreach ( $found as $id ) {
			$ids[] = (int) $id;
		}
	}
	$wording = class_exists( '\Rondine\Settings' ) && method_exists( '\Rondine\Settings', 'consent_text' )
		? \Rondine\Settings::consent_text()
		: 'I agree to receive offers and news on WhatsApp.';
	$granted = \Rondine\Consent\Consent::record_bulk( $ids, \Rondine\Consent\Consent::GRANTED, 'bulk', $wording );
	if ( class_exists( '\Rondine\Bridge\Outbox' ) ) {
		// The generated consents are the shop's starting state, not changes the bridge must hear of (a grant only
		// lifts a revocation the bridge does not have): the outbox is left empty instead of sending every contact.
		$wpdb->query( 'DELETE FROM ' . \Rondine\Bridge\Outbox::table() . " WHERE kind = 'consent'" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}
	return sprintf( '%d contacts synced from %d customers, consent granted to %d', $synced['created'] + $synced['updated'], $synced['customers'], $granted );
}
