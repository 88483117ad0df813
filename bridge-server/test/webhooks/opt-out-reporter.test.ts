/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { computeSignature, signaturesEqual } from '../../src/crypto/signing';
import { SiteClient } from '../../src/audience/site-client';
import {
	OptOutReporter,
	outboxRetryDelayMs,
} from '../../src/webhooks/opt-out-reporter';
import {
	box,
	buildWebhookApp,
	dialects,
	ManualClock,
	openTestDatabase,
	seedTenant,
	signedPost,
	type SeededTenant,
	type TestDatabase,
} from './harness';

interface ReceivedEvent {
	phone: string;
	action: string;
	source: string;
	at: string;
}

/** The site side of POST /rondine/v1/bridge/opt-outs: checks the bridge's signature, records, can fail on demand. */
async function startSite( siteId: string, secret: Buffer ) {
	const state = {
		received: [] as ReceivedEvent[],
		badSignatures: 0,
		failNext: 0,
	};
	const server: Server = createServer( ( request, response ) => {
		const chunks: Buffer[] = [];
		request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
		request.on( 'end', () => {
			const body = Buffer.concat( chunks );
			const route = new URL(
				request.url ?? '/',
				'http://site'
			).pathname.replace( /^\/wp-json/, '' );
			const expected = computeSignature(
				secret,
				request.method ?? '',
				route,
				String( request.headers[ 'x-rondine-timestamp' ] ?? '' ),
				body
			);
			if (
				request.headers[ 'x-rondine-site' ] !== siteId ||
				! signaturesEqual(
					expected,
					String( request.headers[ 'x-rondine-signature' ] ?? '' )
				)
			) {
				state.badSignatures++;
				response.writeHead( 401 ).end();
				return;
			}
			if ( route !== '/rondine/v1/bridge/opt-outs' ) {
				response.writeHead( 404 ).end();
				return;
			}
			if ( state.failNext > 0 ) {
				state.failNext--;
				response
					.writeHead( 503, { 'content-type': 'text/html' } )
					.end( 'down' );
				return;
			}
			const { events } = JSON.parse( body.toString( 'utf8' ) ) as {
				events: ReceivedEvent[];
			};
			state.received.push( ...events );
			response
				.writeHead( 200, { 'content-type': 'application/json' } )
				.end( JSON.stringify( { applied: events.length } ) );
		} );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	return {
		state,
		restUrl: `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }/wp-json/`,
		close: () =>
			new Promise< void >( ( resolve ) =>
				server.close( () => resolve() )
			),
	};
}

function preferences(
	phoneNumberId: string,
	changes: Array< { waId: string; value: string; timestamp: number } >
) {
	return JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: 'waba',
				changes: [
					{
						field: 'user_preferences',
						value: {
							metadata: { phone_number_id: phoneNumberId },
							user_preferences: changes.map( ( c ) => ( {
								wa_id: c.waId,
								detail: 'x',
								category: 'marketing_messages',
								value: c.value,
								timestamp: c.timestamp,
							} ) ),
						},
					},
				],
			},
		],
	} );
}

describe.each( dialects() )(
	'opt-outs reported to the site (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let tenant: SeededTenant;
		let site: Awaited< ReturnType< typeof startSite > >;
		const clock = new ManualClock( Date.UTC( 2026, 10, 25, 9 ) );
		const secret = randomBytes( 32 );
		let reporter: OptOutReporter;

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			tenant = await seedTenant( database.db, {
				id: '5a1c0de0-0000-4000-8000-000000000001',
			} );
			site = await startSite( tenant.id, secret );
			await database.db
				.updateTable( 'tenants' )
				.set( {
					secret: box.seal( secret ),
					site_rest_url: site.restUrl,
				} )
				.where( 'id', '=', tenant.id )
				.execute();
			app = await buildWebhookApp( database.storage, clock );
			reporter = new OptOutReporter( {
				storage: database.storage,
				box,
				clock,
				// The test's site listens on 127.0.0.1: allowed explicitly (RONDINE_ALLOW_PRIVATE_SITE_URLS=1).
				site: new SiteClient( clock, 15_000, {
					policy: { allowPrivate: true, allowHttp: false },
				} ),
			} );
		} );

		afterAll( async () => {
			await app?.close();
			await site?.close();
			await database?.drop();
		} );

		it( 'stops and resumes from WhatsApp reach the site signed, in order, and only once', async () => {
			const t = Math.floor( clock.now() / 1000 );
			const body = preferences( tenant.phoneNumberId, [
				{ waId: '393331112222', value: 'stop', timestamp: t },
				{ waId: '393334445555', value: 'stop', timestamp: t },
				{ waId: '393331112222', value: 'resume', timestamp: t + 60 },
			] );
			expect(
				( await signedPost( app, body, tenant.appSecret ) ).statusCode
			).toBe( 200 );
			// Meta redelivers the same body, and an old stop arrives late: neither changes anything.
			expect(
				( await signedPost( app, body, tenant.appSecret ) ).statusCode
			).toBe( 200 );
			const late = preferences( tenant.phoneNumberId, [
				{ waId: '393331112222', value: 'stop', timestamp: t + 30 },
			] );
			expect(
				( await signedPost( app, late, tenant.appSecret ) ).statusCode
			).toBe( 200 );

			const optOuts = await database.db
				.selectFrom( 'opt_outs' )
				.select( [ 'phone', 'reported' ] )
				.execute();
			expect( optOuts ).toEqual( [
				{ phone: '+393334445555', reported: 0 },
			] );

			site.state.failNext = 1;
			expect( await reporter.runOnce() ).toBe( 0 );
			const waiting = await database.db
				.selectFrom( 'opt_out_outbox' )
				.selectAll()
				.orderBy( 'id' )
				.execute();
			expect( waiting ).toHaveLength( 3 );
			for ( const row of waiting ) {
				expect( row ).toMatchObject( {
					attempts: 1,
					delivered_at: null,
					next_attempt_at: clock.now() + outboxRetryDelayMs( 1 ),
				} );
				expect( row.last_error ).toContain( '503' );
			}
			// Not due yet: nothing is sent.
			expect( await reporter.runOnce() ).toBe( 0 );
			expect( site.state.received ).toEqual( [] );

			clock.advance( outboxRetryDelayMs( 1 ) );
			expect( await reporter.runOnce() ).toBe( 3 );
			expect( site.state.received ).toEqual( [
				{
					phone: '+393331112222',
					action: 'stop',
					source: 'user_preferences',
					at: new Date( t * 1000 ).toISOString(),
				},
				{
					phone: '+393334445555',
					action: 'stop',
					source: 'user_preferences',
					at: new Date( t * 1000 ).toISOString(),
				},
				{
					phone: '+393331112222',
					action: 'resume',
					source: 'user_preferences',
					at: new Date( ( t + 60 ) * 1000 ).toISOString(),
				},
			] );
			expect( site.state.badSignatures ).toBe( 0 );
			expect(
				await database.db
					.selectFrom( 'opt_outs' )
					.select( [ 'phone', 'reported' ] )
					.execute()
			).toEqual( [ { phone: '+393334445555', reported: 1 } ] );
			// Delivered once: another pass sends nothing.
			clock.advance( 3_600_000 );
			expect( await reporter.runOnce() ).toBe( 0 );
			expect( site.state.received ).toHaveLength( 3 );
		} );

		it( 'keeps the events while the site has no REST URL, and backs off', async () => {
			await database.db
				.updateTable( 'tenants' )
				.set( { site_rest_url: null } )
				.where( 'id', '=', tenant.id )
				.execute();
			const t = Math.floor( clock.now() / 1000 );
			const body = preferences( tenant.phoneNumberId, [
				{ waId: '393339990000', value: 'stop', timestamp: t },
			] );
			expect(
				( await signedPost( app, body, tenant.appSecret ) ).statusCode
			).toBe( 200 );
			expect( await reporter.runOnce() ).toBe( 0 );
			const row = await database.db
				.selectFrom( 'opt_out_outbox' )
				.selectAll()
				.where( 'phone', '=', '+393339990000' )
				.executeTakeFirstOrThrow();
			expect( row ).toMatchObject( { attempts: 1, delivered_at: null } );
			expect( row.last_error ).toContain( 'REST URL' );
		} );
	}
);
