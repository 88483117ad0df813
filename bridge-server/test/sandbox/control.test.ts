/**
 * The control API over real HTTP: configuration, accounts, counts, and the proof that nobody got a message twice.
 */

/**
 * External dependencies
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { Sandbox, sandboxPlugin } from '../../src/sandbox/index';
import { CloudApiClient, type SendResult } from '../../src/whatsapp/client';
import { classifyError } from '../../src/whatsapp/errors';
import { APP_SECRET, WebhookReceiver } from './helpers';

const CONTROL_TOKEN = 'control-token-for-tests-0123456789';

let app: FastifyInstance;
let sandbox: Sandbox;
let base: string;
const receiver = new WebhookReceiver();

async function control(
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	token: string | null = CONTROL_TOKEN
) {
	const answer = await request( `${ base }/_control${ path }`, {
		method,
		headers: {
			...( token ? { authorization: `Bearer ${ token }` } : {} ),
			...( body === undefined
				? {}
				: { 'content-type': 'application/json' } ),
		},
		body:
			typeof body === 'string'
				? body
				: ( JSON.stringify( body ) ?? null ),
	} );
	const text = await answer.body.text();
	return {
		status: answer.statusCode,
		body: text ? JSON.parse( text ) : null,
	};
}

beforeAll( async () => {
	await receiver.start();
	sandbox = new Sandbox( { statuses: { enabled: false } } );
	app = Fastify();
	await app.register( sandboxPlugin, {
		sandbox,
		controlToken: CONTROL_TOKEN,
		// Accounts made through the control API may send webhooks to the test's receiver only.
		webhookUrlPrefixes: [ receiver.url ],
		prefix: '/sandbox',
	} );
	base = ( await app.listen( { host: '127.0.0.1', port: 0 } ) ) + '/sandbox';
} );

afterAll( async () => {
	await app.close();
	await sandbox.close();
	await receiver.stop();
} );

describe( 'control API', () => {
	it( 'needs its token when one is configured', async () => {
		expect(
			( await control( 'GET', '/stats', undefined, null ) ).status
		).toBe( 401 );
		expect(
			( await control( 'GET', '/stats', undefined, 'wrong' ) ).status
		).toBe( 401 );
		expect( ( await control( 'GET', '/stats' ) ).status ).toBe( 200 );
	} );

	it( 'refuses a wrong configuration with a clear message and changes nothing', async () => {
		const before = ( await control( 'GET', '/config' ) ).body;
		for ( const [ patch, message ] of [
			[
				{ faults: { serverErrorRate: 2 } },
				'faults.serverErrorRate is a share from 0 to 1.',
			],
			[ { latencyMs: -1 }, 'latencyMs must be a number of at least 0.' ],
			[ { latencyMs: 5, speed: 3 }, 'Unknown setting speed.' ],
			[
				{ statuses: { batchSize: 5_000 } },
				'statuses.batchSize must be from 1 to 1000.',
			],
			[
				{ optedOut: '+39347' },
				'optedOut must be a list of phone numbers.',
			],
			[ '{"latencyMs":', 'The request body is not valid JSON.' ],
			[ '[1]', 'The request body must be a JSON object.' ],
		] as const ) {
			const answer = await control( 'POST', '/config', patch );
			expect( answer.status ).toBe( 400 );
			expect( answer.body.error.message ).toBe( message );
		}
		expect( ( await control( 'GET', '/config' ) ).body ).toEqual( before );
	} );

	it( 'applies a valid configuration', async () => {
		const answer = await control( 'POST', '/config', {
			latencyMs: 1,
			faults: { serverErrorRate: 0 },
			notOnWhatsApp: [ '+39 347 000 0001' ],
		} );
		expect( answer.status ).toBe( 200 );
		expect( answer.body.latencyMs ).toBe( 1 );
		expect( answer.body.notOnWhatsApp ).toEqual( [ '393470000001' ] );
		await control( 'POST', '/config', { latencyMs: 0, notOnWhatsApp: [] } );
	} );

	it( 'refuses an account without its credentials', async () => {
		const answer = await control( 'POST', '/accounts', {
			phoneNumberId: '1',
			wabaId: '2',
			token: '',
		} );
		expect( answer.status ).toBe( 400 );
		expect( answer.body.error.message ).toBe( 'token is required.' );
		const badUrl = await control( 'POST', '/accounts', {
			phoneNumberId: '1',
			wabaId: '2',
			token: 't',
			appSecret: 's',
			webhookUrl: 'ftp://nowhere',
		} );
		expect( badUrl.status ).toBe( 400 );
		expect( badUrl.body.error.message ).toBe(
			"webhookUrl must be the bridge's own webhook URL (or null)."
		);
	} );

	it( 'refuses a simulated reply for an unknown number or to nothing', async () => {
		expect(
			(
				await control( 'POST', '/inbound', {
					phoneNumberId: 'nope',
					from: '+393470000009',
					kind: 'text',
				} )
			).status
		).toBe( 404 );
		await control( 'POST', '/accounts', {
			phoneNumberId: 'pn-empty',
			wabaId: 'waba-empty',
			token: 't',
			appSecret: APP_SECRET,
			webhookUrl: receiver.url,
		} );
		const answer = await control( 'POST', '/inbound', {
			phoneNumberId: 'pn-empty',
			from: '+393470000009',
			kind: 'button',
			payload: 'STOP',
		} );
		expect( answer.status ).toBe( 400 );
		expect( answer.body.error.message ).toContain(
			'this phone was sent none'
		);
	} );
} );

describe( 'nobody got it twice', () => {
	it( 'counts per phone and per callback data, through faults, and sees a real duplicate', async () => {
		expect(
			(
				await control( 'POST', '/accounts', {
					tenantId: 't-9',
					phoneNumberId: 'pn-9',
					wabaId: 'waba-9',
					token: 'token-9',
					appSecret: APP_SECRET,
					throughputMps: 1_000,
				} )
			).status
		).toBe( 204 );
		await control( 'POST', '/config', {
			faults: {
				serverErrorRate: 0.1,
				dropBeforeRate: 0.05,
				dropAfterRate: 0.05,
				timeoutRate: 0.05,
				timeoutHoldMs: 50,
			},
		} );
		const client = new CloudApiClient( {
			baseUrl: base,
			headersTimeoutMs: 1_000,
		} );
		const phones = Array.from(
			{ length: 300 },
			( _, i ) => `+39349${ String( i ).padStart( 7, '0' ) }`
		);
		const unknown: string[] = [];
		try {
			// A sender that follows the rules: retries what the table says, never what may have gone.
			await Promise.all(
				phones.map( async ( to, i ) => {
					for ( let attempt = 0; attempt < 20; attempt++ ) {
						const result: SendResult = await client.sendTemplate( {
							phoneNumberId: 'pn-9',
							token: 'token-9',
							to,
							template: {
								name: 'hello_world',
								language: 'en_US',
							},
							bizOpaqueCallbackData: `campaign-42:${ i }`,
						} );
						if ( 'ok' in result ) {
							return;
						}
						if ( 'unknown' in result ) {
							unknown.push( to );
							return;
						}
						if (
							'error' in result &&
							! [ 'retry', 'retry_later' ].includes(
								classifyError( result.error.code ).action
							)
						) {
							throw new Error(
								`unexpected ${ result.error.code }`
							);
						}
					}
				} )
			);
		} finally {
			await control( 'POST', '/config', {
				faults: {
					serverErrorRate: 0,
					dropBeforeRate: 0,
					dropAfterRate: 0,
					timeoutRate: 0,
				},
			} );
		}
		expect( unknown.length ).toBeGreaterThan( 0 );
		const summary = (
			await control( 'GET', '/received?callbackPrefix=campaign-42:' )
		).body;
		expect( summary ).toMatchObject( {
			phonesWithSeveral: 0,
			duplicates: 0,
			examples: [],
		} );
		// Every phone got it once, except those whose connection was cut before anything happened.
		expect( summary.phones ).toBeGreaterThan( 300 - unknown.length - 1 );
		expect( summary.phones ).toBeLessThanOrEqual( 300 );
		const one = (
			await control(
				'GET',
				`/received?phone=${ encodeURIComponent( phones[ 7 ]! ) }`
			)
		).body;
		expect( one.count ).toBeLessThanOrEqual( 1 );

		// Re-sending one message that already went is seen at once.
		const again = phones.find( ( p ) => ! unknown.includes( p ) )!;
		const index = phones.indexOf( again );
		await client.sendTemplate( {
			phoneNumberId: 'pn-9',
			token: 'token-9',
			to: again,
			template: { name: 'hello_world', language: 'en_US' },
			bizOpaqueCallbackData: `campaign-42:${ index }`,
		} );
		await client.close();
		const after = (
			await control( 'GET', '/received?callbackPrefix=campaign-42:' )
		).body;
		expect( after ).toMatchObject( {
			phonesWithSeveral: 1,
			duplicates: 1,
			examples: [
				{
					phone: again.slice( 1 ),
					callback: `campaign-42:${ index }`,
					count: 2,
				},
			],
		} );
		expect(
			(
				await control(
					'GET',
					`/received?phone=${ encodeURIComponent( again ) }`
				)
			).body
		).toMatchObject( {
			count: 2,
			callbacks: { [ `campaign-42:${ index }` ]: 2 },
		} );

		const stats = ( await control( 'GET', '/stats' ) ).body;
		expect( stats.accounts[ 'pn-9' ] ).toMatchObject( {
			tenantId: 't-9',
			throughputMps: 1_000,
		} );
		expect( stats.accounts[ 'pn-9' ].errors ).toHaveProperty( '131000' );

		expect( ( await control( 'POST', '/reset' ) ).status ).toBe( 204 );
		expect(
			( await control( 'GET', '/received?callbackPrefix=campaign-42:' ) )
				.body.phones
		).toBe( 0 );
	}, 30_000 );
} );
