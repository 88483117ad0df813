/**
 * External dependencies
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import {
	buildWebhookApp,
	countRows,
	dialects,
	ManualClock,
	openTestDatabase,
	seedCampaign,
	seedSentRecipients,
	seedTenant,
	signedPost,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from './harness';

describe.each( dialects() )(
	'webhook endpoint refuses what it must not store (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let alice: SeededTenant;
		let bob: SeededTenant;
		let events = 0;
		const body = () =>
			statusPayload( alice.phoneNumberId, [
				{
					id: 'wamid.A1',
					status: 'delivered',
					timestamp: '1750030073',
					recipient_id: '390000000001',
				},
			] );

		async function expectNothingStored() {
			expect( await countRows( database.db, 'webhook_events' ) ).toBe(
				events
			);
			const row = await database.db
				.selectFrom( 'messages' )
				.select( 'message_status' )
				.executeTakeFirstOrThrow();
			expect( row.message_status ).toBe( 'accepted' );
		}

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			alice = await seedTenant( database.db, { id: 'alice' } );
			bob = await seedTenant( database.db, { id: 'bob' } );
			await seedCampaign( database.db, alice.id, 'c1' );
			await seedSentRecipients( database.db, alice.id, 'c1', [
				{ phone: '+390000000001', wamid: 'wamid.A1' },
			] );
			app = await buildWebhookApp(
				database.storage,
				new ManualClock( 1_750_000_000_000 )
			);
		} );

		beforeEach( async () => {
			events = await countRows( database.db, 'webhook_events' );
		} );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'missing signature: 401, nothing stored', async () => {
			const response = await app.inject( {
				method: 'POST',
				url: '/v1/webhooks/whatsapp',
				headers: { 'content-type': 'application/json' },
				payload: body(),
			} );
			expect( response.statusCode ).toBe( 401 );
			expect( response.json() ).toMatchObject( {
				error: { code: 'missing_signature' },
			} );
			await expectNothingStored();
		} );

		it( 'forged signature (wrong secret, malformed header, signature of other bytes): 401, nothing stored', async () => {
			const forged = [
				signWebhook( 'not-the-secret', body() ),
				'sha256=zz',
				'sha1=' + 'a'.repeat( 40 ),
				signWebhook( alice.appSecret, body() + ' ' ),
				signWebhook( alice.appSecret, body() ).toUpperCase(),
			];
			for ( const signature of forged ) {
				const response = await app.inject( {
					method: 'POST',
					url: '/v1/webhooks/whatsapp',
					headers: {
						'content-type': 'application/json',
						'x-hub-signature-256': signature,
					},
					payload: body(),
				} );
				expect( response.statusCode, signature ).toBe( 401 );
			}
			await expectNothingStored();
		} );

		it( "wrong tenant's signature (Bob signs a body about Alice's number): 401, nothing stored", async () => {
			const response = await signedPost( app, body(), bob.appSecret );
			expect( response.statusCode ).toBe( 401 );
			expect( response.json() ).toMatchObject( {
				error: { code: 'bad_signature' },
			} );
			await expectNothingStored();
		} );

		it( 'a body about a number no tenant has: 403, nothing stored', async () => {
			const response = await signedPost(
				app,
				statusPayload( '999999', [
					{ id: 'wamid.A1', status: 'read', timestamp: '1' },
				] ),
				alice.appSecret
			);
			expect( response.statusCode ).toBe( 403 );
			await expectNothingStored();
		} );

		it( "Alice's body on Bob's own URL: 403, nothing stored", async () => {
			const response = await signedPost(
				app,
				body(),
				alice.appSecret,
				`/v1/webhooks/whatsapp/${ bob.id }`
			);
			expect( response.statusCode ).toBe( 403 );
			expect( response.json() ).toMatchObject( {
				error: { code: 'wrong_tenant' },
			} );
			await expectNothingStored();
		} );

		it( 'a body mixing Alice and Bob signed by Alice only: 401, nothing stored', async () => {
			const mixed = JSON.parse( body() ) as {
				entry: Array< Record< string, unknown > >;
			};
			const bobs = JSON.parse(
				statusPayload( bob.phoneNumberId, [
					{ id: 'wamid.B', status: 'read', timestamp: '1' },
				] )
			);
			mixed.entry.push( ...( bobs as typeof mixed ).entry );
			const response = await signedPost(
				app,
				JSON.stringify( mixed ),
				alice.appSecret
			);
			expect( response.statusCode ).toBe( 401 );
			await expectNothingStored();
		} );

		it( 'malformed JSON signed by the tenant it names: 400, nothing stored', async () => {
			const named = `{"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"${ alice.phoneNumberId }"}}`;
			for ( const junk of [
				named,
				`${ named }}]}]}}`,
				`${ named }\u0000`,
			] ) {
				const response = await signedPost( app, junk, alice.appSecret );
				expect( response.statusCode, JSON.stringify( junk ) ).toBe(
					400
				);
			}
			await expectNothingStored();
		} );

		it( 'junk naming no account is refused (403) without being parsed, signed or not', async () => {
			for ( const junk of [ '{"object":', '', 'not json', '\u0000' ] ) {
				const response = await signedPost( app, junk, alice.appSecret );
				expect( response.statusCode, JSON.stringify( junk ) ).toBe(
					403
				);
			}
			await expectNothingStored();
		} );

		it( 'a body over 3 MB: 413, nothing stored; 3 MB of padding within the limit is accepted', async () => {
			const statuses = [
				{
					id: 'wamid.A1',
					status: 'delivered',
					timestamp: '1750030073',
					recipient_id: '390000000001',
					padding: 'x'.repeat( 3 * 1024 * 1024 ),
				},
			];
			const tooBig = statusPayload( alice.phoneNumberId, statuses );
			const response = await signedPost( app, tooBig, alice.appSecret );
			expect( response.statusCode ).toBe( 413 );
			expect( response.json() ).toMatchObject( {
				error: { code: 'body_too_large' },
			} );
			await expectNothingStored();

			statuses[ 0 ]!.padding = 'x'.repeat( 3 * 1024 * 1024 - 400 );
			const justFits = statusPayload( alice.phoneNumberId, statuses );
			expect( Buffer.byteLength( justFits ) ).toBeLessThanOrEqual(
				3 * 1024 * 1024
			);
			expect(
				( await signedPost( app, justFits, alice.appSecret ) )
					.statusCode
			).toBe( 200 );
			expect( await countRows( database.db, 'webhook_events' ) ).toBe(
				events + 1
			);
		} );

		it( 'unknown objects, fields and message types of a known tenant: stored, ignored, 200', async () => {
			const strange = JSON.stringify( {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: alice.wabaId,
						changes: [
							{
								field: 'calls',
								value: {
									metadata: {
										phone_number_id: alice.phoneNumberId,
									},
									calls: [ {} ],
								},
							},
							{
								field: 'messages',
								value: {
									metadata: {
										phone_number_id: alice.phoneNumberId,
									},
									messages: [
										{
											id: 'm-x',
											from: '',
											from_user_id: 'user.1',
											type: 'hologram',
											hologram: {},
										},
									],
									statuses: [
										{
											id: 'wamid.A1',
											status: 'deleted',
											timestamp: '2',
										},
										{ status: 'read' },
									],
									brand_new: true,
								},
							},
						],
					},
				],
			} );
			const response = await signedPost( app, strange, alice.appSecret );
			expect( response.statusCode ).toBe( 200 );
			expect( await countRows( database.db, 'webhook_events' ) ).toBe(
				events + 1
			);
			const row = await database.db
				.selectFrom( 'messages' )
				.select( 'message_status' )
				.executeTakeFirstOrThrow();
			expect( row.message_status ).toBe( 'delivered' );
		} );

		it( 'a change of an unknown kind that names only the phone number: stored for that tenant, 200', async () => {
			const calls = JSON.stringify( {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: 'a-waba-we-do-not-know',
						changes: [
							{
								field: 'calls',
								value: {
									metadata: {
										phone_number_id: alice.phoneNumberId,
									},
									calls: [ { id: 'c1' } ],
								},
							},
						],
					},
				],
			} );
			expect(
				( await signedPost( app, calls, alice.appSecret ) ).statusCode
			).toBe( 200 );
			const stored = await database.db
				.selectFrom( 'webhook_events' )
				.select( [ 'tenant_id', 'body' ] )
				.orderBy( 'id', 'desc' )
				.executeTakeFirstOrThrow();
			expect( stored ).toEqual( { tenant_id: alice.id, body: calls } );
			expect(
				( await signedPost( app, calls, bob.appSecret ) ).statusCode
			).toBe( 401 );
		} );

		it( 'one body for two tenants of the same Meta app (one app secret): each gets only its own events', async () => {
			const carol = await seedTenant( database.db, {
				id: 'carol',
				appSecret: 'agency-app-secret',
			} );
			const dave = await seedTenant( database.db, {
				id: 'dave',
				appSecret: 'agency-app-secret',
			} );
			// New tenants are seen at the next reload of the tenant cache (at most once a second on a miss).
			await new Promise( ( resolve ) => setTimeout( resolve, 1_100 ) );
			const change = ( phoneNumberId: string, waId: string ) => ( {
				field: 'user_preferences',
				value: {
					metadata: { phone_number_id: phoneNumberId },
					user_preferences: [
						{
							wa_id: waId,
							category: 'marketing_messages',
							value: 'stop',
							timestamp: 1750000000,
						},
					],
				},
			} );
			const shared = JSON.stringify( {
				object: 'whatsapp_business_account',
				entry: [
					{
						id: carol.wabaId,
						changes: [
							change( carol.phoneNumberId, '391110000001' ),
						],
					},
					{
						id: dave.wabaId,
						changes: [
							change( dave.phoneNumberId, '391110000002' ),
						],
					},
				],
			} );
			expect(
				( await signedPost( app, shared, 'agency-app-secret' ) )
					.statusCode
			).toBe( 200 );
			const optOuts = await database.db
				.selectFrom( 'opt_outs' )
				.select( [ 'tenant_id', 'phone' ] )
				.where( 'tenant_id', 'in', [ carol.id, dave.id ] )
				.orderBy( 'tenant_id' )
				.execute();
			expect( optOuts ).toEqual( [
				{ tenant_id: carol.id, phone: '+391110000001' },
				{ tenant_id: dave.id, phone: '+391110000002' },
			] );
			const stored = await database.db
				.selectFrom( 'webhook_events' )
				.select( 'tenant_id' )
				.where( 'tenant_id', 'in', [ carol.id, dave.id ] )
				.orderBy( 'tenant_id' )
				.execute();
			expect( stored.map( ( r ) => r.tenant_id ) ).toEqual( [
				carol.id,
				dave.id,
			] );
		} );

		describe( 'verification (GET)', () => {
			const verify = ( url: string ) =>
				app.inject( { method: 'GET', url } );

			it( "answers the challenge when the token is a tenant's verify token", async () => {
				const response = await verify(
					`/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${ alice.verifyToken }&hub.challenge=1158201444`
				);
				expect( response.statusCode ).toBe( 200 );
				expect( response.body ).toBe( '1158201444' );
				expect( response.headers[ 'content-type' ] ).toMatch(
					/^text\/plain/
				);
			} );

			it( "answers on a tenant's own URL only with that tenant's token", async () => {
				const ok = await verify(
					`/v1/webhooks/whatsapp/${ bob.id }?hub.mode=subscribe&hub.verify_token=${ bob.verifyToken }&hub.challenge=42`
				);
				expect( ok.statusCode ).toBe( 200 );
				expect( ok.body ).toBe( '42' );
				const other = await verify(
					`/v1/webhooks/whatsapp/${ bob.id }?hub.mode=subscribe&hub.verify_token=${ alice.verifyToken }&hub.challenge=42`
				);
				expect( other.statusCode ).toBe( 403 );
			} );

			it( 'refuses a wrong token, a missing token and another mode with 403', async () => {
				for ( const query of [
					'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
					'hub.mode=subscribe&hub.challenge=1',
					`hub.mode=unsubscribe&hub.verify_token=${ alice.verifyToken }&hub.challenge=1`,
				] ) {
					const response = await verify(
						`/v1/webhooks/whatsapp?${ query }`
					);
					expect( response.statusCode, query ).toBe( 403 );
					expect( response.body ).not.toContain( '"1"' );
				}
			} );
		} );
	}
);
