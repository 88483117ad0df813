/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../../src/webhooks/schema';
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

const B_PHONE = '+393339990001';

describe.each( dialects() )(
	"tenant A cannot read, change or receive tenant B's data (%s)",
	( dialect ) => {
		let store: TestStore;
		let db: Kysely< WebhooksDatabase >;
		let t: TestBridge;
		let a: TestTenant;
		let b: TestTenant;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			db = withWebhookTables( store.storage.db );
			t = await startTestBridge( { store, engine: false } );
			a = await t.addTenant( { name: 'Shop A' } );
			b = await t.addTenant( { name: 'Shop B' } );
			const campaign = ( id: string ) =>
				t.call( b, 'PUT', `/v1/campaigns/${ id }`, {
					name: `B ${ id }`,
					audience: { segments: [ 'all' ] },
					template: TEMPLATE,
				} );
			for ( const id of [ 'b-draft', 'b-sched', 'b-paused', 'b-done' ] ) {
				expect( ( await campaign( id ) ).statusCode ).toBe( 201 );
			}
			await t.call( b, 'POST', '/v1/campaigns/b-sched/schedule', {
				start_at: new Date( Date.now() + 86_400_000 ).toISOString(),
			} );
			await db
				.updateTable( 'campaigns' )
				.set( {
					state: 'paused',
					started_at: Date.now(),
					audience_done: 1,
				} )
				.where( 'tenant_id', '=', b.id )
				.where( 'id', '=', 'b-paused' )
				.execute();
			await db
				.updateTable( 'campaigns' )
				.set( {
					state: 'completed',
					started_at: Date.now() - 60_000,
					finished_at: Date.now(),
					audience_done: 1,
				} )
				.where( 'tenant_id', '=', b.id )
				.where( 'id', '=', 'b-done' )
				.execute();
			await insertRun(
				db,
				{
					tenant_id: b.id,
					campaign_id: 'b-done',
					contact_id: '7',
					phone: B_PHONE,
					variables: '{"first_name":"Bea"}',
					updated_at: Date.now(),
				},
				{
					state: 'failed',
					attempts: 1,
					error_reason: 'not_on_whatsapp',
					retryable: 1,
					updated_at: Date.now(),
				}
			);
			await insertRun(
				db,
				{
					tenant_id: b.id,
					campaign_id: 'b-done',
					contact_id: '8',
					phone: '+393339990002',
					variables: '{"first_name":"Bruno"}',
					updated_at: Date.now(),
				},
				{
					state: 'completed',
					attempts: 1,
					wamid: 'wamid.B2',
					message_status: 'read',
					updated_at: Date.now(),
				}
			);
			await db
				.updateTable( 'campaign_counters' )
				.set( { total: 2, completed: 1, failed: 1 } )
				.where( 'tenant_id', '=', b.id )
				.where( 'campaign_id', '=', 'b-done' )
				.execute();
			await db
				.insertInto( 'inbound_messages' )
				.values( {
					tenant_id: b.id,
					message_id: 'wamid.in.B',
					from_phone: B_PHONE,
					from_user_id: 'US.B',
					type: 'text',
					context_wamid: null,
					payload: null,
					text: 'B private reply',
					campaign_id: 'b-done',
					recipient_id: null,
					sent_at: Date.now(),
					received_at: Date.now(),
				} )
				.execute();
			await t.call( b, 'PUT', '/v1/settings/interactions', {
				opt_out_payloads: [ 'B STOP' ],
			} );
			await t.call( b, 'POST', '/v1/consent', {
				events: [
					{
						phone: '+393339990003',
						state: 'revoked',
						at: new Date().toISOString(),
						source: 'admin',
					},
				],
			} );
		} );

		afterAll( async () => {
			await t?.close();
			await store?.drop();
		} );

		/** Every row of B's, in every table that holds tenant data. */
		async function bState() {
			const rows: Record< string, unknown[] > = {};
			for ( const table of [
				'tenants',
				'campaigns',
				'campaign_counters',
				'recipients',
				'inbound_messages',
				'opt_outs',
				'marketing_preferences',
				'interaction_settings',
				'opt_out_outbox',
				'send_log',
				'wa_id_aliases',
				'webhook_events',
			] as const ) {
				const column = table === 'tenants' ? 'id' : 'tenant_id';
				rows[ table ] = await db
					.selectFrom( table )
					.selectAll()
					.where( sql< boolean >`${ sql.ref( column ) } = ${ b.id }` )
					.execute();
				rows[ table ]?.sort( ( x, y ) =>
					JSON.stringify( x ).localeCompare( JSON.stringify( y ) )
				);
			}
			return rows;
		}

		it( "every signed /v1 route called with A's credentials on B's ids answers 404 or A's own data, and nothing of B's changes @security", async () => {
			// B reached B_PHONE an hour ago: it holds one unit of B's daily window, none of A's.
			await db
				.insertInto( 'send_log' )
				.values( {
					tenant_id: b.id,
					phone: B_PHONE,
					last_sent_at: Date.now() - 3_600_000,
				} )
				.onConflict( ( oc ) =>
					oc.columns( [ 'tenant_id', 'phone' ] ).doNothing()
				)
				.execute();
			const before = await bState();
			expect( before.recipients ).toHaveLength( 2 );
			const ids = [ 'b-draft', 'b-sched', 'b-paused', 'b-done' ];
			const notFound: Array<
				[ 'GET' | 'POST' | 'DELETE', string, unknown? ]
			> = [];
			for ( const id of ids ) {
				notFound.push(
					[ 'GET', `/v1/campaigns/${ id }` ],
					[ 'GET', `/v1/campaigns/${ id }/stats` ],
					[ 'GET', `/v1/campaigns/${ id }/recipients` ],
					[ 'GET', `/v1/campaigns/${ id }/recipients?state=failed` ],
					[ 'GET', `/v1/campaigns/${ id }/recipients?format=csv` ],
					[ 'DELETE', `/v1/campaigns/${ id }` ],
					[ 'POST', `/v1/campaigns/${ id }/schedule`, {} ],
					[ 'POST', `/v1/campaigns/${ id }/pause` ],
					[ 'POST', `/v1/campaigns/${ id }/resume` ],
					[ 'POST', `/v1/campaigns/${ id }/cancel` ],
					[
						'POST',
						`/v1/campaigns/${ id }/retry-failed`,
						{ id: `${ id }-stolen` },
					]
				);
			}
			for ( const [ method, path, body ] of notFound ) {
				const response = await t.call( a, method, path, body );
				expect( [ path, response.statusCode ] ).toEqual( [
					path,
					404,
				] );
				expect( response.body ).not.toContain( B_PHONE );
				expect( response.body ).not.toContain( 'Bea' );
			}

			// Routes without an id answer only A's own data.
			const list = await t.call( a, 'GET', '/v1/campaigns' );
			expect( list.statusCode ).toBe( 200 );
			expect( list.json().campaigns ).toEqual( [] );
			const status = await t.call( a, 'GET', '/v1/status' );
			expect( status.json().tenant.id ).toBe( a.id );
			const settings = await t.call(
				a,
				'GET',
				'/v1/settings/interactions'
			);
			expect( settings.body ).not.toContain( 'B STOP' );
			expect(
				(
					await t.call( a, 'PUT', '/v1/settings/interactions', {
						opt_out_payloads: [ 'A STOP' ],
					} )
				).statusCode
			).toBe( 200 );
			const exported = await t.call( a, 'POST', '/v1/privacy/export', {
				phones: [ B_PHONE, '+393339990003' ],
			} );
			expect( exported.statusCode ).toBe( 200 );
			expect( exported.json() ).toEqual( {
				messages: [],
				inbound: [],
				opt_out: [],
			} );
			const erased = await t.call( a, 'POST', '/v1/privacy/erase', {
				phones: [ B_PHONE ],
			} );
			expect( erased.json() ).toEqual( {
				erased: { messages: 0, inbound: 0, webhook_events: 0 },
			} );
			expect(
				(
					await t.call( a, 'POST', '/v1/consent', {
						events: [
							{
								phone: '+393339990003',
								state: 'granted',
								at: new Date(
									Date.now() + 60_000
								).toISOString(),
								source: 'admin',
							},
						],
					} )
				).json()
			).toEqual( { applied: 1 } );
			// The owner's routes (issue 13): a phone's message history, the forecast, a test send and the credentials
			// check answer from A's own data only.
			const history = await t.call(
				a,
				'GET',
				`/v1/recipients?phone=${ encodeURIComponent( B_PHONE ) }`
			);
			expect( history.statusCode ).toBe( 200 );
			expect( history.body ).not.toContain( 'Bea' );
			expect( history.body ).not.toContain( 'b-' );
			const forecast = await t.call( a, 'POST', '/v1/forecast', {
				phones: [ B_PHONE ],
			} );
			expect( forecast.statusCode ).toBe( 200 );
			expect( forecast.json().already_in_window ).toBe( 0 );
			const test = await t.call( a, 'POST', '/v1/test-message', {
				to: '+393339990004',
				template: TEMPLATE,
			} );
			expect( test.body ).not.toContain( B_PHONE );
			const check = await t.call( a, 'POST', '/v1/whatsapp/check', {} );
			expect( check.statusCode ).toBe( 400 );
			expect( check.body ).not.toContain( b.id );
			// A's PUT on one of B's ids creates A's own campaign; B's stays as it was.
			const own = await t.call( a, 'PUT', '/v1/campaigns/b-draft', {
				name: 'A takes the id',
				audience: { segments: [ 'all' ] },
				template: TEMPLATE,
			} );
			expect( own.statusCode ).toBe( 201 );
			expect( own.json().name ).toBe( 'A takes the id' );

			const after = await bState();
			// A's erasure left a suppression entry for A only; everything of B's is as it was.
			expect( after ).toEqual( before );
			// And B still sees its own data.
			expect(
				( await t.call( b, 'GET', '/v1/campaigns/b-draft' ) ).json()
					.name
			).toBe( 'B b-draft' );
		} );
	}
);
