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
 * after the launcher's: the last one given wins), --transport http1|undici (the bridge's RONDINE_CLOUD_TRANSPORT: the Cloud
 * API client's own HTTP/1.1 pool, the default, or undici), --profile (V8 CPU profile of the bridge in /tmp/rondine-bridge-profile), --webhooks (the emulator posts signed single-status webhooks to the bridge during the campaign).
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/**
 * Internal dependencies
 */
import {
	BENCH_CAMPAIGN,
	createSandboxTenant,
	openScratchStorage,
	root,
	siteClient,
	startBridge,
	startEmulator,
	startSiteServer,
} from './lib/bridge-process.mjs';

function arg( name, fallback ) {
	const i = process.argv.indexOf( `--${ name }` );
	return i >= 0 ? process.argv[ i + 1 ] : fallback;
}
const RECIPIENTS = Number( arg( 'recipients', '100000' ) );
const WEBHOOKS = process.argv.includes( '--webhooks' );
const THROUGHPUT = Number( arg( 'throughput', '1000' ) );
const LATENCY = Number( arg( 'latency', '150' ) );
const PG_URL = arg( 'pg', undefined );
const TRANSPORT = arg( 'transport', undefined );

// Storage, the tenant (a sandbox one: it sends to the emulator) and the site serving its audience.
const scratch = await openScratchStorage( PG_URL );
const { storage } = scratch;
const key = randomBytes( 32 );
const { tenant, secret } = await createSandboxTenant(
	storage.db,
	key,
	THROUGHPUT
);
const site = await startSiteServer( storage.db, tenant.id, secret, RECIPIENTS );

// The emulator, its own process.
const emulator = await startEmulator( {
	latencyMs: LATENCY,
	// --webhooks: the emulator posts signed status webhooks (sent, delivered, read) to the real bridge while it
	// dispatches, one status per request (Meta's usual case), so the dispatch rate is measured under that load.
	statuses: WEBHOOKS
		? { enabled: true, batchSize: 1, concurrency: 64 }
		: { enabled: false },
} );
const emulatorUrl = emulator.url;

// The bridge, its own process, started as `npm start` does (bin/rondine-bridge: node with the bridge's V8 settings).
const bridge = await startBridge( {
	env: scratch.env,
	key,
	emulatorUrl,
	emulatorToken: emulator.token,
	port: emulator.bridgePort,
	script: join( root, 'bridge-server', 'bin', 'rondine-bridge' ),
	extraEnv: TRANSPORT ? { RONDINE_CLOUD_TRANSPORT: TRANSPORT } : {},
	flags: [
		...arg( 'node-flags', '' ).split( ' ' ).filter( Boolean ),
		...( process.argv.includes( '--profile' )
			? [ '--cpu-prof', '--cpu-prof-dir=/tmp/rondine-bridge-profile' ]
			: [] ),
	],
} );
const bridgeUrl = bridge.url;
const usage = () => bridge.usage();
const signed = siteClient( bridgeUrl, tenant.id, secret );

await signed( 'PUT', '/v1/campaigns/bench', BENCH_CAMPAIGN );
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
const hooksAtEnd = ( await emulator.stats() ).webhooks;
if ( WEBHOOKS ) {
	// Let the last statuses land (read comes 1.5 s after acceptance), then read what the bridge applied.
	let last = -1;
	for ( let i = 0; i < 30; i++ ) {
		const now = ( await emulator.stats() ).webhooks.statusesDelivered;
		if ( now === last ) {
			break;
		}
		last = now;
		await new Promise( ( r ) => setTimeout( r, 2_000 ) );
	}
}
const stats = await emulator.stats();
const account = stats.accounts[ `sandbox-${ tenant.id }` ];
const received = await emulator.control( '/received?callbackPrefix=bench:' );
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
await scratch.cleanup();
process.exit( 0 );
