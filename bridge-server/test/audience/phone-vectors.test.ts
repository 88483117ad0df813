/**
 * The phone vectors shared with the plugin (docs/phone-vectors.json). The plugin's normaliser is the authority on
 * validity (plugin/tests/PhoneVectorsTest.php checks it against the same file); here: the bridge's audience snapshot
 * keeps every number the plugin accepted exactly as the plugin stored it, so the campaign's recipients are the
 * contacts the segment editor counted, even where libphonenumber-js would judge the number otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { normalisePhone } from '../../src/audience/snapshot';

interface Vector {
	name: string;
	raw: string;
	country: string;
	/** The plugin's answer: E.164, or "invalid". */
	expected: string;
	/** libphonenumber-js's answer on the raw form, where it differs from the plugin's. */
	libphonenumber?: string;
}

const file = path.resolve( __dirname, '../../../docs/phone-vectors.json' );
const { vectors } = JSON.parse( fs.readFileSync( file, 'utf8' ) ) as {
	vectors: Vector[];
};

const answer = ( raw: string, country: string ) => {
	const check = normalisePhone( raw, country, null );
	return check.ok ? check.e164 : 'invalid';
};

describe( 'phone vectors shared with the plugin', () => {
	it( 'are there, with the awkward cases', () => {
		expect( vectors.length ).toBeGreaterThanOrEqual( 30 );
		expect(
			vectors.filter( ( v ) => v.libphonenumber !== undefined ).length
		).toBeGreaterThanOrEqual( 3 );
	} );

	it.each(
		vectors
			.filter( ( v ) => v.expected !== 'invalid' )
			.map( ( v ) => [ v.name, v ] as const )
	)( 'the snapshot keeps what the plugin stored: %s', ( _name, v ) => {
		expect( answer( v.expected, v.country ) ).toBe( v.expected );
		// Whatever the contact's or the shop's country.
		expect( answer( v.expected, 'US' ) ).toBe( v.expected );
	} );

	it( 'counts the audience the segment editor counted', () => {
		// The plugin stores (and so counts and sends) the numbers it accepts, and only those.
		const stored = vectors
			.filter( ( v ) => v.expected !== 'invalid' )
			.map( ( v ) => v.expected );
		const snapshot = stored.filter(
			( phone ) => answer( phone, 'IT' ) !== 'invalid'
		);
		expect( snapshot ).toEqual( stored );
	} );

	it.each( vectors.map( ( v ) => [ v.name, v ] as const ) )(
		'a raw number (a site that does not normalise) is read with libphonenumber-js: %s',
		( _name, v ) => {
			expect( answer( v.raw, v.country ) ).toBe(
				v.libphonenumber ?? v.expected
			);
		}
	);
} );
