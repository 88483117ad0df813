<?php
/**
 * Phone vectors shared with the bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Phone\Normalizer;

/**
 * The plugin's normaliser is the authority on phone validity (docs/ARCHITECTURE.md "Contracts"): it gives exactly the
 * answers of docs/phone-vectors.json, which the bridge's tests read too (its snapshot keeps every number accepted here).
 */
final class PhoneVectorsTest extends \PHPUnit\Framework\TestCase {

	/**
	 * The vectors.
	 *
	 * @return array<string,array{0:array<string,string>}>
	 */
	public function vectors(): array {
		$file = dirname( __DIR__, 2 ) . '/docs/phone-vectors.json';
		$data = json_decode( (string) file_get_contents( $file ), true );
		$out  = array();
		foreach ( $data['vectors'] as $vector ) {
			$out[ $vector['name'] ] = array( $vector );
		}
		return $out;
	}

	/**
	 * Same E.164 answer (or "invalid") as the shared vector.
	 *
	 * @dataProvider vectors
	 * @param array<string,string> $v Vector.
	 */
	public function test_normaliser_gives_the_shared_answer( array $v ): void {
		$result = Normalizer::normalize( $v['raw'], $v['country'] );
		$this->assertSame( $v['expected'], $result['ok'] ? $result['e164'] : 'invalid' );
	}

	/**
	 * The vectors the plugin accepts: what it stores, counts in the segment editor and sends to the bridge.
	 *
	 * @return array<string,array{0:array<string,string>}>
	 */
	public function stored(): array {
		return array_filter( $this->vectors(), static fn( $v ) => 'invalid' !== $v[0]['expected'] );
	}

	/**
	 * What the plugin stores is its own fixed point: the E.164 answer normalised again is itself, whatever the
	 * default country (the bridge keeps it as it is too).
	 *
	 * @dataProvider stored
	 * @param array<string,string> $v Vector.
	 */
	public function test_stored_form_is_stable( array $v ): void {
		$this->assertSame( $v['expected'], Normalizer::to_e164( $v['expected'], $v['country'] ) );
		$this->assertSame( $v['expected'], Normalizer::to_e164( $v['expected'], 'US' ) );
	}

	/**
	 * The vectors cover what they should: Italian forms, landlines, refusals, other countries, and the numbers where
	 * the bridge's libphonenumber-js would answer differently.
	 */
	public function test_vectors_cover_the_awkward_cases(): void {
		$vectors = array_column( $this->vectors(), 0 );
		$invalid = array_filter( $vectors, static fn( $v ) => 'invalid' === $v['expected'] );
		$italian = array_filter( $vectors, static fn( $v ) => str_starts_with( $v['expected'], '+39' ) );
		$differs = array_filter( $vectors, static fn( $v ) => isset( $v['libphonenumber'] ) );
		$abroad  = array_filter( $vectors, static fn( $v ) => 'invalid' !== $v['expected'] && ! str_starts_with( $v['expected'], '+39' ) );
		$this->assertGreaterThanOrEqual( 8, count( $invalid ) );
		$this->assertGreaterThanOrEqual( 10, count( $italian ) );
		$this->assertGreaterThanOrEqual( 8, count( $abroad ) );
		$this->assertGreaterThanOrEqual( 3, count( $differs ) );
	}
}
