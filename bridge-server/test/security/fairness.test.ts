/**
 * External dependencies
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SiteClient } from '../../src/audience/site-client';
import { OptOutReporter } from '../../src/webhooks/opt-out-reporter';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../../src/webhooks/schema';
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
	type SiteServerOptions,
} from '../helpers/site-server';
import {
	box,
	ManualClock,
	openTestDatabase,
	seedTenant,
	type TestDatabase,
} from '../webhooks/harness';

describe.each( dialects() )( 'fairness between tenants (%s)', ( dialect ) => {
	let store: TestStore;
	let db: Kysely< WebhooksDatabase >;
	let t: TestBridge;
	const sites: SiteServer[] = [];

	beforeAll( async () => {
		store = await openTestStore( dialect );
		db = withWebhookTables( store.storage.db );
		t = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				snapshot: {
					pageSize: 10,
					maxAttempts: 6,
					retryBaseMs: 2_000,
					maxPages: 40,
					maxRecipients: 350,
				},
				scheduler: { maxSnapshots: 1, pagesPerTurn: 2 },
			},
		} );
	} );

	afterAll( async () => {
		// The suite drives the scheduler by hand (engine off): stop the snapshots it started before closing.
		await t?.bridge.scheduler.stop();
		await t?.close();
		await Promise.all( sites.map( ( s ) => s.close() ) );
		await store?.drop();
	} );

	async function shop(
		site: Omit< SiteServerOptions, 'siteId' | 'secret' >
	): Promise< TestTenant > {
		const tenant = await t.addTenant();
		const server = await startSiteServer( {
			siteId: tenant.id,
			secret: tenant.secret,
			...site,
		} );
		sites.push( server );
		await db
			.updateTable( 'tenants' )
			.set( { site_rest_url: server.restUrl } )
			.where( 'id', '=', tenant.id )
			.execute();
		return tenant;
	}

	async function start( tenant: TestTenant, id: string ) {
		expect(
			(
				await t.call( tenant, 'PUT', `/v1/campaigns/${ id }`, {
					name: id,
					audience: { segments: [ 'all' ] },
					template: TEMPLATE,
				} )
			).statusCode
		).toBe( 201 );
		expect(
			( await t.call( tenant, 'POST', `/v1/campaigns/${ id }/schedule` ) )
				.statusCode
		).toBe( 200 );
	}

	const campaign = ( tenantId: string, id: string ) =>
		db
			.selectFrom( 'campaigns' )
			.select( [
				'state',
				'state_reason',
				'state_message',
				'audience_done',
				'audience_pages',
			] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '=', id )
			.executeTakeFirstOrThrow();

	it( "one tenant's huge audiences do not hold back another tenant's snapshot @security", async () => {
		const big = await shop( {
			size: 5_000,
			contact: ( i ) => contactAt( 100_000 + i ),
		} );
		const small = await shop( {
			size: 15,
			contact: ( i ) => contactAt( 200_000 + i ),
		} );
		// More campaigns than the old scheduler looked at per tick (20), all started before the small shop's.
		const bigIds = Array.from( { length: 21 }, ( _, i ) => `big-${ i }` );
		for ( const id of bigIds ) {
			await start( big, id );
		}
		await start( small, 'small' );
		await waitFor(
			async () => {
				await t.bridge.scheduler.tick();
				return (
					( await campaign( small.id, 'small' ) ).audience_done === 1
				);
			},
			30_000,
			"the small shop's snapshot"
		);
		// The big shop's campaigns were still being read, one at a time.
		const bigRows = await Promise.all(
			bigIds.map( ( id ) => campaign( big.id, id ) )
		);
		expect( bigRows.filter( ( row ) => row.audience_done === 1 ) ).toEqual(
			[]
		);
		expect(
			bigRows.filter( ( row ) => row.audience_pages > 0 ).length
		).toBeLessThanOrEqual( 1 );
	} );

	async function settle( tenant: TestTenant, id: string ) {
		await waitFor(
			async () => {
				await t.bridge.scheduler.tick();
				return ( await campaign( tenant.id, id ) ).state === 'failed';
			},
			30_000,
			`campaign ${ id } to fail`
		);
		return campaign( tenant.id, id );
	}

	it( 'a site that pages forever is stopped: the campaign fails with a clear state @security', async () => {
		const endless = await shop( {
			size: 0,
			contact: contactAt,
			// Empty pages, a new cursor each time, forever.
			page: ( cursor ) => ( {
				recipients: [],
				next_cursor: String( Number( cursor ?? 0 ) + 1 ),
			} ),
		} );
		await start( endless, 'endless' );
		const row = await settle( endless, 'endless' );
		expect( row.state_reason ).toBe( 'audience_too_large' );
		expect( row.state_message ).toMatch( /kept sending audience pages/ );
		expect( row.audience_pages ).toBe( 40 );
	} );

	it( 'an audience over the cap fails the campaign with a clear state, before reading further @security', async () => {
		const huge = await shop( {
			size: 100_000,
			contact: ( i ) => contactAt( 300_000 + i ),
		} );
		await start( huge, 'huge' );
		const row = await settle( huge, 'huge' );
		expect( row.state_reason ).toBe( 'audience_too_large' );
		expect( row.state_message ).toMatch( /more than 350 contacts/ );
		expect( row.audience_pages ).toBe( 35 );
		const counters = await db
			.selectFrom( 'campaign_counters' )
			.select( [ 'total', 'to_start', 'failed' ] )
			.where( 'tenant_id', '=', huge.id )
			.where( 'campaign_id', '=', 'huge' )
			.executeTakeFirstOrThrow();
		// What was read is failed (never sent), and the counters add up.
		expect( counters ).toEqual( { total: 350, to_start: 0, failed: 350 } );
	} );

	it( 'a cursor that does not advance is an error at once, not a retry @security', async () => {
		const stuck = await shop( {
			size: 0,
			contact: contactAt,
			page: () => ( { recipients: [], next_cursor: 'same' } ),
		} );
		await start( stuck, 'stuck' );
		const row = await settle( stuck, 'stuck' );
		expect( row.state_reason ).toBe( 'audience_cursor_stuck' );
		expect( row.state_message ).toMatch( /same audience cursor/ );
	} );
} );

describe.each( dialects() )(
	'opt-out reports between tenants (%s)',
	( dialect ) => {
		let database: TestDatabase;
		const servers: Server[] = [];
		let release: () => void = () => undefined;

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
		} );

		afterAll( async () => {
			release();
			for ( const server of servers ) {
				server.closeAllConnections();
				await new Promise( ( resolve ) => server.close( resolve ) );
			}
			await database?.drop();
		} );

		/** A site taking opt-out reports; a slow one answers only once released (or after 10 s). */
		async function site( slow: boolean ): Promise< string > {
			const held = new Promise< void >( ( resolve ) => {
				const previous = release;
				release = () => {
					previous();
					resolve();
				};
				setTimeout( resolve, 10_000 ).unref();
			} );
			const server = createServer( ( request, response ) => {
				request.resume();
				request.on( 'end', async () => {
					if ( slow ) {
						await held;
					}
					response
						.writeHead( 200, {
							'content-type': 'application/json',
						} )
						.end( '{"applied":1}' );
				} );
			} );
			servers.push( server );
			await new Promise< void >( ( resolve ) =>
				server.listen( 0, '127.0.0.1', resolve )
			);
			return `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }/wp-json/`;
		}

		it( 'one sweep serves every tenant: a slow site does not hold back the others @security', async () => {
			const clock = new ManualClock( Date.UTC( 2026, 11, 7, 9 ) );
			// Sorted before the fast one: a one-tenant-at-a-time sweep would wait for it first.
			const tenants = [
				{ id: 'a-slow-1', slow: true },
				{ id: 'a-slow-2', slow: true },
				{ id: 'b-fast', slow: false },
			];
			for ( const tenant of tenants ) {
				await seedTenant( database.db, { id: tenant.id } );
				await database.db
					.updateTable( 'tenants' )
					.set( { site_rest_url: await site( tenant.slow ) } )
					.where( 'id', '=', tenant.id )
					.execute();
				await database.db
					.insertInto( 'opt_out_outbox' )
					.values( {
						tenant_id: tenant.id,
						phone: '+393330009999',
						action: 'stop',
						source: 'user_preferences',
						at: clock.now(),
						delivered_at: null,
						last_error: null,
					} )
					.execute();
			}
			const reporter = new OptOutReporter( {
				storage: database.storage,
				box,
				clock,
				// The test's sites listen on 127.0.0.1: allowed explicitly (RONDINE_ALLOW_PRIVATE_SITE_URLS=1).
				site: new SiteClient( clock, 15_000, {
					policy: { allowPrivate: true, allowHttp: false },
				} ),
			} );
			const sweep = reporter.runOnce();
			const delivered = async ( id: string ) =>
				(
					await database.db
						.selectFrom( 'opt_out_outbox' )
						.select( 'delivered_at' )
						.where( 'tenant_id', '=', id )
						.executeTakeFirstOrThrow()
				).delivered_at !== null;
			await waitFor(
				() => delivered( 'b-fast' ),
				5_000,
				"the fast site's report"
			);
			expect( await delivered( 'a-slow-1' ) ).toBe( false );
			release();
			expect( await sweep ).toBe( 3 );
			expect( await delivered( 'a-slow-2' ) ).toBe( true );
		} );
	}
);
