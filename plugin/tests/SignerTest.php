<?php
/**
 * Signing vectors shared with the bridge.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests;

use Rondine\Bridge\Connection;
use Rondine\Bridge\Signer;

/**
 * The PHP signer produces exactly the signatures in docs/signing-vectors.json, which the bridge's tests check too.
 */
final class SignerTest extends \PHPUnit\Framework\TestCase {

	/**
	 * The vectors.
	 *
	 * @return array<string,array{0:array<string,mixed>}>
	 */
	public function vectors(): array {
		$file = dirname( __DIR__, 2 ) . '/docs/signing-vectors.json';
		$data = json_decode( (string) file_get_contents( $file ), true );
		$out  = array();
		foreach ( $data['vectors'] as $vector ) {
			$out[ $vector['name'] ] = array( $vector );
		}
		return $out;
	}

	/**
	 * Same string to sign and signature as the shared vector.
	 *
	 * @dataProvider vectors
	 * @param array<string,mixed> $v Vector.
	 */
	public function test_signature_matches_shared_vector( array $v ): void {
		$secret = (string) hex2bin( $v['secret_hex'] );
		$this->assertSame( $secret, Connection::base64url_decode( $v['secret_b64url'] ), 'connection-code form of the secret decodes to the same bytes' );
		$this->assertSame( $v['body_sha256'], hash( 'sha256', $v['body'] ) );
		$this->assertSame( $v['string_to_sign'], Signer::string_to_sign( $v['method'], $v['path'], $v['timestamp'], $v['body'] ) );
		$this->assertSame( $v['signature'], Signer::sign( $secret, $v['method'], $v['path'], $v['timestamp'], $v['body'] ) );
		$this->assertTrue( Signer::verify( $secret, $v['method'], $v['path'], $v['timestamp'], $v['body'], strtoupper( $v['signature'] ) ) );
	}

	/**
	 * Any change to method, path, timestamp, body or secret breaks the signature.
	 */
	public function test_any_changed_part_fails_verification(): void {
		$v      = $this->vectors()['bridge → site audience page'][0];
		$secret = (string) hex2bin( $v['secret_hex'] );
		$this->assertFalse( Signer::verify( $secret, 'PUT', $v['path'], $v['timestamp'], $v['body'], $v['signature'] ) );
		$this->assertFalse( Signer::verify( $secret, $v['method'], $v['path'] . '?x=1', $v['timestamp'], $v['body'], $v['signature'] ) );
		$this->assertFalse( Signer::verify( $secret, $v['method'], $v['path'], $v['timestamp'] + 1, $v['body'], $v['signature'] ) );
		$this->assertFalse( Signer::verify( $secret, $v['method'], $v['path'], $v['timestamp'], $v['body'] . ' ', $v['signature'] ) );
		$this->assertFalse( Signer::verify( $secret . 'x', $v['method'], $v['path'], $v['timestamp'], $v['body'], $v['signature'] ) );
	}
}
