/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { normalisePhone } from '../../src/audience/snapshot';
import { retryableRecipients } from '../../src/stats/retry-failed';
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
	waitFor,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import { ScriptedMessenger } from '../helpers/scripted-messenger';
import {
	contactAt,
	startSiteServer,
	type SiteServer,
} from '../helpers/site-server';

/** The E.164 form the bridge stores for contact number `index`. */
function e164( index: number ): string {
	const check = normalisePhone(
		contactAt( index ).phone as string,
		'IT',
		'IT'
	);
	if ( ! check.ok ) {
		throw new Error( 'test contact has an invalid phone' );
	}
	return check.e164;
}

const iso = ( ms: number ) => new Date( ms ).toISOString();

describe.each( dialects() )( 'consent and privacy (%s)', ( dialect ) => {
	let store: TestStore;
	let db: Kysely< WebhooksDatabase >;
	const sites: SiteServer[] = [];
	const bridges: TestBridge[] = [];

	beforeAll( async () => {
		store = await openTestStore( dialect );
		db = withWebhookTables( store.storage.db );
	} );

	afterAll( async () => {
		for ( const b of bridges ) {
			await b.close();
		}
		await Promise.all( sites.map( ( s ) => s.close() ) );
		await store.drop();
	} );

	async function shopWithSite(
		t: TestBridge,
		first: number,
		size: number
	): Promise< TestTenant > {
		const shop = await t.addTenant();
		const site = await startSiteServer( {
			siteId: shop.id,
			secret: shop.secret,
			size,
			contact: ( i ) => contactAt( first + i ),
		} );
		sites.push( site );
		await db
			.updateTable( 'tenants' )
			.set( { site_rest_url: site.restUrl } )
			.where( 'id', '=', shop.id )
			.execute();
		return shop;
	}

	async function createCampaign(
		t: TestBridge,
		shop: TestTenant,
		id: string,
		schedule = true
	) {
		expect(
			(
				await t.call( shop, 'PUT', `/v1/campaigns/${ id }`, {
					name: `Campaign ${ id }`,
					audience: { segments: [ 'all' ] },
					template: TEMPLATE,
				} )
			).statusCode
		).toBe( 201 );
		if ( schedule ) {
			expect(
				(
					await t.call(
						shop,
						'POST',
						`/v1/campaigns/${ id }/schedule`
					)
				).statusCode
			).toBe( 200 );
		}
	}

	async function finished( t: TestBridge, shop: TestTenant, id: string ) {
		let view: Record< string, any > = {};
		await waitFor(
			async () => {
				view = (
					await t.call( shop, 'GET', `/v1/campaigns/${ id }` )
				).json();
				return view.state === 'completed' || view.state === 'failed';
			},
			60_000,
			`campaign ${ id } to finish`
		);
		return view;
	}

	async function consent(
		t: TestBridge,
		shop: TestTenant,
		events: Array< {
			phone: string;
			state: string;
			at: string;
			source: string;
		} >
	) {
		return t.call( shop, 'POST', '/v1/consent', { events } );
	}

	async function listed( tenantId: string, phone: string ) {
		return db
			.selectFrom( 'opt_outs' )
			.select( [ 'source' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'phone', '=', phone )
			.executeTakeFirst();
	}

	describe( 'with the engine running', () => {
		let t: TestBridge;
		let shop: TestTenant;
		const first = 7_000;
		// Contact 0 is not on WhatsApp at the first attempt (a retryable failure); the others are accepted.
		const messenger = new ScriptedMessenger(
			( _account, message, attempt ) =>
				message.to === e164( first ) && attempt === 1
					? {
							kind: 'error',
							code: 131026,
							message: 'Message undeliverable',
						}
					: null
		);

		beforeAll( async () => {
			t = await startTestBridge( { store, messenger } );
			bridges.push( t );
			shop = await shopWithSite( t, first, 3 );
		} );

		// The next suites share the database: this bridge's scheduler must not take their campaigns.
		afterAll( async () => {
			await t.close();
			bridges.splice( bridges.indexOf( t ), 1 );
		} );

		it( 'a revocation pushed after a first send stops "Retry failed" and every later campaign from sending to that phone; an erased phone is never messaged again @security', async () => {
			const revoked = e164( first );
			await createCampaign( t, shop, 'first' );
			const firstRun = await finished( t, shop, 'first' );
			expect( firstRun.counters.automations ).toMatchObject( {
				completed: 2,
				failed: 1,
			} );
			expect( messenger.attemptsFor( revoked ) ).toBe( 1 );

			// The customer revokes consent in WordPress after the first send; the plugin pushes it.
			const response = await consent( t, shop, [
				{
					phone: revoked,
					state: 'revoked',
					at: iso( Date.now() ),
					source: 'my_account',
				},
			] );
			expect( response.statusCode ).toBe( 200 );
			expect( response.json() ).toEqual( { applied: 1 } );

			// "Retry failed" takes its audience from the bridge's own rows: the revoked phone is not sent.
			const retry = await t.call(
				shop,
				'POST',
				'/v1/campaigns/first/retry-failed',
				{ id: 'first-retry' }
			);
			expect( retry.statusCode ).toBe( 201 );
			await t.call( shop, 'POST', '/v1/campaigns/first-retry/schedule' );
			const retried = await finished( t, shop, 'first-retry' );
			expect( retried.state ).toBe( 'completed' );
			expect( retried.counters.skipped.opted_out ).toBe( 1 );
			expect( retried.counters.automations.failed ).toBe( 0 );
			expect( messenger.attemptsFor( revoked ) ).toBe( 1 );

			// A later campaign from the site's audience (which still lists the phone) does not send to it either.
			await createCampaign( t, shop, 'later' );
			const later = await finished( t, shop, 'later' );
			expect( later.counters.skipped.opted_out ).toBe( 1 );
			expect( later.counters.automations.completed ).toBe( 2 );
			expect( messenger.attemptsFor( revoked ) ).toBe( 1 );
			expect( messenger.attemptsFor( e164( first + 1 ) ) ).toBe( 2 );

			// Erasure of another phone: it stays suppressed, so the next campaign does not message it.
			const erased = e164( first + 1 );
			const erase = await t.call( shop, 'POST', '/v1/privacy/erase', {
				phones: [ erased ],
			} );
			expect( erase.statusCode ).toBe( 200 );
			expect( erase.json().erased.messages ).toBe( 2 );
			expect( await listed( shop.id, erased ) ).toEqual( {
				source: 'erasure',
			} );
			await createCampaign( t, shop, 'after-erasure' );
			const afterErasure = await finished( t, shop, 'after-erasure' );
			expect( afterErasure.counters.skipped.opted_out ).toBe( 2 );
			expect( messenger.attemptsFor( erased ) ).toBe( 2 );
			expect( messenger.attemptsFor( e164( first + 2 ) ) ).toBe( 3 );
		} );
	} );

	describe( 'revoked between snapshot and dispatch', () => {
		let t: TestBridge;
		let shop: TestTenant;
		const first = 8_000;
		const messenger = new ScriptedMessenger( () => null );

		beforeAll( async () => {
			t = await startTestBridge( { store, messenger, engine: false } );
			bridges.push( t );
			shop = await shopWithSite( t, first, 4 );
		} );

		afterAll( async () => {
			await t.bridge.dispatcher.stop();
		} );

		it( 'a claimed recipient whose phone was revoked after the snapshot is not sent: final state opted_out, not failed, not retryable, counters consistent @security', async () => {
			await createCampaign( t, shop, 'claim-check' );
			// Start and snapshot only (the dispatcher is not running yet).
			await waitFor(
				async () => {
					await t.bridge.scheduler.tick();
					const row = await db
						.selectFrom( 'campaigns' )
						.select( 'audience_done' )
						.where( 'tenant_id', '=', shop.id )
						.where( 'id', '=', 'claim-check' )
						.executeTakeFirstOrThrow();
					return row.audience_done === 1;
				},
				30_000,
				'the audience snapshot'
			);
			const revoked = e164( first + 1 );
			const stored = await db
				.selectFrom( 'messages' )
				.select( 'state' )
				.where( 'tenant_id', '=', shop.id )
				.where( 'phone', '=', revoked )
				.executeTakeFirstOrThrow();
			expect( stored.state ).toBe( 'pending' );

			expect(
				(
					await consent( t, shop, [
						{
							phone: revoked,
							state: 'revoked',
							at: iso( Date.now() ),
							source: 'checkout',
						},
					] )
				).json()
			).toEqual( { applied: 1 } );

			await t.bridge.dispatcher.start();
			await waitFor(
				async () => {
					const c = await db
						.selectFrom( 'campaign_counters' )
						.select( [ 'to_start', 'in_progress' ] )
						.where( 'tenant_id', '=', shop.id )
						.where( 'campaign_id', '=', 'claim-check' )
						.executeTakeFirstOrThrow();
					return c.to_start === 0 && c.in_progress === 0;
				},
				30_000,
				'every recipient to be settled'
			);
			await t.bridge.scheduler.tick();

			expect( messenger.attemptsFor( revoked ) ).toBe( 0 );
			for ( const i of [ 0, 2, 3 ] ) {
				expect( messenger.attemptsFor( e164( first + i ) ) ).toBe( 1 );
			}
			const row = await db
				.selectFrom( 'messages' )
				.select( [ 'state', 'error_reason', 'retryable', 'attempts' ] )
				.where( 'tenant_id', '=', shop.id )
				.where( 'phone', '=', revoked )
				.executeTakeFirstOrThrow();
			expect( row ).toEqual( {
				state: 'opted_out',
				error_reason: 'opted_out',
				retryable: 0,
				attempts: 0,
			} );
			const view = (
				await t.call( shop, 'GET', '/v1/campaigns/claim-check/stats' )
			).json();
			expect( view.state ).toBe( 'completed' );
			expect( view.counters.total ).toBe( 3 );
			expect( view.counters.automations ).toEqual( {
				to_start: 0,
				in_progress: 0,
				completed: 3,
				failed: 0,
				unknown: 0,
				cancelled: 0,
				capped: 0,
			} );
			expect( view.counters.skipped.opted_out ).toBe( 1 );
			const drill = (
				await t.call(
					shop,
					'GET',
					'/v1/campaigns/claim-check/recipients?state=opted_out'
				)
			).json();
			expect(
				drill.recipients.map( ( r: { phone: string } ) => r.phone )
			).toEqual( [ revoked ] );
			// Not retryable: "Retry failed" has nothing to take.
			expect(
				await retryableRecipients(
					store.storage.db,
					shop.id,
					'claim-check',
					Date.now()
				)
			).toEqual( [] );
		} );
	} );

	describe( 'routes', () => {
		let t: TestBridge;
		let shop: TestTenant;
		let other: TestTenant;

		beforeAll( async () => {
			t = await startTestBridge( { store, engine: false } );
			bridges.push( t );
			shop = await t.addTenant( { name: 'Shop A' } );
			other = await t.addTenant( { name: 'Shop B' } );
		} );

		it( 'consent events are idempotent and the latest change per phone wins, whatever the order @security', async () => {
			const phone = '+393330001111';
			const base = Date.parse( '2026-12-07T10:00:00Z' );
			const event = ( state: string, at: number ) => ( {
				phone,
				state,
				at: iso( at ),
				source: 'my_account',
			} );
			const applied = async ( events: ReturnType< typeof event >[] ) => {
				const response = await consent( t, shop, events );
				expect( response.statusCode ).toBe( 200 );
				return response.json().applied;
			};
			expect( await applied( [ event( 'revoked', base ) ] ) ).toBe( 1 );
			expect( await listed( shop.id, phone ) ).toBeDefined();
			// The same event again (a retry of the outbox): nothing changes.
			expect( await applied( [ event( 'revoked', base ) ] ) ).toBe( 0 );
			// An older grant, delivered late: ignored.
			expect(
				await applied( [ event( 'granted', base - 3_600_000 ) ] )
			).toBe( 0 );
			// A grant at the same instant as the revocation: the revocation wins.
			expect( await applied( [ event( 'granted', base ) ] ) ).toBe( 0 );
			expect( await listed( shop.id, phone ) ).toBeDefined();
			// A newer grant lifts it.
			expect(
				await applied( [ event( 'granted', base + 3_600_000 ) ] )
			).toBe( 1 );
			expect( await listed( shop.id, phone ) ).toBeUndefined();
			// A revocation older than that grant: ignored.
			expect(
				await applied( [ event( 'revoked', base + 1_800_000 ) ] )
			).toBe( 0 );
			expect( await listed( shop.id, phone ) ).toBeUndefined();
			// Out of order within one request: the later one (revoked) is what stays.
			expect(
				await applied( [
					event( 'revoked', base + 3 * 3_600_000 ),
					event( 'granted', base + 2 * 3_600_000 ),
				] )
			).toBe( 2 );
			expect( await listed( shop.id, phone ) ).toEqual( {
				source: 'my_account',
			} );
			// Another tenant's list is its own.
			expect( await listed( other.id, phone ) ).toBeUndefined();
			// Nothing goes back to the site: it is the origin of these changes.
			const outbox = await db
				.selectFrom( 'opt_out_outbox' )
				.select( 'id' )
				.where( 'phone', '=', phone )
				.execute();
			expect( outbox ).toEqual( [] );
		} );

		it( "a grant by the shop (owner, import, bulk) never lifts the person's own stop; the person's new opt-in does; the owner's own stop the owner can lift @security", async () => {
			const base = Date.parse( '2026-12-07T11:00:00Z' );
			const event = (
				phone: string,
				state: string,
				at: number,
				source: string
			) => ( { phone, state, at: iso( at ), source } );
			const applied = async ( events: ReturnType< typeof event >[] ) =>
				( await consent( t, shop, events ) ).json().applied;
			for ( const [ i, stop ] of [
				'whatsapp_stop',
				'my_account',
				'erasure',
			].entries() ) {
				const phone = `+39333000220${ i }`;
				expect(
					await applied( [ event( phone, 'revoked', base, stop ) ] )
				).toBe( 1 );
				for ( const [ j, shopAct ] of [
					'admin',
					'import',
					'bulk',
				].entries() ) {
					expect(
						await applied( [
							event(
								phone,
								'granted',
								base + ( j + 1 ) * 60_000,
								shopAct
							),
						] ),
						`${ shopAct } after ${ stop }`
					).toBe( 0 );
					expect( await listed( shop.id, phone ) ).toBeDefined();
				}
				// The person's own new opt-in lifts it.
				expect(
					await applied( [
						event( phone, 'granted', base + 3_600_000, 'checkout' ),
					] )
				).toBe( 1 );
				expect( await listed( shop.id, phone ) ).toBeUndefined();
			}
			// WhatsApp's own STOP (a webhook) is the person's act too.
			const stopped = '+393330002210';
			await db
				.insertInto( 'opt_outs' )
				.values( {
					tenant_id: shop.id,
					phone: stopped,
					source: 'stop_button',
					created_at: base,
					reported: 1,
				} )
				.execute();
			expect(
				await applied( [
					event( stopped, 'granted', base + 60_000, 'admin' ),
				] )
			).toBe( 0 );
			expect( await listed( shop.id, stopped ) ).toBeDefined();
			// The owner's own withdrawal, the owner may undo.
			const owners = '+393330002220';
			expect(
				await applied( [ event( owners, 'revoked', base, 'admin' ) ] )
			).toBe( 1 );
			expect(
				await applied( [
					event( owners, 'granted', base + 60_000, 'admin' ),
				] )
			).toBe( 1 );
			expect( await listed( shop.id, owners ) ).toBeUndefined();
		} );

		it( 'consent: refuses malformed events with 400 and applies none of them', async () => {
			const good = {
				phone: '+393330002222',
				state: 'revoked',
				at: '2026-12-07T10:00:00Z',
				source: 'admin',
			};
			for ( const events of [
				[ good, { ...good, phone: '3330002222' } ],
				[ good, { ...good, state: 'maybe' } ],
				[ good, { ...good, source: 'somewhere' } ],
				[ good, { ...good, at: 'yesterday' } ],
				Array.from( { length: 501 }, () => good ),
				[],
			] ) {
				const response = await consent( t, shop, events );
				expect( response.statusCode ).toBe( 400 );
			}
			expect( await listed( shop.id, good.phone ) ).toBeUndefined();
		} );

		/** The same phone in both tenants, with messages, replies and consent. */
		async function seedPhone(
			tenant: TestTenant,
			campaignId: string,
			phone: string
		) {
			await createCampaign( t, tenant, campaignId, false );
			const now = Date.now();
			await insertRun(
				db,
				{
					tenant_id: tenant.id,
					campaign_id: campaignId,
					contact_id: '42',
					phone,
					variables: '{"first_name":"Maria"}',
					updated_at: now,
				},
				{
					state: 'completed',
					attempts: 1,
					wamid: `wamid.${ campaignId }`,
					message_status: 'read',
					sent_at: now - 60_000,
					delivered_at: now - 50_000,
					read_at: now - 40_000,
				}
			);
			await db
				.insertInto( 'inbound_messages' )
				.values( {
					tenant_id: tenant.id,
					message_id: `wamid.in.${ campaignId }`,
					from_phone: phone,
					from_user_id: `US.${ campaignId }`,
					type: 'text',
					context_wamid: null,
					payload: null,
					text: `Hello from ${ campaignId }`,
					campaign_id: campaignId,
					recipient_id: null,
					sent_at: now - 30_000,
					received_at: now - 30_000,
				} )
				.execute();
		}

		it( "export answers exactly this tenant's data for that phone @security", async () => {
			const phone = '+393330003333';
			const bystander = '+393330004444';
			await seedPhone( shop, 'export-a', phone );
			await seedPhone( shop, 'export-a2', bystander );
			await seedPhone( other, 'export-b', phone );
			await consent( t, shop, [
				{
					phone,
					state: 'revoked',
					at: '2026-12-07T11:00:00Z',
					source: 'whatsapp_stop',
				},
			] );
			const response = await t.call( shop, 'POST', '/v1/privacy/export', {
				phones: [ phone ],
			} );
			expect( response.statusCode ).toBe( 200 );
			const body = response.json();
			expect( body.messages ).toEqual( [
				{
					phone,
					campaign_id: 'export-a',
					campaign_name: 'Campaign export-a',
					state: 'completed',
					sent_at: expect.any( String ),
					delivered_at: expect.any( String ),
					read_at: expect.any( String ),
					failed_at: null,
					error: null,
				},
			] );
			expect( body.inbound ).toEqual( [
				{
					phone,
					received_at: expect.any( String ),
					type: 'text',
					text: 'Hello from export-a',
				},
			] );
			expect( body.opt_out ).toEqual( [
				{
					phone,
					state: 'revoked',
					changed_at: '2026-12-07T11:00:00.000Z',
					source: 'whatsapp_stop',
				},
			] );
			expect( JSON.stringify( body ) ).not.toContain( 'export-b' );
			expect( JSON.stringify( body ) ).not.toContain( bystander );

			const bad = await t.call( shop, 'POST', '/v1/privacy/export', {
				phones: Array.from( { length: 21 }, () => phone ),
			} );
			expect( bad.statusCode ).toBe( 400 );
		} );

		it( 'erase removes or anonymises everything about the phone in this tenant only, and keeps it suppressed @security', async () => {
			const phone = '+393330005555';
			const digits = phone.slice( 1 );
			const bystander = '393330006666';
			await seedPhone( shop, 'erase-a', phone );
			await seedPhone( other, 'erase-b', phone );
			// A recipient not sent yet, in a running campaign.
			await createCampaign( t, shop, 'erase-pending', false );
			await insertRun( db, {
				tenant_id: shop.id,
				campaign_id: 'erase-pending',
				contact_id: '42',
				phone,
				variables: '{"first_name":"Maria"}',
				updated_at: Date.now(),
			} );
			await db
				.updateTable( 'campaign_counters' )
				.set( { total: 1, to_start: 1 } )
				.where( 'tenant_id', '=', shop.id )
				.where( 'campaign_id', '=', 'erase-pending' )
				.execute();
			const webhookBody = JSON.stringify( {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: 'waba',
						changes: [
							{
								field: 'messages',
								value: {
									contacts: [
										{
											profile: { name: 'Maria Bianchi' },
											wa_id: digits,
										},
										{
											profile: { name: 'Luca Verdi' },
											wa_id: bystander,
										},
									],
									messages: [
										{
											from: digits,
											id: 'wamid.in.1',
											timestamp: '1765100000',
											type: 'text',
											text: {
												body: 'My address is Via Roma 1',
											},
										},
										{
											from: bystander,
											id: 'wamid.in.2',
											timestamp: '1765100001',
											type: 'text',
											text: { body: 'Ciao' },
										},
									],
									statuses: [
										{
											id: 'wamid.x',
											status: 'read',
											recipient_id: digits,
										},
									],
								},
							},
						],
					},
				],
			} );
			for ( const tenant of [ shop, other ] ) {
				await db
					.insertInto( 'webhook_events' )
					.values( {
						tenant_id: tenant.id,
						received_at: Date.now(),
						body: webhookBody,
						apply_error: null,
					} )
					.execute();
				await db
					.insertInto( 'wa_id_aliases' )
					.values( {
						tenant_id: tenant.id,
						wa_id: digits,
						phone,
						created_at: Date.now(),
					} )
					.execute();
				await db
					.insertInto( 'send_log' )
					.values( {
						tenant_id: tenant.id,
						phone,
						last_sent_at: Date.now(),
					} )
					.execute();
			}

			const response = await t.call( shop, 'POST', '/v1/privacy/erase', {
				phones: [ phone ],
			} );
			expect( response.statusCode ).toBe( 200 );
			expect( response.json() ).toEqual( {
				erased: { messages: 2, inbound: 1, webhook_events: 1 },
			} );

			const count = async (
				table:
					| 'recipients'
					| 'inbound_messages'
					| 'wa_id_aliases'
					| 'send_log'
					| 'opt_out_outbox',
				column: 'phone' | 'from_phone',
				tenantId: string
			) =>
				(
					await db
						.selectFrom( table )
						.select( ( eb ) =>
							eb.fn.countAll< number >().as( 'n' )
						)
						.where( 'tenant_id', '=', tenantId )
						.where(
							sql< boolean >`${ sql.ref( column ) } = ${ phone }`
						)
						.executeTakeFirstOrThrow()
				).n;
			expect(
				Number( await count( 'recipients', 'phone', shop.id ) )
			).toBe( 0 );
			expect(
				Number(
					await count( 'inbound_messages', 'from_phone', shop.id )
				)
			).toBe( 0 );
			expect(
				Number( await count( 'wa_id_aliases', 'phone', shop.id ) )
			).toBe( 0 );
			expect(
				Number( await count( 'send_log', 'phone', shop.id ) )
			).toBe( 0 );
			const rows = await db
				.selectFrom( 'recipients as r' )
				.innerJoin( 'messages as m', 'm.run_id', 'r.id' )
				.select( [
					'r.phone',
					'r.variables',
					'r.contact_id',
					'm.wamid',
					'm.state',
				] )
				.where( 'r.tenant_id', '=', shop.id )
				.where( 'r.campaign_id', 'in', [ 'erase-a', 'erase-pending' ] )
				.orderBy( 'r.campaign_id' )
				.execute();
			// The messages are erased too.
			const erasedMessages = await db
				.selectFrom( 'messages' )
				.select( [ 'phone', 'body' ] )
				.where( 'tenant_id', '=', shop.id )
				.where( 'campaign_id', 'in', [ 'erase-a', 'erase-pending' ] )
				.execute();
			for ( const m of erasedMessages ) {
				expect( m.phone ).toMatch( /^erased:\d+$/ );
				expect( m.body ).toBe( '{}' );
			}
			expect( rows ).toEqual( [
				{
					phone: expect.stringMatching( /^erased:\d+$/ ),
					variables: '{}',
					contact_id: null,
					wamid: null,
					state: 'completed',
				},
				{
					phone: expect.stringMatching( /^erased:\d+$/ ),
					variables: '{}',
					contact_id: null,
					wamid: null,
					state: 'opted_out',
				},
			] );
			const pending = await db
				.selectFrom( 'campaign_counters' )
				.select( [ 'total', 'to_start', 'opted_out' ] )
				.where( 'tenant_id', '=', shop.id )
				.where( 'campaign_id', '=', 'erase-pending' )
				.executeTakeFirstOrThrow();
			expect( pending ).toEqual( {
				total: 0,
				to_start: 0,
				opted_out: 1,
			} );
			const stored = await db
				.selectFrom( 'webhook_events' )
				.select( [ 'tenant_id', 'body' ] )
				.where( 'tenant_id', 'in', [ shop.id, other.id ] )
				.execute();
			const mine = stored.find( ( r ) => r.tenant_id === shop.id );
			expect( mine?.body ).not.toContain( digits );
			expect( mine?.body ).not.toContain( 'Maria Bianchi' );
			expect( mine?.body ).not.toContain( 'Via Roma' );
			// The other person in the same delivery is untouched.
			expect( mine?.body ).toContain( 'Luca Verdi' );
			expect( mine?.body ).toContain( bystander );
			expect( JSON.parse( mine?.body as string ).entry ).toHaveLength(
				1
			);
			expect( await listed( shop.id, phone ) ).toEqual( {
				source: 'erasure',
			} );
			// A grant older than the erasure does not lift the suppression.
			await consent( t, shop, [
				{
					phone,
					state: 'granted',
					at: iso( Date.now() - 60_000 ),
					source: 'import',
				},
			] );
			expect( await listed( shop.id, phone ) ).toEqual( {
				source: 'erasure',
			} );
			// The other tenant's data about the same phone is not touched.
			expect(
				Number( await count( 'recipients', 'phone', other.id ) )
			).toBe( 1 );
			expect(
				Number(
					await count( 'inbound_messages', 'from_phone', other.id )
				)
			).toBe( 1 );
			expect(
				Number( await count( 'wa_id_aliases', 'phone', other.id ) )
			).toBe( 1 );
			expect(
				stored.find( ( r ) => r.tenant_id === other.id )?.body
			).toBe( webhookBody );
			expect( await listed( other.id, phone ) ).toBeUndefined();
			// The export now has nothing but the suppression.
			const exported = (
				await t.call( shop, 'POST', '/v1/privacy/export', {
					phones: [ phone ],
				} )
			).json();
			expect( exported.messages ).toEqual( [] );
			expect( exported.inbound ).toEqual( [] );
			expect( exported.opt_out ).toEqual( [
				expect.objectContaining( {
					state: 'revoked',
					source: 'erasure',
				} ),
			] );
		} );
	} );
} );
