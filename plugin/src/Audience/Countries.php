<?php
/**
 * Countries by name, for choosing them in the owner's language.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * The countries a shop owner picks from: WooCommerce's list when WooCommerce is active, else every ISO 3166-1
 * country; each named in the user's language (ICU's names through PHP's intl, as in "Italia" in Italian; else
 * WooCommerce's name; else the code).
 */
final class Countries {

	/**
	 * Every ISO 3166-1 alpha-2 code in use.
	 */
	private const ISO = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW';

	/**
	 * Code → name in the user's language, sorted by name as that language sorts.
	 *
	 * @return array<int,array{value:string,label:string}>
	 */
	public static function options(): array {
		$woo = array();
		if ( function_exists( 'WC' ) && isset( WC()->countries ) ) {
			$woo = (array) WC()->countries->get_countries();
		}
		$codes  = $woo ? array_map( 'strval', array_keys( $woo ) ) : explode( ' ', self::ISO );
		$locale = determine_locale();
		$names  = array();
		foreach ( $codes as $code ) {
			$name = '';
			if ( class_exists( '\Locale' ) ) {
				$name = (string) \Locale::getDisplayRegion( '-' . $code, $locale );
			}
			if ( '' === $name || $code === $name ) {
				$name = isset( $woo[ $code ] ) ? html_entity_decode( wp_strip_all_tags( (string) $woo[ $code ] ), ENT_QUOTES ) : $code;
			}
			$names[ $code ] = $name;
		}
		if ( class_exists( '\Collator' ) ) {
			$collator = new \Collator( $locale );
			uasort( $names, static fn( $a, $b ) => (int) $collator->compare( $a, $b ) );
		} else {
			asort( $names, SORT_STRING | SORT_FLAG_CASE );
		}
		$options = array();
		foreach ( $names as $code => $name ) {
			$options[] = array(
				'value' => (string) $code,
				'label' => $name,
			);
		}
		return $options;
	}
}
