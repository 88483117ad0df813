/**
 * The load side of bench/webhooks.mjs, run as its own process so that it does not share the bridge's event loop.
 * Sends signed status webhooks as fast as the endpoint answers, from a fixed number of keep-alive connections, and
 * prints one JSON line with what it measured. Bodies and signatures are prepared before the clock starts.
 *
 *   LOAD_URL, LOAD_SECRET, LOAD_PHONE_NUMBER_ID, LOAD_RECIPIENTS
 *   LOAD_PER_REQUEST  statuses per request (1: Meta's usual case; 100: batches)
 *   LOAD_SECONDS      measured duration, after LOAD_WARMUP seconds not measured
 *   LOAD_CONNECTIONS  requests in flight
 *   LOAD_PATH         endpoint path (default /v1/webhooks/whatsapp)
 *   LOAD_WABA_ID      the WABA id in entry[].id
 *   LOAD_FIRST        number of the first status (status n is about recipient floor(n / 3) % LOAD_RECIPIENTS), so
 *                     that successive runs against one database send statuses that still change something
 *   LOAD_CLIENT       raw (default): each connection writes the prepared request bytes on a plain keep-alive socket
 *                     and reads the status line and Content-Length of the answer, one request at a time (what a
 *                     load tool like wrk does; little CPU per request, so on a 2-core machine the bridge gets the
 *                     cores instead of the client); undici: undici's Pool, a full HTTP client (about 3x the CPU)
 *
 * Stdout: `{"phase":"measuring"}` when the measured window starts, `{"phase":"done"}` when it ends, then the result as
 * the last line: what was measured, plus `issued` (prepared requests sent at least once, warm-up included) and
 * `neverOk` (those of them never answered 200), from which the caller knows exactly which statuses were applied.
 */

/**
 * External dependencies
 */
import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';
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
const path = env.LOAD_PATH ?? '/v1/webhooks/whatsapp';
const wabaId = env.LOAD_WABA_ID ?? '102290129340398';
const first = Number( env.LOAD_FIRST ?? 0 );
const client = env.LOAD_CLIENT ?? 'raw';

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

function body( start: number ): string {
	const statuses = [];
	for ( let i = 0; i < perRequest; i++ ) {
		statuses.push( status( start + i ) );
	}
	return JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
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

function neverAnswered( answered: Uint8Array, issued: number ): number[] {
	const list: number[] = [];
	for ( let i = 0; i < issued; i++ ) {
		if ( ! answered[ i ] ) {
			list.push( i );
		}
	}
	return list;
}

async function main(): Promise< void > {
	// Enough prepared requests for the run at 40k statuses/s (LOAD_MAX_RATE); reused round-robin if the endpoint is
	// faster, or when LOAD_FIRST leaves fewer statuses than that before they would cycle back to the first recipient.
	const maxRate = Number( env.LOAD_MAX_RATE ?? 40_000 );
	const count = Math.max(
		1,
		Math.min(
			Math.ceil( ( ( seconds + warmup ) * maxRate ) / perRequest ),
			Math.floor( ( recipients * 3 - first ) / perRequest )
		)
	);
	const prepared: Array< { body: string; signature: string } > = [];
	for ( let i = 0; i < count; i++ ) {
		const text = body( first + i * perRequest );
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
	let next = 0;
	let measuring = false;
	let done = false;
	const latencies: number[] = [];
	let ok = 0;
	let failed = 0;
	let errors = 0;
	let lastError = '';
	// Prepared requests answered 200 at least once (warm-up included).
	const answered = new Uint8Array( count );

	async function worker(): Promise< void > {
		while ( ! done ) {
			const index = next++ % prepared.length;
			const request = prepared[ index ] as {
				body: string;
				signature: string;
			};
			const started = performance.now();
			let statusCode = 0;
			try {
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
				statusCode = response.statusCode;
			} catch ( error ) {
				errors++;
				lastError =
					error instanceof Error ? error.message : String( error );
			}
			if ( statusCode === 200 ) {
				answered[ index ] = 1;
			}
			if ( measuring && ! done ) {
				latencies.push( performance.now() - started );
				if ( statusCode === 200 ) {
					ok++;
				} else {
					failed++;
				}
			}
		}
	}

	// The raw client: the whole request (line, headers, body) prepared as bytes; one request in flight per connection.
	const requestBytes =
		client === 'raw'
			? prepared.map( ( request ) => {
					const payload = Buffer.from( request.body, 'utf8' );
					const head =
						`POST ${ path } HTTP/1.1\r\nHost: ${ url.host }\r\n` +
						`Content-Type: application/json\r\n` +
						`X-Hub-Signature-256: ${ request.signature }\r\n` +
						`Content-Length: ${ payload.length }\r\nConnection: keep-alive\r\n\r\n`;
					return Buffer.concat( [
						Buffer.from( head, 'latin1' ),
						payload,
					] );
				} )
			: [];
	const HEADER_END = Buffer.from( '\r\n\r\n', 'latin1' );

	function rawWorker(): Promise< void > {
		return new Promise( ( resolve ) => {
			let socket: Socket;
			let pending: Buffer = Buffer.alloc( 0 );
			let index = -1;
			let inFlight = false;
			let started = 0;
			let finished = false;
			const end = () => {
				if ( ! finished ) {
					finished = true;
					resolve();
				}
			};
			const record = ( statusCode: number ) => {
				inFlight = false;
				if ( statusCode === 200 ) {
					answered[ index ] = 1;
				}
				if ( measuring && ! done ) {
					latencies.push( performance.now() - started );
					if ( statusCode === 200 ) {
						ok++;
					} else {
						failed++;
					}
				}
			};
			const sendNext = () => {
				if ( done ) {
					socket.end();
					end();
					return;
				}
				index = next++ % prepared.length;
				inFlight = true;
				started = performance.now();
				socket.write( requestBytes[ index ] as Buffer );
			};
			const open = () => {
				pending = Buffer.alloc( 0 );
				socket = connect( {
					host: url.hostname,
					port: Number( url.port ),
				} );
				socket.setNoDelay( true );
				socket.on( 'connect', sendNext );
				socket.on( 'data', ( chunk: Buffer ) => {
					pending = pending.length
						? Buffer.concat( [ pending, chunk ] )
						: chunk;
					const headerEnd = pending.indexOf( HEADER_END );
					if ( headerEnd < 0 ) {
						return;
					}
					const head = pending.toString( 'latin1', 0, headerEnd );
					const length = Number(
						/\r\ncontent-length:\s*(\d+)/i.exec( head )?.[ 1 ] ?? 0
					);
					if ( pending.length < headerEnd + 4 + length ) {
						return;
					}
					pending = pending.subarray( headerEnd + 4 + length );
					record( Number( head.slice( 9, 12 ) ) );
					sendNext();
				} );
				socket.on( 'error', ( error ) => {
					errors++;
					lastError = error.message;
				} );
				socket.on( 'close', () => {
					if ( inFlight ) {
						record( 0 );
					}
					if ( done ) {
						end();
					} else {
						open();
					}
				} );
			};
			open();
		} );
	}

	const workers = Array.from( { length: connections }, () =>
		client === 'raw' ? rawWorker() : worker()
	);
	await new Promise( ( r ) => setTimeout( r, warmup * 1000 ) );
	measuring = true;
	process.stdout.write( '{"phase":"measuring"}\n' );
	const started = performance.now();
	await new Promise( ( r ) => setTimeout( r, seconds * 1000 ) );
	done = true;
	const elapsed = ( performance.now() - started ) / 1000;
	process.stdout.write( '{"phase":"done"}\n' );
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
			// Non-200 answers and failed requests over the whole run, warm-up included.
			errors,
			lastError,
			first,
			issued: Math.min( next, prepared.length ),
			neverOk: neverAnswered(
				answered,
				Math.min( next, prepared.length )
			),
		} ) + '\n'
	);
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`webhooks-load: ${ error instanceof Error ? error.stack : String( error ) }\n`
	);
	process.exit( 1 );
} );
