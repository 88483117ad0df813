#!/usr/bin/env node
/**
 * Dispatch benchmark: one campaign of N recipients through a bridge process to the WhatsApp emulator running as its own
 * process (1,000 mps number, 150 ms per call), on SQLite or PostgreSQL. Prints achieved mps, share of 130429, the
 * bridge's CPU milliseconds per message (its own process.cpuUsage) and its peak RSS.
 *
 *   npm run build -w bridge-server
 *   node bench/bridge-dispatch.mjs --recipients 100000                 # SQLite
 *   node bench/bridge-dispatch.mjs --recipients 100000 --pg postgres://postgres@127.0.0.1:55432/postgres
 *   node bench/bridge-dispatch.mjs --recipients 1000000                # memory must not grow with the audience
 *
 * The bridge is started through bridge-server/bin/rondine-bridge, as `npm start -w bridge-server` and dev/lib/stack.sh
 * start it (its V8 memory settings included).
 *
 * Options: --throughput 1000 --latency 150, --node-flags "--max-semi-space-size=8" (more flags for the bridge's node,
 * after the launcher's: the last one given wins), --profile (V8 CPU profile of the bridge in /tmp/rondine-bridge-profile), --webhooks (the emulator posts signed single-status webhooks to the bridge during the campaign).
 */

/**
 * External dependencies
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..' );
const dist = join( root, 'bridge-server', 'dist' );
const { openStorage, migrate, sqliteFileIn } = await import(
	join( dist, 'storage', 'database.js' )
);
const { SecretBox } = await import( join( dist, 'crypto', 'secret-box.js' ) );
const { computeSignature, signRequest } = await import(
	join( dist, 'crypto', 'signing.js' )
);
const { createTenant } = await import( join( dist, 'tenants', 'tenants.js' ) );
const pg = ( await import( 'pg' ) ).default;

function arg( name, fallback ) {
	const i = process.argv.indexOf( `--${ name }` );
	return i >= 0 ? process.argv[ i + 1 ] : fallback;
}
const RECIPIENTS = Number( arg( 'recipients', '100000' ) );
const WEBHOOKS = process.argv.includes( '--webhooks' );
const THROUGHPUT = Number( arg( 'throughput', '1000' ) );
const LATENCY = Number( arg( 'latency', '150' ) );
const PG_URL = arg( 'pg', undefined );

function freePort() {
	return new Promise( ( resolve ) => {
		const s = createNetServer();
		s.listen( 0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close( () => resolve( port ) );
		} );
	} );
}

// A script run by this node, or (`script` ending without .js) a launcher that takes node flags as arguments and this
// node in NODE (bin/rondine-bridge: the bridge as users start it, with its memory settings).
function spawnNode( script, env, ready, flags = [] ) {
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
	};
}

// Storage.
let storage;
let env;
let dropPg = async () => {};
const dataDir = mkdtempSync( join( tmpdir(), 'rondine-bench-' ) );
if ( PG_URL ) {
	const name = `rondine_bench_${ randomBytes( 4 ).toString( 'hex' ) }`;
	const admin = new pg.Client( { connectionString: PG_URL } );
	await admin.connect();
	await admin.query( `CREATE DATABASE ${ name }` );
	await admin.end();
	const url = new URL( PG_URL );
	url.pathname = `/${ name }`;
	storage = openStorage( { databaseUrl: url.toString(), poolSize: 2 } );
	env = { DATABASE_URL: url.toString(), RONDINE_BRIDGE_DATA_DIR: dataDir };
	dropPg = async () => {
		const c = new pg.Client( { connectionString: PG_URL } );
		await c.connect();
		await c.query( `DROP DATABASE IF EXISTS ${ name } WITH (FORCE)` );
		await c.end();
	};
} else {
	storage = openStorage( { sqliteFile: sqliteFileIn( dataDir ) } );
	env = { RONDINE_BRIDGE_DATA_DIR: dataDir };
}
await migrate( storage.db );
const key = randomBytes( 32 );
const { tenant, secret } = await createTenant(
	storage.db,
	new SecretBox( key ),
	'Bench shop',
	Date.now()
);

// The site: pages of generated contacts, signature checked as the plugin does.
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
		const end = Math.min( RECIPIENTS, start + limit );
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
				next_cursor: end < RECIPIENTS ? String( end ) : null,
			} )
		);
	} );
} );
await new Promise( ( r ) => site.listen( 0, '127.0.0.1', r ) );
await storage.db
	.updateTable( 'tenants' )
	.set( {
		site_rest_url: `http://127.0.0.1:${ site.address().port }/wp-json/`,
		default_country: 'IT',
		throughput_mps: THROUGHPUT,
		messaging_limit_tier: 'TIER_UNLIMITED',
	} )
	.where( 'id', '=', tenant.id )
	.execute();

// The emulator, its own process.
const emulator = spawnNode(
	join( dist, 'sandbox', 'main.js' ),
	{
		SANDBOX_PORT: '0',
		SANDBOX_CONFIG: JSON.stringify( {
			latencyMs: LATENCY,
			// --webhooks: the emulator posts signed status webhooks (sent, delivered, read) to the real bridge while it
			// dispatches, one status per request (Meta's usual case), so the dispatch rate is measured under that load.
			statuses: WEBHOOKS
				? { enabled: true, batchSize: 1, concurrency: 64 }
				: { enabled: false },
		} ),
	},
	( l ) => l.startsWith( '{"url"' )
);
const emulatorUrl = JSON.parse( await emulator.started ).url;

// The bridge, its own process, started as `npm start` does (bin/rondine-bridge: node with the bridge's V8 settings).
const port = await freePort();
const bridgeUrl = `http://127.0.0.1:${ port }`;
const bridge = spawnNode(
	join( root, 'bridge-server', 'bin', 'rondine-bridge' ),
	{
		...env,
		RONDINE_BRIDGE_PORT: String( port ),
		RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
		RONDINE_SANDBOX_URL: emulatorUrl,
		RONDINE_LOG_LEVEL: 'info',
	},
	( l ) => l.includes( '"bridge listening"' ),
	[
		...arg( 'node-flags', '' ).split( ' ' ).filter( Boolean ),
		...( process.argv.includes( '--profile' )
			? [ '--cpu-prof', '--cpu-prof-dir=/tmp/rondine-bridge-profile' ]
			: [] ),
	]
);
await bridge.started;
async function usage() {
	const line = bridge.next( ( l ) => l.startsWith( '{"usage"' ) );
	bridge.child.kill( 'SIGUSR2' );
	return JSON.parse( await line ).usage;
}

async function signed( method, path, body ) {
	const payload = body === undefined ? '' : JSON.stringify( body );
	const res = await fetch( `${ bridgeUrl }${ path }`, {
		method,
		headers: {
			...signRequest(
				tenant.id,
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
}

await signed( 'PUT', '/v1/campaigns/bench', {
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
} );
const before = await usage();
const t0 = Date.now();
await signed( 'POST', '/v1/campaigns/bench/schedule' );
let state = 'scheduled';
let peakRss = 0;
let lastPrint = 0;
while ( state !== 'completed' && state !== 'failed' && state !== 'paused' ) {
	await new Promise( ( r ) => setTimeout( r, 2_000 ) );
	const row = await storage.db
		.selectFrom( 'campaigns as c' )
		.innerJoin( 'campaign_counters as k', 'k.campaign_id', 'c.id' )
		.select( [ 'c.state', 'k.completed', 'k.total' ] )
		.where( 'c.id', '=', 'bench' )
		.executeTakeFirst();
	state = row.state;
	const u = await usage();
	peakRss = Math.max( peakRss, u.rss );
	if ( Date.now() - lastPrint > 15_000 ) {
		lastPrint = Date.now();
		process.stderr.write(
			`  ${ ( ( Date.now() - t0 ) / 1000 ).toFixed( 0 ) } s: ${ row.completed }/${ row.total } sent, rss ${ ( u.rss / 1048576 ).toFixed( 0 ) } MB\n`
		);
	}
}
const after = await usage();
const elapsed = ( Date.now() - t0 ) / 1000;
const hooksAtEnd = (
	await ( await fetch( `${ emulatorUrl }/_control/stats` ) ).json()
).webhooks;
if ( WEBHOOKS ) {
	// Let the last statuses land (read comes 1.5 s after acceptance), then read what the bridge applied.
	let last = -1;
	for ( let i = 0; i < 30; i++ ) {
		const now = (
			await ( await fetch( `${ emulatorUrl }/_control/stats` ) ).json()
		).webhooks.statusesDelivered;
		if ( now === last ) {
			break;
		}
		last = now;
		await new Promise( ( r ) => setTimeout( r, 2_000 ) );
	}
}
const stats = await ( await fetch( `${ emulatorUrl }/_control/stats` ) ).json();
const account = stats.accounts[ `sandbox-${ tenant.id }` ];
const received = await (
	await fetch( `${ emulatorUrl }/_control/received?callbackPrefix=bench:` )
).json();
const throttled = account.errors[ '130429' ] ?? 0;
const cpuMs =
	( after.cpuUserUs +
		after.cpuSystemUs -
		before.cpuUserUs -
		before.cpuSystemUs ) /
	1000;
const sendSeconds = ( account.lastAcceptedAt - account.firstAcceptedAt ) / 1000;
const result = {
	storage: PG_URL ? 'postgres' : 'sqlite',
	recipients: RECIPIENTS,
	final_state: state,
	accepted: account.accepted,
	duplicates: received.duplicates,
	achieved_mps: Number(
		( ( account.accepted - 1 ) / sendSeconds ).toFixed( 1 )
	),
	campaign_seconds: Number( elapsed.toFixed( 1 ) ),
	share_130429_percent: Number(
		( ( 100 * throttled ) / ( account.accepted + throttled ) ).toFixed( 3 )
	),
	bridge_cpu_ms_per_message: Number(
		( cpuMs / account.accepted ).toFixed( 3 )
	),
	bridge_cpu_split_ms_per_message: {
		user: Number(
			(
				( after.cpuUserUs - before.cpuUserUs ) /
				1000 /
				account.accepted
			).toFixed( 3 )
		),
		system: Number(
			(
				( after.cpuSystemUs - before.cpuSystemUs ) /
				1000 /
				account.accepted
			).toFixed( 3 )
		),
	},
	bridge_peak_rss_mb: Number(
		( Math.max( peakRss, after.maxRssKb * 1024 ) / 1048576 ).toFixed( 1 )
	),
	...( WEBHOOKS
		? {
				status_webhooks_during_campaign_per_second: Number(
					( hooksAtEnd.statusesDelivered / elapsed ).toFixed( 0 )
				),
				status_webhooks_answered_200: stats.webhooks.statusesDelivered,
				status_webhook_failed_attempts: stats.webhooks.failedAttempts,
				status_webhooks_dropped: stats.webhooks.dropped,
				bridge_counters: await storage.db
					.selectFrom( 'campaign_counters' )
					.select( [
						'completed',
						'messages_sent',
						'messages_delivered',
						'messages_read',
					] )
					.where( 'campaign_id', '=', 'bench' )
					.executeTakeFirst(),
			}
		: {} ),
	machine: `${ cpus().length } x ${ cpus()[ 0 ]?.model ?? 'cpu' }, ${ ( totalmem() / 2 ** 30 ).toFixed( 0 ) } GB, Node ${ process.version }`,
};
process.stdout.write( JSON.stringify( result, null, 2 ) + '\n' );

bridge.child.kill( 'SIGTERM' );
emulator.child.kill( 'SIGTERM' );
await new Promise( ( r ) => bridge.child.once( 'exit', r ) );
site.close();
await storage.close();
await dropPg();
rmSync( dataDir, { recursive: true, force: true } );
process.exit( 0 );
