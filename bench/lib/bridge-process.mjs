/**
 * Pieces shared by the benchmarks that run the real bridge process (bridge-server/dist/main.js) against the WhatsApp
 * emulator running as its own process: scratch storage (SQLite file or a new PostgreSQL database), a sandbox tenant,
 * the signed site server that pages the audience, the two child processes and the bridge's CPU/RSS readings (SIGUSR2).
 *
 * Used by bench/webhooks-dispatch.mjs; bench/bridge-dispatch.mjs has the same steps inline.
 * Needs `npm run build -w bridge-server` first.
 */

/**
 * External dependencies
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = join(
	dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'..'
);
// RONDINE_BENCH_DIST: another build of the bridge (e.g. a copy of dist/ before a change, for an A/B comparison).
export const dist =
	process.env.RONDINE_BENCH_DIST ?? join( root, 'bridge-server', 'dist' );

const { openStorage, migrate, sqliteFileIn } = await import(
	join( dist, 'storage', 'database.js' )
);
const secretBoxModule = await import( join( dist, 'crypto', 'secret-box.js' ) );
const { SecretBox } = secretBoxModule;
/** The key the bridge derives the sandbox credentials with (the bridge key itself before the HKDF split). */
const sandboxKey = ( key ) =>
	secretBoxModule.deriveKey
		? secretBoxModule.deriveKey( key, secretBoxModule.KEY_LABELS.sandbox )
		: key;
const { computeSignature, signRequest } = await import(
	join( dist, 'crypto', 'signing.js' )
);
// The tenants store (tenants/store.ts); a build from before it (RONDINE_BENCH_DIST, for an A/B) had it in tenants.js.
const { createTenant } = await import(
	join(
		dist,
		'tenants',
		existsSync( join( dist, 'tenants', 'store.js' ) )
			? 'store.js'
			: 'tenants.js'
	)
);
const pg = ( await import( 'pg' ) ).default;

export function freePort() {
	return new Promise( ( resolve ) => {
		const s = createNetServer();
		s.listen( 0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (
				s.address()
			);
			s.close( () => resolve( port ) );
		} );
	} );
}

/**
 * A node child process whose stdout lines can be awaited.
 * @param script
 * @param env
 * @param ready  predicate on a stdout line: `started` resolves with the first line that matches
 * @param flags  node flags
 */
export function spawnNode( script, env, ready, flags = [] ) {
	// A script run by this node, or (`script` not ending in .js) a launcher that takes node flags as arguments and this
	// node in NODE (bin/rondine-bridge: the bridge as users start it, with its memory settings).
	const launcher = ! script.endsWith( '.js' );
	const child = spawn(
		launcher ? script : process.execPath,
		launcher ? flags : [ ...flags, script ],
		{
			env: { ...process.env, NODE: process.execPath, ...env },
			stdio: [ 'ignore', 'pipe', 'inherit' ],
		}
	);
	const lines = createInterface( { input: child.stdout } );
	const listeners = new Set();
	lines.on( 'line', ( line ) => listeners.forEach( ( l ) => l( line ) ) );
	const started = new Promise( ( resolve, reject ) => {
		const l = ( line ) => {
			if ( ready( line ) ) {
				listeners.delete( l );
				resolve( line );
			}
		};
		listeners.add( l );
		child.once( 'exit', ( code ) =>
			reject( new Error( `${ script } exited ${ code }` ) )
		);
	} );
	return {
		child,
		started,
		next: ( match ) =>
			new Promise( ( resolve ) => {
				const l = ( line ) => {
					if ( match( line ) ) {
						listeners.delete( l );
						resolve( line );
					}
				};
				listeners.add( l );
			} ),
		/** Calls `listener` with every stdout line from now on. */
		onLine: ( listener ) => listeners.add( listener ),
	};
}

/**
 * A migrated scratch database: a SQLite file in a temporary folder, or a new database on the PostgreSQL server at
 * `pgUrl`. `env` is what the bridge process needs to open the same storage.
 * @param pgUrl
 */
export async function openScratchStorage( pgUrl ) {
	let storage;
	let env;
	let dropPg = async () => {};
	const dataDir = mkdtempSync( join( tmpdir(), 'rondine-bench-' ) );
	if ( pgUrl ) {
		const name = `rondine_bench_${ randomBytes( 4 ).toString( 'hex' ) }`;
		const admin = new pg.Client( { connectionString: pgUrl } );
		await admin.connect();
		await admin.query( `CREATE DATABASE ${ name }` );
		await admin.end();
		const url = new URL( pgUrl );
		url.pathname = `/${ name }`;
		storage = openStorage( { databaseUrl: url.toString(), poolSize: 2 } );
		env = {
			DATABASE_URL: url.toString(),
			RONDINE_BRIDGE_DATA_DIR: dataDir,
		};
		dropPg = async () => {
			const c = new pg.Client( { connectionString: pgUrl } );
			await c.connect();
			await c.query( `DROP DATABASE IF EXISTS ${ name } WITH (FORCE)` );
			await c.end();
		};
	} else {
		storage = openStorage( { sqliteFile: sqliteFileIn( dataDir ) } );
		env = { RONDINE_BRIDGE_DATA_DIR: dataDir };
	}
	await migrate( storage.db );
	return {
		storage,
		env,
		dialect: pgUrl ? 'postgres' : 'sqlite',
		async cleanup() {
			await storage.close();
			await dropPg();
			rmSync( dataDir, { recursive: true, force: true } );
		},
	};
}

/**
 * A tenant without Meta credentials (it sends to the emulator), with its sandbox identities: phone number id, WABA id
 * and the app secret that signs its webhooks, derived from the bridge key as the bridge derives them.
 * @param db
 * @param key
 * @param throughput
 */
export async function createSandboxTenant( db, key, throughput ) {
	const { tenant, secret } = await createTenant(
		db,
		new SecretBox( key ),
		'Bench shop',
		Date.now()
	);
	await db
		.updateTable( 'tenants' )
		.set( {
			default_country: 'IT',
			throughput_mps: throughput,
			messaging_limit_tier: 'TIER_UNLIMITED',
		} )
		.where( 'id', '=', tenant.id )
		.execute();
	return {
		tenant,
		secret,
		phoneNumberId: `sandbox-${ tenant.id }`,
		wabaId: `sandbox-waba-${ tenant.id }`,
		appSecret: createHmac( 'sha256', sandboxKey( key ) )
			.update( `sandbox-app-secret:${ tenant.id }` )
			.digest( 'hex' ),
	};
}

/**
 * The site: pages of `total` generated contacts, the signature checked as the plugin does. Sets the tenant's
 * site_rest_url to it.
 * @param db
 * @param tenantId
 * @param secret
 * @param total
 */
export async function startSiteServer( db, tenantId, secret, total ) {
	const site = createServer( ( req, res ) => {
		const chunks = [];
		req.on( 'data', ( c ) => chunks.push( c ) );
		req.on( 'end', () => {
			const body = Buffer.concat( chunks );
			const expected = computeSignature(
				secret,
				'POST',
				req.url.replace( /^\/wp-json/, '' ),
				String( req.headers[ 'x-rondine-timestamp' ] ),
				body
			);
			if ( expected !== req.headers[ 'x-rondine-signature' ] ) {
				res.writeHead( 401 ).end();
				return;
			}
			const { cursor, limit } = JSON.parse( body.toString() );
			const start = cursor ? Number( cursor ) : 0;
			const end = Math.min( total, start + limit );
			const recipients = [];
			for ( let i = start; i < end; i++ ) {
				recipients.push( {
					contact_id: String( i ),
					phone: `+39 3${ String( 100_000_000 + i ).slice( -9 ) }`,
					country: 'IT',
					first_name: `Cliente ${ i }`,
				} );
			}
			res.writeHead( 200, { 'content-type': 'application/json' } );
			res.end(
				JSON.stringify( {
					recipients,
					next_cursor: end < total ? String( end ) : null,
				} )
			);
		} );
	} );
	await new Promise( ( r ) =>
		site.listen( 0, '127.0.0.1', () => r( undefined ) )
	);
	await db
		.updateTable( 'tenants' )
		.set( {
			site_rest_url: `http://127.0.0.1:${ /** @type {import('node:net').AddressInfo} */ ( site.address() ).port }/wp-json/`,
		} )
		.where( 'id', '=', tenantId )
		.execute();
	return site;
}

/**
 * The emulator as its own process, its control API behind a fresh token. A bridge port is chosen here too, so the
 * accounts the bridge registers may send their webhooks to that bridge (and nowhere else): pass `bridgePort` and
 * `token` to startBridge.
 * @param config SANDBOX_CONFIG (latencyMs, statuses...)
 */
export async function startEmulator( config ) {
	const token = randomBytes( 24 ).toString( 'hex' );
	const bridgePort = await freePort();
	const emulator = spawnNode(
		join( dist, 'sandbox', 'main.js' ),
		{
			SANDBOX_PORT: '0',
			SANDBOX_CONFIG: JSON.stringify( config ),
			SANDBOX_CONTROL_TOKEN: token,
			SANDBOX_WEBHOOK_URL_PREFIXES: `http://127.0.0.1:${ bridgePort }/v1/webhooks/whatsapp`,
		},
		( l ) => l.startsWith( '{"url"' )
	);
	const url = JSON.parse( await emulator.started ).url;
	const control = async ( path ) =>
		(
			await fetch( `${ url }/_control${ path }`, {
				headers: { authorization: `Bearer ${ token }` },
			} )
		).json();
	return {
		...emulator,
		url,
		token,
		bridgePort,
		/** GET a control route (`/stats`, `/received?...`) with the token. */
		control,
		stats: () => control( '/stats' ),
	};
}

/**
 * The bridge (dist/main.js) as its own process, sending sandbox tenants to the emulator at `emulatorUrl`.
 * @param {Object} options
 * @param          options.env           storage environment (from openScratchStorage)
 * @param          options.key           the bridge secret key
 * @param          options.emulatorUrl
 * @param          options.emulatorToken the emulator's control token (the bridge registers its sandbox tenants there)
 * @param          [options.port]        the port (the emulator's `bridgePort`); a free one by default
 * @param          [options.flags]       node flags (e.g. --cpu-prof, --import <preload>)
 * @param          [options.extraEnv]    more environment variables
 * @param          [options.script]      what to start: dist/main.js (default) or the launcher bin/rondine-bridge
 */
export async function startBridge( {
	env,
	key,
	emulatorUrl,
	emulatorToken,
	port: chosenPort,
	flags = [],
	extraEnv = {},
	script = join( dist, 'main.js' ),
} ) {
	const port = chosenPort ?? ( await freePort() );
	const url = `http://127.0.0.1:${ port }`;
	const bridge = spawnNode(
		script,
		{
			...env,
			RONDINE_BRIDGE_PORT: String( port ),
			RONDINE_BRIDGE_PUBLIC_URL: url,
			RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
			RONDINE_SANDBOX_URL: emulatorUrl,
			...( emulatorToken
				? { RONDINE_SANDBOX_CONTROL_TOKEN: emulatorToken }
				: {} ),
			// The benchmark's site listens on 127.0.0.1.
			RONDINE_ALLOW_PRIVATE_SITE_URLS: '1',
			RONDINE_LOG_LEVEL: 'info',
			...extraEnv,
		},
		( l ) => l.includes( '"bridge listening"' ),
		flags
	);
	await bridge.started;
	return {
		...bridge,
		url,
		/** The bridge's own process.cpuUsage(), RSS and peak RSS (it answers SIGUSR2 on stdout). */
		async usage() {
			const line = bridge.next( ( l ) => l.startsWith( '{"usage"' ) );
			bridge.child.kill( 'SIGUSR2' );
			return JSON.parse( await line ).usage;
		},
		async stop() {
			bridge.child.kill( 'SIGTERM' );
			await new Promise( ( r ) => bridge.child.once( 'exit', r ) );
		},
	};
}

/**
 * A client of the bridge's site-signed /v1 API for one tenant.
 * @param bridgeUrl
 * @param tenantId
 * @param secret
 */
export function siteClient( bridgeUrl, tenantId, secret ) {
	return async function signed( method, path, body ) {
		const payload = body === undefined ? '' : JSON.stringify( body );
		const res = await fetch( `${ bridgeUrl }${ path }`, {
			method,
			headers: {
				...signRequest(
					tenantId,
					secret,
					method,
					path,
					payload,
					Date.now() / 1000
				),
				...( payload ? { 'content-type': 'application/json' } : {} ),
			},
			...( payload ? { body: payload } : {} ),
		} );
		return res.json();
	};
}

/** The campaign bridge-dispatch.mjs sends: the emulator's autumn_sale template, first name from the audience. */
export const BENCH_CAMPAIGN = {
	name: 'Bench',
	audience: {},
	template: {
		name: 'autumn_sale',
		language: 'en',
		components: [
			{
				type: 'body',
				parameters: [
					{ type: 'text', field: 'first_name' },
					{ type: 'text', text: '20%' },
					{ type: 'text', text: 'AUTUMN20' },
				],
			},
		],
	},
};
