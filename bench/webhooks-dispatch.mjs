#!/usr/bin/env node
/**
 * Webhook benchmark of issue 4 against the REAL bridge while it REALLY dispatches: signed status webhooks from a
 * separate load process (bench/webhooks-load.ts, loopback, keep-alive connections) to the bridge process
 * (bridge-server/dist/main.js) while that same process sends a campaign to the emulator process at 1,000 mps (150 ms per
 * call). The dispatch rate is read from the emulator's own counters over each measured window.
 *
 *   npm run build -w bridge-server
 *   node bench/webhooks-dispatch.mjs                                   # SQLite
 *   node bench/webhooks-dispatch.mjs --pg postgres://postgres@127.0.0.1:55442/postgres
 *
 * Options: --seconds 10 (measured window per run) --warmup 2 --only hmac:1,naive:1,group:1,group:100 (runs, in order)
 * --seeded 200000 (recipients of the finished campaign the statuses are about) --campaign N (recipients to dispatch;
 * default: enough to last every run) --connections 64 --emulator-webhooks (the emulator also posts the statuses of the
 * messages it accepts) --profile (V8 CPU profile of the bridge in /tmp/rondine-bridge-profile) --node-flags "...".
 *
 * Before the runs the bridge's database gets a finished campaign of --seeded sent recipients with wamids (through the
 * bridge's own storage modules); the load's statuses (sent → delivered → read per recipient) change those rows and
 * counters, each run on recipients the previous runs did not touch. Endpoints, all in the bridge process (the
 * comparison ones are added by bench/lib/comparison-endpoints.mjs, preloaded, not by product code):
 *   group  POST /v1/webhooks/whatsapp: the real endpoint (group commit), 200 after commit;
 *   naive  the same signature check, parse and applyDeliveries in one transaction per request;
 *   hmac   signature check and parse only.
 * Afterwards it checks that the seeded campaign's counters and rows are exactly what the 200-answered statuses make.
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
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
import { bundle, runLoad } from './lib/load-runner.mjs';

function arg( name, fallback ) {
	const i = process.argv.indexOf( `--${ name }` );
	return i >= 0 ? process.argv[ i + 1 ] : fallback;
}
const PG_URL = arg( 'pg', undefined );
const SECONDS = Number( arg( 'seconds', '10' ) );
const WARMUP = Number( arg( 'warmup', '2' ) );

const CONNECTIONS = arg( 'connections', '64' );
const THROUGHPUT = 1000;
const PLAN = arg( 'only', 'hmac:1,naive:1,group:1,group:100' )
	.split( ',' )
	.map( ( s ) => {
		const [ mode, per ] = s.split( ':' );
		if (
			! [ 'hmac', 'naive', 'group' ].includes( mode ) ||
			! Number( per )
		) {
			throw new Error(
				`--only: ${ s } is not <hmac|naive|group>:<statuses per request>`
			);
		}
		return { mode, per: Number( per ) };
	} );
// ~200,000 sent recipients for single-status runs; batched runs (up to ~120,000 statuses/s) need more so that their
// statuses still change rows instead of repeating (3 statuses per recipient).
const SEEDED = Number(
	arg(
		'seeded',
		String(
			PLAN.some( ( r ) => r.per > 1 && r.mode !== 'hmac' )
				? 600_000
				: 200_000
		)
	)
);
// Enough to keep sending through every run: per run the load prepares its requests (a few s), warms up and measures.
const CAMPAIGN = Number(
	arg(
		'campaign',
		String(
			Math.max(
				100_000,
				Math.ceil(
					( PLAN.length * ( SECONDS + WARMUP + 8 ) + 40 ) *
						THROUGHPUT *
						1.1
				)
			)
		)
	)
);
const PATHS = {
	group: '/v1/webhooks/whatsapp',
	naive: '/bench/naive/webhooks/whatsapp',
	hmac: '/bench/hmac/webhooks/whatsapp',
};
const TARGETS = {
	single: 10_000,
	singleP99: 50,
	batch: 25_000,
	mps: 970,
	ratio: 1.2,
};

const fmt = ( n, digits = 0 ) =>
	Number( n ).toLocaleString( 'en-US', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	} );
const say = ( text ) => process.stderr.write( `  ${ text }\n` );

/**
 * A finished campaign of SEEDED recipients, each sent with a wamid (`wamid.bench.<i>`, phone +39333<i>), counters as
 * the engine leaves them; the statuses of the load are about these rows.
 * @param db
 * @param tenantId
 */
async function seedFinishedCampaign( db, tenantId ) {
	const now = Date.now();
	// A build from before migration 0105 (RONDINE_BENCH_DIST, for an A/B) keeps the message in the recipient row.
	const split = ( await db.introspection.getTables() ).some(
		( table ) => table.name === 'messages'
	);
	await db
		.insertInto( 'campaigns' )
		.values( {
			tenant_id: tenantId,
			id: 'hooks',
			name: 'Finished campaign (webhook targets)',
			audience: '{}',
			template_name: 'autumn_sale',
			template_language: 'en',
			template_components: '[]',
			start_at: now - 3_600_000,
			options: '{}',
			state: 'completed',
			state_reason: null,
			state_message: null,
			audience_done: 1,
			audience_cursor: null,
			snapshot_attempts: 0,
			next_snapshot_at: null,
			source_campaign_id: null,
			created_at: now - 3_600_000,
			updated_at: now,
			started_at: now - 3_600_000,
			finished_at: now - 60_000,
		} )
		.execute();
	await db
		.insertInto( 'campaign_counters' )
		.values( { tenant_id: tenantId, campaign_id: 'hooks' } )
		.execute();
	const batch = 500;
	for ( let start = 0; start < SEEDED; start += batch * 20 ) {
		await db.transaction().execute( async ( trx ) => {
			for (
				let from = start;
				from < Math.min( start + batch * 20, SEEDED );
				from += batch
			) {
				// A run (recipients) and its step-0 message (messages, since migration 0105), as the snapshot and the
				// dispatcher leave a sent campaign.
				const runs = [];
				for (
					let i = from;
					i < Math.min( from + batch, SEEDED );
					i++
				) {
					runs.push( {
						tenant_id: tenantId,
						campaign_id: 'hooks',
						contact_id: String( i ),
						phone: `+39333${ String( i ).padStart( 7, '0' ) }`,
						variables: '{"first_name":"Anna"}',
						state: 'ended',
						updated_at: now - 120_000,
					} );
				}
				// The message of run n as the dispatcher leaves it once WhatsApp accepted it.
				const sent = ( /** @type {number} */ n ) => ( {
					state: 'completed',
					attempts: 1,
					next_attempt_at: 0,
					wamid: `wamid.bench.${ from + n }`,
					message_status: 'accepted',
					sent_at: now - 120_000,
				} );
				if ( ! split ) {
					await trx
						.insertInto( 'recipients' )
						.values(
							runs.map( ( run, n ) => ( {
								...run,
								...sent( n ),
							} ) )
						)
						.execute();
					continue;
				}
				const ids = await trx
					.insertInto( 'recipients' )
					.values( runs )
					.returning( 'id' )
					.execute();
				await trx
					.insertInto( 'messages' )
					.values(
						runs.map( ( run, n ) => ( {
							tenant_id: tenantId,
							campaign_id: 'hooks',
							run_id: Number( ids[ n ].id ),
							step: 0,
							phone: run.phone,
							body: run.variables,
							...sent( n ),
							updated_at: now - 120_000,
						} ) )
					)
					.execute();
			}
		} );
	}
	await db
		.updateTable( 'campaign_counters' )
		.set( { total: SEEDED, completed: SEEDED } )
		.where( 'campaign_id', '=', 'hooks' )
		.execute();
	return split;
}

async function main() {
	await bundle( 'webhooks-load' );
	const scratch = await openScratchStorage( PG_URL );
	const { storage } = scratch;
	const db = storage.db;
	const key = randomBytes( 32 );
	const tenant = await createSandboxTenant( db, key, THROUGHPUT );
	let t = Date.now();
	const split = await seedFinishedCampaign( db, tenant.tenant.id );
	say(
		`seeded a finished campaign of ${ fmt( SEEDED ) } sent recipients in ${ fmt( ( Date.now() - t ) / 1000, 1 ) } s`
	);
	const site = await startSiteServer(
		db,
		tenant.tenant.id,
		tenant.secret,
		CAMPAIGN
	);
	const emulator = await startEmulator( {
		latencyMs: 150,
		statuses: process.argv.includes( '--emulator-webhooks' )
			? { enabled: true, batchSize: 1, concurrency: 64 }
			: { enabled: false },
	} );
	const bridge = await startBridge( {
		env: scratch.env,
		key,
		emulatorUrl: emulator.url,
		emulatorToken: emulator.token,
		port: emulator.bridgePort,
		extraEnv: { BENCH_TENANT_ID: tenant.tenant.id },
		flags: [
			'--import',
			join( root, 'bench', 'lib', 'comparison-endpoints.mjs' ),
			...arg( 'node-flags', '' ).split( ' ' ).filter( Boolean ),
			...( process.argv.includes( '--profile' )
				? [ '--cpu-prof', '--cpu-prof-dir=/tmp/rondine-bridge-profile' ]
				: [] ),
		],
	} );
	const signed = siteClient( bridge.url, tenant.tenant.id, tenant.secret );
	const accepted = async () =>
		( await emulator.stats() ).accounts[ tenant.phoneNumberId ]?.accepted ??
		0;
	const campaignRow = () =>
		db
			.selectFrom( 'campaigns as c' )
			.innerJoin( 'campaign_counters as k', 'k.campaign_id', 'c.id' )
			.select( [
				'c.state',
				'c.audience_done',
				'k.completed',
				'k.total',
			] )
			.where( 'c.id', '=', 'dispatch' )
			.executeTakeFirst();

	await signed( 'PUT', '/v1/campaigns/dispatch', BENCH_CAMPAIGN );
	await signed( 'POST', '/v1/campaigns/dispatch/schedule' );
	t = Date.now();
	// Steady state: the audience snapshot done (its phone parsing is not what we measure) and sending under way.
	for (;;) {
		await new Promise( ( r ) => setTimeout( r, 1_000 ) );
		const row = await campaignRow();
		if ( row.state !== 'running' && row.state !== 'scheduled' ) {
			throw new Error( `the campaign is ${ row.state } before the runs` );
		}
		if ( row.audience_done && ( await accepted() ) > 2_000 ) {
			break;
		}
	}
	say(
		`campaign of ${ fmt( CAMPAIGN ) } dispatching, audience snapshot done after ${ fmt( ( Date.now() - t ) / 1000, 1 ) } s`
	);

	/** Emulator and bridge readings at the start and end of a window. */
	async function sample() {
		const [ sent, usage ] = await Promise.all( [
			accepted(),
			bridge.usage(),
		] );
		return {
			at: performance.now(),
			wall: Date.now(),
			sent,
			cpuMs: ( usage.cpuUserUs + usage.cpuSystemUs ) / 1000,
			rss: usage.rss,
			load: loadavg()[ 0 ],
		};
	}
	function window( a, b ) {
		const seconds = ( b.at - a.at ) / 1000;
		return {
			seconds,
			mps: ( b.sent - a.sent ) / seconds,
			messages: b.sent - a.sent,
			cpuMs: b.cpuMs - a.cpuMs,
			cores: ( b.cpuMs - a.cpuMs ) / 1000 / seconds,
			load: a.load,
			endWall: b.wall,
		};
	}

	// Dispatch alone, for reference.
	const b0 = await sample();
	await new Promise( ( r ) => setTimeout( r, 5_000 ) );
	const baseline = window( b0, await sample() );

	const storage0 = scratch.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
	console.log(
		`Webhooks under real dispatch (${ storage0 }): bridge process dist/main.js dispatching ${ fmt( CAMPAIGN ) } recipients to the emulator process (1,000 mps, 150 ms), ` +
			`load from a separate process (${ CONNECTIONS } connections, ${ WARMUP } s warm-up, ${ SECONDS } s measured) — ${ cpus().length } x ${ cpus()[ 0 ]?.model ?? 'cpu' }, ${ ( totalmem() / 2 ** 30 ).toFixed( 0 ) } GB, Node ${ process.version }`
	);
	console.log(
		`dispatch alone: ${ fmt( baseline.mps, 1 ) } mps, bridge ${ fmt( baseline.cores, 2 ) } cores, CPU ${ fmt( baseline.cpuMs / Math.max( 1, baseline.messages ), 3 ) } ms/msg (load avg ${ fmt( baseline.load, 2 ) })`
	);
	console.log(
		'database    endpoint  st/req   statuses/s   target    p50 ms   p99 ms  target   non-200  dispatch mps  target  bridge cores  CPU ms/status  minus dispatch  load avg'
	);

	const results = [];
	let first = 0;
	const applied = []; // { first, per, issued, neverOk } of the runs whose statuses were applied
	for ( const { mode, per } of PLAN ) {
		let start;
		let end;
		const load = await runLoad(
			{
				LOAD_URL: bridge.url,
				LOAD_PATH: PATHS[ mode ],
				LOAD_SECRET: tenant.appSecret,
				LOAD_PHONE_NUMBER_ID: tenant.phoneNumberId,
				LOAD_WABA_ID: tenant.wabaId,
				LOAD_RECIPIENTS: String( SEEDED ),
				LOAD_FIRST: String( first ),
				LOAD_PER_REQUEST: String( per ),
				LOAD_SECONDS: String( SECONDS ),
				LOAD_WARMUP: String( WARMUP ),
				LOAD_CONNECTIONS: CONNECTIONS,
				LOAD_MAX_RATE: per > 1 ? '120000' : '40000',
			},
			async ( phase ) => {
				if ( phase === 'measuring' ) {
					start = await sample();
				} else {
					end = await sample();
				}
			}
		);
		const w = window( start, end );
		if ( mode !== 'hmac' ) {
			applied.push( {
				first,
				per,
				issued: load.issued,
				neverOk: new Set( load.neverOk ),
			} );
			first += load.issued * per;
		}
		const r = { mode, per, ...load, window: w };
		results.push( r );
		const single = per === 1;
		let target = null;
		if ( mode === 'group' ) {
			target = single ? TARGETS.single : TARGETS.batch;
		}
		const mark = ( ok ) => ( ok ? ' ok' : ' NO' );
		console.log(
			[
				storage0.padEnd( 10 ),
				mode.padEnd( 9 ),
				String( per ).padStart( 6 ),
				fmt( load.statusesPerSecond ).padStart( 12 ),
				( target
					? `≥${ fmt( target ) }${ mark( load.statusesPerSecond >= target ) }`
					: ''
				).padStart( 10 ),
				fmt( load.p50, 1 ).padStart( 9 ),
				fmt( load.p99, 1 ).padStart( 8 ),
				( mode === 'group' && single
					? `≤${ TARGETS.singleP99 }${ mark( load.p99 <= TARGETS.singleP99 ) }`
					: ''
				).padStart( 7 ),
				fmt( load.failed + load.errors ).padStart( 9 ),
				fmt( w.mps, 1 ).padStart( 13 ),
				`≥${ TARGETS.mps }${ mark( w.mps >= TARGETS.mps ) }`.padStart(
					8
				),
				fmt( w.cores, 2 ).padStart( 13 ),
				fmt(
					w.cpuMs / Math.max( 1, load.statusesPerSecond * w.seconds ),
					3
				).padStart( 14 ),
				// The webhooks' share: the bridge's CPU minus what dispatching alone used per second (baseline).
				fmt(
					( w.cpuMs - baseline.cores * 1000 * w.seconds ) /
						Math.max( 1, load.statusesPerSecond * w.seconds ),
					3
				).padStart( 15 ),
				fmt( w.load, 2 ).padStart( 9 ),
				load.wrapped ? '  (requests reused: raise --seeded)' : '',
				load.lastError ? `  last error: ${ load.lastError }` : '',
			].join( ' ' )
		);
	}

	const find = ( mode, per ) =>
		results.find( ( r ) => r.mode === mode && r.per === per );
	const ratio = ( a, b ) =>
		a && b ? fmt( a.statusesPerSecond / b.statusesPerSecond, 2 ) : 'n/a';
	const group1 = find( 'group', 1 );
	const naive1 = find( 'naive', 1 );
	let ratioMark = '';
	if ( group1 && naive1 ) {
		ratioMark =
			group1.statusesPerSecond / naive1.statusesPerSecond >= TARGETS.ratio
				? ' ok'
				: ' NO';
	}
	console.log(
		`${ storage0 }: group/naive single = ${ ratio( group1, naive1 ) } (target ≥ ${ TARGETS.ratio }${ ratioMark }), group/hmac-only single = ${ ratio( group1, find( 'hmac', 1 ) ) } (context), ` +
			`group/naive x100 = ${ ratio( find( 'group', 100 ), find( 'naive', 100 ) ) }`
	);

	// Exactly once: the seeded campaign's counters and rows are what the statuses answered 200 make, no more, no less.
	const rank = new Uint8Array( SEEDED );
	for ( const run of applied ) {
		for ( let i = 0; i < run.issued; i++ ) {
			if ( run.neverOk.has( i ) ) {
				continue;
			}
			for ( let j = 0; j < run.per; j++ ) {
				const n = run.first + i * run.per + j;
				const recipient = Math.floor( n / 3 ) % SEEDED;
				rank[ recipient ] = Math.max(
					rank[ recipient ],
					( n % 3 ) + 1
				);
			}
		}
	}
	const expected = { sent: 0, delivered: 0, read: 0 };
	for ( const r of rank ) {
		expected.sent += r >= 1 ? 1 : 0;
		expected.delivered += r >= 2 ? 1 : 0;
		expected.read += r >= 3 ? 1 : 0;
	}
	const counters = await db
		.selectFrom( 'campaign_counters' )
		.select( [
			'messages_sent',
			'messages_delivered',
			'messages_read',
			'messages_failed',
		] )
		.where( 'campaign_id', '=', 'hooks' )
		.executeTakeFirstOrThrow();
	const rows = await db
		.selectFrom( split ? 'messages' : 'recipients' )
		.select( ( eb ) => [
			eb.fn.count( 'status_sent_at' ).as( 'sent' ),
			eb.fn.count( 'delivered_at' ).as( 'delivered' ),
			eb.fn.count( 'read_at' ).as( 'read' ),
		] )
		.where( 'campaign_id', '=', 'hooks' )
		.executeTakeFirstOrThrow();
	const exact =
		Number( counters.messages_sent ) === expected.sent &&
		Number( counters.messages_delivered ) === expected.delivered &&
		Number( counters.messages_read ) === expected.read &&
		Number( counters.messages_failed ) === 0 &&
		Number( rows.delivered ) === expected.delivered &&
		Number( rows.read ) === expected.read;
	console.log(
		`seeded campaign after the runs: counters sent ${ fmt( counters.messages_sent ) } / delivered ${ fmt( counters.messages_delivered ) } / read ${ fmt( counters.messages_read ) } / failed ${ counters.messages_failed }, ` +
			`rows delivered ${ fmt( rows.delivered ) } / read ${ fmt( rows.read ) }; expected from the 200-answered statuses ${ fmt( expected.sent ) } / ${ fmt( expected.delivered ) } / ${ fmt( expected.read ) }: ` +
			( exact ? 'exactly once, ok' : 'MISMATCH' )
	);
	const row = await campaignRow();
	const stats = await emulator.stats();
	const account = stats.accounts[ tenant.phoneNumberId ];
	const lastAt = account.lastAcceptedAt;
	console.log(
		`dispatch campaign: ${ row.state }, ${ fmt( row.completed ) }/${ fmt( row.total ) } sent, 130429 refusals ${ account.errors?.[ '130429' ] ?? 0 }` +
			( lastAt < ( results.at( -1 )?.window.endWall ?? 0 ) - 1_000
				? ' — SENDING ENDED BEFORE THE LAST RUN DID: raise --campaign'
				: '' )
	);
	if ( process.argv.includes( '--json' ) ) {
		console.log(
			JSON.stringify( {
				baseline,
				results: results.map( ( { neverOk, ...r } ) => ( {
					...r,
					neverOk: neverOk.length,
				} ) ),
				counters,
				expected,
			} )
		);
	}

	await bridge.stop();
	emulator.child.kill( 'SIGTERM' );
	site.close();
	await scratch.cleanup();
	process.exit( exact ? 0 : 1 );
}

main().catch( ( error ) => {
	console.error( error );
	process.exit( 1 );
} );
