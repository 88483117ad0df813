#!/usr/bin/env node
/**
 * HTTP client benchmark: the CPU a client process spends per Cloud API send, for the bridge's own keep-alive pool
 * (bridge-server/src/whatsapp/http1-pool.ts) and for undici's Pool driven the way the bridge drove it until the fourth
 * session (`dispatch()` with a handler collecting the body). Each run is its own client process sending a send's
 * request (Meta's template JSON, Bearer token) at a fixed rate, open loop, to a server process that answers after a
 * fixed latency with a Content-Length JSON body, as Meta and the emulator do; the answer is parsed with JSON.parse.
 *
 *   npm run build -w bridge-server
 *   node bench/cloud-client.mjs                      # 1,000 requests/s, 150 ms, 20 s, pool and undici alternated twice
 *   node bench/cloud-client.mjs --rate 1000 --latency 150 --seconds 20 --runs 2
 *
 * Prints one line per run: the client, requests answered per second, failures, and the client process's CPU
 * milliseconds per request (user + system, from process.cpuUsage() over the timed part, after a warm-up).
 */

/**
 * External dependencies
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath( import.meta.url );
const root = join( dirname( here ), '..' );

function arg( name, fallback ) {
	const i = process.argv.indexOf( `--${ name }` );
	return i >= 0 ? process.argv[ i + 1 ] : fallback;
}

const RATE = Number( arg( 'rate', '1000' ) );
const LATENCY = Number( arg( 'latency', '150' ) );
const SECONDS = Number( arg( 'seconds', '20' ) );
const RUNS = Number( arg( 'runs', '2' ) );

/** The server: answers every request after LATENCY ms, like Meta's accepted send. */
async function serve() {
	let n = 0;
	const server = createServer( { keepAliveTimeout: 60_000 }, ( req, res ) => {
		req.resume();
		req.on( 'end', () => {
			setTimeout( () => {
				const id = n++;
				const body = JSON.stringify( {
					messaging_product: 'whatsapp',
					contacts: [
						{ input: `+39347${ id }`, wa_id: `39347${ id }` },
					],
					messages: [
						{
							id: `wamid.HBgLMzkzNDc${ id }FQIAERgSQjQ4RjA5QUI2RkE3MDBCQTQ3AA==`,
							message_status: 'accepted',
						},
					],
				} );
				res.writeHead( 200, {
					'content-type': 'application/json; charset=UTF-8',
					'content-length': Buffer.byteLength( body ),
				} );
				res.end( body );
			}, LATENCY );
		} );
	} );
	await new Promise( ( resolve ) =>
		server.listen( 0, '127.0.0.1', () => resolve( undefined ) )
	);
	process.stdout.write(
		JSON.stringify( { port: /** @type {import('node:net').AddressInfo} */ ( server.address() ).port } ) + '\n'
	);
}

/** One client run in this process: prints its figures as one JSON line. */
async function client( kind, port ) {
	const origin = `http://127.0.0.1:${ port }`;
	const path = '/v23.0/106540352242922/messages';
	const headerLines =
		'authorization: Bearer EAAG-bench-token\r\naccept: application/json\r\ncontent-type: application/json\r\n';
	const headers = {
		authorization: 'Bearer EAAG-bench-token',
		accept: 'application/json',
		'content-type': 'application/json',
	};
	const body = ( i ) =>
		`{"messaging_product":"whatsapp","recipient_type":"individual","to":"+39347${ 1000000 + i }","type":"template","template":{"name":"promo_autunno","language":{"policy":"deterministic","code":"it"},"components":[{"type":"body","parameters":[{"type":"text","text":"Maria"},{"type":"text","text":"AUTUNNO20"}]}]},"biz_opaque_callback_data":"bench:${ i }"}`;
	let send;
	let close;
	if ( kind === 'pool' ) {
		const { Http1Pool } = await import(
			join( root, 'bridge-server', 'dist', 'whatsapp', 'http1-pool.js' )
		);
		const pool = new Http1Pool( origin, { connections: 256 } );
		send = ( i ) => pool.request( 'POST', path, headerLines, body( i ) );
		close = () => pool.close();
	} else {
		const { Pool } = await import( 'undici' );
		const pool = new Pool( origin, {
			connections: 256,
			keepAliveTimeout: 30_000,
		} );
		send = ( i ) =>
			new Promise( ( resolve ) => {
				let status = 0;
				const chunks = [];
				pool.dispatch(
					{ method: 'POST', path, headers, body: body( i ) },
					{
						onRequestStart() {},
						onResponseStart( _c, code ) {
							status = code;
						},
						onResponseData( _c, chunk ) {
							chunks.push( chunk );
						},
						onResponseEnd() {
							resolve( {
								status,
								text: Buffer.concat( chunks ).toString(
									'utf8'
								),
							} );
						},
						onResponseError( _c, error ) {
							resolve( { failure: error } );
						},
					}
				);
			} );
		close = () => pool.close();
	}
	// Warm-up: connections opened and code compiled before the timed part.
	for ( let round = 0; round < 5; round++ ) {
		await Promise.all(
			Array.from( { length: 200 }, ( _, i ) => send( i ) )
		);
	}
	const total = RATE * SECONDS;
	let sent = 0;
	let done = 0;
	let failed = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	await new Promise( ( resolve ) => {
		const tick = () => {
			const due = Math.min(
				total,
				Math.floor( ( ( performance.now() - t0 ) * RATE ) / 1000 )
			);
			while ( sent < due ) {
				send( sent++ ).then( ( answer ) => {
					if ( answer.failure || answer.status !== 200 ) {
						failed++;
					} else {
						JSON.parse( answer.text );
					}
					if ( ++done === total ) {
						resolve();
					}
				} );
			}
			if ( sent < total ) {
				setTimeout( tick, 5 );
			}
		};
		tick();
	} );
	const cpu = process.cpuUsage( cpu0 );
	const elapsed = ( performance.now() - t0 ) / 1000;
	await close();
	process.stdout.write(
		JSON.stringify( {
			client: kind === 'pool' ? 'own pool' : 'undici Pool',
			answered_per_second: Number( ( done / elapsed ).toFixed( 0 ) ),
			failed,
			cpu_ms_per_request: Number(
				( ( cpu.user + cpu.system ) / 1000 / done ).toFixed( 4 )
			),
			user: Number( ( cpu.user / 1000 / done ).toFixed( 4 ) ),
			system: Number( ( cpu.system / 1000 / done ).toFixed( 4 ) ),
		} ) + '\n'
	);
}

function run( args ) {
	const child = spawn(
		process.execPath,
		[ '--max-semi-space-size=4', here, ...args ],
		{ stdio: [ 'ignore', 'pipe', 'inherit' ] }
	);
	return {
		child,
		line: new Promise( ( resolve ) =>
			child.stdout.once( 'data', ( d ) =>
				resolve( JSON.parse( String( d ) ) )
			)
		),
	};
}

if ( process.argv.includes( '--serve' ) ) {
	await serve();
} else if ( process.argv.includes( '--client' ) ) {
	await client( arg( 'client' ), Number( arg( 'port' ) ) );
	process.exit( 0 );
} else {
	const server = run( [ '--serve', '--latency', String( LATENCY ) ] );
	const { port } = await server.line;
	process.stdout.write(
		`${ RATE } requests/s, ${ LATENCY } ms per answer, ${ SECONDS } s per run; ${ cpus().length } x ${ cpus()[ 0 ]?.model }, Node ${ process.version }\n`
	);
	for ( let r = 0; r < RUNS; r++ ) {
		for ( const kind of [ 'pool', 'undici' ] ) {
			const result = await run( [
				'--client',
				kind,
				'--port',
				String( port ),
				'--rate',
				String( RATE ),
				'--seconds',
				String( SECONDS ),
			] ).line;
			process.stdout.write( JSON.stringify( result ) + '\n' );
		}
	}
	server.child.kill();
}
