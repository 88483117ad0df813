/**
 * The sending policy's parts (src/dispatch/policy.ts) and its claim-time decision (src/dispatch/claim.ts) without the
 * engine: quiet hours across DST changes and zones, the category of automation messages (`{"v":2,…}` bodies), the cap
 * across an automation's lane, and the cost of the decision (the same number of queries for 1 message as for 40).
 */

/**
 * External dependencies
 */
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { ManualClock } from '../../src/clock';
import { SecretBox } from '../../src/crypto/secret-box';
import { claimRecipients } from '../../src/dispatch/claim';
import { erasePhones } from '../../src/privacy/erasure';
import {
	automationCategory,
	nextAllowedAt,
	recipientZone,
} from '../../src/dispatch/policy';
import type { Tenant } from '../../src/storage/schema';
import {
	createTenant,
	findTenant,
	setTenantSendingPolicy,
} from '../../src/tenants/store';
import {
	dialects,
	insertRun,
	openTestStore,
	type TestStore,
} from '../helpers/database';

const RETURNING = 21 * 60;
const MORNING = 9 * 60;
const iso = ( ms: number ) => new Date( ms ).toISOString();

describe( 'quiet hours in the recipient’s local time', () => {
	it( 'takes the zone from the phone’s country, the shop’s zone for a country not listed', () => {
		expect( recipientZone( '+393471234567', 'UTC' ) ).toBe( 'Europe/Rome' );
		expect( recipientZone( '+447400123456', null ) ).toBe(
			'Europe/London'
		);
		expect( recipientZone( '+12125551234', null ) ).toBe(
			'America/New_York'
		);
		expect( recipientZone( '+5511987654321', null ) ).toBe(
			'America/Sao_Paulo'
		);
		// +290 (Saint Helena) is not in the table: the shop's zone.
		expect( recipientZone( '+2904123', 'Europe/Rome' ) ).toBe(
			'Europe/Rome'
		);
		expect( recipientZone( 'not a phone', null ) ).toBe( 'UTC' );
	} );

	it( 'moves a send in quiet hours to the next allowed minute, DST-correct, and leaves the others as they are', () => {
		const at = ( when: string, zone: string ) =>
			iso(
				nextAllowedAt( Date.parse( when ), zone, RETURNING, MORNING )
			);
		// Winter: Rome UTC+1, London UTC+0.
		expect( at( '2027-01-12T21:30:00Z', 'Europe/Rome' ) ).toBe(
			'2027-01-13T08:00:00.000Z'
		);
		expect( at( '2027-01-12T21:30:00Z', 'Europe/London' ) ).toBe(
			'2027-01-13T09:00:00.000Z'
		);
		// Summer: Rome UTC+2; after midnight the same morning.
		expect( at( '2026-07-01T20:30:00Z', 'Europe/Rome' ) ).toBe(
			'2026-07-02T07:00:00.000Z'
		);
		expect( at( '2026-07-01T23:30:00Z', 'Europe/Rome' ) ).toBe(
			'2026-07-02T07:00:00.000Z'
		);
		// The night clocks go forward (29 March 2026) and back (25 October 2026).
		expect( at( '2026-03-28T22:00:00Z', 'Europe/Rome' ) ).toBe(
			'2026-03-29T07:00:00.000Z'
		);
		expect( at( '2026-10-24T21:00:00Z', 'Europe/Rome' ) ).toBe(
			'2026-10-25T08:00:00.000Z'
		);
		expect( at( '2026-03-08T03:00:00Z', 'America/New_York' ) ).toBe(
			'2026-03-08T13:00:00.000Z'
		);
		// Outside quiet hours: now.
		expect( at( '2027-01-12T19:59:00Z', 'Europe/Rome' ) ).toBe(
			'2027-01-12T19:59:00.000Z'
		);
		expect( at( '2027-01-13T08:00:00Z', 'Europe/Rome' ) ).toBe(
			'2027-01-13T08:00:00.000Z'
		);
		// Quiet hours within one day (13:00-14:00).
		expect(
			iso(
				nextAllowedAt(
					Date.parse( '2027-01-12T12:10:00Z' ),
					'Europe/Rome',
					13 * 60,
					14 * 60
				)
			)
		).toBe( '2027-01-12T13:00:00.000Z' );
	} );

	it( 'reads an automation message’s category from its body; a campaign’s variables are not one', () => {
		const body = ( category: string ) =>
			JSON.stringify( { v: 2, category, request: { type: 'text' } } );
		expect( automationCategory( body( 'UTILITY' ) ) ).toBe( 'UTILITY' );
		expect( automationCategory( body( 'AUTHENTICATION' ) ) ).toBe(
			'AUTHENTICATION'
		);
		expect( automationCategory( body( 'MARKETING' ) ) ).toBe( 'MARKETING' );
		expect( automationCategory( body( 'whatever' ) ) ).toBe( 'MARKETING' );
		expect( automationCategory( '{"first_name":"Giulia"}' ) ).toBeNull();
		expect( automationCategory( '{"v":2,"first_name":"x"}' ) ).toBeNull();
	} );
} );

describe.each( dialects() )( 'claim-time sending policy on %s', ( dialect ) => {
	let store: TestStore;
	const clock = new ManualClock( Date.parse( '2027-01-12T10:00:00Z' ) );
	let tenant: Tenant;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		const created = await createTenant(
			store.storage.db,
			new SecretBox( Buffer.alloc( 32, 7 ) ),
			'Shop',
			clock.now()
		);
		await setTenantSendingPolicy(
			store.storage.db,
			created.tenant.id,
			{
				quiet_hours_enabled: 1,
				quiet_start_minute: RETURNING,
				quiet_end_minute: MORNING,
				cap_enabled: 1,
				cap_max_messages: 2,
				cap_days: 7,
				cap_when_capped: 'skip',
			},
			clock.now()
		);
		tenant = ( await findTenant(
			store.storage.db,
			created.tenant.id
		) ) as Tenant;
	} );

	afterAll( async () => {
		await store.drop();
	} );

	/*
	 * The lanes below stand for automations: their messages carry `{"v":2,…}` bodies. Until the engine's migration lets a
	 * run name `a:<automation id>`, a run's campaign must exist, so each lane is a campaign row.
	 */
	const lanes = new Set< string >();
	async function lane( id: string ): Promise< string > {
		if ( ! lanes.has( id ) ) {
			lanes.add( id );
			await store.storage.db
				.insertInto( 'campaigns' )
				.values( {
					tenant_id: tenant.id,
					id,
					name: id,
					audience: '{}',
					template_name: 'unused',
					template_language: 'en',
					template_components: '[]',
					start_at: null,
					options: '{}',
					state: 'running',
					state_reason: null,
					state_message: null,
					audience_done: 1,
					audience_cursor: null,
					snapshot_attempts: 0,
					next_snapshot_at: null,
					source_campaign_id: null,
					created_at: clock.now(),
					updated_at: clock.now(),
					started_at: clock.now(),
					finished_at: null,
				} )
				.execute();
		}
		return id;
	}

	const automationBody = ( category: string ) =>
		JSON.stringify( {
			v: 2,
			category,
			request: { type: 'text', text: { body: 'Hi' } },
		} );

	const claim = ( campaignId: string, limit = 100 ) =>
		claimRecipients(
			store.storage.db,
			dialect,
			clock,
			tenant,
			campaignId,
			false,
			limit,
			'worker'
		);

	it( 'caps an automation’s marketing messages across steps, never its utility ones', async () => {
		const phone = '+393470009001';
		const welcome = await lane( 'welcome' );
		const runId = await insertRun(
			store.storage.db,
			{ tenant_id: tenant.id, campaign_id: welcome, phone },
			{ body: automationBody( 'MARKETING' ), next_attempt_at: 0 }
		);
		// The run's next steps, each due when the previous one was claimed (the engine's job, done by hand here).
		const message = async ( step: number, category: string ) => {
			if ( step === 0 ) {
				return;
			}
			await store.storage.db
				.insertInto( 'messages' )
				.values( {
					tenant_id: tenant.id,
					campaign_id: welcome,
					run_id: runId,
					step,
					phone,
					body: automationBody( category ),
					state: 'pending',
					attempts: 0,
					next_attempt_at: clock.now(),
					updated_at: clock.now(),
				} )
				.execute();
		};
		await message( 0, 'MARKETING' );
		expect( ( await claim( welcome ) ).claimed ).toHaveLength( 1 );
		clock.advance( 60_000 );
		await message( 1, 'MARKETING' );
		expect( ( await claim( welcome ) ).claimed ).toHaveLength( 1 );
		clock.advance( 60_000 );
		await message( 2, 'UTILITY' );
		expect( ( await claim( welcome ) ).claimed ).toHaveLength( 1 );
		clock.advance( 60_000 );
		await message( 3, 'MARKETING' );
		const third = await claim( welcome );
		expect( third ).toMatchObject( { claimed: [], capped: 1 } );
		const states = await store.storage.db
			.selectFrom( 'messages' )
			.select( [ 'state', 'error_reason' ] )
			.where( 'campaign_id', '=', welcome )
			.orderBy( 'id' )
			.execute();
		expect( states.map( ( s ) => s.state ) ).toEqual( [
			'sending',
			'sending',
			'sending',
			'capped',
		] );
		expect( states[ 3 ]?.error_reason ).toBe( 'capped' );
		const run = await store.storage.db
			.selectFrom( 'recipients' )
			.select( 'state' )
			.where( 'campaign_id', '=', welcome )
			.orderBy( 'id', 'desc' )
			.executeTakeFirstOrThrow();
		expect( run.state ).toBe( 'ended' );

		// What the cap counted names the phone: erasing the phone erases it too.
		const counted = () =>
			store.storage.db
				.selectFrom( 'marketing_sends' )
				.select( 'message_id' )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'phone', '=', phone )
				.execute();
		expect( await counted() ).toHaveLength( 2 );
		await erasePhones(
			store.storage.db,
			tenant.id,
			[ phone ],
			clock.now()
		);
		expect( await counted() ).toEqual( [] );
	} );

	it( 'decides a whole batch in the same number of queries, whatever its size (no query per message)', async () => {
		let queries = 0;
		const counting: KyselyPlugin = {
			transformQuery: ( args ) => {
				queries += 1;
				return args.node;
			},
			transformResult: async ( args ) => args.result,
		};
		const db = store.storage.db.withPlugin( counting );
		const batch = async ( id: string, size: number ) => {
			const batchLane = await lane( id );
			for ( let i = 0; i < size; i++ ) {
				await insertRun(
					store.storage.db,
					{
						tenant_id: tenant.id,
						campaign_id: batchLane,
						phone: `+3934800${ String( 10_000 + size * 100 + i ) }`,
					},
					{
						body: automationBody(
							i % 2 === 0 ? 'MARKETING' : 'UTILITY'
						),
						next_attempt_at: 0,
					}
				);
			}
			queries = 0;
			const result = await claimRecipients(
				db,
				dialect,
				clock,
				tenant,
				batchLane,
				false,
				100,
				'worker'
			);
			expect( result.claimed ).toHaveLength( size );
			return queries;
		};
		const one = await batch( 'one', 1 );
		const forty = await batch( 'forty', 40 );
		expect( forty ).toBe( one );
	} );

	it( 'defers messages due in quiet hours to their recipient’s morning, in the same claim', async () => {
		clock.set( Date.parse( '2027-01-12T21:30:00Z' ) );
		const evening = await lane( 'evening' );
		for ( const phone of [ '+393470009101', '+447400009101' ] ) {
			await insertRun(
				store.storage.db,
				{ tenant_id: tenant.id, campaign_id: evening, phone },
				{ body: automationBody( 'UTILITY' ), next_attempt_at: 0 }
			);
		}
		const result = await claim( evening );
		expect( result ).toMatchObject( { claimed: [], deferred: 2 } );
		const due = await store.storage.db
			.selectFrom( 'messages' )
			.select( [ 'phone', 'state', 'next_attempt_at' ] )
			.where( 'campaign_id', '=', evening )
			.orderBy( 'phone' )
			.execute();
		expect(
			due.map( ( m ) => [
				m.phone,
				m.state,
				iso( Number( m.next_attempt_at ) ),
			] )
		).toEqual( [
			[ '+393470009101', 'pending', '2027-01-13T08:00:00.000Z' ],
			[ '+447400009101', 'pending', '2027-01-13T09:00:00.000Z' ],
		] );
		clock.set( Date.parse( '2027-01-13T08:00:00Z' ) );
		expect(
			( await claim( evening ) ).claimed.map( ( c ) => c.phone )
		).toEqual( [ '+393470009101' ] );
	} );
} );
