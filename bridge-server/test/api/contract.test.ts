/**
 * External dependencies
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	CONTACT_FIELDS,
	ERROR_REASONS,
	MESSAGE_STATUSES,
} from '../../src/http/contract';
import { classifyError, ERROR_TABLE } from '../../src/whatsapp/errors';
import { openTestStore, type TestStore } from '../helpers/database';
import { startTestBridge, type TestBridge } from '../helpers/bridge';

const bridgeRoot = fileURLToPath( new URL( '../../', import.meta.url ) );
const repoRoot = join( bridgeRoot, '..' );
const OPENAPI_FILE = join( bridgeRoot, 'openapi.json' );

/** Every .ts file under src/, but the contract itself. */
function sources(): string[] {
	const out: string[] = [];
	const walk = ( dir: string ) => {
		for ( const entry of readdirSync( dir, { withFileTypes: true } ) ) {
			const full = join( dir, entry.name );
			if ( entry.isDirectory() ) {
				// Migrations name columns and their types (`error_reason: 'text'`), not reasons.
				if ( entry.name !== 'migrations' ) {
					walk( full );
				}
			} else if (
				entry.name.endsWith( '.ts' ) &&
				! full.endsWith( join( 'http', 'contract.ts' ) )
			) {
				out.push( readFileSync( full, 'utf8' ) );
			}
		}
	};
	walk( join( bridgeRoot, 'src' ) );
	return out;
}

describe( 'the published contract', () => {
	let store: TestStore;
	let t: TestBridge;

	beforeAll( async () => {
		store = await openTestStore( 'sqlite' );
		t = await startTestBridge( { store, engine: false } );
	} );

	afterAll( async () => {
		await t.close();
		await store.drop();
	} );

	it( 'commits the OpenAPI document the routes generate (RONDINE_WRITE_CONTRACTS=1 rewrites it)', async () => {
		const response = await t.bridge.app.inject( {
			method: 'GET',
			url: '/v1/openapi.json',
		} );
		expect( response.statusCode ).toBe( 200 );
		const generated = JSON.stringify( response.json(), null, '\t' ) + '\n';
		if ( process.env.RONDINE_WRITE_CONTRACTS === '1' ) {
			writeFileSync( OPENAPI_FILE, generated );
		}
		// When this fails: `RONDINE_WRITE_CONTRACTS=1 npx vitest run test/api/contract.test.ts` in bridge-server,
		// then `npm run api-types -w admin-app`, and commit both files.
		expect( readFileSync( OPENAPI_FILE, 'utf8' ) ).toBe( generated );
	} );

	it( 'publishes the enums as named schemas', async () => {
		const doc = JSON.parse( readFileSync( OPENAPI_FILE, 'utf8' ) );
		expect( Object.keys( doc.components.schemas ) ).toEqual(
			expect.arrayContaining( [
				'CampaignState',
				'RecipientState',
				'MessageStatus',
				'ErrorReason',
				'ContactField',
			] )
		);
		expect( doc.components.schemas.ErrorReason.enum ).toEqual( [
			...ERROR_REASONS,
		] );
		expect( doc.components.schemas.MessageStatus.enum ).toEqual( [
			...MESSAGE_STATUSES,
		] );
	} );
} );

describe( 'error reasons', () => {
	const listed = new Set< string >( ERROR_REASONS );

	it( 'lists every reason of the WhatsApp error table and its fallbacks', () => {
		const reasons = [
			...[ ...ERROR_TABLE.values() ].map( ( entry ) => entry.reason ),
			classifyError( 999_999 ).reason,
			classifyError( 250 ).reason,
			classifyError( 100, 'template parameter' ).reason,
		];
		expect(
			reasons.filter( ( reason ) => ! listed.has( reason ) )
		).toEqual( [] );
	} );

	it( 'lists every reason the bridge writes by name', () => {
		const text = sources().join( '\n' );
		const written = new Set< string >();
		for ( const match of text.matchAll(
			/error_reason: '([a-z_]+)'|errorReason: '([a-z_]+)'/g
		) ) {
			written.add( match[ 1 ] ?? match[ 2 ] ?? '' );
		}
		// Passed as arguments: retryOrFail( ..., 'not_sent', ... ) and failWaiting( ..., 'campaign_failed', ... ).
		for ( const reason of [ 'not_sent', 'campaign_failed' ] ) {
			expect( text ).toContain( `'${ reason }'` );
			written.add( reason );
		}
		expect( [ ...written ].filter( ( r ) => ! listed.has( r ) ) ).toEqual(
			[]
		);
	} );

	it( 'lists no reason the bridge never writes', () => {
		const text = sources().join( '\n' );
		expect(
			ERROR_REASONS.filter(
				( reason ) => ! text.includes( `'${ reason }'` )
			)
		).toEqual( [] );
	} );
} );

describe( 'contact fields', () => {
	it( 'are the fields the plugin sends with every recipient, and the phone', () => {
		const php = readFileSync(
			join( repoRoot, 'plugin/src/Audience/Audience.php' ),
			'utf8'
		);
		const block = php.match(
			/'fields'\s*=>\s*array\(([\s\S]*?)\n\t{4}\),/
		);
		expect( block ).not.toBeNull();
		const sent = [
			...( block?.[ 1 ] ?? '' ).matchAll( /^\s*'([a-z_]+)'\s*=>/gm ),
		].map( ( m ) => m[ 1 ] );
		expect( sent ).toHaveLength( 12 );
		expect( [ ...CONTACT_FIELDS ].sort() ).toEqual(
			[ ...sent, 'phone' ].sort()
		);
	} );
} );
