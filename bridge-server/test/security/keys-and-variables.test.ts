/**
 * External dependencies
 */
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	buildComponents,
	pickVariables,
} from '../../src/campaigns/template-mapping';
import { deriveKey, KEY_LABELS, SecretBox } from '../../src/crypto/secret-box';
import { compileTemplateBody } from '../../src/dispatch/message-body';
import { findTenant } from '../../src/tenants/store';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import { startTestBridge, type TestBridge } from '../helpers/bridge';

/** A value sealed the way bridges before the HKDF split did: AES-256-GCM under the bridge key itself, "v1.". */
function sealV1( key: Buffer, plain: string | Buffer ): string {
	const iv = randomBytes( 12 );
	const cipher = createCipheriv( 'aes-256-gcm', key, iv );
	const data = Buffer.concat( [ cipher.update( plain ), cipher.final() ] );
	return [ 'v1', iv, cipher.getAuthTag(), data ]
		.map( ( part ) =>
			typeof part === 'string' ? part : part.toString( 'base64url' )
		)
		.join( '.' );
}

describe( 'keys derived from the bridge key', () => {
	const key = randomBytes( 32 );

	it( 'encryption and HMAC keys are distinct derivations, neither of them the bridge key @security', () => {
		const encryption = deriveKey( key, KEY_LABELS.secretBox );
		const sandbox = deriveKey( key, KEY_LABELS.sandbox );
		expect( encryption ).toHaveLength( 32 );
		expect( encryption.equals( sandbox ) ).toBe( false );
		expect( encryption.equals( key ) ).toBe( false );
		expect( sandbox.equals( key ) ).toBe( false );
		// New values are sealed under the derived key: the bridge key alone does not open them as v1.
		const sealed = new SecretBox( key ).seal( 'token' );
		expect( sealed.startsWith( 'v2.' ) ).toBe( true );
		expect( () =>
			new SecretBox( key ).open( sealed.replace( /^v2\./, 'v1.' ) )
		).toThrow();
	} );

	it( 'values sealed by the old scheme still open @security', () => {
		const box = new SecretBox( key );
		const old = sealV1( key, 'EAAG-old-token' );
		expect( box.openString( old ) ).toBe( 'EAAG-old-token' );
		expect( SecretBox.isLegacy( old ) ).toBe( true );
		const resealed = box.reseal( old );
		expect( SecretBox.isLegacy( resealed ) ).toBe( false );
		expect( box.openString( resealed ) ).toBe( 'EAAG-old-token' );
	} );

	it( 'refuses a GCM tag shorter than 16 bytes, even one that would verify truncated @security', () => {
		const box = new SecretBox( key );
		for ( const sealed of [
			box.seal( 'secret' ),
			sealV1( key, 'secret' ),
		] ) {
			const [ version, iv, tag, data ] = sealed.split( '.' ) as [
				string,
				string,
				string,
				string,
			];
			const short = Buffer.from( tag, 'base64url' )
				.subarray( 0, 4 )
				.toString( 'base64url' );
			expect( () =>
				box.open( [ version, iv, short, data ].join( '.' ) )
			).toThrow( /Unrecognised sealed secret/ );
		}
	} );
} );

describe.each( dialects() )(
	'an upgraded bridge reads what it stored before (%s)',
	( dialect ) => {
		let store: TestStore;
		let t: TestBridge;
		const key = randomBytes( 32 );

		beforeAll( async () => {
			store = await openTestStore( dialect );
		} );

		afterAll( async () => {
			await t?.close();
			await store?.drop();
		} );

		it( 'tenant secrets and credentials sealed with the old scheme still authenticate and decrypt, and are resealed at start @security', async () => {
			// A tenant as the previous version stored it.
			const secret = randomBytes( 32 );
			const id = randomUUID();
			await store.storage.db
				.insertInto( 'tenants' )
				.values( {
					id,
					name: 'Legacy shop',
					secret: sealV1( key, secret ),
					phone_number_id: '3011223344',
					waba_id: '4011223344',
					access_token: sealV1( key, 'EAAG-legacy-token' ),
					app_secret: sealV1( key, 'legacy-app-secret' ),
					throughput_mps: 80,
					messaging_limit_tier: 'TIER_250',
					quality: 'GREEN',
					created_at: 1,
					updated_at: 1,
				} )
				.execute();
			t = await startTestBridge( { store, key } );
			// The signed API still recognises the site (its secret is opened to check the signature).
			const status = await t.call( { id, secret }, 'GET', '/v1/status' );
			expect( status.statusCode ).toBe( 200 );
			expect( status.json().whatsapp.mode ).toBe( 'live' );
			const row = await findTenant( store.storage.db, id );
			for ( const sealed of [
				row?.secret,
				row?.access_token,
				row?.app_secret,
			] ) {
				expect( sealed?.startsWith( 'v2.' ) ).toBe( true );
			}
			const box = new SecretBox( key );
			expect( box.open( row?.secret as string ).equals( secret ) ).toBe(
				true
			);
			expect( box.openString( row?.access_token as string ) ).toBe(
				'EAAG-legacy-token'
			);
			expect( box.openString( row?.app_secret as string ) ).toBe(
				'legacy-app-secret'
			);
			// And after the reseal the site still signs in.
			expect(
				( await t.call( { id, secret }, 'GET', '/v1/status' ) )
					.statusCode
			).toBe( 200 );
		} );
	}
);

describe( 'template variables are own properties only', () => {
	const inherited = [
		'__proto__',
		'constructor',
		'toString',
		'hasOwnProperty',
	];

	it( 'inherited names as variable fields give no value: the fallback is sent @security', () => {
		const components = [
			{
				type: 'body' as const,
				parameters: inherited.map( ( field ) => ( {
					type: 'text' as const,
					field,
					fallback: 'friend',
				} ) ),
			},
		];
		// A contact from the site carrying none of them.
		const variables = pickVariables( inherited, {
			contact_id: '1',
			phone: '+393331234567',
			fields: {},
		} );
		expect( Object.keys( variables ) ).toEqual( [] );
		expect( JSON.stringify( variables ) ).toBe( '{}' );
		const built = buildComponents( components, variables );
		expect(
			built[ 0 ]?.parameters.map(
				( p ) => ( p as unknown as { text: string } ).text
			)
		).toEqual( [ 'friend', 'friend', 'friend', 'friend' ] );
		// The dispatcher's compiled body, reading the stored JSON back.
		const body = compileTemplateBody( 'promo', 'it', components );
		const sent = JSON.parse(
			body(
				'+393331234567',
				JSON.parse( JSON.stringify( variables ) ),
				'c:1'
			)
		);
		expect(
			sent.template.components[ 0 ].parameters.map(
				( p: { text: string } ) => p.text
			)
		).toEqual( [ 'friend', 'friend', 'friend', 'friend' ] );
	} );

	it( 'a contact field named like a prototype property is kept as data, never as the prototype @security', () => {
		const contact = JSON.parse(
			'{"contact_id":"1","phone":"+393331234567","fields":{"__proto__":{"polluted":"yes"},"constructor":"Mario","toString":"x"}}'
		);
		const variables = pickVariables(
			[ '__proto__', 'constructor', 'toString' ],
			contact
		);
		// An object value is not a text: no value. Own strings are kept as they are.
		expect( Object.hasOwn( variables, '__proto__' ) ).toBe( false );
		expect( variables.constructor ).toBe( 'Mario' );
		expect( ( {} as Record< string, unknown > ).polluted ).toBeUndefined();
		const stored = JSON.parse( JSON.stringify( variables ) );
		expect( stored ).toEqual( { constructor: 'Mario', toString: 'x' } );
	} );
} );
