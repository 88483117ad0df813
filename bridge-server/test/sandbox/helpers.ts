/**
 * External dependencies
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Internal dependencies
 */
import {
	Sandbox,
	sandboxPlugin,
	type SandboxConfigPatch,
} from '../../src/sandbox/index';
import { verifyWebhookSignature } from '../../src/whatsapp/webhook-signature';

export const APP_SECRET = 'sandbox-app-secret-0123456789abcdef';
export const TOKEN = 'EAAG-sandbox-token-1';
export const PHONE_NUMBER_ID = '106540352242922';
export const WABA_ID = '102290129340398';

export interface ReceivedWebhook {
	raw: Buffer;
	signature: string | undefined;
	body: any;
	/** The signature checked with APP_SECRET over the raw bytes. */
	signed: boolean;
}

/** A real HTTP webhook receiver on 127.0.0.1 that records what it gets and answers as told. */
export class WebhookReceiver {
	readonly received: ReceivedWebhook[] = [];

	/** Statuses to answer with, in turn, before answering 200 again. */
	readonly failNext: number[] = [];

	private server: Server | null = null;

	url = '';

	async start(): Promise< void > {
		this.server = createServer( ( request, response ) => {
			const chunks: Buffer[] = [];
			request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
			request.on( 'end', () => {
				const raw = Buffer.concat( chunks );
				const status = this.failNext.shift() ?? 200;
				if ( status === 200 ) {
					const signature = request.headers[
						'x-hub-signature-256'
					] as string | undefined;
					this.received.push( {
						raw,
						signature,
						body: JSON.parse( raw.toString( 'utf8' ) ),
						signed: verifyWebhookSignature(
							APP_SECRET,
							raw,
							signature
						),
					} );
				}
				response.statusCode = status;
				response.end( status === 200 ? 'EVENT_RECEIVED' : 'nope' );
			} );
		} );
		await new Promise< void >( ( resolve ) =>
			this.server!.listen( 0, '127.0.0.1', resolve )
		);
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${ port }/v1/webhooks/whatsapp`;
	}

	/** Every status object received so far, flattened. */
	statuses(): any[] {
		return this.received.flatMap( ( w ) =>
			( w.body.entry ?? [] ).flatMap( ( e: any ) =>
				( e.changes ?? [] ).flatMap(
					( c: any ) => c.value?.statuses ?? []
				)
			)
		);
	}

	async waitFor(
		predicate: () => boolean,
		timeoutMs = 5_000
	): Promise< void > {
		const end = Date.now() + timeoutMs;
		while ( ! predicate() ) {
			if ( Date.now() > end ) {
				throw new Error( 'Timed out waiting for webhooks.' );
			}
			await new Promise( ( r ) => setTimeout( r, 10 ) );
		}
	}

	async stop(): Promise< void > {
		await new Promise( ( resolve ) => this.server?.close( resolve ) );
	}
}

export interface RunningSandbox {
	sandbox: Sandbox;
	app: FastifyInstance;
	/** Base URL for the client, including the `/sandbox` prefix. */
	baseUrl: string;
	close: () => Promise< void >;
}

/**
 * The emulator served over real HTTP on 127.0.0.1, under `/sandbox` as the bridge serves it.
 *
 * @param config                Configuration patch.
 * @param webhookUrl            Where the test account's webhooks go.
 * @param account               Overrides for the test account.
 * @param account.throughputMps Messages per second of the test number.
 */
export async function startSandbox(
	config: SandboxConfigPatch,
	webhookUrl: string | null,
	account: { throughputMps?: number } = {}
): Promise< RunningSandbox > {
	const sandbox = new Sandbox( config );
	sandbox.ensureAccount( {
		tenantId: 'tenant-1',
		phoneNumberId: PHONE_NUMBER_ID,
		wabaId: WABA_ID,
		token: TOKEN,
		appSecret: APP_SECRET,
		webhookUrl,
		displayPhoneNumber: '+39 02 8088 1234',
		tier: 'TIER_2K',
		...account,
	} );
	const app = Fastify( { logger: false } );
	await app.register( sandboxPlugin, { sandbox, prefix: '/sandbox' } );
	const url = await app.listen( { host: '127.0.0.1', port: 0 } );
	return {
		sandbox,
		app,
		baseUrl: `${ url }/sandbox`,
		async close() {
			await app.close();
			await sandbox.close();
		},
	};
}

/**
 * The type skeleton of a JSON value (keys and value kinds, arrays by their first item), to compare our payloads with
 * Meta's examples field by field.
 *
 * @param value The JSON value.
 */
export function skeleton( value: unknown ): unknown {
	if ( Array.isArray( value ) ) {
		return value.length > 0 ? [ skeleton( value[ 0 ] ) ] : [];
	}
	if ( value !== null && typeof value === 'object' ) {
		return Object.fromEntries(
			Object.entries( value )
				.sort( ( [ a ], [ b ] ) => a.localeCompare( b ) )
				.map( ( [ k, v ] ) => [ k, skeleton( v ) ] )
		);
	}
	return value === null ? 'null' : typeof value;
}
