/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { Sandbox } from '../../src/sandbox/index';
import { DEFAULT_OPT_OUT_PAYLOADS } from '../../src/webhooks/consent';
import { webhooksPlugin } from '../../src/webhooks/index';
import { replayUnappliedWebhooks } from '../../src/webhooks/replay';
import { TenantDirectory } from '../../src/webhooks/tenant-directory';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import { expectCountersMatchRows } from '../helpers/counters';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	contactAt,
	italianMobile,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const SIZE = 600;
const NOT_ON_WHATSAPP = 15;
const TAPS = 25;
const digits = ( phone: string ) => phone.replace( /\D/g, '' );

/**
 * One writer for counters (issue 15, item 2): after chaos, every counter of the campaign equals a COUNT of the rows it
 * summarises (test/helpers/counters.ts). Chaos here: send errors that are retried (500s) and sends whose outcome is
 * unknown (connection cut after sending), status webhooks duplicated and out of order, button taps tapped twice, then
 * every stored webhook applied once more (as if Meta redelivered all of them). The crash test (SIGKILL) and the
 * webhook chaos test check the same invariant after their own chaos.
 */
describe.each( dialects() )(
	'counters equal the rows they summarise after chaos (%s)',
	( dialect ) => {
		let store: TestStore;
		let t: TestBridge;
		let site: SiteServer;
		let shop: TestTenant;
		let webhookUrl = '';
		const key = randomBytes( 32 );

		beforeAll( async () => {
			store = await openTestStore( dialect );
			const sandbox = new Sandbox( {
				statuses: {
					enabled: true,
					sentDelayMs: 5,
					deliveredDelayMs: 15,
					readDelayMs: 30,
					deliveredRate: 0.9,
					readRate: 0.5,
					duplicateRate: 0.5,
					outOfOrderRate: 0.5,
					marketingLimitRate: 0,
					batchSize: 20,
					flushIntervalMs: 10,
				},
				faults: {
					serverErrorRate: 0.05,
					dropAfterRate: 0.01,
				},
				notOnWhatsApp: Array.from(
					{ length: NOT_ON_WHATSAPP },
					( _, i ) => digits( italianMobile( i ) )
				),
			} as never );
			t = await startTestBridge( {
				store,
				sandbox,
				key,
				bridge: {
					webhooksPlugin,
					webhooksOptions: { reportOptOuts: false },
					onSandboxTenant: ( tenant, account, appSecret ) =>
						sandbox.ensureAccount( {
							tenantId: tenant.id,
							phoneNumberId: account.phoneNumberId,
							wabaId: account.wabaId,
							token: account.accessToken,
							appSecret,
							webhookUrl,
							throughputMps: tenant.throughput_mps,
							tier: tenant.messaging_limit_tier,
							qualityRating: tenant.quality,
						} ),
				},
			} );
			webhookUrl = `${ t.url }/v1/webhooks/whatsapp`;
			shop = await t.addTenant( {
				throughput: 1000,
				tier: 'TIER_UNLIMITED',
			} );
			site = await startSiteServer( {
				siteId: shop.id,
				secret: shop.secret,
				size: SIZE,
				contact: contactAt,
			} );
			await store.storage.db
				.updateTable( 'tenants' )
				.set( { site_rest_url: site.restUrl } )
				.where( 'id', '=', shop.id )
				.execute();
		}, 60_000 );

		afterAll( async () => {
			await t?.close();
			await site?.close();
			await store?.drop();
		} );

		it( 'every counter equals a COUNT of its rows after retries, unknown outcomes, duplicated and shuffled webhooks, double taps and a full redelivery', async () => {
			const db = store.storage.db;
			expect(
				(
					await t.call( shop, 'PUT', '/v1/campaigns/chaos', {
						name: 'Chaos',
						audience: { segments: [ 'everyone' ] },
						template: TEMPLATE,
					} )
				).statusCode
			).toBe( 201 );
			expect(
				(
					await t.call(
						shop,
						'POST',
						'/v1/campaigns/chaos/schedule',
						{
							start_at: new Date(
								Date.now() + 500
							).toISOString(),
						}
					)
				).statusCode
			).toBe( 200 );
			await waitFor(
				async () =>
					(
						await t.call( shop, 'GET', '/v1/campaigns/chaos/stats' )
					).json().state === 'completed',
				120_000,
				'the campaign to complete'
			);

			// Customers tap a button of the message they got, some twice (the second tap is no new interaction).
			// The emulated number of a sandbox tenant (src/tenants/accounts.ts).
			const phoneNumberId = `sandbox-${ shop.id }`;
			const tapped = await db
				.selectFrom( 'messages' )
				.select( 'phone' )
				.where( 'campaign_id', '=', 'chaos' )
				.where( 'state', '=', 'completed' )
				.where( 'message_status', 'in', [ 'delivered', 'read' ] )
				.orderBy( 'id' )
				.limit( TAPS )
				.execute();
			expect( tapped ).toHaveLength( TAPS );
			for ( const [ i, { phone } ] of tapped.entries() ) {
				for ( let copy = 0; copy < ( i % 2 === 0 ? 2 : 1 ); copy++ ) {
					await t.sandbox.inbound( {
						phoneNumberId,
						from: digits( phone ),
						kind: 'button',
						payload: 'Interested',
						title: 'Interested',
					} );
				}
			}

			// Settled: every status webhook applied (the counters stop moving) and the invariant holds.
			let last = '';
			await waitFor(
				async () => {
					const row = await db
						.selectFrom( 'campaign_counters' )
						.selectAll()
						.where( 'campaign_id', '=', 'chaos' )
						.executeTakeFirstOrThrow();
					const now = JSON.stringify( row );
					const stable = now === last && row.interactions === TAPS;
					last = now;
					if ( ! stable ) {
						await new Promise( ( resolve ) =>
							setTimeout( resolve, 500 )
						);
					}
					return stable;
				},
				60_000,
				'the webhooks to settle'
			);
			const before = await expectCountersMatchRows(
				db,
				shop.id,
				'chaos'
			);
			// The chaos happened: retries, unknown outcomes, failures after sending, reads and plain deliveries.
			const messages = await db
				.selectFrom( 'messages' )
				.select( [ 'state', 'attempts', 'message_status' ] )
				.where( 'campaign_id', '=', 'chaos' )
				.execute();
			expect( messages.some( ( m ) => m.attempts > 1 ) ).toBe( true );
			expect( Number( before.messages_failed ) ).toBeGreaterThan( 0 );
			expect( Number( before.messages_read ) ).toBeGreaterThan( 0 );
			expect( Number( before.interactions ) ).toBe( TAPS );

			// Meta redelivers everything once more: nothing moves, the invariant still holds.
			await db
				.updateTable( 'webhook_events' as never )
				.set( { applied: 0 } as never )
				.execute();
			const replayed = await replayUnappliedWebhooks( {
				db,
				directory: new TenantDirectory( {
					db,
					box: new SecretBox( key ),
				} ),
				defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
			} );
			expect( replayed.failed ).toBe( 0 );
			// Every stored request (the emulator batches statuses, so fewer rows than messages).
			expect( replayed.applied ).toBeGreaterThan( 0 );
			const after = await expectCountersMatchRows( db, shop.id, 'chaos' );
			expect( after ).toEqual( before );
		}, 240_000 );
	}
);
