/**
 * The load side of bench/webhooks.mjs, run as its own process so that it does not share the bridge's event loop.
 * Sends signed status webhooks as fast as the endpoint answers, from a fixed number of keep-alive connections, and
 * prints one JSON line with what it measured. Bodies and signatures are prepared before the clock starts.
 *
 *   LOAD_URL, LOAD_SECRET, LOAD_PHONE_NUMBER_ID, LOAD_RECIPIENTS
 *   LOAD_PER_REQUEST  statuses per request (1: Meta's usual case; 100: batches)
 *   LOAD_SECONDS      measured duration, after LOAD_WARMUP seconds not measured
 *   LOAD_CONNECTIONS  requests in flight
 */

/**
 * External dependencies
 */
import { createHmac } from 'node:crypto';
import { Pool } from 'undici';

const env = process.env;
const url = new URL( env.LOAD_URL as string );
const secret = env.LOAD_SECRET as string;
const phoneNumberId = env.LOAD_PHONE_NUMBER_ID as string;
const recipients = Number( env.LOAD_RECIPIENTS ?? 200_000 );
const perRequest = Number( env.LOAD_PER_REQUEST ?? 1 );
const seconds = Number( env.LOAD_SECONDS ?? 10 );
const warmup = Number( env.LOAD_WARMUP ?? 2 );
const connections = Number( env.LOAD_CONNECTIONS ?? 64 );

const STATUS_NAMES = [ 'sent', 'delivered', 'read' ];

/** Status number n: recipient n / 3 gets sent, delivered, read in turn, so every status changes something. */
function status( n: number ) {
	const recipient = Math.floor( n / 3 ) % recipients;
	return {
		id: `wamid.bench.${ recipient }`,
		status: STATUS_NAMES[ n % 3 ],
		timestamp: String( 1_750_000_000 + ( n % 3 ) * 60 ),
		recipient_id: `39333${ String( recipient ).padStart( 7, '0' ) }`,
		pricing: {
			billable: true,
			pricing_model: 'PMP',
			type: 'regular',
			category: 'marketing',
		},
	};
}

function body( first: number ): string {
	const statuses = [];
	for ( let i = 0; i < perRequest; i++ ) {
		statuses.push( status( first + i ) );
	}
	return JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: '102290129340398',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '15550783881',
								phone_number_id: phoneNumberId,
							},
							statuses,
						},
					},
				],
			},
		],
	} );
}

async function main(): Promise< void > {
	// Enough prepared requests for the run at 40k statuses/s; reused round-robin if the endpoint is faster.
	const count = Math.min(
		Math.ceil( ( ( seconds + warmup ) * 40_000 ) / perRequest ),
		Math.ceil( ( recipients * 3 ) / perRequest )
	);
	const prepared: Array< { body: string; signature: string } > = [];
	for ( let i = 0; i < count; i++ ) {
		const text = body( i * perRequest );
		prepared.push( {
			body: text,
			signature:
				'sha256=' +
				createHmac( 'sha256', secret ).update( text ).digest( 'hex' ),
		} );
	}
	const pool = new Pool( url.origin, {
		connections,
		pipelining: 1,
		keepAliveTimeout: 60_000,
	} );
	const path = '/v1/webhooks/whatsapp';
	let next = 0;
	let measuring = false;
	let done = false;
	const latencies: number[] = [];
	let ok = 0;
	let failed = 0;

	async function worker(): Promise< void > {
		while ( ! done ) {
			const request = prepared[ next++ % prepared.length ] as {
				body: string;
				signature: string;
			};
			const started = performance.now();
			const response = await pool.request( {
				path,
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': request.signature,
				},
				body: request.body,
			} );
			await response.body.dump();
			if ( measuring && ! done ) {
				latencies.push( performance.now() - started );
				if ( response.statusCode === 200 ) {
					ok++;
				} else {
					failed++;
				}
			}
		}
	}

	const workers = Array.from( { length: connections }, () => worker() );
	await new Promise( ( r ) => setTimeout( r, warmup * 1000 ) );
	measuring = true;
	const started = performance.now();
	await new Promise( ( r ) => setTimeout( r, seconds * 1000 ) );
	done = true;
	const elapsed = ( performance.now() - started ) / 1000;
	await Promise.all( workers );
	await pool.close();
	latencies.sort( ( a, b ) => a - b );
	const pick = ( q: number ) =>
		latencies[
			Math.min( latencies.length - 1, Math.floor( q * latencies.length ) )
		] ?? 0;
	process.stdout.write(
		JSON.stringify( {
			requests: ok,
			failed,
			requestsPerSecond: ok / elapsed,
			statusesPerSecond: ( ok * perRequest ) / elapsed,
			p50: pick( 0.5 ),
			p99: pick( 0.99 ),
			max: latencies[ latencies.length - 1 ] ?? 0,
			// True when the prepared requests ran out and were sent again (duplicates are cheaper to apply).
			wrapped: next > prepared.length,
		} ) + '\n'
	);
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`webhooks-load: ${ error instanceof Error ? error.stack : String( error ) }\n`
	);
	process.exit( 1 );
} );
