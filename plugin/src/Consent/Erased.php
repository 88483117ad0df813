<?php
/**
 * Tombstones of erased people.
 *
 * @package Rondine
 */

namespace Rondine\Consent;

defined( 'ABSPATH' ) || exit;

/**
 * After WordPress's eraser removed a person, the contacts sync and CSV imports must not bring them back. The table
 * `rondine_erased` keeps, for each erased E.164 phone and e-mail address, only a keyed hash: HMAC-SHA256 of
 * "phone:+39…" or "email:lower-case address" with a key derived from the site's salts (wp_salt('auth')), so the
 * table does not hold the phone or the address and cannot be reversed without the site's wp-config.php keys.
 * Rotating those salts makes old tombstones stop matching (the bridge still keeps the phone on its suppression list).
 *
 * A tombstone is lifted only by the same person's explicit new opt-in: a ticked checkout box for their own order or
 * the My Account checkbox (see Checkout and MyAccount).
 */
final class Erased {

	/**
	 * Table name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'rondine_erased';
	}

	/**
	 * The keyed hash of a phone or an e-mail address.
	 *
	 * @param string $kind  phone or email.
	 * @param string $value E.164 phone or e-mail address.
	 */
	public static function hash( string $kind, string $value ): string {
		$value = 'email' === $kind ? strtolower( trim( $value ) ) : trim( $value );
		return hash_hmac( 'sha256', $kind . ':' . $value, 'rondine-erased|' . wp_salt( 'auth' ) );
	}

	/**
	 * Records that these phones and addresses were erased.
	 *
	 * @param string[] $phones E.164 phones.
	 * @param string[] $emails E-mail addresses.
	 */
	public static function add( array $phones, array $emails ): void {
		global $wpdb;
		$now = current_time( 'mysql', true );
		foreach ( self::hashes( $phones, $emails ) as $hash ) {
			$wpdb->query( $wpdb->prepare( 'INSERT IGNORE INTO %i (hash, erased_at) VALUES (%s, %s)', self::table(), $hash, $now ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tombstone table (no WordPress API); an erasure must be seen at once, never cached.
		}
	}

	/**
	 * Lifts the tombstone of a phone (and e-mail) after the person's explicit new opt-in.
	 *
	 * @param string $phone E.164.
	 * @param string $email E-mail address, '' for none.
	 */
	public static function lift( string $phone, string $email = '' ): void {
		global $wpdb;
		foreach ( self::hashes( array( $phone ), '' === $email ? array() : array( $email ) ) as $hash ) {
			$wpdb->delete( self::table(), array( 'hash' => $hash ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tombstone table (no WordPress API); an erasure must be seen at once, never cached.
		}
	}

	/**
	 * Whether a phone was erased.
	 *
	 * @param string $phone E.164.
	 */
	public static function phone( string $phone ): bool {
		return (bool) self::which( array( $phone ), array() );
	}

	/**
	 * The erased ones among phones and addresses.
	 *
	 * @param string[] $phones E.164 phones.
	 * @param string[] $emails E-mail addresses.
	 * @return array<string,true> Keys "phone:<e164>" and "email:<lower-case address>".
	 */
	public static function which( array $phones, array $emails ): array {
		global $wpdb;
		$by_hash = array();
		foreach ( array_unique( array_filter( array_map( 'strval', $phones ) ) ) as $phone ) {
			$by_hash[ self::hash( 'phone', $phone ) ] = 'phone:' . $phone;
		}
		foreach ( array_unique( array_filter( array_map( static fn( $e ) => strtolower( trim( (string) $e ) ), $emails ) ) ) as $email ) {
			$by_hash[ self::hash( 'email', $email ) ] = 'email:' . $email;
		}
		if ( ! $by_hash ) {
			return array();
		}
		$out = array();
		foreach ( array_chunk( array_keys( $by_hash ), 500 ) as $chunk ) {
			$found = $wpdb->get_col( $wpdb->prepare( 'SELECT hash FROM %i WHERE hash IN (' . implode( ',', array_fill( 0, count( $chunk ), '%s' ) ) . ')', array_merge( array( self::table() ), $chunk ) ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the plugin's own tombstone table (no WordPress API); an erasure must be seen at once, never cached.
			foreach ( $found ?: array() as $hash ) {
				$out[ $by_hash[ $hash ] ] = true;
			}
		}
		return $out;
	}

	/**
	 * Hashes of phones and addresses.
	 *
	 * @param string[] $phones Phones.
	 * @param string[] $emails Addresses.
	 * @return string[]
	 */
	private static function hashes( array $phones, array $emails ): array {
		$out = array();
		foreach ( array_filter( array_map( 'strval', $phones ) ) as $phone ) {
			$out[] = self::hash( 'phone', $phone );
		}
		foreach ( array_filter( array_map( 'strval', $emails ) ) as $email ) {
			$out[] = self::hash( 'email', $email );
		}
		return array_unique( $out );
	}
}
