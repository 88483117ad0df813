/**
 * External dependencies
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { Sandbox } from '../../src/sandbox/index';
import { webhooksPlugin } from '../../src/webhooks/index';
import { withWebhookTables } from '../../src/webhooks/schema';
import {
	startTestBridge,
	TEMPLATE,
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	contactAt,
	italianMobile,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

const SIZE = 1_000;
const NOT_ON_WHATSAPP = 20;
const OPTED_OUT = 10;
const digits = ( phone: string ) => phone.replace( /\D/g, '' );

/**
 * The whole loop with real parts: the engine sends a campaign through the emulator, which posts signed status
 * webhooks (batched, duplicated, out of order) to the bridge's own endpoint; the counters must end exact.
 */
describe.each( dialects() )(
	'campaign through the emulator with its status webhooks (%s)',
	( dialect ) => {
		let store: TestStore;
		let t: TestBridge;
		let site: SiteServer;
		let shop: TestTenant;
		let webhookUrl = '';

		beforeAll( async () => {
			store = await openTestStore( dialect );
			const sandbox = new Sandbox( {
				statuses: {
					enabled: true,
					sentDelayMs: 5,
					deliveredDelayMs: 20,
					readDelayMs: 40,
					deliveredRate: 1,
					readRate: 1,
					duplicateRate: 0.3,
					outOfOrderRate: 0.3,
					marketingLimitRate: 0,
					batchSize: 25,
					flushIntervalMs: 10,
				},
				notOnWhatsApp: Array.from(
					{ length: NOT_ON_WHATSAPP },
					( _, i ) => digits( italianMobile( i ) )
				),
				optedOut: Array.from( { length: OPTED_OUT }, ( _, i ) =>
					digits( italianMobile( NOT_ON_WHATSAPP + i ) )
				),
			} as never );
			t = await startTestBridge( {
				store,
				sandbox,
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

		it( 'ends with message counters equal to the rows and to what the emulator did', async () => {
			expect(
				(
					await t.call( shop, 'PUT', '/v1/campaigns/loop', {
						name: 'Loop',
						audience: { segments: [ 'everyone' ] },
						template: TEMPLATE,
					} )
				).statusCode
			).toBe( 201 );
			const startAt = new Date( Date.now() + 1_000 ).toISOString();
			expect(
				(
					await t.call( shop, 'POST', '/v1/campaigns/loop/schedule', {
						start_at: startAt,
					} )
				).statusCode
			).toBe( 200 );

			const delivered = SIZE - NOT_ON_WHATSAPP - OPTED_OUT;
			const expected = {
				sent: delivered,
				delivered,
				read: delivered,
				failed: NOT_ON_WHATSAPP + OPTED_OUT,
			};
			await waitFor(
				async () => {
					const stats = (
						await t.call( shop, 'GET', '/v1/campaigns/loop/stats' )
					).json();
					return (
						stats.state === 'completed' &&
						JSON.stringify( stats.counters.messages ) ===
							JSON.stringify( expected )
					);
				},
				90_000,
				'every status webhook to be applied'
			);
			const stats = (
				await t.call( shop, 'GET', '/v1/campaigns/loop/stats' )
			).json();
			expect( stats.counters.automations ).toMatchObject( {
				completed: SIZE,
				failed: 0,
				unknown: 0,
			} );
			expect( stats.percentages.messages ).toEqual( {
				sent: 97,
				delivered: 97,
				read: 97,
				failed: 3,
			} );

			// The counters agree with the rows behind them.
			const db = withWebhookTables( store.storage.db );
			const rows = await db
				.selectFrom( 'messages' )
				.select( [
					'message_status',
					'error_reason',
					sql< number >`count(*)`.as( 'n' ),
				] )
				.where( 'campaign_id', '=', 'loop' )
				.groupBy( [ 'message_status', 'error_reason' ] )
				.execute();
			expect(
				rows
					.map( ( r ) => ( { ...r, n: Number( r.n ) } ) )
					.sort( ( a, b ) =>
						String( a.error_reason ?? '' ).localeCompare(
							String( b.error_reason ?? '' )
						)
					)
			).toEqual( [
				{ message_status: 'read', error_reason: null, n: delivered },
				{
					message_status: 'failed',
					error_reason: 'not_on_whatsapp',
					n: NOT_ON_WHATSAPP,
				},
				{
					message_status: 'failed',
					error_reason: 'opted_out',
					n: OPTED_OUT,
				},
			] );
			// 131050 turned into opt-outs of the tenant.
			const optOuts = await db
				.selectFrom( 'opt_outs' )
				.select( 'phone' )
				.where( 'tenant_id', '=', shop.id )
				.execute();
			expect( optOuts ).toHaveLength( OPTED_OUT );
			// Nothing was refused: every webhook the emulator sent verified.
			const stored = await db
				.selectFrom( 'webhook_events' )
				.select( ( eb ) => eb.fn.countAll< number >().as( 'n' ) )
				.where( 'applied', '=', 0 )
				.executeTakeFirstOrThrow();
			expect( Number( stored.n ) ).toBe( 0 );
		}, 120_000 );
	}
);
