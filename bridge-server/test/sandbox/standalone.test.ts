/**
 * The emulator as its own process (dist/sandbox/main.js, built by the suite's global setup), as benchmarks and the crash
 * tests run it; and the plugin mounted inside an app that has its own JSON routes, as the bridge mounts it.
 */

/**
 * External dependencies
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { Sandbox, sandboxPlugin } from '../../src/sandbox/index';
import { CloudApiClient } from '../../src/whatsapp/client';

const MAIN = fileURLToPath(
	new URL( '../../dist/sandbox/main.js', import.meta.url )
);

function start( env: Record< string, string > ) {
	const child = spawn( process.execPath, [ MAIN ], {
		env: { ...process.env, SANDBOX_PORT: '0', ...env },
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	let stdout = '';
	let stderr = '';
	child.stdout.on( 'data', ( c: Buffer ) => ( stdout += c ) );
	child.stderr.on( 'data', ( c: Buffer ) => ( stderr += c ) );
	const exited = once( child, 'exit' ).then( ( [ code ] ) => code as number );
	const ready = new Promise< string >( ( resolve, reject ) => {
		child.stdout.on( 'data', () => {
			const line = stdout
				.split( '\n' )
				.find( ( l ) => l.startsWith( '{' ) );
			if ( line ) {
				resolve( JSON.parse( line ).url );
			}
		} );
		void exited.then( ( code ) =>
			reject( new Error( `exited ${ code }: ${ stderr }` ) )
		);
	} );
	// A start that fails is asserted through `exited`; whoever awaits `ready` still sees the rejection.
	ready.catch( () => undefined );
	return { child, ready, exited, stderr: () => stderr };
}

describe( 'the emulator as its own process', () => {
	it( 'starts with accounts and a control token from the environment, serves sends, and stops on SIGTERM', async () => {
		const emulator = start( {
			SANDBOX_CONTROL_TOKEN: 'ctl-0123456789abcdefghijklmn',
			SANDBOX_CONFIG: JSON.stringify( { latencyMs: 5 } ),
			SANDBOX_ACCOUNTS: JSON.stringify( [
				{
					phoneNumberId: 'pn-s',
					wabaId: 'waba-s',
					token: 'token-s',
					appSecret: 'secret',
				},
			] ),
		} );
		try {
			const url = await emulator.ready;
			expect( url ).toMatch( /^http:\/\/127\.0\.0\.1:\d+$/ );
			const client = new CloudApiClient( { baseUrl: url } );
			const sent = await client.sendTemplate( {
				phoneNumberId: 'pn-s',
				token: 'token-s',
				to: '+393470000123',
				template: { name: 'hello_world', language: 'en_US' },
			} );
			await client.close();
			expect( sent ).toMatchObject( { ok: true } );
			expect(
				( await request( `${ url }/_control/stats` ) ).statusCode
			).toBe( 401 );
			const stats = await request( `${ url }/_control/stats`, {
				headers: {
					authorization: 'Bearer ctl-0123456789abcdefghijklmn',
				},
			} );
			expect(
				( ( await stats.body.json() ) as any ).accounts[ 'pn-s' ]
					.accepted
			).toBe( 1 );
		} finally {
			emulator.child.kill( 'SIGTERM' );
		}
		expect( await emulator.exited ).toBe( 0 );
	} );

	it( 'refuses a wrong configuration at start with a message, and exits 1', async () => {
		const emulator = start( {
			SANDBOX_CONFIG: JSON.stringify( { faults: { timeoutRate: 3 } } ),
		} );
		expect( await emulator.exited ).toBe( 1 );
		expect( emulator.stderr() ).toContain(
			'faults.timeoutRate is a share from 0 to 1.'
		);
	} );
} );

describe( 'the plugin inside another app', () => {
	it( 'keeps its own body parsing and errors to itself', async () => {
		const sandbox = new Sandbox();
		sandbox.ensureAccount( {
			phoneNumberId: 'pn-m',
			wabaId: 'waba-m',
			token: 'token-m',
			appSecret: 'secret',
		} );
		const app = Fastify();
		app.post( '/v1/echo', async ( req ) => ( { got: req.body } ) );
		await app.register( sandboxPlugin, { sandbox, prefix: '/sandbox' } );
		try {
			const echo = await app.inject( {
				method: 'POST',
				url: '/v1/echo',
				payload: { a: 1 },
			} );
			expect( echo.json() ).toEqual( { got: { a: 1 } } );
			const bad = await app.inject( {
				method: 'POST',
				url: '/v1/echo',
				headers: { 'content-type': 'application/json' },
				payload: '{',
			} );
			expect( bad.statusCode ).toBe( 400 );
			expect( bad.json() ).not.toHaveProperty( 'error.fbtrace_id' );
			const meta = await app.inject( {
				method: 'POST',
				url: '/sandbox/v23.0/pn-m/messages',
				headers: {
					authorization: 'Bearer token-m',
					'content-type': 'application/json',
				},
				payload: '{',
			} );
			expect( meta.statusCode ).toBe( 400 );
			expect( meta.json().error ).toMatchObject( {
				code: 100,
				type: 'OAuthException',
			} );
		} finally {
			await app.close();
			await sandbox.close();
		}
	} );
} );
