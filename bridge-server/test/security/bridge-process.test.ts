/**
 * The bridge process as an operator starts it (dist/main.js, settings from the environment): the emulator's control
 * API is absent unless RONDINE_SANDBOX_CONTROL_TOKEN is set, then needs it; a short token is refused at start; a site
 * URL on this machine is refused unless RONDINE_ALLOW_PRIVATE_SITE_URLS=1.
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
import { createTenant } from '../../src/tenants/store';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	freePort,
	signedFetch,
	startBridgeProcess,
	type Child,
} from '../helpers/processes';

describe.each( dialects() )( 'bridge process settings (%s)', ( dialect ) => {
	let store: TestStore;
	const key = randomBytes( 32 );
	let tenant: { id: string; secret: Buffer };
	const children: Child[] = [];

	beforeAll( async () => {
		store = await openTestStore( dialect );
		const created = await createTenant(
			store.storage.db,
			new SecretBox( key ),
			'Process shop',
			Date.now()
		);
		tenant = { id: created.tenant.id, secret: created.secret };
	} );

	afterAll( async () => {
		for ( const child of children ) {
			await child.kill( 'SIGTERM' );
		}
		await store?.drop();
	} );

	async function start( extra: Record< string, string > ) {
		const port = await freePort();
		const child = await startBridgeProcess( {
			...store.env,
			RONDINE_BRIDGE_PORT: String( port ),
			RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
			...extra,
		} );
		children.push( child );
		return { url: `http://127.0.0.1:${ port }`, child };
	}

	const site = {
		rest_url: 'http://127.0.0.1:8080/wp-json/',
		default_country: 'IT',
		timezone: 'Europe/Rome',
	};

	it( 'by default: no control API (404 with or without a token), and a loopback site URL is refused', async () => {
		const { url, child } = await start( {} );
		for ( const authorization of [ undefined, 'Bearer anything' ] ) {
			const response = await fetch( `${ url }/sandbox/_control/stats`, {
				headers: authorization ? { authorization } : {},
			} );
			expect( response.status ).toBe( 404 );
		}
		const saved = await signedFetch( url, tenant, 'PUT', '/v1/site', site );
		expect( saved.status ).toBe( 422 );
		expect( saved.json.error.code ).toBe( 'invalid_site_url' );
		await child.kill( 'SIGTERM' );
	} );

	it( 'with a token: 401 without it or with a wrong one, 200 with it; the private switch allows the loopback site', async () => {
		const token = randomBytes( 24 ).toString( 'hex' );
		const { url, child } = await start( {
			RONDINE_SANDBOX_CONTROL_TOKEN: token,
			RONDINE_ALLOW_PRIVATE_SITE_URLS: '1',
		} );
		const stats = ( authorization?: string ) =>
			fetch( `${ url }/sandbox/_control/stats`, {
				headers: authorization ? { authorization } : {},
			} );
		expect( ( await stats() ).status ).toBe( 401 );
		expect( ( await stats( `Bearer ${ token }x` ) ).status ).toBe( 401 );
		expect( ( await stats( `Bearer ${ token }` ) ).status ).toBe( 200 );
		// Not the first test's request again: within the same second it would carry the same signature, and the bridge
		// refuses a replayed signature (401 replayed_request).
		const saved = await signedFetch( url, tenant, 'PUT', '/v1/site', {
			...site,
			timezone: 'Europe/Berlin',
		} );
		expect( saved.status ).toBe( 200 );
		await child.kill( 'SIGTERM' );
	} );

	it( 'refuses to start with a control token shorter than 24 characters', async () => {
		await expect(
			start( { RONDINE_SANDBOX_CONTROL_TOKEN: 'short' } )
		).rejects.toThrow( /at least 24 characters/ );
	} );
} );
