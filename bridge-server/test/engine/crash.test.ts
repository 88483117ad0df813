/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { createTenant } from '../../src/tenants/store';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import { TEMPLATE, waitFor } from '../helpers/bridge';
import { expectCountersMatchRows } from '../helpers/counters';
import {
	freePort,
	signedFetch,
	startBridgeProcess,
	startEmulatorProcess,
	type Child,
	type EmulatorProcess,
} from '../helpers/processes';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const RECIPIENTS = 5_000;
const KILLS = 6;

describe.each( dialects() )(
	'bridge killed with SIGKILL during a 5k campaign on %s',
	( dialect ) => {
		let store: TestStore;
		let emulator: EmulatorProcess;
		let site: SiteServer;
		let bridge: Child | undefined;
		const key = randomBytes( 32 );
		let tenant: { id: string; secret: Buffer };
		let env: Record< string, string >;
		let baseUrl: string;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			const port = await freePort();
			baseUrl = `http://127.0.0.1:${ port }`;
			emulator = await startEmulatorProcess(
				{
					latencyMs: 20,
					statuses: { enabled: false },
				},
				{ webhookUrlPrefixes: [ `${ baseUrl }/v1/webhooks/whatsapp` ] }
			);
			const created = await createTenant(
				store.storage.db,
				new SecretBox( key ),
				'Crash shop',
				Date.now()
			);
			tenant = { id: created.tenant.id, secret: created.secret };
			site = await startSiteServer( {
				siteId: tenant.id,
				secret: tenant.secret,
				size: RECIPIENTS,
				contact: ( i ) => contactAt( 200_000 + i ),
			} );
			await store.storage.db
				.updateTable( 'tenants' )
				.set( {
					site_rest_url: site.restUrl,
					default_country: 'IT',
					throughput_mps: 250,
					messaging_limit_tier: 'TIER_UNLIMITED',
				} )
				.where( 'id', '=', tenant.id )
				.execute();
			env = {
				...store.env,
				RONDINE_BRIDGE_PORT: String( port ),
				RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
				RONDINE_SANDBOX_URL: emulator.url,
				RONDINE_SANDBOX_CONTROL_TOKEN: emulator.token,
				// The test's site listens on 127.0.0.1.
				RONDINE_ALLOW_PRIVATE_SITE_URLS: '1',
			};
		} );

		afterAll( async () => {
			await bridge?.kill( 'SIGKILL' );
			await emulator?.child.kill( 'SIGTERM' );
			await site?.close();
			await store?.drop();
		} );

		it( 'completes, loses no recipient, and no phone receives the message twice', async () => {
			bridge = await startBridgeProcess( env );
			expect(
				(
					await signedFetch(
						baseUrl,
						tenant,
						'PUT',
						'/v1/campaigns/crash',
						{ name: 'Crash', audience: {}, template: TEMPLATE }
					)
				).status
			).toBe( 201 );
			expect(
				(
					await signedFetch(
						baseUrl,
						tenant,
						'POST',
						'/v1/campaigns/crash/schedule'
					)
				).status
			).toBe( 200 );

			const counters = async () =>
				store.storage.db
					.selectFrom( 'campaign_counters' )
					.selectAll()
					.where( 'campaign_id', '=', 'crash' )
					.executeTakeFirstOrThrow();
			const state = async () =>
				(
					await store.storage.db
						.selectFrom( 'campaigns' )
						.select( 'state' )
						.where( 'id', '=', 'crash' )
						.executeTakeFirstOrThrow()
				).state;

			let kills = 0;
			const killedAt: number[] = [];
			while ( kills < KILLS ) {
				// A random moment: during the snapshot at first, then in the middle of sending.
				await new Promise( ( resolve ) =>
					setTimeout( resolve, 700 + Math.random() * 1_800 )
				);
				if ( ( await state() ) === 'completed' ) {
					break;
				}
				killedAt.push( ( await counters() ).completed );
				await bridge.kill( 'SIGKILL' );
				kills += 1;
				bridge = await startBridgeProcess( env );
			}
			expect( kills ).toBeGreaterThanOrEqual( 5 );
			await waitFor(
				async () => ( await state() ) === 'completed',
				90_000,
				'the campaign to complete after the crashes'
			);

			const c = await counters();
			expect( c.total ).toBe( RECIPIENTS );
			expect( c.to_start ).toBe( 0 );
			expect( c.in_progress ).toBe( 0 );
			expect( c.completed + c.failed + c.unknown ).toBe( RECIPIENTS );
			expect( c.completed ).toBeGreaterThan( RECIPIENTS * 0.9 );

			// No recipient lost: every message is in a final state, and the rows agree with the counters.
			const rows = await store.storage.db
				.selectFrom( 'messages' )
				.select( [ 'state', sql< number >`count(*)`.as( 'n' ) ] )
				.where( 'campaign_id', '=', 'crash' )
				.groupBy( 'state' )
				.execute();
			const byState = Object.fromEntries(
				rows.map( ( r ) => [ r.state, Number( r.n ) ] )
			);
			expect(
				Object.keys( byState ).every( ( s ) =>
					[ 'completed', 'failed', 'unknown' ].includes( s )
				)
			).toBe( true );
			expect( byState.completed ?? 0 ).toBe( c.completed );
			expect( byState.unknown ?? 0 ).toBe( c.unknown );

			// Every counter equals the COUNT of the rows it summarises, whatever the crashes interrupted.
			await expectCountersMatchRows(
				store.storage.db,
				tenant.id,
				'crash'
			);

			// At most one message per (run, step), whatever the crashes: every run has exactly its one step-0 message,
			// and every run ended with it.
			const perStep = await store.storage.db
				.selectFrom( 'messages' )
				.select( [
					'run_id',
					'step',
					sql< number >`count(*)`.as( 'n' ),
				] )
				.where( 'campaign_id', '=', 'crash' )
				.groupBy( [ 'run_id', 'step' ] )
				.having( sql< number >`count(*)`, '>', 1 )
				.execute();
			expect( perStep ).toEqual( [] );
			const runs = await store.storage.db
				.selectFrom( 'recipients as r' )
				.select( [
					'r.state',
					sql< number >`count(*)`.as( 'n' ),
					sql< number >`sum(case when exists (select 1 from messages m where m.run_id = r.id and m.step = 0) then 1 else 0 end)`.as(
						'with_message'
					),
				] )
				.where( 'r.campaign_id', '=', 'crash' )
				.groupBy( 'r.state' )
				.execute();
			expect(
				runs.map( ( r ) => ( {
					state: r.state,
					n: Number( r.n ),
					with_message: Number( r.with_message ),
				} ) )
			).toEqual( [
				{ state: 'ended', n: RECIPIENTS, with_message: RECIPIENTS },
			] );

			// What the phones received (the emulator's own count): nobody twice.
			const received = await emulator.get< {
				phones: number;
				messages: number;
				phonesWithSeveral: number;
				duplicates: number;
			} >( '/_control/received?callbackPrefix=crash:' );
			// Each callback data names one message (campaign, run, step): no message reached WhatsApp twice.
			expect( received.duplicates ).toBe( 0 );
			expect( received.phonesWithSeveral ).toBe( 0 );
			expect( received.messages ).toBeGreaterThanOrEqual( c.completed );
			expect( received.messages ).toBeLessThanOrEqual(
				c.completed + c.unknown
			);
			expect( new Set( killedAt ).size ).toBeGreaterThan( 1 );
		} );
	}
);
