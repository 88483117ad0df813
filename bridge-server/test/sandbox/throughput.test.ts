/**
 * The emulator's per-number throughput, seen by a well-behaved sender (the bridge's own adaptive limiter) and by a
 * greedy one. Real HTTP on 127.0.0.1; takes about 10 seconds.
 */

/**
 * External dependencies
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { AdaptiveRate } from '../../src/dispatch/rate';
import { CloudApiClient, type SendResult } from '../../src/whatsapp/client';
import {
	PHONE_NUMBER_ID,
	TOKEN,
	startSandbox,
	type RunningSandbox,
} from './helpers';

let running: RunningSandbox | null = null;
let client: CloudApiClient | null = null;

afterEach( async () => {
	await client?.close();
	await running?.close();
	client = null;
	running = null;
} );

function send( to: number ): Promise< SendResult > {
	return client!.sendTemplate( {
		phoneNumberId: PHONE_NUMBER_ID,
		token: TOKEN,
		to: `+39348${ String( to ).padStart( 7, '0' ) }`,
		template: { name: 'hello_world', language: 'en_US' },
		bizOpaqueCallbackData: `throughput:${ to }`,
	} );
}

interface Tally {
	accepted: number;
	throttled: number;
	other: number;
}

/**
 * Send for `seconds` at whatever pace `take` allows, answers handled as they come.
 *
 * @param seconds  How long to send.
 * @param take     How many sends may start now.
 * @param onResult Told each answer.
 */
async function run(
	seconds: number,
	take: () => number,
	onResult: ( result: SendResult ) => void = () => {}
): Promise< Tally > {
	const tally: Tally = { accepted: 0, throttled: 0, other: 0 };
	const inFlight = new Set< Promise< void > >();
	let next = 0;
	const end = performance.now() + seconds * 1000;
	while ( performance.now() < end ) {
		for ( let n = take(); n > 0; n-- ) {
			const p: Promise< void > = send( next++ ).then( ( result ) => {
				onResult( result );
				if ( 'ok' in result ) {
					tally.accepted++;
				} else if (
					'error' in result &&
					result.error.code === 130429
				) {
					tally.throttled++;
				} else {
					tally.other++;
				}
				inFlight.delete( p );
			} );
			inFlight.add( p );
		}
		await sleep( 2 );
	}
	await Promise.all( inFlight );
	return tally;
}

describe( 'per-number throughput', () => {
	it( 'lets a well-behaved sender at 80 mps reach at least 95 % of it with under 1 % 130429', async () => {
		running = await startSandbox(
			{
				latencyMs: 20,
				latencyJitterMs: 30,
				statuses: { enabled: false },
			},
			null,
			{ throughputMps: 80 }
		);
		client = new CloudApiClient( { baseUrl: running.baseUrl } );
		// Half a second of burst lets the sender catch up after its own event loop stalls (this machine is shared), while
		// staying within the emulator's one-second bucket.
		const rate = new AdaptiveRate( 80, () => performance.now(), 0.5 );
		const seconds = 6;
		const tally = await run(
			seconds,
			() => rate.take( 1_000 ),
			( result ) => {
				if ( 'error' in result && result.error.code === 130429 ) {
					rate.throttled();
				}
			}
		);
		const total = tally.accepted + tally.throttled + tally.other;
		expect( tally.other ).toBe( 0 );
		expect( tally.accepted / seconds ).toBeGreaterThanOrEqual( 0.95 * 80 );
		expect( tally.throttled / total ).toBeLessThan( 0.01 );
		const stats = running.sandbox.stats() as { accepted: number };
		expect( stats.accepted ).toBe( tally.accepted );
	}, 20_000 );

	it( 'holds a greedy sender at 120 mps to 80 mps, refusing the rest with 130429', async () => {
		running = await startSandbox( { statuses: { enabled: false } }, null, {
			throughputMps: 80,
		} );
		client = new CloudApiClient( { baseUrl: running.baseUrl } );
		const seconds = 3;
		const start = performance.now();
		let started = 0;
		const tally = await run( seconds, () => {
			const due =
				Math.floor( ( ( performance.now() - start ) / 1000 ) * 120 ) -
				started;
			started += Math.max( 0, due );
			return due;
		} );
		// At most the bucket's one second of burst above the rate.
		expect( tally.accepted ).toBeLessThanOrEqual( 80 * seconds + 80 + 2 );
		expect( tally.accepted ).toBeGreaterThanOrEqual( 80 * seconds * 0.95 );
		expect( tally.throttled ).toBeGreaterThan( 0 );
		expect( tally.other ).toBe( 0 );
	}, 20_000 );
} );
