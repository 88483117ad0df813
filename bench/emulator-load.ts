/**
 * Load generator for bench/emulator.mjs: sends template messages to the emulator at a fixed rate (open loop: the pace
 * does not wait for answers) through the bridge's own Cloud API client, and prints one JSON line of results.
 *
 * Environment: LOAD_URL (emulator base), LOAD_RATE (mps), LOAD_SECONDS, LOAD_CONNECTIONS, LOAD_PHONE_NUMBER_ID,
 * LOAD_TOKEN.
 */

/**
 * External dependencies
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Internal dependencies
 */
import { CloudApiClient } from '../bridge-server/src/whatsapp/client.js';

const env = process.env;
const rate = Number( env.LOAD_RATE ?? 1000 );
const seconds = Number( env.LOAD_SECONDS ?? 10 );
const warmup = Number( env.LOAD_WARMUP_SECONDS ?? 3 );
const client = new CloudApiClient( {
	baseUrl: env.LOAD_URL as string,
	connections: Number( env.LOAD_CONNECTIONS ?? 512 ),
	headersTimeoutMs: 10_000,
} );

const latencies: number[] = [];
const outcomes: Record< string, number > = {};
let started = 0;
let inFlight = 0;
let maxInFlight = 0;

async function sendOne( n: number ): Promise< void > {
	const t0 = performance.now();
	inFlight++;
	maxInFlight = Math.max( maxInFlight, inFlight );
	const result = await client.sendTemplate( {
		phoneNumberId: env.LOAD_PHONE_NUMBER_ID as string,
		token: env.LOAD_TOKEN as string,
		to: `+39${ String( 3_200_000_000 + n ) }`,
		template: {
			name: 'promo_autunno',
			language: 'it',
			components: [
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Giulia' },
						{ type: 'text', text: '20%' },
						{ type: 'text', text: 'AUTUNNO20' },
					],
				},
			],
		},
		bizOpaqueCallbackData: `bench:${ n }`,
	} );
	inFlight--;
	latencies.push( performance.now() - t0 );
	let key = 'ok';
	if ( 'error' in result ) {
		key = `error_${ result.error.code }`;
	} else if ( 'unknown' in result ) {
		key = `unknown_${ result.unknown }`;
	} else if ( 'notSent' in result ) {
		key = `not_sent_${ result.notSent }`;
	}
	outcomes[ key ] = ( outcomes[ key ] ?? 0 ) + 1;
}

/**
 * Send at `rate` for `windowSeconds`, open loop, then wait for every answer.
 *
 * @param windowSeconds How long to send.
 * @return When sending started, and how long it lasted in seconds.
 */
async function paced(
	windowSeconds: number
): Promise< { start: number; sendWindow: number } > {
	const pending = new Set< Promise< void > >();
	const first = started;
	const start = performance.now();
	const end = start + windowSeconds * 1000;
	while ( performance.now() < end ) {
		const due =
			Math.floor( ( ( performance.now() - start ) / 1000 ) * rate ) -
			( started - first );
		for ( let i = 0; i < due; i++ ) {
			const p = sendOne( started++ ).finally( () => pending.delete( p ) );
			pending.add( p );
		}
		await sleep( 2 );
	}
	const sendWindow = ( performance.now() - start ) / 1000;
	await Promise.all( pending );
	return { start, sendWindow };
}

async function main(): Promise< void > {
	// Warm up (JIT, keep-alive connections), then tell the driver, which resets its counters, and measure.
	await paced( warmup );
	latencies.length = 0;
	for ( const key of Object.keys( outcomes ) ) {
		delete outcomes[ key ];
	}
	maxInFlight = 0;
	const warmed = started;
	process.stdout.write( 'WARM\n' );
	await sleep( 300 );
	const cpuStart = process.cpuUsage();
	const { start, sendWindow } = await paced( seconds );
	started -= warmed;
	const total = ( performance.now() - start ) / 1000;
	const cpu = process.cpuUsage( cpuStart );
	await client.close();
	latencies.sort( ( a, b ) => a - b );
	const at = ( q: number ) =>
		latencies[
			Math.min( latencies.length - 1, Math.floor( q * latencies.length ) )
		] ?? 0;
	process.stdout.write(
		JSON.stringify( {
			rate,
			sent: started,
			sendWindow,
			total,
			// Over the whole run, answers after the send window included: a backlog lowers it.
			acceptedPerSecond: ( outcomes.ok ?? 0 ) / total,
			outcomes,
			p50: at( 0.5 ),
			p99: at( 0.99 ),
			max: latencies[ latencies.length - 1 ] ?? 0,
			maxInFlight,
			loadCpuMsPerMessage:
				( cpu.user + cpu.system ) / 1000 / Math.max( 1, started ),
		} ) + '\n'
	);
}

main().catch( ( error: unknown ) => {
	process.stderr.write( String( error ) + '\n' );
	process.exit( 1 );
} );
