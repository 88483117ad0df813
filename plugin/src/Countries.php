<?php
/**
 * The countries a shop owner can choose.
 *
 * @package Rondine
 */

namespace Rondine;

defined( 'ABSPATH' ) || exit;

/**
 * Every country, with its name in the user's language: WooCommerce's list (its translated names) when WooCommerce is
 * loaded, else every ISO 3166-1 country, named by PHP's intl extension when present (the admin app names the others
 * with the browser's Intl.DisplayNames).
 */
final class Countries {

	/**
	 * ISO 3166-1 alpha-2 codes of every country and territory.
	 */
	public const CODES = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

	/**
	 * Code → name (null when no name is known here), sorted by name.
	 *
	 * @return array<string,string|null>
	 */
	public static function all(): array {
		if ( function_exists( 'WC' ) && isset( WC()->countries ) ) {
			$countries = array();
			foreach ( WC()->countries->get_countries() as $code => $name ) {
				$countries[ (string) $code ] = html_entity_decode( (string) $name, ENT_QUOTES, 'UTF-8' );
			}
			return $countries;
		}
		$locale    = function_exists( 'get_user_locale' ) ? get_user_locale() : 'en_US';
		$countries = array();
		foreach ( explode( ' ', self::CODES ) as $code ) {
			$name               = class_exists( \Locale::class ) ? (string) \Locale::getDisplayRegion( 'und_' . $code, $locale ) : '';
			$countries[ $code ] = '' === $name || $code === $name ? null : $name;
		}
		if ( class_exists( \Collator::class ) ) {
			$collator = new \Collator( $locale );
			uksort(
				$countries,
				static function ( $a, $b ) use ( $countries, $collator ) {
					return (int) $collator->compare( $countries[ $a ] ?? $a, $countries[ $b ] ?? $b );
				}
			);
		}
		return $countries;
	}

	/**
	 * Whether a code is one of the countries offered.
	 *
	 * @param string $code ISO 3166-1 alpha-2, upper case.
	 */
	public static function exists( string $code ): bool {
		return array_key_exists( $code, self::all() );
	}
}
