<?php
/**
 * Phone numbers to E.164.
 *
 * @package Rondine
 */

namespace Rondine\Phone;

defined( 'ABSPATH' ) || exit;

/**
 * Turns phone numbers as shoppers type them into E.164 (+393331234567).
 *
 * PHP has no libphonenumber here (no Composer dependency is shipped with the plugin), so this is a careful, small
 * normaliser: full national rules for the shop countries IT, DE, FR, ES, GB and US (trunk prefix, lengths, leading
 * digits of valid ranges), and for every other country the international form (+CC or 00CC) with the ITU country
 * code table and E.164 length limits. It is the one authority on validity (docs/ARCHITECTURE.md "Contracts"): the
 * bridge keeps every E.164 number the plugin sends as it is, so the audience the segment editor counts is the one the
 * campaign sends to. docs/phone-vectors.json holds the awkward cases, checked here and on the bridge.
 */
final class Normalizer {

	/**
	 * ISO 3166-1 alpha-2 → country calling code.
	 */
	public const COUNTRY_CODES = array(
		'AD' => '376', 'AE' => '971', 'AF' => '93', 'AL' => '355', 'AM' => '374', 'AO' => '244', 'AR' => '54', 'AT' => '43',
		'AU' => '61', 'AZ' => '994', 'BA' => '387', 'BD' => '880', 'BE' => '32', 'BF' => '226', 'BG' => '359', 'BH' => '973',
		'BJ' => '229', 'BO' => '591', 'BR' => '55', 'BY' => '375', 'CA' => '1', 'CD' => '243', 'CH' => '41', 'CI' => '225',
		'CL' => '56', 'CM' => '237', 'CN' => '86', 'CO' => '57', 'CR' => '506', 'CU' => '53', 'CY' => '357', 'CZ' => '420',
		'DE' => '49', 'DK' => '45', 'DO' => '1', 'DZ' => '213', 'EC' => '593', 'EE' => '372', 'EG' => '20', 'ES' => '34',
		'ET' => '251', 'FI' => '358', 'FR' => '33', 'GB' => '44', 'GE' => '995', 'GH' => '233', 'GR' => '30', 'GT' => '502',
		'HK' => '852', 'HN' => '504', 'HR' => '385', 'HU' => '36', 'ID' => '62', 'IE' => '353', 'IL' => '972', 'IN' => '91',
		'IQ' => '964', 'IR' => '98', 'IS' => '354', 'IT' => '39', 'JM' => '1', 'JO' => '962', 'JP' => '81', 'KE' => '254',
		'KR' => '82', 'KW' => '965', 'KZ' => '7', 'LB' => '961', 'LI' => '423', 'LK' => '94', 'LT' => '370', 'LU' => '352',
		'LV' => '371', 'MA' => '212', 'MC' => '377', 'MD' => '373', 'ME' => '382', 'MK' => '389', 'MT' => '356', 'MU' => '230',
		'MX' => '52', 'MY' => '60', 'NG' => '234', 'NI' => '505', 'NL' => '31', 'NO' => '47', 'NZ' => '64', 'OM' => '968',
		'PA' => '507', 'PE' => '51', 'PH' => '63', 'PK' => '92', 'PL' => '48', 'PR' => '1', 'PT' => '351', 'PY' => '595',
		'QA' => '974', 'RO' => '40', 'RS' => '381', 'RU' => '7', 'SA' => '966', 'SE' => '46', 'SG' => '65', 'SI' => '386',
		'SK' => '421', 'SM' => '378', 'SN' => '221', 'SV' => '503', 'TH' => '66', 'TN' => '216', 'TR' => '90', 'TW' => '886',
		'TZ' => '255', 'UA' => '380', 'UG' => '256', 'US' => '1', 'UY' => '598', 'UZ' => '998', 'VA' => '39', 'VE' => '58',
		'VN' => '84', 'ZA' => '27', 'ZW' => '263',
	); // phpcs:ignore WordPress.Arrays.ArrayDeclarationSpacing.ArrayItemNoNewLine -- a table of calling codes, eight to a line, reads better than one per line.

	/**
	 * Two-digit country codes (with 1 and 7, every code that is not three digits long).
	 */
	private const CC2 = array( '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98' );

	/**
	 * Assigned three-digit country codes.
	 */
	private const CC3 = '211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 992 993 994 995 996 998';

	/**
	 * Calling codes of the shop countries, whose national formats are known.
	 */
	private const SHOP = array(
		'39' => 'IT',
		'49' => 'DE',
		'33' => 'FR',
		'34' => 'ES',
		'44' => 'GB',
		'1'  => 'US',
	);

	/**
	 * Normalises one number.
	 *
	 * @param string $raw             As typed (spaces, dots, dashes, brackets, "(0)", 00 or + prefix, extensions).
	 * @param string $default_country ISO code for numbers without an international prefix.
	 * @return array{ok:bool,e164:?string,country:?string,reason:?string} Reason codes: empty, invalid_characters, misplaced_plus,
	 *         no_default_country, unknown_country_code, too_short, too_long, invalid_for_country.
	 */
	public static function normalize( string $raw, string $default_country ): array {
		$text = trim( $raw );
		// Extensions cannot be messaged: "ext. 12", "x12", "#12".
		$text = (string) preg_replace( '/\s*(?:ext\.?|extension|x|#)\s*\d+\s*$/i', '', $text );
		if ( '' === $text ) {
			return self::fail( 'empty' );
		}
		if ( preg_match( '/[^\d\s+().\-\/]/u', $text ) ) {
			return self::fail( 'invalid_characters' );
		}
		// "(+39) 328 ..." and "(0039) 328 ...": the country code written in brackets, as many forms and signatures do.
		$text          = (string) preg_replace( '/^\(\s*(\+|00)\s*(\d{1,3})\s*\)/', '$1$2 ', $text );
		$international = false;
		if ( '+' === $text[0] ) {
			$international = true;
			// "+44 (0)20 ..." and "+39 (0)6 ...": the bracketed trunk prefix is not dialled from abroad.
			$text = (string) preg_replace( '/^\+\s*(\d{1,3})\s*\(0\)/', '+$1', $text );
		}
		if ( substr_count( $text, '+' ) > ( $international ? 1 : 0 ) ) {
			return self::fail( 'misplaced_plus' );
		}
		$digits          = (string) preg_replace( '/\D/', '', $text );
		$default_country = strtoupper( $default_country );
		if ( ! $international ) {
			if ( 0 === strpos( $digits, '00' ) ) {
				$international = true;
				$digits        = substr( $digits, 2 );
			} elseif ( in_array( $default_country, array( 'US', 'CA' ), true ) && 0 === strpos( $digits, '011' ) ) {
				$international = true;
				$digits        = substr( $digits, 3 );
			}
		}
		if ( strlen( $digits ) < 4 ) {
			return self::fail( 'too_short' );
		}
		if ( $international ) {
			$cc = self::country_code_of( $digits );
			if ( null === $cc ) {
				return self::fail( 'unknown_country_code' );
			}
			$national = substr( $digits, strlen( $cc ) );
			$country  = self::SHOP[ $cc ] ?? self::region_of( $cc );
		} else {
			if ( '' === $default_country ) {
				return self::fail( 'no_default_country' );
			}
			$cc = self::COUNTRY_CODES[ $default_country ] ?? null;
			if ( null === $cc ) {
				return self::fail( 'no_default_country' );
			}
			$national = $digits;
			$country  = $default_country;
			// A national number of a shop country typed with its own country code but no + ("39 333 ...").
			if ( isset( self::SHOP[ $cc ] ) && 0 === strpos( $digits, $cc ) && null !== self::national( self::SHOP[ $cc ], substr( $digits, strlen( $cc ) ), true ) && null === self::national( self::SHOP[ $cc ], $digits, false ) ) {
				$national = substr( $digits, strlen( $cc ) );
			}
		}
		if ( isset( self::SHOP[ $cc ] ) ) {
			$shop_country = self::SHOP[ $cc ];
			$checked      = self::national( $shop_country, $national, $international );
			if ( null === $checked ) {
				return self::fail( strlen( $national ) < 6 ? 'too_short' : ( strlen( $national ) > 11 ? 'too_long' : 'invalid_for_country' ) );
			}
			$country = '1' === $cc ? ( 'CA' === $default_country ? 'CA' : 'US' ) : $shop_country;
			return self::pass( '+' . $cc . $checked, $country );
		}
		if ( ! $international ) {
			// Most countries dial a trunk 0 nationally that is not part of the international number.
			$national = ltrim( $national, '0' );
		}
		$total    = strlen( $cc ) + strlen( $national );
		if ( strlen( $national ) < 4 || $total < 8 ) {
			return self::fail( 'too_short' );
		}
		if ( $total > 15 ) {
			return self::fail( 'too_long' );
		}
		return self::pass( '+' . $cc . $national, $country );
	}

	/**
	 * The E.164 form or null.
	 *
	 * @param string $raw             Number.
	 * @param string $default_country ISO code.
	 */
	public static function to_e164( string $raw, string $default_country ): ?string {
		return self::normalize( $raw, $default_country )['e164'];
	}

	/**
	 * A human explanation of a reason code.
	 *
	 * @param string $reason Reason code from normalize().
	 */
	public static function explain( string $reason ): string {
		switch ( $reason ) {
			case 'empty':
				return __( 'The phone number is empty.', 'rondine' );
			case 'invalid_characters':
				return __( 'The phone number contains characters other than digits, spaces, brackets, dots, dashes and a leading +.', 'rondine' );
			case 'misplaced_plus':
				return __( 'The phone number has a + that is not at its start (or in brackets at its start, as in "(+39) 328 111 2222").', 'rondine' );
			case 'no_default_country':
				return __( 'The phone number has no international prefix and no default country is set.', 'rondine' );
			case 'unknown_country_code':
				return __( 'The international prefix is not a known country code.', 'rondine' );
			case 'too_short':
				return __( 'The phone number is too short.', 'rondine' );
			case 'too_long':
				return __( 'The phone number is too long.', 'rondine' );
			default:
				return __( 'The phone number is not valid for its country.', 'rondine' );
		}
	}

	/**
	 * Checks a national number of a shop country; answers the national significant number or null.
	 *
	 * @param string $country       IT, DE, FR, ES, GB or US.
	 * @param string $national      Digits after the country code (or as dialled nationally).
	 * @param bool   $international Whether the digits came after a country code.
	 */
	private static function national( string $country, string $national, bool $international ): ?string {
		switch ( $country ) {
			case 'IT':
				// Italy keeps the leading 0 of fixed lines in international form. Mobiles 3xx (9-10 digits),
				// fixed 0x (6-11 digits), toll-free/shared 80x/89x (6-10 digits).
				if ( preg_match( '/^3\d{8,9}$/', $national ) || preg_match( '/^0\d{5,10}$/', $national ) || preg_match( '/^8[0-9]\d{4,8}$/', $national ) ) {
					return $national;
				}
				return null;
			case 'DE':
				// Trunk prefix 0 dropped (also when mistakenly kept after +49). Mobiles 15x/16x/17x (10-11
				// digits), geographic numbers start 2-9 (6-11 digits with the area code).
				$nsn = 0 === strpos( $national, '0' ) ? substr( $national, 1 ) : $national;
				if ( ! $international && 0 !== strpos( $national, '0' ) ) {
					return null;
				}
				if ( preg_match( '/^1[5-7]\d{8,9}$/', $nsn ) || preg_match( '/^[2-9]\d{5,10}$/', $nsn ) ) {
					return $nsn;
				}
				return null;
			case 'FR':
				// Trunk 0 then nine digits; 1-5 geographic, 6-7 mobile, 8 special, 9 non-geographic.
				$nsn = 0 === strpos( $national, '0' ) ? substr( $national, 1 ) : $national;
				if ( ! $international && 0 !== strpos( $national, '0' ) ) {
					return null;
				}
				return preg_match( '/^[1-9]\d{8}$/', $nsn ) ? $nsn : null;
			case 'ES':
				// No trunk prefix: nine digits starting 6 or 7 (mobile), 8 or 9 (fixed).
				return preg_match( '/^[6-9]\d{8}$/', $national ) ? $national : null;
			case 'GB':
				// Trunk 0; mobiles 7xxx xxxxxx (10 digits), geographic 1/2 (9-10), 3 (10), 8 and 9 (9-10).
				$nsn = 0 === strpos( $national, '0' ) ? substr( $national, 1 ) : $national;
				if ( ! $international && 0 !== strpos( $national, '0' ) ) {
					return null;
				}
				if ( preg_match( '/^7\d{9}$/', $nsn ) || preg_match( '/^[1-2]\d{8,9}$/', $nsn ) || preg_match( '/^3\d{9}$/', $nsn ) || preg_match( '/^[89]\d{8,9}$/', $nsn ) ) {
					return $nsn;
				}
				return null;
			case 'US':
				// NANP: optional trunk 1, then NXX NXX XXXX (area code and exchange do not start with 0 or 1).
				$nsn = ( 11 === strlen( $national ) && '1' === $national[0] ) ? substr( $national, 1 ) : $national;
				return preg_match( '/^[2-9]\d{2}[2-9]\d{6}$/', $nsn ) ? $nsn : null;
		}
		return null;
	}

	/**
	 * The country calling code at the start of an international number.
	 *
	 * @param string $digits Digits after + or 00.
	 */
	private static function country_code_of( string $digits ): ?string {
		if ( '1' === $digits[0] || '7' === $digits[0] ) {
			return $digits[0];
		}
		$two = substr( $digits, 0, 2 );
		if ( in_array( $two, self::CC2, true ) ) {
			return $two;
		}
		$three = substr( $digits, 0, 3 );
		if ( in_array( $three, explode( ' ', self::CC3 ), true ) ) {
			return $three;
		}
		return null;
	}

	/**
	 * The region of a calling code, when only one country in COUNTRY_CODES has it.
	 *
	 * @param string $cc Calling code.
	 */
	private static function region_of( string $cc ): ?string {
		$regions = array_keys( self::COUNTRY_CODES, $cc, true );
		return 1 === count( $regions ) ? $regions[0] : null;
	}

	/**
	 * Success.
	 *
	 * @param string      $e164    Number.
	 * @param string|null $country Region.
	 * @return array{ok:bool,e164:?string,country:?string,reason:?string}
	 */
	private static function pass( string $e164, ?string $country ): array {
		return array(
			'ok'      => true,
			'e164'    => $e164,
			'country' => $country,
			'reason'  => null,
		);
	}

	/**
	 * Failure.
	 *
	 * @param string $reason Reason code.
	 * @return array{ok:bool,e164:?string,country:?string,reason:?string}
	 */
	private static function fail( string $reason ): array {
		return array(
			'ok'      => false,
			'e164'    => null,
			'country' => null,
			'reason'  => $reason,
		);
	}
}
