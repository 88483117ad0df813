/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { OffsetClock } from '../../src/clock';
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
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

describe.each( dialects() )( 'daily limit on %s', ( dialect ) => {
	let store: TestStore;
	let t: TestBridge;
	const clock = new OffsetClock();
	const sites: SiteServer[] = [];

	beforeAll( async () => {
		store = await openTestStore( dialect );
		t = await startTestBridge( { store, clock } );
	} );

	afterAll( async () => {
		await t.close();
		await Promise.all( sites.map( ( s ) => s.close() ) );
		await store.drop();
	} );

	async function tenantWithAudience(
		size: number,
		offset: number
	): Promise< TestTenant > {
		const shop = await t.addTenant( {
			tier: 'TIER_250',
			throughput: 1000,
		} );
		const site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size,
			contact: ( i ) => contactAt( offset + i ),
		} );
		sites.push( site );
		await store.storage.db
			.updateTable( 'tenants' )
			.set( { site_rest_url: site.restUrl } )
			.where( 'id', '=', shop.id )
			.execute();
		return shop;
	}

	const get = async ( shop: TestTenant, id: string ) =>
		( await t.call( shop, 'GET', `/v1/campaigns/${ id }` ) ).json();

	it( 'tier 250 and 300 recipients: 250 sent, 50 failed daily_limit (retryable)', async () => {
		const shop = await tenantWithAudience( 300, 0 );
		await t.call( shop, 'PUT', '/v1/campaigns/limited', {
			name: 'Limited',
			audience: {},
			template: TEMPLATE,
		} );
		await t.call( shop, 'POST', '/v1/campaigns/limited/schedule' );
		await waitFor(
			async () => ( await get( shop, 'limited' ) ).state === 'completed',
			60_000,
			'completion'
		);
		const campaign = await get( shop, 'limited' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 250,
			failed: 50,
			to_start: 0,
			in_progress: 0,
		} );
		const failed = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/limited/recipients?state=failed&limit=100'
			)
		).json().recipients;
		expect( failed ).toHaveLength( 50 );
		for ( const r of failed ) {
			expect( r ).toMatchObject( {
				error_reason: 'daily_limit',
				retryable: true,
			} );
		}
		expect( t.sandbox.receivedSummary( 'limited:' ) ).toMatchObject( {
			messages: 250,
			duplicates: 0,
		} );
		expect(
			( await t.call( shop, 'GET', '/v1/status' ) ).json().daily_limit
		).toMatchObject( { limit: 250, used: 250, remaining: 0 } );

		// "Retry failed" makes a draft of the 50, which waits for the window like any other.
		const retry = await t.call(
			shop,
			'POST',
			'/v1/campaigns/limited/retry-failed',
			{ id: 'limited-retry' }
		);
		expect( retry.statusCode ).toBe( 201 );
		expect( retry.json() ).toMatchObject( {
			state: 'draft',
			source_campaign_id: 'limited',
		} );
	} );

	it( 'with "continue when limited" the 50 wait, and go when the moving window frees (injected clock)', async () => {
		const shop = await tenantWithAudience( 300, 1_000 );
		await t.call( shop, 'PUT', '/v1/campaigns/patient', {
			name: 'Patient',
			audience: {},
			template: TEMPLATE,
			options: { continue_when_limited: true },
		} );
		await t.call( shop, 'POST', '/v1/campaigns/patient/schedule' );
		await waitFor(
			async () =>
				( await get( shop, 'patient' ) ).counters.automations
					.completed === 250,
			60_000,
			'250 sent'
		);
		// Give the dispatcher time to look at the rest: they must wait, not fail and not go.
		await new Promise( ( resolve ) => setTimeout( resolve, 1_500 ) );
		let campaign = await get( shop, 'patient' );
		expect( campaign.state ).toBe( 'running' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 250,
			failed: 0,
			to_start: 50,
		} );
		expect( t.sandbox.receivedSummary( 'patient:' ).messages ).toBe( 250 );

		clock.advance( 24 * 3_600_000 + 5_000 );
		await waitFor(
			async () => ( await get( shop, 'patient' ) ).state === 'completed',
			60_000,
			'completion after the window'
		);
		campaign = await get( shop, 'patient' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 300,
			failed: 0,
			to_start: 0,
		} );
		expect( t.sandbox.receivedSummary( 'patient:' ) ).toMatchObject( {
			messages: 300,
			duplicates: 0,
		} );
	} );
} );
