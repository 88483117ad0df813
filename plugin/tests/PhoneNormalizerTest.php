<?php
/**
 * Phone normaliser table.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Phone\Normalizer;

/**
 * How shoppers of the six shop countries write their numbers, and what must be refused.
 */
final class PhoneNormalizerTest extends \PHPUnit\Framework\TestCase {

	/**
	 * Raw, default country, expected E.164 and country.
	 *
	 * @return array<string,array{0:string,1:string,2:string,3:string}>
	 */
	public function valid(): array {
		return array(
			'IT mobile with spaces'             => array( '333 123 4567', 'IT', '+393331234567', 'IT' ),
			'IT mobile +39'                     => array( '+39 333 1234567', 'DE', '+393331234567', 'IT' ),
			'IT mobile (+39) and dashes'        => array( '(+39) 328-111-2222', 'DE', '+393281112222', 'IT' ),
			'IT mobile (0039)'                  => array( '(0039) 328 111 2222', 'FR', '+393281112222', 'IT' ),
			'IT mobile ( +39 ) spaced'          => array( '( +39 )328.111.2222', 'IT', '+393281112222', 'IT' ),
			'IT mobile 0039'                    => array( '0039 333-123-4567', 'FR', '+393331234567', 'IT' ),
			'IT mobile typed with 39, no +'     => array( '39 333 1234567', 'IT', '+393331234567', 'IT' ),
			'IT landline keeps its 0'           => array( '06 6982 1234', 'IT', '+390669821234', 'IT' ),
			'IT landline international keeps 0' => array( '+39 06 69821234', 'US', '+390669821234', 'IT' ),
			'DE mobile with trunk 0'            => array( '0151 23456789', 'DE', '+4915123456789', 'DE' ),
			'DE +49 (0)'                        => array( '+49 (0)151 23456789', 'IT', '+4915123456789', 'DE' ),
			'DE +49 with stray trunk 0'         => array( '+49 0170 1234567', 'IT', '+491701234567', 'DE' ),
			'DE Berlin landline'                => array( '030 12345678', 'DE', '+493012345678', 'DE' ),
			'FR mobile dotted'                  => array( '06.12.34.56.78', 'FR', '+33612345678', 'FR' ),
			'FR +33'                            => array( '+33 6 12 34 56 78', 'ES', '+33612345678', 'FR' ),
			'ES mobile'                         => array( '612 345 678', 'ES', '+34612345678', 'ES' ),
			'ES fixed'                          => array( '91 123 45 67', 'ES', '+34911234567', 'ES' ),
			'GB mobile'                         => array( '07700 900123', 'GB', '+447700900123', 'GB' ),
			'GB London +44 (0)'                 => array( '+44 (0)20 7946 0018', 'US', '+442079460018', 'GB' ),
			'US brackets'                       => array( '(415) 555-2671', 'US', '+14155552671', 'US' ),
			'US with trunk 1'                   => array( '1-415-555-2671', 'US', '+14155552671', 'US' ),
			'US dialling out with 011'          => array( '011 39 333 1234567', 'US', '+393331234567', 'IT' ),
			'extension dropped'                 => array( '+1 415 555 2671 ext. 12', 'IT', '+14155552671', 'US' ),
			'generic +CC (Japan)'               => array( '+81 90 1234 5678', 'IT', '+819012345678', 'JP' ),
			'generic 00CC (Netherlands)'        => array( '0031 6 12345678', 'IT', '+31612345678', 'NL' ),
			'national number of another default' => array( '06 12345678', 'NL', '+31612345678', 'NL' ),
		);
	}

	/**
	 * Valid numbers normalise.
	 *
	 * @dataProvider valid
	 * @param string $raw      Input.
	 * @param string $country  Default country.
	 * @param string $e164     Expected number.
	 * @param string $region   Expected country.
	 */
	public function test_normalises_to_e164( string $raw, string $country, string $e164, string $region ): void {
		$result = Normalizer::normalize( $raw, $country );
		$this->assertTrue( $result['ok'], "$raw: " . (string) $result['reason'] );
		$this->assertSame( $e164, $result['e164'] );
		$this->assertSame( $region, $result['country'] );
	}

	/**
	 * Raw, default country, expected reason.
	 *
	 * @return array<string,array{0:string,1:string,2:string}>
	 */
	public function invalid(): array {
		return array(
			'empty'                        => array( '   ', 'IT', 'empty' ),
			'letters'                      => array( '333 CALL ME', 'IT', 'invalid_characters' ),
			'SQL in a phone'               => array( "333'; DROP TABLE wp_users; --", 'IT', 'invalid_characters' ),
			'two plus signs'               => array( '+39 +333 1234567', 'IT', 'misplaced_plus' ),
			'plus in the middle'           => array( '333 +1234567', 'IT', 'misplaced_plus' ),
			'too short'                    => array( '12345', 'IT', 'too_short' ),
			'unknown country code'         => array( '+999 1234567', 'IT', 'unknown_country_code' ),
			'no prefix, no default'        => array( '333 1234567', '', 'no_default_country' ),
			'IT too long'                  => array( '+39 333 12345678901', 'IT', 'too_long' ),
			'IT number not starting 0/3/8' => array( '+39 5123456789', 'IT', 'invalid_for_country' ),
			'DE without trunk nationally'  => array( '151 23456789', 'DE', 'invalid_for_country' ),
			'FR too short'                 => array( '06 12 34 56', 'FR', 'invalid_for_country' ),
			'ES starting 1'                => array( '123 456 789', 'ES', 'invalid_for_country' ),
			'GB mobile too short'          => array( '07700 90012', 'GB', 'invalid_for_country' ),
			'US area code starting 0'      => array( '(015) 555-2671', 'US', 'invalid_for_country' ),
			'E.164 longer than 15 digits'  => array( '+81 1234567890123456', 'IT', 'too_long' ),
		);
	}

	/**
	 * Invalid numbers are refused with the reason.
	 *
	 * @dataProvider invalid
	 * @param string $raw     Input.
	 * @param string $country Default country.
	 * @param string $reason  Expected reason.
	 */
	public function test_refuses_with_reason( string $raw, string $country, string $reason ): void {
		$result = Normalizer::normalize( $raw, $country );
		$this->assertFalse( $result['ok'], $raw );
		$this->assertNull( $result['e164'] );
		$this->assertSame( $reason, $result['reason'] );
		$this->assertNotSame( '', Normalizer::explain( $reason ) );
	}
}
