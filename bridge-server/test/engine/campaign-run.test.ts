/**
 * External dependencies
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import {
	contactAt,
	italianMobile,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const VALID = 10_000;
const DUPLICATES = 100;
const INVALID = 100;
const OPTED_OUT = 100;

/**
 * 10,000 distinct valid phones, then the same 100 phones again written differently (duplicates), 100 invalid numbers,
 * and 100 valid phones that opted out.
 */
function audienceContact( index: number ) {
	if ( index < VALID ) {
		return contactAt( index );
	}
	if ( index < VALID + DUPLICATES ) {
		const original = index - VALID;
		return {
			...contactAt( original ),
			contact_id: `dup-${ original }`,
			phone: italianMobile( original ).replace( '+39 ', '0039' ),
		};
	}
	if ( index < VALID + DUPLICATES + INVALID ) {
		// Distinct invalid inputs: too short, letters, a number with too many digits.
		const kind = index % 3;
		return {
			...contactAt( index ),
			phone: [
				`12${ index }`,
				`call me ${ index }`,
				`+39 347 ${ index }${ index }`,
			][ kind ],
		};
	}
	return contactAt( index + 100_000 );
}

describe.each( dialects() )( 'a 10k-recipient campaign on %s', ( dialect ) => {
	let store: TestStore;
	let t: TestBridge;
	let site: SiteServer;
	let shop: TestTenant;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		t = await startTestBridge( { store } );
		shop = await t.addTenant( {
			throughput: 1000,
			tier: 'TIER_UNLIMITED',
		} );
		site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size: VALID + DUPLICATES + INVALID + OPTED_OUT,
			contact: audienceContact,
		} );
		await store.storage.db
			.updateTable( 'tenants' )
			.set( { site_rest_url: site.restUrl } )
			.where( 'id', '=', shop.id )
			.execute();
		const optOuts = [];
		for ( let i = 0; i < OPTED_OUT; i++ ) {
			optOuts.push( {
				tenant_id: shop.id,
				phone: `+39347${ String( 1_000_000 + VALID + DUPLICATES + INVALID + i + 100_000 ).slice( -7 ) }`,
				source: 'test',
				created_at: Date.now(),
				reported: 1,
			} );
		}
		await store.storage.db
			.insertInto( 'opt_outs' )
			.values( optOuts )
			.execute();
	} );

	afterAll( async () => {
		await t.close();
		await site.close();
		await store.drop();
	} );

	it( 'starts within a second, sends every valid recipient once, ends every recipient in a final state, counters add up', async () => {
		const put = await t.call( shop, 'PUT', '/v1/campaigns/big', {
			name: 'Ten thousand',
			audience: { segments: [ 'everyone' ] },
			template: TEMPLATE,
		} );
		expect( put.statusCode ).toBe( 201 );
		const startAt = new Date( Date.now() + 1_500 ).toISOString();
		expect(
			(
				await t.call( shop, 'POST', '/v1/campaigns/big/schedule', {
					start_at: startAt,
				} )
			).statusCode
		).toBe( 200 );

		await waitFor(
			async () =>
				( await t.call( shop, 'GET', '/v1/campaigns/big' ) ).json()
					.state === 'completed',
			120_000,
			'the campaign to complete'
		);
		const campaign = (
			await t.call( shop, 'GET', '/v1/campaigns/big' )
		).json();
		expect(
			Date.parse( campaign.started_at ) - Date.parse( startAt )
		).toBeLessThan( 1_000 );
		expect( Date.parse( campaign.started_at ) ).toBeGreaterThanOrEqual(
			Date.parse( startAt )
		);
		expect( campaign.state_reason ).toBe( 'all_recipients_done' );
		expect( campaign.counters ).toMatchObject( {
			total: VALID + INVALID,
			automations: {
				to_start: 0,
				in_progress: 0,
				completed: VALID,
				failed: INVALID,
				unknown: 0,
			},
			skipped: {
				opted_out: OPTED_OUT,
				duplicates: DUPLICATES,
				invalid: INVALID,
			},
		} );

		// Counters agree with the rows behind them.
		const rows = await store.storage.db
			.selectFrom( 'messages' )
			.select( [
				'state',
				'error_reason',
				sql< number >`count(*)`.as( 'n' ),
			] )
			.where( 'tenant_id', '=', shop.id )
			.where( 'campaign_id', '=', 'big' )
			.groupBy( [ 'state', 'error_reason' ] )
			.execute();
		expect(
			rows
				.map( ( r ) => ( { ...r, n: Number( r.n ) } ) )
				.sort( ( a, b ) => a.state.localeCompare( b.state ) )
		).toEqual( [
			{ state: 'completed', error_reason: null, n: VALID },
			{ state: 'failed', error_reason: 'invalid_phone', n: INVALID },
		] );
		const withWamid = await store.storage.db
			.selectFrom( 'messages' )
			.select( sql< number >`count(distinct wamid)`.as( 'n' ) )
			.where( 'campaign_id', '=', 'big' )
			.executeTakeFirstOrThrow();
		expect( Number( withWamid.n ) ).toBe( VALID );
		// Meta answered each number's own digits as its WhatsApp id: no alias is written on the send path.
		const aliases = await store.storage.db
			.selectFrom( 'wa_id_aliases' )
			.select( sql< number >`count(*)`.as( 'n' ) )
			.executeTakeFirstOrThrow();
		expect( Number( aliases.n ) ).toBe( 0 );

		// What WhatsApp (the emulator) saw: each phone once, nobody twice, callback data names the message (campaign, run,
		// step).
		const received = t.sandbox.receivedSummary( 'big:' );
		expect( received ).toMatchObject( {
			phones: VALID,
			messages: VALID,
			phonesWithSeveral: 0,
			duplicates: 0,
		} );
		const one = t.sandbox.received( italianMobile( 42 ) );
		expect( one.count ).toBe( 1 );
		expect( Object.keys( one.callbacks )[ 0 ] ).toMatch( /^big:\d+:0$/ );
		expect( site.badSignatures ).toBe( 0 );

		// Drill-down and export.
		const failed = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/big/recipients?state=failed&limit=5'
			)
		).json();
		expect( failed.recipients ).toHaveLength( 5 );
		expect( failed.recipients[ 0 ] ).toMatchObject( {
			state: 'failed',
			error_reason: 'invalid_phone',
			retryable: false,
		} );
		const csv = await t.call(
			shop,
			'GET',
			'/v1/campaigns/big/recipients?limit=3',
			undefined,
			{ accept: 'text/csv' }
		);
		expect( csv.headers[ 'content-type' ] ).toMatch( /text\/csv/ );
		expect( csv.body.trim().split( '\r\n' ) ).toHaveLength( 4 );
	} );
} );
