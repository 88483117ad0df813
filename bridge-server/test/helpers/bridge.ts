/**
 * External dependencies
 */
import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';

/**
 * Internal dependencies
 */
import {
	createBridge,
	type Bridge,
	type BridgeOptions,
} from '../../src/bridge';
import { systemClock, type Clock } from '../../src/clock';
import { SecretBox } from '../../src/crypto/secret-box';
import { signRequest } from '../../src/crypto/signing';
import { CloudMessenger } from '../../src/dispatch/cloud-messenger';
import type {
	Messenger,
	WhatsAppDirectory,
} from '../../src/dispatch/messenger';
import { Sandbox, sandboxPlugin } from '../../src/sandbox/index';
import type { Tier } from '../../src/storage/schema';
import { createTenant } from '../../src/tenants/store';
import type { TestStore } from './database';

export const TEMPLATE = {
	name: 'autumn_sale',
	language: 'en',
	components: [
		{
			type: 'body' as const,
			parameters: [
				{
					type: 'text' as const,
					field: 'first_name',
					fallback: 'there',
				},
				{ type: 'text' as const, text: '20%' },
				{ type: 'text' as const, text: 'AUTUMN20' },
			],
		},
	],
};

export interface TestTenant {
	id: string;
	secret: Buffer;
}

export interface TestBridge {
	bridge: Bridge;
	sandbox: Sandbox;
	url: string;
	key: Buffer;
	clock: Clock;
	messenger: Messenger &
		Partial< WhatsAppDirectory > & { close?: () => Promise< void > };
	addTenant: ( options?: {
		name?: string;
		tier?: Tier;
		throughput?: number;
		siteRestUrl?: string;
	} ) => Promise< TestTenant >;
	/** A signed request as the site would send it. */
	call: (
		tenant: TestTenant,
		method: 'GET' | 'PUT' | 'POST' | 'DELETE',
		path: string,
		body?: unknown,
		headers?: Record< string, string >
	) => Promise< LightMyRequestResponse >;
	close: () => Promise< void >;
}

export interface TestBridgeOptions {
	store: TestStore;
	clock?: Clock;
	/** Defaults to the Cloud API client pointed at the bridge's own /sandbox. */
	messenger?: Messenger;
	sandbox?: Sandbox;
	engine?: boolean;
	bridge?: Partial< BridgeOptions >;
	key?: Buffer;
}

/** A bridge listening on a free port with the emulator under /sandbox, on the given test database. */
export async function startTestBridge(
	options: TestBridgeOptions
): Promise< TestBridge > {
	const key = options.key ?? randomBytes( 32 );
	const clock = options.clock ?? systemClock;
	const sandbox =
		options.sandbox ??
		new Sandbox( { statuses: { enabled: false } } as never );
	const cloud = new CloudMessenger( {
		connections: 128,
		headersTimeoutMs: 30_000,
		bodyTimeoutMs: 30_000,
	} );
	const messenger = options.messenger ?? cloud;
	const bridge = await createBridge( {
		storage: options.store.storage,
		secretKey: key,
		publicUrl: 'http://127.0.0.1:0',
		graphUrl: 'http://127.0.0.1:9/unreachable-meta',
		graphVersion: 'v23.0',
		messenger,
		directory: cloud,
		clock,
		sandboxPlugin,
		sandboxOptions: { sandbox },
		// The test sites listen on 127.0.0.1: allowed explicitly, as RONDINE_ALLOW_PRIVATE_SITE_URLS=1 does.
		edge: { site: { allowPrivate: true, allowHttp: false } },
		onSandboxTenant: ( tenant, account, appSecret ) =>
			sandbox.ensureAccount( {
				tenantId: tenant.id,
				phoneNumberId: account.phoneNumberId,
				wabaId: account.wabaId,
				token: account.accessToken,
				appSecret,
				webhookUrl: null,
				throughputMps: tenant.throughput_mps,
				tier: tenant.messaging_limit_tier,
				qualityRating: tenant.quality,
			} ),
		...options.bridge,
	} );
	const url = await bridge.app.listen( { host: '127.0.0.1', port: 0 } );
	bridge.accounts.setSandboxGraphUrl( `${ url }/sandbox` );
	if ( options.engine !== false ) {
		await bridge.startEngine();
	}
	const box = new SecretBox( key );
	const db = options.store.storage.db;
	const lastSigned = new Map< string, number >();
	return {
		bridge,
		sandbox,
		url,
		key,
		clock,
		messenger,
		async addTenant( t = {} ) {
			const { tenant, secret } = await createTenant(
				db,
				box,
				t.name ?? 'Test shop',
				clock.now()
			);
			await db
				.updateTable( 'tenants' )
				.set( {
					messaging_limit_tier: t.tier ?? 'TIER_UNLIMITED',
					throughput_mps: t.throughput ?? 1000,
					site_rest_url: t.siteRestUrl ?? null,
					default_country: 'IT',
					timezone: 'Europe/Rome',
				} )
				.where( 'id', '=', tenant.id )
				.execute();
			return { id: tenant.id, secret };
		},
		async call( tenant, method, path, body, headers = {} ) {
			let payload = '';
			if ( typeof body === 'string' ) {
				payload = body;
			} else if ( body !== undefined ) {
				payload = JSON.stringify( body );
			}
			// Two byte-identical requests signed in the same second carry the same signature (a replay): like a
			// careful client, wait for the next second rather than send it twice.
			const request = `${ tenant.id } ${ method } ${ path } ${ payload }`;
			let seconds = Math.floor( clock.now() / 1000 );
			while ( lastSigned.get( request ) === seconds ) {
				await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
				seconds = Math.floor( clock.now() / 1000 );
			}
			lastSigned.set( request, seconds );
			return bridge.app.inject( {
				method,
				url: path,
				payload,
				headers: {
					...( payload
						? { 'content-type': 'application/json' }
						: {} ),
					...signRequest(
						tenant.id,
						tenant.secret,
						method,
						path,
						payload,
						seconds
					),
					...headers,
				},
			} );
		},
		async close() {
			await bridge.close();
			await cloud.close();
			await sandbox.close();
		},
	};
}

/** Waits until `check` answers true (polling), or fails after `timeoutMs`. */
export async function waitFor(
	check: () => Promise< boolean > | boolean,
	timeoutMs: number,
	what: string
): Promise< void > {
	const end = Date.now() + timeoutMs;
	while ( Date.now() < end ) {
		if ( await check() ) {
			return;
		}
		await new Promise( ( resolve ) => setTimeout( resolve, 50 ) );
	}
	throw new Error(
		`timed out after ${ timeoutMs } ms waiting for ${ what }`
	);
}
