/**
 * The emulator's control API fails closed: absent unless an operator gives a token, always behind it, refused while a
 * tenant has real Meta credentials, JSON only, Host checked, accounts not taken over, webhooks only to the bridge.
 */

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
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	startTestBridge,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';

const TOKEN = randomBytes( 24 ).toString( 'hex' );
const PUBLIC_URL = 'https://bridge.example';

function bearer( token: string | null ): Record< string, string > {
	return token ? { authorization: `Bearer ${ token }` } : {};
}

describe.each( dialects() )( 'sandbox control API (%s)', ( dialect ) => {
	let store: TestStore;
	let plain: TestBridge;
	let guarded: TestBridge;
	let tenant: TestTenant;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		// No control setting: the default.
		plain = await startTestBridge( { store, engine: false } );
		guarded = await startTestBridge( {
			store,
			engine: false,
			sandbox: new Sandbox( { statuses: { enabled: false } } ),
			bridge: {
				publicUrl: PUBLIC_URL,
				sandboxControl: { token: TOKEN },
			},
		} );
		tenant = await guarded.addTenant();
		// The tenant's emulated number exists in the guarded bridge's emulator (as after its first send).
		await guarded.bridge.accounts.prepare(
			await store.storage.db
				.selectFrom( 'tenants' )
				.selectAll()
				.where( 'id', '=', tenant.id )
				.executeTakeFirstOrThrow()
		);
	} );

	afterAll( async () => {
		await plain?.close();
		await guarded?.close();
		await store?.drop();
	} );

	const accountFor = ( id: string ) => `sandbox-${ id }`;

	it( 'is absent by default: every control route answers 404 and changes nothing', async () => {
		const before = JSON.stringify( plain.sandbox.config );
		for ( const [ method, path, body ] of [
			[ 'GET', '/sandbox/_control/stats', undefined ],
			[
				'GET',
				'/sandbox/_control/received?phone=%2B393470000001',
				undefined,
			],
			[ 'POST', '/sandbox/_control/config', { latencyMs: 500 } ],
			[
				'POST',
				'/sandbox/_control/accounts',
				{
					phoneNumberId: 'evil',
					wabaId: 'evil',
					token: 'evil',
					appSecret: 'evil',
				},
			],
			[
				'POST',
				'/sandbox/_control/inbound',
				{ phoneNumberId: 'x', from: '+393470000001', kind: 'stop' },
			],
			[ 'POST', '/sandbox/_control/reset', {} ],
		] as const ) {
			for ( const token of [ null, 'guess', TOKEN ] ) {
				const response = await plain.bridge.app.inject( {
					method,
					url: path,
					headers: {
						...bearer( token ),
						...( body
							? { 'content-type': 'application/json' }
							: {} ),
					},
					...( body ? { payload: JSON.stringify( body ) } : {} ),
				} );
				expect( response.statusCode, `${ method } ${ path }` ).toBe(
					404
				);
			}
		}
		expect( JSON.stringify( plain.sandbox.config ) ).toBe( before );
		expect( plain.sandbox.accountCredentials( 'evil' ) ).toBeNull();
	} );

	it( 'without its token or with a wrong one: 401 on every route, nothing changed', async () => {
		const before = JSON.stringify( guarded.sandbox.config );
		const stats = JSON.stringify( guarded.sandbox.stats() );
		for ( const token of [
			null,
			'wrong',
			TOKEN.slice( 1 ),
			`${ TOKEN }x`,
		] ) {
			for ( const [ method, path, body ] of [
				[ 'GET', '/sandbox/_control/stats', undefined ],
				[ 'GET', '/sandbox/_control/config', undefined ],
				[ 'POST', '/sandbox/_control/config', { latencyMs: 500 } ],
				[
					'POST',
					'/sandbox/_control/accounts',
					{
						phoneNumberId: 'intruder',
						wabaId: 'intruder',
						token: 'intruder',
						appSecret: 'intruder',
					},
				],
				[
					'POST',
					'/sandbox/_control/inbound',
					{
						phoneNumberId: accountFor( tenant.id ),
						from: '+393470000001',
						kind: 'resume',
					},
				],
				[ 'POST', '/sandbox/_control/reset', {} ],
			] as const ) {
				const response = await guarded.bridge.app.inject( {
					method,
					url: path,
					headers: {
						...bearer( token ),
						...( body
							? { 'content-type': 'application/json' }
							: {} ),
					},
					...( body ? { payload: JSON.stringify( body ) } : {} ),
				} );
				expect( response.statusCode, `${ method } ${ path }` ).toBe(
					401
				);
			}
		}
		expect( JSON.stringify( guarded.sandbox.config ) ).toBe( before );
		expect( JSON.stringify( guarded.sandbox.stats() ) ).toBe( stats );
		expect( guarded.sandbox.accountCredentials( 'intruder' ) ).toBeNull();
		const ok = await guarded.bridge.app.inject( {
			method: 'GET',
			url: '/sandbox/_control/stats',
			headers: bearer( TOKEN ),
		} );
		expect( ok.statusCode ).toBe( 200 );
	} );

	it( 'refuses text/plain and form bodies (415) on the control API and the emulated Graph API, nothing changed', async () => {
		const before = JSON.stringify( guarded.sandbox.config );
		const stats = JSON.stringify( guarded.sandbox.stats() );
		for ( const type of [
			'text/plain',
			'application/x-www-form-urlencoded',
			'multipart/form-data; boundary=x',
			undefined,
		] ) {
			for ( const path of [
				'/sandbox/_control/config',
				'/sandbox/_control/accounts',
				'/sandbox/_control/inbound',
				'/sandbox/_control/reset',
				`/sandbox/v23.0/${ accountFor( tenant.id ) }/messages`,
			] ) {
				const response = await guarded.bridge.app.inject( {
					method: 'POST',
					url: path,
					headers: {
						...bearer( TOKEN ),
						...( type ? { 'content-type': type } : {} ),
					},
					payload: '{"latencyMs":500}',
				} );
				expect( response.statusCode, `${ type } ${ path }` ).toBe(
					415
				);
			}
		}
		expect( JSON.stringify( guarded.sandbox.config ) ).toBe( before );
		expect( JSON.stringify( guarded.sandbox.stats() ) ).toBe( stats );
	} );

	it( 'answers only its own Host names (DNS rebinding): 421 otherwise, on control and Graph routes', async () => {
		for ( const host of [
			'evil.example',
			'bridge.example.evil.example',
			'127.0.0.1.nip.io:8090',
		] ) {
			for ( const url of [
				'/sandbox/_control/stats',
				`/sandbox/v23.0/${ accountFor( tenant.id ) }`,
			] ) {
				const response = await guarded.bridge.app.inject( {
					method: 'GET',
					url,
					headers: { ...bearer( TOKEN ), host },
				} );
				expect( response.statusCode, `${ host } ${ url }` ).toBe( 421 );
			}
		}
		for ( const host of [
			'bridge.example',
			'127.0.0.1:8090',
			'localhost',
		] ) {
			const response = await guarded.bridge.app.inject( {
				method: 'GET',
				url: '/sandbox/_control/stats',
				headers: { ...bearer( TOKEN ), host },
			} );
			expect( response.statusCode, host ).toBe( 200 );
		}
	} );

	it( "cannot overwrite an account: a tenant's emulated number keeps its token, secret and webhook URL", async () => {
		const phoneNumberId = accountFor( tenant.id );
		const before = guarded.sandbox.accountCredentials( phoneNumberId );
		expect( before ).not.toBeNull();
		const response = await guarded.bridge.app.inject( {
			method: 'POST',
			url: '/sandbox/_control/accounts',
			headers: {
				...bearer( TOKEN ),
				'content-type': 'application/json',
			},
			payload: JSON.stringify( {
				phoneNumberId,
				wabaId: `sandbox-waba-${ tenant.id }`,
				token: 'attacker-token',
				appSecret: 'attacker-secret',
				webhookUrl: `${ PUBLIC_URL }/v1/webhooks/whatsapp`,
			} ),
		} );
		expect( response.statusCode ).toBe( 409 );
		expect( guarded.sandbox.accountCredentials( phoneNumberId ) ).toEqual(
			before
		);
		// The attacker's token sends nothing from that number.
		const send = await guarded.bridge.app.inject( {
			method: 'POST',
			url: `/sandbox/v23.0/${ phoneNumberId }/messages`,
			headers: {
				authorization: 'Bearer attacker-token',
				'content-type': 'application/json',
			},
			payload: JSON.stringify( {
				messaging_product: 'whatsapp',
				to: '+393470000001',
				type: 'text',
				text: { body: 'hi' },
			} ),
		} );
		expect( send.statusCode ).toBe( 401 );
	} );

	it( "sends webhooks of accounts it creates only to the bridge's own webhook URL", async () => {
		const account = ( id: string, webhookUrl: string | null ) => ( {
			phoneNumberId: id,
			wabaId: `waba-${ id }`,
			token: `token-${ id }`,
			appSecret: `secret-${ id }`,
			webhookUrl,
		} );
		const post = ( body: unknown ) =>
			guarded.bridge.app.inject( {
				method: 'POST',
				url: '/sandbox/_control/accounts',
				headers: {
					...bearer( TOKEN ),
					'content-type': 'application/json',
				},
				payload: JSON.stringify( body ),
			} );
		for ( const [ i, url ] of [
			'http://127.0.0.1:9/hook',
			'http://169.254.169.254/latest/meta-data/',
			'http://10.0.0.1/v1/webhooks/whatsapp',
			'http://[::1]/v1/webhooks/whatsapp',
			'https://bridge.example.evil.example/v1/webhooks/whatsapp',
			'https://bridge.example@evil.example/v1/webhooks/whatsapp',
			'https://user:pw@bridge.example/v1/webhooks/whatsapp',
			'http://bridge.example/v1/webhooks/whatsapp',
			'https://bridge.example/v1/campaigns',
			'ftp://bridge.example/v1/webhooks/whatsapp',
		].entries() ) {
			const response = await post( account( `bad-${ i }`, url ) );
			expect( response.statusCode, url ).toBe( 400 );
			expect(
				guarded.sandbox.accountCredentials( `bad-${ i }` )
			).toBeNull();
		}
		for ( const [ i, url ] of [
			`${ PUBLIC_URL }/v1/webhooks/whatsapp`,
			`${ PUBLIC_URL }/v1/webhooks/whatsapp/${ tenant.id }`,
			null,
		].entries() ) {
			const response = await post( account( `good-${ i }`, url ) );
			expect( response.statusCode, String( url ) ).toBe( 204 );
		}
		// The same account again with its own credentials is an update, not a takeover.
		expect(
			(
				await post(
					account( 'good-2', `${ PUBLIC_URL }/v1/webhooks/whatsapp` )
				)
			).statusCode
		).toBe( 204 );
	} );

	it( 'is refused (403) while a tenant has real Meta credentials, unless allowed', async () => {
		const box = new SecretBox( guarded.key );
		const real = await guarded.addTenant( { name: 'Real shop' } );
		await store.storage.db
			.updateTable( 'tenants' )
			.set( {
				phone_number_id: '106540352242922',
				waba_id: '102290129340398',
				access_token: box.seal( 'EAAG-real-token' ),
			} )
			.where( 'id', '=', real.id )
			.execute();
		const stats = () =>
			guarded.bridge.app.inject( {
				method: 'GET',
				url: '/sandbox/_control/stats',
				headers: bearer( TOKEN ),
			} );
		expect( ( await stats() ).statusCode ).toBe( 403 );
		const config = JSON.stringify( guarded.sandbox.config );
		const change = await guarded.bridge.app.inject( {
			method: 'POST',
			url: '/sandbox/_control/config',
			headers: {
				...bearer( TOKEN ),
				'content-type': 'application/json',
			},
			payload: JSON.stringify( { latencyMs: 500 } ),
		} );
		expect( change.statusCode ).toBe( 403 );
		expect( JSON.stringify( guarded.sandbox.config ) ).toBe( config );

		const allowed = await startTestBridge( {
			store,
			engine: false,
			bridge: {
				sandboxControl: { token: TOKEN, withRealTenants: true },
			},
		} );
		try {
			const response = await allowed.bridge.app.inject( {
				method: 'GET',
				url: '/sandbox/_control/stats',
				headers: bearer( TOKEN ),
			} );
			expect( response.statusCode ).toBe( 200 );
		} finally {
			await allowed.close();
			await store.storage.db
				.deleteFrom( 'tenants' )
				.where( 'id', '=', real.id )
				.execute();
		}
		expect( ( await stats() ).statusCode ).toBe( 200 );
	} );
} );
