/**
 * The sending policy (issue 16, item 5; docs/design/automations-contract.md "Sending policy"), end to end: the real
 * app through inject(), the emulator, a site serving the audience and an injected clock. Quiet hours follow the
 * recipient's country; the marketing frequency cap holds across campaigns (skip: counted `capped`; postpone: sent when
 * the window frees); utility templates are exempt; the route validates and is per tenant.
 */

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
import { expectCountersMatchRows } from '../helpers/counters';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const UTILITY_TEMPLATE = {
	name: 'order_update',
	language: 'en',
	components: [
		{
			type: 'body' as const,
			parameters: [
				{
					type: 'text' as const,
					field: 'first_name',
					fallback: 'there',
				},
				{ type: 'text' as const, text: '10452' },
				{ type: 'text' as const, text: 'Friday' },
			],
		},
	],
};

const POLICY_OFF = {
	quiet_hours: { enabled: false, start: '21:00', end: '09:00' },
	frequency_cap: {
		enabled: false,
		max_messages: 2,
		days: 7,
		when_capped: 'postpone',
	},
};

describe.each( dialects() )( 'sending policy on %s', ( dialect ) => {
	let store: TestStore;
	let t: TestBridge;
	const clock = new OffsetClock();
	const sites: SiteServer[] = [];

	beforeAll( async () => {
		// A winter evening: Rome is UTC+1 (CET), London UTC+0 (GMT).
		clock.offset = Date.parse( '2027-01-12T21:30:00Z' ) - Date.now();
		store = await openTestStore( dialect );
		t = await startTestBridge( { store, clock } );
	} );

	afterAll( async () => {
		await t.close();
		await Promise.all( sites.map( ( s ) => s.close() ) );
		await store.drop();
	} );

	/** A tenant whose site serves these phones as its audience. */
	async function shopWith( phones: string[] ): Promise< TestTenant > {
		const shop = await t.addTenant( { throughput: 1000 } );
		const site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size: phones.length,
			contact: ( i ) => ( {
				...contactAt( i ),
				phone: phones[ i ] as string,
			} ),
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

	async function launch(
		shop: TestTenant,
		id: string,
		template: typeof TEMPLATE | typeof UTILITY_TEMPLATE = TEMPLATE
	): Promise< void > {
		expect(
			(
				await t.call( shop, 'PUT', `/v1/campaigns/${ id }`, {
					name: id,
					audience: {},
					template,
				} )
			).statusCode
		).toBeLessThan( 300 );
		expect(
			( await t.call( shop, 'POST', `/v1/campaigns/${ id }/schedule` ) )
				.statusCode
		).toBeLessThan( 300 );
	}

	async function completed( shop: TestTenant, id: string ) {
		await waitFor(
			async () => ( await get( shop, id ) ).state === 'completed',
			60_000,
			`${ id } completed`
		);
		return get( shop, id );
	}

	const messagesOf = ( shop: TestTenant, campaignId: string ) =>
		store.storage.db
			.selectFrom( 'messages' )
			.select( [ 'phone', 'state', 'next_attempt_at', 'sent_at' ] )
			.where( 'tenant_id', '=', shop.id )
			.where( 'campaign_id', '=', campaignId )
			.orderBy( 'phone' )
			.execute();

	const setPolicy = ( shop: TestTenant, policy: unknown ) =>
		t.call( shop, 'PUT', '/v1/sending-policy', policy );

	it( 'quiet hours 21:00-09:00: a send due at 22:30 Rome time goes at 09:00 Rome time for +39, at 09:00 London time for +44', async () => {
		const rome = '+393471234567';
		const london = '+447400123456';
		const shop = await shopWith( [ rome, london ] );
		const saved = await setPolicy( shop, {
			...POLICY_OFF,
			quiet_hours: { enabled: true, start: '21:00', end: '09:00' },
		} );
		expect( saved.statusCode ).toBe( 200 );
		expect( saved.json().quiet_hours ).toEqual( {
			enabled: true,
			start: '21:00',
			end: '09:00',
		} );

		// 22:30 in Rome, 21:30 in London: both in quiet hours.
		await launch( shop, 'evening' );
		await waitFor(
			async () => {
				const deferred = await messagesOf( shop, 'evening' );
				return (
					deferred.length === 2 &&
					deferred.every(
						( m ) => m.next_attempt_at > clock.now() + HOUR
					)
				);
			},
			30_000,
			'both messages deferred'
		);
		const romeAt = Date.parse( '2027-01-13T08:00:00Z' ); // 09:00 CET
		const londonAt = Date.parse( '2027-01-13T09:00:00Z' ); // 09:00 GMT
		let messages = await messagesOf( shop, 'evening' );
		expect(
			messages.map( ( m ) => [ m.phone, m.state, m.next_attempt_at ] )
		).toEqual( [
			[ rome, 'pending', romeAt ],
			[ london, 'pending', londonAt ],
		] );
		expect( t.sandbox.receivedSummary( 'evening:' ).messages ).toBe( 0 );

		// 09:00:30 in Rome, 08:00:30 in London: the Italian contact only.
		clock.advance( romeAt + 30_000 - clock.now() );
		await waitFor(
			async () =>
				( await messagesOf( shop, 'evening' ) ).some(
					( m ) => m.state === 'completed'
				),
			30_000,
			'the +39 message sent'
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 1_000 ) );
		messages = await messagesOf( shop, 'evening' );
		expect( messages.map( ( m ) => [ m.phone, m.state ] ) ).toEqual( [
			[ rome, 'completed' ],
			[ london, 'pending' ],
		] );
		expect( Number( messages[ 0 ]?.sent_at ) ).toBeGreaterThanOrEqual(
			romeAt
		);

		// 09:00:30 in London.
		clock.advance( londonAt + 30_000 - clock.now() );
		const campaign = await completed( shop, 'evening' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 2,
			capped: 0,
		} );
		messages = await messagesOf( shop, 'evening' );
		expect( Number( messages[ 1 ]?.sent_at ) ).toBeGreaterThanOrEqual(
			londonAt
		);
		expect( t.sandbox.receivedSummary( 'evening:' ) ).toMatchObject( {
			messages: 2,
			duplicates: 0,
		} );
		await expectCountersMatchRows( store.storage.db, shop.id, 'evening' );
	} );

	it( 'a contact capped by two marketing campaigns is not sent a third: skipped and counted as capped', async () => {
		const phone = '+393470000101';
		const shop = await shopWith( [ phone ] );
		await setPolicy( shop, {
			...POLICY_OFF,
			frequency_cap: {
				enabled: true,
				max_messages: 2,
				days: 7,
				when_capped: 'skip',
			},
		} );
		for ( const id of [ 'first', 'second' ] ) {
			await launch( shop, id );
			expect(
				( await completed( shop, id ) ).counters.automations.completed
			).toBe( 1 );
			clock.advance( HOUR );
		}
		await launch( shop, 'third' );
		const third = await completed( shop, 'third' );
		expect( third.counters.automations ).toMatchObject( {
			completed: 0,
			failed: 0,
			capped: 1,
			to_start: 0,
		} );
		expect( third.counters.total ).toBe( 1 );
		expect( t.sandbox.receivedSummary( 'third:' ).messages ).toBe( 0 );
		const [ message ] = await messagesOf( shop, 'third' );
		expect( message?.state ).toBe( 'capped' );
		const capped = (
			await t.call(
				shop,
				'GET',
				'/v1/campaigns/third/recipients?state=capped'
			)
		).json().recipients;
		expect( capped ).toHaveLength( 1 );
		expect( capped[ 0 ] ).toMatchObject( {
			phone,
			state: 'capped',
			error_reason: 'capped',
		} );
		await expectCountersMatchRows( store.storage.db, shop.id, 'third' );
	} );

	it( 'postpone: the third marketing message waits until the oldest of the two leaves the 7-day window, then goes', async () => {
		const phone = '+393470000202';
		const shop = await shopWith( [ phone ] );
		await setPolicy( shop, {
			...POLICY_OFF,
			frequency_cap: {
				enabled: true,
				max_messages: 2,
				days: 7,
				when_capped: 'postpone',
			},
		} );
		await launch( shop, 'p1' );
		await completed( shop, 'p1' );
		// What the cap counts: the first marketing message, as claimed for sending.
		const firstSend = await store.storage.db
			.selectFrom( 'marketing_sends' )
			.select( 'sent_at' )
			.where( 'tenant_id', '=', shop.id )
			.executeTakeFirstOrThrow();
		const [ firstMessage ] = await messagesOf( shop, 'p1' );
		expect( Number( firstMessage?.sent_at ) ).toBeGreaterThanOrEqual(
			Number( firstSend.sent_at )
		);
		clock.advance( HOUR );
		await launch( shop, 'p2' );
		await completed( shop, 'p2' );
		clock.advance( HOUR );

		await launch( shop, 'p3' );
		const freesAt = Number( firstSend?.sent_at ) + 7 * DAY + 1;
		await waitFor(
			async () =>
				( await messagesOf( shop, 'p3' ) )[ 0 ]?.next_attempt_at ===
				freesAt,
			30_000,
			'the third message postponed to when the cap frees'
		);
		await new Promise( ( resolve ) => setTimeout( resolve, 1_000 ) );
		let campaign = await get( shop, 'p3' );
		expect( campaign.state ).toBe( 'running' );
		expect( campaign.counters.automations ).toMatchObject( {
			to_start: 1,
			completed: 0,
			capped: 0,
		} );
		expect( t.sandbox.receivedSummary( 'p3:' ).messages ).toBe( 0 );

		clock.advance( freesAt + 1_000 - clock.now() );
		campaign = await completed( shop, 'p3' );
		expect( campaign.counters.automations ).toMatchObject( {
			completed: 1,
			capped: 0,
		} );
		expect( t.sandbox.receivedSummary( 'p3:' ).messages ).toBe( 1 );
		await expectCountersMatchRows( store.storage.db, shop.id, 'p3' );
	} );

	it( 'utility templates are not capped and do not count towards the cap', async () => {
		const phone = '+393470000303';
		const shop = await shopWith( [ phone ] );
		await setPolicy( shop, {
			...POLICY_OFF,
			frequency_cap: {
				enabled: true,
				max_messages: 1,
				days: 7,
				when_capped: 'skip',
			},
		} );
		await launch( shop, 'u-marketing' );
		await completed( shop, 'u-marketing' );
		for ( const id of [ 'u-order-1', 'u-order-2' ] ) {
			clock.advance( HOUR );
			await launch( shop, id, UTILITY_TEMPLATE );
			expect(
				( await completed( shop, id ) ).counters.automations
			).toMatchObject( { completed: 1, capped: 0 } );
		}
		clock.advance( HOUR );
		await launch( shop, 'u-marketing-2' );
		expect(
			( await completed( shop, 'u-marketing-2' ) ).counters.automations
		).toMatchObject( { completed: 0, capped: 1 } );
		const counted = await store.storage.db
			.selectFrom( 'marketing_sends' )
			.select( 'phone' )
			.where( 'tenant_id', '=', shop.id )
			.execute();
		expect( counted ).toEqual( [ { phone } ] );
	} );

	it( 'the policy route validates times and bounds, and each tenant has its own policy', async () => {
		const a = await t.addTenant();
		const b = await t.addTenant();
		expect(
			( await t.call( a, 'GET', '/v1/sending-policy' ) ).json()
		).toEqual( POLICY_OFF );
		const bad = [
			{
				...POLICY_OFF,
				quiet_hours: { enabled: true, start: '24:00', end: '09:00' },
			},
			{
				...POLICY_OFF,
				quiet_hours: { enabled: true, start: '9:00', end: '21:00' },
			},
			{
				...POLICY_OFF,
				quiet_hours: { enabled: true, start: '21:00', end: '21:00' },
			},
			{
				...POLICY_OFF,
				quiet_hours: { enabled: true, start: '21:00', end: '09:60' },
			},
			{
				...POLICY_OFF,
				frequency_cap: { ...POLICY_OFF.frequency_cap, max_messages: 0 },
			},
			{
				...POLICY_OFF,
				frequency_cap: {
					...POLICY_OFF.frequency_cap,
					max_messages: 51,
				},
			},
			{
				...POLICY_OFF,
				frequency_cap: {
					...POLICY_OFF.frequency_cap,
					max_messages: 1.5,
				},
			},
			{
				...POLICY_OFF,
				frequency_cap: { ...POLICY_OFF.frequency_cap, days: 0 },
			},
			{
				...POLICY_OFF,
				frequency_cap: { ...POLICY_OFF.frequency_cap, days: 91 },
			},
			{
				...POLICY_OFF,
				frequency_cap: {
					...POLICY_OFF.frequency_cap,
					when_capped: 'drop',
				},
			},
			{ quiet_hours: POLICY_OFF.quiet_hours },
			{ ...POLICY_OFF, extra: true },
		];
		for ( const body of bad ) {
			const answer = await t.call( a, 'PUT', '/v1/sending-policy', body );
			expect( answer.statusCode, JSON.stringify( body ) ).toBe( 400 );
		}
		expect(
			( await t.call( a, 'GET', '/v1/sending-policy' ) ).json()
		).toEqual( POLICY_OFF );

		const policy = {
			quiet_hours: { enabled: true, start: '22:15', end: '07:45' },
			frequency_cap: {
				enabled: true,
				max_messages: 50,
				days: 90,
				when_capped: 'skip',
			},
		};
		const saved = await t.call( a, 'PUT', '/v1/sending-policy', policy );
		expect( saved.statusCode ).toBe( 200 );
		expect( saved.json() ).toEqual( policy );
		expect(
			( await t.call( a, 'GET', '/v1/sending-policy' ) ).json()
		).toEqual( policy );
		// B's policy is its own: untouched by A's, and its change does not reach A.
		expect(
			( await t.call( b, 'GET', '/v1/sending-policy' ) ).json()
		).toEqual( POLICY_OFF );
		await t.call( b, 'PUT', '/v1/sending-policy', {
			...POLICY_OFF,
			frequency_cap: { ...POLICY_OFF.frequency_cap, enabled: true },
		} );
		expect(
			( await t.call( a, 'GET', '/v1/sending-policy' ) ).json()
		).toEqual( policy );
		// Unsigned: refused.
		const unsigned = await t.bridge.app.inject( {
			method: 'GET',
			url: '/v1/sending-policy',
		} );
		expect( unsigned.statusCode ).toBe( 401 );
	} );
} );
