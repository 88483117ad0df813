#!/usr/bin/env node
/**
 * Emulator benchmark: the WhatsApp emulator alone, as its own process, with 150 ms of Graph API latency per call and
 * status webhooks on (sent, delivered, read, batched and signed) to a sink in this process. The load comes from a
 * separate process through the bridge's Cloud API client, open loop, at rising rates.
 *
 *   node bench/emulator.mjs
 *   RONDINE_BENCH_SECONDS=20 RONDINE_BENCH_RATES=1000,2000,3000 RONDINE_BENCH_LATENCY_MS=150 node bench/emulator.mjs
 *
 * Prints, per rate: accepted messages per second, errors, client-side p50/p99 (latency included), the emulator's CPU
 * milliseconds per message and its peak RSS, and the status webhooks the sink received.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..' );
const out = join( root, '.rondine', 'bench' );
const seconds = Number( process.env.RONDINE_BENCH_SECONDS ?? 10 );
const rates = ( process.env.RONDINE_BENCH_RATES ?? '1000,2000,3000' )
	.split( ',' )
	.map( Number );
const latencyMs = Number( process.env.RONDINE_BENCH_LATENCY_MS ?? 150 );
const TOKEN = 'bench-token';
const PHONE_NUMBER_ID = '106540352242922';

async function bundle( input, name ) {
	await build( {
		input: join( root, input ),
		platform: 'node',
		external: ( id ) => ! id.startsWith( '.' ) && ! id.startsWith( '/' ),
		resolve: { extensionAlias: { '.js': [ '.ts', '.js' ] } },
		output: { file: join( out, `${ name }.mjs` ), format: 'esm' },
		logLevel: 'silent',
	} );
}

/** A webhook receiver that answers 200 at once and counts statuses (no signature check: not what is measured). */
function startSink() {
	const counts = { requests: 0, statuses: 0 };
	const server = createServer( ( request, response ) => {
		const chunks = [];
		request.on( 'data', ( c ) => chunks.push( c ) );
		request.on( 'end', () => {
			counts.requests++;
			const body = JSON.parse( Buffer.concat( chunks ).toString() );
			counts.statuses +=
				body.entry[ 0 ].changes[ 0 ].value.statuses?.length ?? 0;
			response.end( 'EVENT_RECEIVED' );
		} );
	} );
	return new Promise( ( resolve ) =>
		server.listen( 0, '127.0.0.1', () =>
			resolve( {
				server,
				counts,
				url: `http://127.0.0.1:${ /** @type {import('node:net').AddressInfo} */ ( server.address() ).port }/hook`,
			} )
		)
	);
}

// The emulator's control API exists only with a token (src/sandbox/main.ts).
const CONTROL_TOKEN = randomBytes( 24 ).toString( 'hex' );

function startEmulator( webhookUrl ) {
	return new Promise( ( resolve, reject ) => {
		const child = spawn(
			process.execPath,
			[ join( out, 'emulator-main.mjs' ) ],
			{
				env: {
					...process.env,
					SANDBOX_PORT: '0',
					SANDBOX_CONTROL_TOKEN: CONTROL_TOKEN,
					SANDBOX_CONFIG: JSON.stringify( {
						latencyMs,
						statuses: {
							sentDelayMs: 100,
							deliveredDelayMs: 400,
							readDelayMs: 1500,
							batchSize: 100,
						},
					} ),
					SANDBOX_ACCOUNTS: JSON.stringify( [
						{
							phoneNumberId: PHONE_NUMBER_ID,
							wabaId: '102290129340398',
							token: TOKEN,
							appSecret: 'bench-app-secret',
							webhookUrl,
							// The emulator's own capacity is measured, not Meta's per-number cap.
							throughputMps: 1_000_000,
						},
					] ),
				},
				stdio: [ 'ignore', 'pipe', 'inherit' ],
			}
		);
		let buffer = '';
		child.stdout.on( 'data', ( chunk ) => {
			buffer += chunk;
			const line = buffer
				.split( '\n' )
				.find( ( l ) => l.startsWith( '{' ) );
			if ( line ) {
				resolve( { child, url: JSON.parse( line ).url } );
			}
		} );
		child.on( 'exit', ( code ) =>
			reject( new Error( `emulator exited with ${ code }` ) )
		);
	} );
}

/**
 * Run the load process; `onWarm` is called when its warm-up is over and the measured window begins.
 *
 * @param {Record<string,string>} env    The load's settings.
 * @param {() => void}            onWarm Called once, at the end of the warm-up.
 */
function runLoad( env, onWarm ) {
	return new Promise( ( resolve, reject ) => {
		const child = spawn(
			process.execPath,
			[ join( out, 'emulator-load.mjs' ) ],
			{
				env: { ...process.env, ...env },
				stdio: [ 'ignore', 'pipe', 'inherit' ],
			}
		);
		let text = '';
		child.stdout.on( 'data', ( chunk ) => {
			text += chunk;
			if ( text.startsWith( 'WARM\n' ) ) {
				text = text.slice( 5 );
				onWarm();
			}
		} );
		child.on( 'exit', ( code ) =>
			code === 0
				? resolve( JSON.parse( text ) )
				: reject( new Error( `load exited ${ code }` ) )
		);
	} );
}

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs( pid ) {
	const fields = readFileSync( `/proc/${ pid }/stat`, 'utf8' )
		.split( ') ' )[ 1 ]
		.split( ' ' );
	// utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
	return ( Number( fields[ 11 ] ) + Number( fields[ 12 ] ) ) * 10;
}

function peakRssMb( pid ) {
	const line = readFileSync( `/proc/${ pid }/status`, 'utf8' )
		.split( '\n' )
		.find( ( l ) => l.startsWith( 'VmHWM:' ) );
	return Number( line.replace( /\D/g, '' ) ) / 1024;
}

const fmt = ( n, digits = 0 ) =>
	n.toLocaleString( 'en-US', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	} );

async function scenario( rate ) {
	const sink = await startSink();
	const { child, url } = await startEmulator( sink.url );
	try {
		let cpuBefore = 0;
		let statusesBefore = 0;
		const load = await runLoad(
			{
				LOAD_URL: url,
				LOAD_RATE: String( rate ),
				LOAD_SECONDS: String( seconds ),
				LOAD_CONNECTIONS: String(
					Math.max(
						256,
						Math.ceil( ( rate * latencyMs ) / 1000 ) * 2
					)
				),
				LOAD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
				LOAD_TOKEN: TOKEN,
			},
			() => {
				cpuBefore = cpuMs( child.pid );
				statusesBefore = sink.counts.statuses;
				void fetch( `${ url }/_control/reset`, {
					method: 'POST',
					headers: { authorization: `Bearer ${ CONTROL_TOKEN }` },
				} );
			}
		);
		// Let the last statuses (read after 1.5 s) go out.
		await new Promise( ( r ) => setTimeout( r, 2_500 ) );
		const cpu = cpuMs( child.pid ) - cpuBefore;
		const stats = await (
			await fetch( `${ url }/_control/stats`, {
				headers: { authorization: `Bearer ${ CONTROL_TOKEN }` },
			} )
		).json();
		const accepted = load.outcomes.ok ?? 0;
		const account = stats.accounts[ PHONE_NUMBER_ID ];
		const serverSeconds =
			( account.lastAcceptedAt - account.firstAcceptedAt ) / 1000;
		return {
			rate,
			load,
			accepted,
			cpuMsPerMessage: cpu / Math.max( 1, accepted ),
			// What one fully available core would sustain at this cost.
			messagesPerCoreSecond:
				( 1000 * Math.max( 1, accepted ) ) / Math.max( 1, cpu ),
			serverMps: account.accepted / Math.max( 0.001, serverSeconds ),
			loadAverage: readFileSync( '/proc/loadavg', 'utf8' )
				.split( ' ' )
				.slice( 0, 3 )
				.join( ' ' ),
			peakRssMb: peakRssMb( child.pid ),
			statusesReceived: sink.counts.statuses - statusesBefore,
			webhookRequests: sink.counts.requests,
			webhookPending: stats.webhooks.pending,
			webhookDropped: stats.webhooks.dropped,
		};
	} finally {
		child.kill( 'SIGTERM' );
		await new Promise( ( r ) => child.once( 'exit', r ) );
		sink.server.close();
	}
}

async function main() {
	mkdirSync( out, { recursive: true } );
	await bundle( 'bridge-server/src/sandbox/main.ts', 'emulator-main' );
	await bundle( 'bench/emulator-load.ts', 'emulator-load' );
	await bundle( 'bench/emulator-memory.ts', 'emulator-memory' );
	console.log(
		`Emulator benchmark: 3 s warm-up, then ${ seconds } s per rate, ${ latencyMs } ms API latency, status webhooks on (batches of 100)`
	);
	console.log(
		'target mps   accepted mps   emulator mps   errors   p50 ms   p99 ms   in flight   emulator CPU ms/msg   peak RSS MB   statuses received'
	);
	const results = [];
	for ( const rate of rates ) {
		const r = await scenario( rate );
		results.push( r );
		const errors = r.load.sent - r.accepted;
		console.log(
			[
				fmt( rate ).padStart( 10 ),
				fmt( r.load.acceptedPerSecond ).padStart( 14 ),
				fmt( r.serverMps ).padStart( 14 ),
				fmt( errors ).padStart( 8 ),
				fmt( r.load.p50, 1 ).padStart( 8 ),
				fmt( r.load.p99, 1 ).padStart( 8 ),
				fmt( r.load.maxInFlight ).padStart( 11 ),
				`${ fmt( r.cpuMsPerMessage, 3 ) } (${ fmt(
					r.messagesPerCoreSecond
				) }/core-s)`.padStart( 21 ),
				fmt( r.peakRssMb, 0 ).padStart( 13 ),
				`${ fmt( r.statusesReceived ) } (${ fmt( r.statusesReceived / Math.max( 1, r.accepted ), 2 ) }/msg)`.padStart(
					20
				),
				`  (load CPU ${ fmt( r.load.loadCpuMsPerMessage, 3 ) } ms/msg, machine load ${ r.loadAverage })`,
				errors ? `  ${ JSON.stringify( r.load.outcomes ) }` : '',
			].join( ' ' )
		);
	}
	const memory = await new Promise( ( resolve, reject ) => {
		const child = spawn(
			process.execPath,
			[ '--expose-gc', join( out, 'emulator-memory.mjs' ) ],
			{
				env: {
					...process.env,
					MEMORY_PHONES:
						process.env.RONDINE_BENCH_PHONES ?? '1000000',
				},
				stdio: [ 'ignore', 'pipe', 'inherit' ],
			}
		);
		let text = '';
		child.stdout.on( 'data', ( chunk ) => ( text += chunk ) );
		child.on( 'exit', ( code ) =>
			code === 0
				? resolve( JSON.parse( text ) )
				: reject( new Error( `memory run exited ${ code }` ) )
		);
	} );
	console.log(
		`State per recipient phone: ${ fmt( memory.bytesPerPhone ) } bytes (${ fmt( memory.heapMb ) } MB of heap for ${ fmt( memory.phones ) } phones), ` +
			`${ fmt( memory.sendMicroseconds, 1 ) } µs per send without HTTP`
	);
	results.push( { memory } );
	if ( process.env.RONDINE_BENCH_JSON ) {
		console.log( JSON.stringify( results ) );
	}
}

main().catch( ( error ) => {
	console.error( error );
	process.exit( 1 );
} );
