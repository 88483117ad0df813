/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { createTenant } from '../../src/tenants/store';
import { dialects, openTestStore } from '../helpers/database';
import { startTestBridge, TEMPLATE, waitFor } from '../helpers/bridge';
import {
	freePort,
	signedFetch,
	startBridgeProcess,
	startEmulatorProcess,
	type Child,
} from '../helpers/processes';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

interface AccountStats {
	accepted: number;
	errors: Record< string, number >;
	firstAcceptedAt: number | null;
	lastAcceptedAt: number | null;
}

function rateOf( stats: AccountStats ): number {
	return (
		( ( stats.accepted - 1 ) * 1000 ) /
		( ( stats.lastAcceptedAt as number ) -
			( stats.firstAcceptedAt as number ) )
	);
}

const cleanup: Array< () => Promise< unknown > > = [];
afterAll( async () => {
	for ( const step of cleanup.reverse() ) {
		await step();
	}
} );

describe.each( dialects() )( 'throughput on %s', ( dialect ) => {
	it( 'sends at >= 95 % of a number at 80 mps with < 1 % of 130429', async () => {
		const store = await openTestStore( dialect );
		cleanup.push( () => store.drop() );
		const t = await startTestBridge( { store } );
		cleanup.push( () => t.close() );
		const shop = await t.addTenant( {
			throughput: 80,
			tier: 'TIER_UNLIMITED',
		} );
		const size = 1_200;
		const site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size,
			contact: ( i ) => contactAt( 300_000 + i ),
		} );
		cleanup.push( () => site.close() );
		await store.storage.db
			.updateTable( 'tenants' )
			.set( { site_rest_url: site.restUrl } )
			.where( 'id', '=', shop.id )
			.execute();
		await t.call( shop, 'PUT', '/v1/campaigns/rate', {
			name: 'Rate',
			audience: {},
			template: TEMPLATE,
		} );
		await t.call( shop, 'POST', '/v1/campaigns/rate/schedule' );
		await waitFor(
			async () =>
				( await t.call( shop, 'GET', '/v1/campaigns/rate' ) ).json()
					.state === 'completed',
			60_000,
			'completion'
		);

		const stats = (
			t.sandbox.stats().accounts as Record< string, AccountStats >
		 )[ `sandbox-${ shop.id }` ] as AccountStats;
		expect( stats.accepted ).toBe( size );
		const throttled = stats.errors[ '130429' ] ?? 0;
		expect( throttled / ( stats.accepted + throttled ) ).toBeLessThan(
			0.01
		);
		expect( rateOf( stats ) ).toBeGreaterThanOrEqual( 0.95 * 80 );
		expect( rateOf( stats ) ).toBeLessThanOrEqual( 80 * 1.02 );
	} );
} );

// Several processes are a PostgreSQL deployment (SQLite is one process by design), so this runs where PostgreSQL does.
if ( dialects().includes( 'postgres' ) ) {
	describe( 'two bridge processes on one PostgreSQL', () => {
		it( 'share a campaign: no duplicates, combined rate within the throughput', async () => {
			const store = await openTestStore( 'postgres' );
			cleanup.push( () => store.drop() );
			const ports = [ await freePort(), await freePort() ];
			const emulator = await startEmulatorProcess(
				{
					latencyMs: 30,
					statuses: { enabled: false },
				},
				{
					webhookUrlPrefixes: ports.map(
						( port ) =>
							`http://127.0.0.1:${ port }/v1/webhooks/whatsapp`
					),
				}
			);
			cleanup.push( () => emulator.child.kill( 'SIGTERM' ) );
			const key = randomBytes( 32 );
			const created = await createTenant(
				store.storage.db,
				new SecretBox( key ),
				'Shared shop',
				Date.now()
			);
			const shop = { id: created.tenant.id, secret: created.secret };
			const size = 2_000;
			const throughput = 100;
			const site: SiteServer = await startSiteServer( {
				siteId: shop.id,
				secret: shop.secret,
				size,
				contact: ( i ) => contactAt( 400_000 + i ),
			} );
			cleanup.push( () => site.close() );
			await store.storage.db
				.updateTable( 'tenants' )
				.set( {
					site_rest_url: site.restUrl,
					default_country: 'IT',
					throughput_mps: throughput,
					messaging_limit_tier: 'TIER_UNLIMITED',
				} )
				.where( 'id', '=', shop.id )
				.execute();
			const bridges: Child[] = [];
			for ( const port of ports ) {
				bridges.push(
					await startBridgeProcess( {
						...store.env,
						RONDINE_BRIDGE_PORT: String( port ),
						RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
						RONDINE_SANDBOX_URL: emulator.url,
						RONDINE_SANDBOX_CONTROL_TOKEN: emulator.token,
						// The test's site listens on 127.0.0.1.
						RONDINE_ALLOW_PRIVATE_SITE_URLS: '1',
					} )
				);
			}
			cleanup.push( () =>
				Promise.all( bridges.map( ( b ) => b.kill( 'SIGTERM' ) ) )
			);
			// Let both heartbeats be seen before the start, so each takes its share from the first message.
			await new Promise( ( resolve ) => setTimeout( resolve, 2_500 ) );
			const a = `http://127.0.0.1:${ ports[ 0 ] }`;
			const b = `http://127.0.0.1:${ ports[ 1 ] }`;
			expect(
				(
					await signedFetch( a, shop, 'PUT', '/v1/campaigns/shared', {
						name: 'Shared',
						audience: {},
						template: TEMPLATE,
					} )
				).status
			).toBe( 201 );
			expect(
				(
					await signedFetch(
						b,
						shop,
						'POST',
						'/v1/campaigns/shared/schedule'
					)
				).status
			).toBe( 200 );
			await waitFor(
				async () =>
					(
						await signedFetch(
							b,
							shop,
							'GET',
							'/v1/campaigns/shared'
						)
					).json.state === 'completed',
				90_000,
				'completion'
			);

			const workers = await store.storage.db
				.selectFrom( 'messages' )
				.select( [ 'claimed_by', sql< number >`count(*)`.as( 'n' ) ] )
				.where( 'campaign_id', '=', 'shared' )
				.where( 'state', '=', 'completed' )
				.groupBy( 'claimed_by' )
				.execute();
			expect( workers ).toHaveLength( 2 );
			for ( const w of workers ) {
				expect( Number( w.n ) ).toBeGreaterThan( size * 0.2 );
			}
			const received = await emulator.get< {
				messages: number;
				duplicates: number;
				phonesWithSeveral: number;
			} >( '/_control/received?callbackPrefix=shared:' );
			expect( received ).toMatchObject( {
				messages: size,
				duplicates: 0,
				phonesWithSeveral: 0,
			} );
			const stats = (
				await emulator.get< {
					accounts: Record< string, AccountStats >;
				} >( '/_control/stats' )
			).accounts[ `sandbox-${ shop.id }` ] as AccountStats;
			const throttled = stats.errors[ '130429' ] ?? 0;
			expect( throttled / ( stats.accepted + throttled ) ).toBeLessThan(
				0.01
			);
			expect( rateOf( stats ) ).toBeLessThanOrEqual( throughput * 1.02 );
			expect( rateOf( stats ) ).toBeGreaterThan( throughput * 0.8 );
		} );
	} );
}
