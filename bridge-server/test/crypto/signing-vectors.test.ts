/**
 * The signing vectors shared with the plugin (docs/signing-vectors.json): the plugin's SignerTest checks its PHP signer
 * against the same file, so both sides of every signed call produce byte-identical strings and signatures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import {
	computeSignature,
	sha256Hex,
	signRequest,
	signaturesEqual,
} from '../../src/crypto/signing';

interface Vector {
	name: string;
	secret_hex: string;
	secret_b64url: string;
	method: string;
	path: string;
	timestamp: number;
	body: string;
	body_sha256: string;
	string_to_sign: string;
	signature: string;
}

const file = path.resolve( __dirname, '../../../docs/signing-vectors.json' );
const { vectors } = JSON.parse( fs.readFileSync( file, 'utf8' ) ) as {
	vectors: Vector[];
};

describe( 'signing vectors shared with the plugin', () => {
	it( 'are there', () => {
		expect( vectors.length ).toBeGreaterThanOrEqual( 6 );
	} );

	it.each( vectors.map( ( v ) => [ v.name, v ] as const ) )(
		'%s',
		( _name, v ) => {
			const secret = Buffer.from( v.secret_hex, 'hex' );
			// The secret as a connection code carries it.
			expect( secret.toString( 'base64url' ) ).toBe( v.secret_b64url );
			expect( sha256Hex( v.body ) ).toBe( v.body_sha256 );
			expect(
				`${ v.method.toUpperCase() }\n${ v.path }\n${ v.timestamp }\n${ sha256Hex( v.body ) }`
			).toBe( v.string_to_sign );
			expect(
				computeSignature(
					secret,
					v.method,
					v.path,
					String( v.timestamp ),
					v.body
				)
			).toBe( v.signature );
			const headers = signRequest(
				'site',
				secret,
				v.method,
				v.path,
				v.body,
				v.timestamp
			);
			expect( headers[ 'x-rondine-signature' ] ).toBe( v.signature );
			expect(
				signaturesEqual( v.signature, v.signature.toUpperCase() )
			).toBe( true );
			const other = v.signature.replace( /^./, ( c ) =>
				c === '0' ? '1' : '0'
			);
			expect( signaturesEqual( v.signature, other ) ).toBe( false );
		}
	);
} );
