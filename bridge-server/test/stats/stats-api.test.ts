/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	AudienceSnapshot,
	DEFAULT_SNAPSHOT_OPTIONS,
} from '../../src/audience/snapshot';
import { SiteClient } from '../../src/audience/site-client';
import type { RecipientState } from '../../src/storage/schema';
import { webhooksPlugin } from '../../src/webhooks/index';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../../src/webhooks/schema';
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import {
	dialects,
	insertRun,
	openTestStore,
	type TestStore,
} from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import type { Kysely } from 'kysely';

const HOUR = 3_600_000;

describe.each( dialects() )(
	'stats, drill-down and retry failed on %s',
	( dialect ) => {
		let store: TestStore;
		let t: TestBridge;
		let shop: TestTenant;
		let other: TestTenant;
		let db: Kysely< WebhooksDatabase >;

		/** Signed by the tenant's (sandbox) app secret, as the emulator or Meta would. */
		async function webhook(
			tenant: TestTenant,
			value: Record< string, unknown >,
			field = 'messages'
		) {
			const body = JSON.stringify( {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: `sandbox-waba-${ tenant.id }`,
						changes: [
							{
								field,
								value: {
									metadata: {
										phone_number_id: `sandbox-${ tenant.id }`,
									},
									...value,
								},
							},
						],
					},
				],
			} );
			const response = await t.bridge.app.inject( {
				method: 'POST',
				url: '/v1/webhooks/whatsapp',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': signWebhook(
						t.bridge.accounts.sandboxAppSecret( tenant.id ),
						body
					),
				},
				payload: body,
			} );
			expect( response.statusCode ).toBe( 200 );
		}

		/** The number each wamid was sent to: Meta names the customer (recipient_id) in every status. */
		const sentTo = new Map< string, string >();
		const status = (
			wamid: string,
			name: string,
			at: number,
			code?: number
		) => ( {
			id: wamid,
			status: name,
			timestamp: String( Math.floor( at / 1000 ) ),
			recipient_id: ( sentTo.get( wamid ) ?? '' ).replace( '+', '' ),
			...( code
				? { errors: [ { code, title: `error ${ code }` } ] }
				: {} ),
		} );

		async function campaign(
			id: string,
			state: 'running' | 'completed',
			startedAt: number
		) {
			expect(
				(
					await t.call( shop, 'PUT', `/v1/campaigns/${ id }`, {
						name: id,
						audience: { segments: [ 'all' ] },
						template: TEMPLATE,
					} )
				).statusCode
			).toBe( 201 );
			await db
				.updateTable( 'campaigns' )
				.set( { state, started_at: startedAt, audience_done: 1 } )
				.where( 'id', '=', id )
				.execute();
		}

		/** Recipients as the engine leaves them, with counters to match. */
		async function recipients(
			campaignId: string,
			rows: Array< {
				phone: string;
				state: RecipientState;
				wamid?: string;
				reason?: string;
				retryable?: number;
			} >
		) {
			for ( const row of rows ) {
				if ( row.wamid ) {
					sentTo.set( row.wamid, row.phone );
				}
			}
			for ( const row of rows ) {
				await insertRun(
					db,
					{
						tenant_id: shop.id,
						campaign_id: campaignId,
						contact_id: row.phone.slice( -4 ),
						phone: row.phone,
						variables: '{"first_name":"Ada"}',
						updated_at: Date.now(),
					},
					{
						state: row.state,
						attempts: row.state === 'pending' ? 0 : 1,
						wamid: row.wamid ?? null,
						message_status:
							row.state === 'completed'
								? ( 'accepted' as const )
								: null,
						error_reason: row.reason ?? null,
						retryable: row.retryable ?? null,
						updated_at: Date.now(),
					}
				);
			}
			const count = ( state: RecipientState ) =>
				rows.filter( ( r ) => r.state === state ).length;
			await db
				.updateTable( 'campaign_counters' )
				.set( {
					total: rows.length,
					to_start: count( 'pending' ),
					completed: count( 'completed' ),
					failed: count( 'failed' ),
					unknown: count( 'unknown' ),
					invalid: rows.filter(
						( r ) => r.reason === 'invalid_phone'
					).length,
				} )
				.where( 'campaign_id', '=', campaignId )
				.execute();
		}

		beforeAll( async () => {
			store = await openTestStore( dialect );
			t = await startTestBridge( {
				store,
				engine: false,
				bridge: {
					webhooksPlugin,
					webhooksOptions: { reportOptOuts: false },
				},
			} );
			shop = await t.addTenant( { name: 'Shop A' } );
			other = await t.addTenant( { name: 'Shop B' } );
			db = withWebhookTables( store.storage.db );

			// "spring": 10 sent, 2 invalid numbers, 3 still to send, started 100 s ago.
			await campaign( 'spring', 'running', Date.now() - 100_000 );
			await recipients( 'spring', [
				...Array.from( { length: 10 }, ( _, i ) => ( {
					phone: `+39333000000${ i }`,
					state: 'completed' as const,
					wamid: `wamid.s${ i }`,
				} ) ),
				{
					phone: '12',
					state: 'failed',
					reason: 'invalid_phone',
					retryable: 0,
				},
				{
					phone: '13',
					state: 'failed',
					reason: 'invalid_phone',
					retryable: 0,
				},
				...Array.from( { length: 3 }, ( _, i ) => ( {
					phone: `+39334000000${ i }`,
					state: 'pending' as const,
				} ) ),
			] );
			const now = Date.now();
			await webhook( shop, {
				statuses: [
					...Array.from( { length: 8 }, ( _, i ) =>
						status( `wamid.s${ i }`, 'delivered', now )
					),
					...Array.from( { length: 5 }, ( _, i ) =>
						status( `wamid.s${ i }`, 'read', now )
					),
					status( 'wamid.s8', 'failed', now, 131026 ),
					status( 'wamid.s9', 'sent', now ),
				],
				messages: [
					{
						id: 'wamid.in1',
						from: '393330000000',
						timestamp: String( Math.floor( now / 1000 ) ),
						type: 'button',
						button: { payload: 'MORE_INFO', text: 'Tell me more' },
						context: { id: 'wamid.s0' },
					},
				],
			} );
		}, 60_000 );

		afterAll( async () => {
			await t?.close();
			await store?.drop();
		} );

		it( 'stats: counters, percentages of the right totals, and an ETA from the pace so far', async () => {
			const response = await t.call(
				shop,
				'GET',
				'/v1/campaigns/spring/stats'
			);
			expect( response.statusCode ).toBe( 200 );
			const stats = response.json();
			expect( stats.counters ).toMatchObject( {
				total: 15,
				automations: {
					to_start: 3,
					in_progress: 0,
					completed: 10,
					failed: 2,
					unknown: 0,
				},
				messages: { sent: 9, delivered: 8, read: 5, failed: 1 },
				interactions: 1,
			} );
			expect( stats.percentages ).toEqual( {
				automations: {
					to_start: 20,
					in_progress: 0,
					completed: 66.7,
					failed: 13.3,
					unknown: 0,
					cancelled: 0,
					capped: 0,
				},
				messages: {
					sent: 60,
					delivered: 53.3,
					read: 33.3,
					failed: 6.7,
				},
				interactions: 12.5,
			} );
			expect( stats.progress.done ).toBe( 12 );
			expect( stats.progress.remaining ).toBe( 3 );
			// 10 sends in about 100 s: 3 more take about 30 s.
			expect( stats.progress.rate_per_second ).toBeCloseTo( 0.1, 1 );
			expect( stats.progress.eta_seconds ).toBeGreaterThanOrEqual( 28 );
			expect( stats.progress.eta_seconds ).toBeLessThanOrEqual( 32 );
		} );

		it( 'recipients: filtered by message status, error, interaction and state, paged by id', async () => {
			const get = async ( query: string ) =>
				(
					await t.call(
						shop,
						'GET',
						`/v1/campaigns/spring/recipients?${ query }`
					)
				).json();
			expect(
				( await get( 'message_status=read' ) ).recipients
			).toHaveLength( 5 );
			const undeliverable = ( await get( 'error=not_on_whatsapp' ) )
				.recipients;
			expect( undeliverable ).toEqual( [
				expect.objectContaining( {
					phone: '+393330000008',
					message_status: 'failed',
					error_code: 131026,
					retryable: true,
				} ),
			] );
			expect( ( await get( 'interacted=true' ) ).recipients ).toEqual( [
				expect.objectContaining( {
					phone: '+393330000000',
					interaction_payload: 'MORE_INFO',
				} ),
			] );
			expect(
				( await get( 'state=failed' ) ).recipients.map(
					( r: { phone: string } ) => r.phone
				)
			).toEqual( [ '12', '13' ] );
			expect(
				( await get( 'message_status=none' ) ).recipients
			).toHaveLength( 5 );
			const first = await get( 'limit=6' );
			expect( first.recipients ).toHaveLength( 6 );
			const second = await get( `limit=6&after=${ first.next_after }` );
			const third = await get( `limit=6&after=${ second.next_after }` );
			expect( third.recipients ).toHaveLength( 3 );
			expect( third.next_after ).toBeNull();
			const ids = [
				...first.recipients,
				...second.recipients,
				...third.recipients,
			].map( ( r: { id: number } ) => r.id );
			expect( new Set( ids ).size ).toBe( 15 );
		} );

		it( 'CSV: ?format=csv or Accept: text/csv exports every match, with a header and safe cells', async () => {
			const all = await t.call(
				shop,
				'GET',
				'/v1/campaigns/spring/recipients?format=csv'
			);
			expect( all.statusCode ).toBe( 200 );
			expect( all.headers[ 'content-type' ] ).toMatch( /^text\/csv/ );
			expect( all.headers[ 'content-disposition' ] ).toContain(
				'attachment'
			);
			const lines = all.body.trim().split( '\r\n' );
			expect( lines ).toHaveLength( 16 );
			expect( lines[ 0 ] ).toMatch( /^id,contact_id,phone,state,/ );
			expect( all.body ).toContain( '"+393330000000"' );
			const read = await t.call(
				shop,
				'GET',
				'/v1/campaigns/spring/recipients?message_status=read',
				undefined,
				{
					accept: 'text/csv',
				}
			);
			expect( read.body.trim().split( '\r\n' ) ).toHaveLength( 6 );
		} );

		it( "one phone's messages across campaigns, newest first, within the tenant only", async () => {
			await campaign( 'summer', 'completed', Date.now() - HOUR );
			await recipients( 'summer', [
				{
					phone: '+393330000000',
					state: 'completed',
					wamid: 'wamid.summer0',
				},
				{ phone: '+393339999999', state: 'pending' },
			] );
			await db
				.updateTable( 'messages' )
				.set( { updated_at: Date.now() + 60_000 } )
				.where( 'campaign_id', '=', 'summer' )
				.execute();
			const phone = encodeURIComponent( '+393330000000' );
			const response = await t.call(
				shop,
				'GET',
				`/v1/recipients?phone=${ phone }`
			);
			expect( response.statusCode, response.body ).toBe( 200 );
			const { messages } = response.json() as {
				messages: Array< Record< string, unknown > >;
			};
			expect(
				messages.map( ( m ) => [
					m.campaign_id,
					m.campaign_name,
					m.phone,
				] )
			).toEqual( [
				[ 'summer', 'summer', '+393330000000' ],
				[ 'spring', 'spring', '+393330000000' ],
			] );
			// The spring message was read and answered with a button (the webhooks above).
			expect( messages[ 1 ] ).toMatchObject( {
				message_status: 'read',
				template_name: TEMPLATE.name,
			} );
			expect( messages[ 1 ]!.interacted_at ).not.toBeNull();
			expect(
				(
					await t.call(
						shop,
						'GET',
						`/v1/recipients?phone=${ phone }&limit=1`
					)
				).json().messages
			).toHaveLength( 1 );

			// Another shop has no such messages; a phone that is not E.164 is refused; no signature, no answer.
			expect(
				(
					await t.call(
						other,
						'GET',
						`/v1/recipients?phone=${ phone }`
					)
				).json()
			).toEqual( { messages: [] } );
			expect(
				( await t.call( shop, 'GET', '/v1/recipients?phone=333' ) )
					.statusCode
			).toBe( 400 );
			expect(
				( await t.call( shop, 'GET', '/v1/recipients' ) ).statusCode
			).toBe( 400 );
			expect(
				(
					await t.bridge.app.inject( {
						method: 'GET',
						url: `/v1/recipients?phone=${ phone }`,
					} )
				).statusCode
			).toBe( 401 );
		} );

		it( "another tenant's campaign is not found, and nothing is answered without a signature", async () => {
			for ( const path of [
				'/v1/campaigns/spring/stats',
				'/v1/campaigns/spring/recipients',
				'/v1/campaigns/spring/recipients?format=csv',
			] ) {
				expect(
					( await t.call( other, 'GET', path ) ).statusCode
				).toBe( 404 );
				expect(
					(
						await t.bridge.app.inject( {
							method: 'GET',
							url: path,
						} )
					).statusCode
				).toBe( 401 );
			}
		} );

		it( 'retry failed: the new draft sends exactly to the retryable failures (by phone)', async () => {
			const now = Date.now();
			await campaign( 'mixed', 'running', now - HOUR );
			const failed = (
				phone: string,
				reason: string,
				retryable: number
			) => ( { phone, state: 'failed' as const, reason, retryable } );
			const sent = ( phone: string, wamid: string ) => ( {
				phone,
				state: 'completed' as const,
				wamid,
			} );
			await recipients( 'mixed', [
				failed( '+393350000001', 'invalid_phone', 0 ),
				failed( '+393350000002', 'daily_limit', 1 ),
				failed( '+393350000003', 'something_went_wrong', 1 ),
				sent( '+393350000004', 'wamid.m4' ), // 131050: opted out
				sent( '+393350000005', 'wamid.m5' ), // 131026: not on WhatsApp
				sent( '+393350000006', 'wamid.m6' ), // 131049 an hour ago
				sent( '+393350000007', 'wamid.m7' ), // 131049 25 hours ago
				failed( '+393350000008', 'daily_limit', 1 ), // then stops marketing
				{ phone: '+393350000009', state: 'unknown' as const },
				sent( '+393350000010', 'wamid.m10' ), // delivered
				sent( '+393350000011', 'wamid.m11' ), // 132015: template paused (a retry would fail the same way)
				failed( '+393350000012', 'invalid_parameter', 0 ),
			] );
			await webhook( shop, {
				statuses: [
					status( 'wamid.m4', 'failed', now, 131050 ),
					status( 'wamid.m5', 'failed', now, 131026 ),
					status( 'wamid.m6', 'failed', now - HOUR, 131049 ),
					status( 'wamid.m7', 'failed', now - 25 * HOUR, 131049 ),
					status( 'wamid.m10', 'delivered', now ),
					status( 'wamid.m11', 'failed', now, 132015 ),
				],
			} );
			await webhook(
				shop,
				{
					user_preferences: [
						{
							wa_id: '393350000008',
							category: 'marketing_messages',
							value: 'stop',
							timestamp: Math.floor( now / 1000 ),
						},
					],
				},
				'user_preferences'
			);
			await db
				.updateTable( 'campaigns' )
				.set( { state: 'completed' } )
				.where( 'id', '=', 'mixed' )
				.execute();

			const response = await t.call(
				shop,
				'POST',
				'/v1/campaigns/mixed/retry-failed',
				{ id: 'mixed-retry' }
			);
			expect( response.statusCode ).toBe( 201 );
			expect( response.json() ).toMatchObject( {
				id: 'mixed-retry',
				state: 'draft',
				source_campaign_id: 'mixed',
			} );

			// The audience is taken when the retry starts, as for any campaign.
			await db
				.updateTable( 'campaigns' )
				.set( { state: 'running' } )
				.where( 'id', '=', 'mixed-retry' )
				.execute();
			const snapshot = new AudienceSnapshot(
				store.storage.db,
				new SiteClient( t.clock ),
				t.bridge.box,
				t.clock,
				DEFAULT_SNAPSHOT_OPTIONS
			);
			const tenant = await db
				.selectFrom( 'tenants' )
				.selectAll()
				.where( 'id', '=', shop.id )
				.executeTakeFirstOrThrow();
			for ( let page = 0; page < 10; page++ ) {
				const retry = await db
					.selectFrom( 'campaigns' )
					.selectAll()
					.where( 'id', '=', 'mixed-retry' )
					.executeTakeFirstOrThrow();
				if ( ( await snapshot.step( tenant, retry ) ) === 'done' ) {
					break;
				}
			}
			const phones = (
				await db
					.selectFrom( 'recipients' )
					.select( 'phone' )
					.where( 'campaign_id', '=', 'mixed-retry' )
					.orderBy( 'phone' )
					.execute()
			).map( ( r ) => r.phone );
			expect( phones ).toEqual( [
				'+393350000002',
				'+393350000003',
				'+393350000005',
				'+393350000007',
			] );
			const counters = await db
				.selectFrom( 'campaign_counters' )
				.select( [ 'total', 'opted_out', 'to_start' ] )
				.where( 'campaign_id', '=', 'mixed-retry' )
				.executeTakeFirstOrThrow();
			expect( counters ).toEqual( {
				total: 4,
				opted_out: 1,
				to_start: 4,
			} );
			// The opt-out from 131050 reached the tenant's list too.
			const optedOut = (
				await db
					.selectFrom( 'opt_outs' )
					.select( 'phone' )
					.where( 'tenant_id', '=', shop.id )
					.orderBy( 'phone' )
					.execute()
			).map( ( r ) => r.phone );
			expect( optedOut ).toEqual( [ '+393350000004', '+393350000008' ] );
		} );

		it( 'a template paused by WhatsApp pauses the running campaigns that use it, with the reason', async () => {
			await webhook(
				shop,
				{
					event: 'PAUSED',
					message_template_id: 1,
					message_template_name: TEMPLATE.name,
					message_template_language: TEMPLATE.language,
					reason: 'LOW_QUALITY',
				},
				'message_template_status_update'
			);
			const stats = (
				await t.call( shop, 'GET', '/v1/campaigns/spring/stats' )
			).json();
			expect( stats ).toMatchObject( {
				state: 'paused',
				state_reason: 'template_paused',
			} );
			expect( stats.progress.eta_seconds ).toBeNull();
		} );

		it( 'interaction settings: stored per tenant, validated, and used for opt-outs', async () => {
			expect(
				(
					await t.call( shop, 'GET', '/v1/settings/interactions' )
				).json().opt_out_payloads
			).toContain( 'Stop promotions' );
			for ( const bad of [
				{},
				{ opt_out_payloads: [ '' ] },
				{ opt_out_payloads: [ 'x'.repeat( 300 ) ] },
				{ other: [] },
			] ) {
				expect(
					(
						await t.call(
							shop,
							'PUT',
							'/v1/settings/interactions',
							bad
						)
					).statusCode
				).toBe( 400 );
			}
			expect(
				(
					await t.call( shop, 'GET', '/v1/settings/interactions' )
				).json().opt_out_payloads
			).toContain( 'Stop promotions' );
			const put = await t.call(
				shop,
				'PUT',
				'/v1/settings/interactions',
				{ opt_out_payloads: [ ' BASTA ', 'BASTA' ] }
			);
			expect( put.json() ).toEqual( { opt_out_payloads: [ 'BASTA' ] } );
			await webhook( shop, {
				messages: [
					{
						id: 'wamid.in2',
						from: '393330000001',
						timestamp: '1',
						type: 'button',
						button: { payload: 'basta', text: 'Basta' },
						context: { id: 'wamid.s1' },
					},
					{
						id: 'wamid.in3',
						from: '393330000002',
						timestamp: '1',
						type: 'button',
						button: {
							payload: 'Stop promotions',
							text: 'Stop promotions',
						},
						context: { id: 'wamid.s2' },
					},
				],
			} );
			const optedOut = (
				await db
					.selectFrom( 'opt_outs' )
					.select( 'phone' )
					.where( 'tenant_id', '=', shop.id )
					.execute()
			).map( ( r ) => r.phone );
			expect( optedOut ).toContain( '+393330000001' );
			expect( optedOut ).not.toContain( '+393330000002' );
			expect(
				(
					await t.call( other, 'GET', '/v1/settings/interactions' )
				).json().opt_out_payloads
			).toContain( 'Stop promotions' );
		} );
	}
);
