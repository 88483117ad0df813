/**
 * The bridge's edge: cross-site bodies refused on every route, slow requests timed out, webhook signatures checked
 * before parsing, 429 after repeated failed authentications, JSON without prototype poisoning.
 */

/**
 * External dependencies
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { signRequest } from '../../src/crypto/signing';
import { ForbiddenJsonError, parseJson } from '../../src/net/json';
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import { webhooksPlugin } from '../../src/webhooks/index';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	TEMPLATE,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';

describe.each( dialects() )( 'bridge edge (%s)', ( dialect ) => {
	let store: TestStore;
	let b: TestBridge;
	let shop: TestTenant;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		b = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				webhooksPlugin,
				webhooksOptions: { reportOptOuts: false },
				edge: { requestTimeoutMs: 1_000 },
				sandboxControl: { token: 'x'.repeat( 32 ) },
			},
		} );
		shop = await b.addTenant();
	} );

	afterAll( async () => {
		await b?.close();
		await store?.drop();
	} );

	it( 'refuses text/plain, form and typeless bodies (415) on every route, before authentication', async () => {
		const routes: Array< [ 'POST' | 'PUT', string ] > = [
			[ 'PUT', '/v1/site' ],
			[ 'PUT', '/v1/whatsapp' ],
			[ 'PUT', '/v1/campaigns/x' ],
			[ 'POST', '/v1/campaigns/x/schedule' ],
			[ 'POST', '/v1/webhooks/whatsapp' ],
			[ 'POST', `/v1/webhooks/whatsapp/${ shop.id }` ],
			[ 'POST', '/sandbox/_control/inbound' ],
			[ 'POST', '/sandbox/_control/accounts' ],
			[ 'POST', '/sandbox/v23.0/123/messages' ],
			[ 'POST', '/healthz' ],
		];
		for ( const type of [
			'text/plain',
			'text/plain; charset=utf-8',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x',
			undefined,
		] ) {
			for ( const [ method, url ] of routes ) {
				const response = await b.bridge.app.inject( {
					method,
					url,
					headers: type ? { 'content-type': type } : {},
					payload: '{"rest_url":"https://shop.example/"}',
				} );
				expect( response.statusCode, `${ type } ${ url }` ).toBe( 415 );
			}
		}
		// Signed but typed as text: still 415, and nothing was saved.
		const signed = await b.call(
			shop,
			'PUT',
			'/v1/site',
			{
				rest_url: 'http://127.0.0.1:8080/wp-json/',
				default_country: 'IT',
				timezone: 'Europe/Rome',
			},
			{ 'content-type': 'text/plain' }
		);
		expect( signed.statusCode ).toBe( 415 );
		const row = await store.storage.db
			.selectFrom( 'tenants' )
			.select( 'site_rest_url' )
			.where( 'id', '=', shop.id )
			.executeTakeFirstOrThrow();
		expect( row.site_rest_url ).toBeNull();
	} );

	it( 'times out a request whose body trickles in', async () => {
		const { port } = new URL( b.url );
		const started = Date.now();
		const answer = await new Promise< string >( ( resolve, reject ) => {
			const socket = connect( Number( port ), '127.0.0.1' );
			let received = '';
			let timer: NodeJS.Timeout | undefined;
			socket.on( 'connect', () => {
				socket.write(
					'PUT /v1/site HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
						'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
				);
				// One byte every 200 ms: never silent long enough for an idle timeout.
				timer = setInterval( () => {
					if ( ! socket.destroyed ) {
						socket.write( ' ' );
					}
				}, 200 );
			} );
			socket.on( 'data', ( chunk ) => ( received += chunk.toString() ) );
			socket.on( 'error', () => undefined );
			socket.on( 'close', () => {
				clearInterval( timer );
				resolve( received );
			} );
			setTimeout( () => {
				clearInterval( timer );
				socket.destroy();
				reject( new Error( 'the bridge kept the slow request open' ) );
			}, 15_000 );
		} );
		expect( Date.now() - started ).toBeLessThan( 10_000 );
		expect( answer ).toMatch( /^HTTP\/1\.1 408/ );
	} );

	it( 'checks the webhook signature before parsing: invalid JSON with a bad signature is 401, not 400', async () => {
		const phone = `sandbox-${ shop.id }`;
		const junk = `{"object":"whatsapp_business_account","entry":[{"id":"sandbox-waba-${ shop.id }","changes":[{"value":{"metadata":{"phone_number_id":"${ phone }"`;
		const post = ( secret: string ) =>
			b.bridge.app.inject( {
				method: 'POST',
				url: '/v1/webhooks/whatsapp',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': signWebhook( secret, junk ),
				},
				payload: junk,
			} );
		const bad = await post( 'not-the-app-secret' );
		expect( bad.statusCode ).toBe( 401 );
		expect( bad.json() ).toMatchObject( {
			error: { code: 'bad_signature' },
		} );
		// Signed with the tenant's (sandbox) app secret, the same bytes are parsed and found malformed.
		const good = await post(
			b.bridge.accounts.sandboxAppSecret( shop.id )
		);
		expect( good.statusCode ).toBe( 400 );
	} );

	it( 'refuses JSON that poisons a prototype on the signed API, the webhooks and the emulator', async () => {
		const poisoned = `{"name":"P","audience":{},"template":${ JSON.stringify(
			TEMPLATE
		) },"__proto__":{"isAdmin":true}}`;
		const api = await b.call(
			shop,
			'PUT',
			'/v1/campaigns/poison',
			poisoned
		);
		expect( api.statusCode ).toBe( 400 );
		const ctor = await b.call(
			shop,
			'PUT',
			'/v1/campaigns/poison',
			`{"name":"P","audience":{"constructor":{"prototype":{"x":1}}},"template":${ JSON.stringify(
				TEMPLATE
			) }}`
		);
		expect( ctor.statusCode ).toBe( 400 );
		expect(
			( await b.call( shop, 'GET', '/v1/campaigns/poison' ) ).statusCode
		).toBe( 404 );

		const phone = `sandbox-${ shop.id }`;
		const hook = `{"object":"whatsapp_business_account","entry":[{"id":"sandbox-waba-${ shop.id }","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"${ phone }"},"__proto__":{"polluted":true}}}]}]}`;
		const webhook = await b.bridge.app.inject( {
			method: 'POST',
			url: '/v1/webhooks/whatsapp',
			headers: {
				'content-type': 'application/json',
				'x-hub-signature-256': signWebhook(
					b.bridge.accounts.sandboxAppSecret( shop.id ),
					hook
				),
			},
			payload: hook,
		} );
		expect( webhook.statusCode ).toBe( 400 );

		const control = await b.bridge.app.inject( {
			method: 'POST',
			url: '/sandbox/_control/config',
			headers: {
				authorization: `Bearer ${ 'x'.repeat( 32 ) }`,
				'content-type': 'application/json',
			},
			payload: '{"__proto__":{"latencyMs":5000}}',
		} );
		expect( control.statusCode ).toBe( 400 );
		expect( b.sandbox.config.latencyMs ).toBe( 0 );
		expect( ( {} as Record< string, unknown > ).isAdmin ).toBeUndefined();
		expect( ( {} as Record< string, unknown > ).polluted ).toBeUndefined();
	} );

	it( 'parseJson: the escaped forms are caught too, ordinary text mentioning the words is not', () => {
		expect( () => parseJson( '{"\\u005f_proto__":{"a":1}}' ) ).toThrow(
			ForbiddenJsonError
		);
		expect( () =>
			parseJson( '{"a":[{"b":{"constructor":{"prototype":{}}}}]}' )
		).toThrow( ForbiddenJsonError );
		expect(
			parseJson(
				'{"text":"say \\"__proto__\\": and \\"constructor\\":"}'
			)
		).toEqual( { text: 'say "__proto__": and "constructor":' } );
		expect( parseJson( '{"constructor":"a string"}' ) ).toEqual( {
			constructor: 'a string',
		} );
	} );
} );

describe.each( dialects() )( 'failed authentications (%s)', ( dialect ) => {
	let store: TestStore;
	let b: TestBridge;
	let shop: TestTenant;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		b = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				edge: { authFailureLimit: 5, authFailureWindowMs: 60_000 },
			},
		} );
		shop = await b.addTenant();
	} );

	afterAll( async () => {
		await b?.close();
		await store?.drop();
	} );

	it( 'answer 429 to an IP after repeated 401s, even when it then signs correctly; other IPs are served', async () => {
		const unsigned = ( remoteAddress: string ) =>
			b.bridge.app.inject( {
				method: 'GET',
				url: '/v1/status',
				remoteAddress,
				headers: { 'x-rondine-site': shop.id },
			} );
		for ( let i = 0; i < 5; i++ ) {
			expect( ( await unsigned( '203.0.113.7' ) ).statusCode ).toBe(
				401
			);
		}
		const limited = await unsigned( '203.0.113.7' );
		expect( limited.statusCode ).toBe( 429 );
		expect( Number( limited.headers[ 'retry-after' ] ) ).toBeGreaterThan(
			0
		);
		expect( limited.json() ).toMatchObject( {
			error: { code: 'too_many_failures' },
		} );
		// A correctly signed request from the same address waits too.
		const signed = await b.call( shop, 'GET', '/v1/status', undefined, {} );
		expect( signed.statusCode ).toBe( 200 ); // inject's own address (127.0.0.1) was never refused
		const signedFromLimited = await b.bridge.app.inject( {
			method: 'GET',
			url: '/v1/status',
			remoteAddress: '203.0.113.7',
		} );
		expect( signedFromLimited.statusCode ).toBe( 429 );
		// Another address is not affected, nor another part of the bridge for this address (its emulator).
		expect( ( await unsigned( '198.51.100.9' ) ).statusCode ).toBe( 401 );
		const emulator = await b.bridge.app.inject( {
			method: 'GET',
			url: '/sandbox/v23.0/123',
			remoteAddress: '203.0.113.7',
		} );
		expect( emulator.statusCode ).not.toBe( 429 );
	} );

	it( 'does not count replays of a signed request (a site sending the same request twice in a second)', async () => {
		const headers = signRequest(
			shop.id,
			shop.secret,
			'GET',
			'/v1/campaigns/replayed',
			'',
			Math.floor( Date.now() / 1000 )
		);
		const send = () =>
			b.bridge.app.inject( {
				method: 'GET',
				url: '/v1/campaigns/replayed',
				remoteAddress: '192.0.2.44',
				headers,
			} );
		// Authenticated (no such campaign), then the same bytes again and again.
		expect( ( await send() ).statusCode ).toBe( 404 );
		for ( let i = 0; i < 8; i++ ) {
			const replay = await send();
			expect( replay.statusCode ).toBe( 401 );
			expect( replay.json().error.code ).toBe( 'replayed_request' );
		}
	} );
} );
