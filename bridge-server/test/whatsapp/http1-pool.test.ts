/**
 * The Cloud API client's HTTP/1.1 pool against scripted servers on 127.0.0.1 that write exactly the bytes a test
 * chooses (split anywhere, chunked, closed early, silent): every framing the pool reads, every failure it reports, and
 * whether it says a request may have reached the server, which is what the dispatcher's "at most once" rests on.
 */

/**
 * External dependencies
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { Http1Pool, type Http1Answer } from '../../src/whatsapp/http1-pool';

interface Received {
	head: string;
	body: string;
}

/**
 * A TCP server that reads each request (head and Content-Length body) and lets the test answer with raw bytes.
 * Counts the connections it accepted.
 */
async function scriptedServer(
	answer: ( socket: Socket, request: Received, index: number ) => void
) {
	const requests: Received[] = [];
	const sockets: Socket[] = [];
	let connections = 0;
	const server = createServer( ( socket ) => {
		connections += 1;
		sockets.push( socket );
		let buffer = Buffer.alloc( 0 );
		socket.on( 'data', ( chunk: Buffer ) => {
			buffer = Buffer.concat( [ buffer, chunk ] );
			for (;;) {
				const end = buffer.indexOf( '\r\n\r\n' );
				if ( end < 0 ) {
					return;
				}
				const head = buffer.subarray( 0, end ).toString( 'latin1' );
				const length = Number(
					/\r\ncontent-length: (\d+)/i.exec( head )?.[ 1 ] ?? 0
				);
				if ( buffer.length < end + 4 + length ) {
					return;
				}
				const request = {
					head,
					body: buffer
						.subarray( end + 4, end + 4 + length )
						.toString( 'utf8' ),
				};
				buffer = buffer.subarray( end + 4 + length );
				requests.push( request );
				answer( socket, request, requests.length - 1 );
			}
		} );
		socket.on( 'error', () => {} );
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const port = ( server.address() as AddressInfo ).port;
	servers.push( () => {
		for ( const socket of sockets ) {
			socket.destroy();
		}
		return new Promise( ( resolve ) => server.close( () => resolve() ) );
	} );
	return {
		origin: `http://127.0.0.1:${ port }`,
		requests,
		get connections() {
			return connections;
		},
	};
}

const servers: Array< () => Promise< void > > = [];
const pools: Http1Pool[] = [];

afterEach( async () => {
	await Promise.all( pools.splice( 0 ).map( ( pool ) => pool.close() ) );
	await Promise.all( servers.splice( 0 ).map( ( close ) => close() ) );
} );

function poolFor( origin: string, options = {} ) {
	const pool = new Http1Pool( origin, options );
	pools.push( pool );
	return pool;
}

function post( pool: Http1Pool, body: string ): Promise< Http1Answer > {
	return pool.request(
		'POST',
		'/v23.0/1/messages',
		'authorization: Bearer t\r\ncontent-type: application/json\r\n',
		body
	);
}

/** Writes `bytes` in pieces of `size` bytes, one socket write each, a few milliseconds apart. */
async function trickle( socket: Socket, bytes: Buffer | string, size: number ) {
	const buffer = Buffer.isBuffer( bytes ) ? bytes : Buffer.from( bytes );
	for ( let at = 0; at < buffer.length; at += size ) {
		socket.write( buffer.subarray( at, at + size ) );
		await new Promise( ( resolve ) => setTimeout( resolve, 1 ) );
	}
}

const OK = '{"messages":[{"id":"wamid.A"}]}';

function lengthResponse( body: string, extra = '' ) {
	return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${ extra }content-length: ${ Buffer.byteLength(
		body
	) }\r\n\r\n${ body }`;
}

describe( 'Http1Pool', () => {
	it( 'writes the request line, Host, the given headers and the body length, and reuses the connection', async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write( lengthResponse( OK ) )
		);
		const pool = poolFor( server.origin );
		const body = '{"to":"+393471234567","text":"caffè ☕"}';
		expect( await post( pool, body ) ).toEqual( { status: 200, text: OK } );
		expect( await post( pool, body ) ).toEqual( { status: 200, text: OK } );
		expect( server.connections ).toBe( 1 );
		const [ first ] = server.requests;
		expect( first?.head.split( '\r\n' ) ).toEqual( [
			'POST /v23.0/1/messages HTTP/1.1',
			`host: ${ new URL( server.origin ).host }`,
			'authorization: Bearer t',
			'content-type: application/json',
			`content-length: ${ Buffer.byteLength( body ) }`,
		] );
		expect( first?.body ).toBe( body );
	} );

	it( 'sends a GET without a body or a length', async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write( lengthResponse( '{"data":[]}' ) )
		);
		const pool = poolFor( server.origin );
		const answer = await pool.request(
			'GET',
			'/v23.0/9/message_templates?limit=100',
			'',
			null
		);
		expect( answer ).toEqual( { status: 200, text: '{"data":[]}' } );
		expect( server.requests[ 0 ]?.head ).toBe(
			`GET /v23.0/9/message_templates?limit=100 HTTP/1.1\r\nhost: ${
				new URL( server.origin ).host
			}`
		);
	} );

	it( 'reads a response written one byte at a time, a multi-byte character split between writes', async () => {
		const body =
			'{"error":{"message":"Il numero è già registrato ✓","code":131026}}';
		const server = await scriptedServer( ( socket ) => {
			void trickle( socket, lengthResponse( body ), 1 );
		} );
		const pool = poolFor( server.origin );
		expect( await post( pool, '{}' ) ).toEqual( {
			status: 200,
			text: body,
		} );
		expect( await post( pool, '{}' ) ).toEqual( {
			status: 200,
			text: body,
		} );
		expect( server.connections ).toBe( 1 );
	} );

	it( 'reads chunked bodies: extensions, trailers, chunks split anywhere', async () => {
		const chunked =
			'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n' +
			'5;name=value\r\n{"mes\r\n' +
			'19\r\nsages":[{"id":"wamid.A"}]\r\n' +
			'1\r\n}\r\n' +
			'0\r\nx-trailer: yes\r\n\r\n';
		for ( const size of [ 1, 3, 7, 1000 ] ) {
			const server = await scriptedServer( ( socket ) => {
				void trickle( socket, chunked, size );
			} );
			const pool = poolFor( server.origin );
			expect( await post( pool, '{}' ) ).toEqual( {
				status: 200,
				text: OK,
			} );
			// The connection stays usable after the trailers.
			expect( await post( pool, '{}' ) ).toEqual( {
				status: 200,
				text: OK,
			} );
			expect( server.connections ).toBe( 1 );
		}
	} );

	it( 'reads a body delimited by the connection closing, then opens a new connection', async () => {
		const server = await scriptedServer( ( socket ) => {
			socket.write(
				'HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n<html>Bad'
			);
			setTimeout( () => socket.end( ' Gateway</html>' ), 5 );
		} );
		const pool = poolFor( server.origin );
		expect( await post( pool, '{}' ) ).toEqual( {
			status: 502,
			text: '<html>Bad Gateway</html>',
		} );
		expect( await post( pool, '{}' ) ).toEqual( {
			status: 502,
			text: '<html>Bad Gateway</html>',
		} );
		expect( server.connections ).toBe( 2 );
	} );

	it( 'closes the connection after a response that says Connection: close', async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write( lengthResponse( OK, 'connection: close\r\n' ) )
		);
		const pool = poolFor( server.origin );
		await post( pool, '{}' );
		await post( pool, '{}' );
		expect( server.connections ).toBe( 2 );
	} );

	it( 'skips interim 1xx responses and answers 204 without a body', async () => {
		const server = await scriptedServer( ( socket, _request, index ) =>
			socket.write(
				index === 0
					? `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n${ lengthResponse(
							OK
						) }`
					: 'HTTP/1.1 204 No Content\r\n\r\n'
			)
		);
		const pool = poolFor( server.origin );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
		expect( await post( pool, '{}' ) ).toEqual( { status: 204, text: '' } );
	} );

	it( 'answers a refused connection as never written: safe to send again', async () => {
		const server = await scriptedServer( () => {} );
		const port = new URL( server.origin ).port;
		await servers.pop()?.();
		const pool = poolFor( `http://127.0.0.1:${ port }` );
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'ECONNREFUSED', written: false },
		} );
	} );

	it( 'answers a server that keeps silent past the headers timeout as written', async () => {
		const server = await scriptedServer( () => {} );
		const pool = poolFor( server.origin, { headersTimeoutMs: 100 } );
		const started = Date.now();
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'headers_timeout', written: true },
		} );
		expect( Date.now() - started ).toBeLessThan( 1_000 );
		expect( server.requests ).toHaveLength( 1 );
		expect( pool.size ).toBe( 0 );
	} );

	it( 'answers a body that stalls past the body timeout as written, even while the head arrived', async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write(
				'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"messages":'
			)
		);
		const pool = poolFor( server.origin, { bodyTimeoutMs: 100 } );
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'body_timeout', written: true },
		} );
	} );

	it( 'times the body by its silences, not by its whole length', async () => {
		const server = await scriptedServer( ( socket ) => {
			socket.write( 'HTTP/1.1 200 OK\r\ncontent-length: 31\r\n\r\n' );
			// Four pieces 80 ms apart: 240 ms in all, never 150 ms without a byte.
			[ '{"messages"', ':[{"id":', '"wamid.A"', '}]}' ].forEach(
				( piece, i ) =>
					setTimeout( () => socket.write( piece ), 80 * ( i + 1 ) )
			);
		} );
		const pool = poolFor( server.origin, { bodyTimeoutMs: 150 } );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
	} );

	it( 'answers a connection that never finishes opening as never written', async () => {
		// TCP accepts, the TLS handshake never comes: the request is still in this process when the time is up.
		const server = await scriptedServer( () => {} );
		const pool = poolFor(
			`https://localhost:${ new URL( server.origin ).port }`,
			{ connectTimeoutMs: 100 }
		);
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'connect_timeout', written: false },
		} );
		expect( server.requests ).toHaveLength( 0 );
	} );

	it( 'answers a connection cut after the request as written', async () => {
		const server = await scriptedServer( ( socket, _request, index ) => {
			if ( index === 0 ) {
				socket.end();
			} else {
				socket.resetAndDestroy();
			}
		} );
		const pool = poolFor( server.origin );
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'socket_closed', written: true },
		} );
		const reset = await post( pool, '{}' );
		expect( reset ).toEqual( {
			failure: { code: 'ECONNRESET', written: true },
		} );
		// A cut in the middle of a body is a failure too, not a short answer.
		const cut = await scriptedServer( ( socket ) =>
			socket.end( 'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{"mess' )
		);
		expect( await post( poolFor( cut.origin ), '{}' ) ).toEqual( {
			failure: { code: 'socket_closed', written: true },
		} );
	} );

	it( 'refuses what is not HTTP/1.x, a bad length, a bad chunk and a response over the size limit', async () => {
		const cases: Array< [ string, string, object? ] > = [
			[ 'SSH-2.0-OpenSSH_9.2\r\n\r\n', 'protocol_error' ],
			// A head that never ends within 64 KiB.
			[
				`HTTP/1.1 200 OK\r\nx-padding: ${ 'a'.repeat( 70_000 ) }`,
				'protocol_error',
			],
			[
				'HTTP/1.1 200 OK\r\ncontent-length: 12x\r\n\r\n{}',
				'protocol_error',
			],
			[
				'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
				'protocol_error',
			],
			[
				'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
				'protocol_error',
			],
			[
				'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n',
				'protocol_error',
			],
			[
				lengthResponse( 'x'.repeat( 2_000 ) ),
				'response_too_large',
				{ maxResponseBytes: 1_000 },
			],
		];
		for ( const [ response, code, options ] of cases ) {
			const server = await scriptedServer( ( socket ) =>
				socket.write( response )
			);
			const pool = poolFor( server.origin, options ?? {} );
			expect( await post( pool, '{}' ) ).toEqual( {
				failure: { code, written: true },
			} );
			expect( pool.size ).toBe( 0 );
		}
	} );

	it( 'does not reuse a connection that sent bytes beyond the response', async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write( lengthResponse( OK ) + 'HTTP/1.1 200 OK\r\n' )
		);
		const pool = poolFor( server.origin );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
		expect( server.connections ).toBe( 2 );
	} );

	it( 'opens at most `connections` connections; the others wait their turn, in order', async () => {
		const server = await scriptedServer( ( socket, request ) =>
			setTimeout(
				() => socket.write( lengthResponse( request.body ) ),
				20
			)
		);
		const pool = poolFor( server.origin, { connections: 3 } );
		const answers = await Promise.all(
			Array.from( { length: 12 }, ( _, i ) =>
				post( pool, `{"n":${ i }}` )
			)
		);
		expect( answers ).toEqual(
			Array.from( { length: 12 }, ( _, i ) => ( {
				status: 200,
				text: `{"n":${ i }}`,
			} ) )
		);
		expect( server.connections ).toBe( 3 );
		expect( server.requests.map( ( r ) => r.body ) ).toEqual(
			answers.map( ( a ) => ( a as { text: string } ).text )
		);
	} );

	it( "closes an idle connection when the server's Keep-Alive timeout runs out", async () => {
		const server = await scriptedServer( ( socket ) =>
			socket.write( lengthResponse( OK, 'keep-alive: timeout=1\r\n' ) )
		);
		const pool = poolFor( server.origin, { keepAliveTimeoutMs: 30_000 } );
		await post( pool, '{}' );
		expect( pool.size ).toBe( 1 );
		await new Promise( ( resolve ) => setTimeout( resolve, 1_300 ) );
		expect( pool.size ).toBe( 0 );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
		expect( server.connections ).toBe( 2 );
	} );

	it( 'forgets a connection the server closed while idle', async () => {
		const server = await scriptedServer( ( socket ) => {
			socket.write( lengthResponse( OK ) );
			setTimeout( () => socket.end(), 10 );
		} );
		const pool = poolFor( server.origin );
		await post( pool, '{}' );
		await new Promise( ( resolve ) => setTimeout( resolve, 100 ) );
		expect( pool.size ).toBe( 0 );
		expect( await post( pool, '{}' ) ).toEqual( { status: 200, text: OK } );
	} );

	it( 'close(): requests in flight finish, queued ones fail as never written, later ones too', async () => {
		const server = await scriptedServer( ( socket ) =>
			setTimeout( () => socket.write( lengthResponse( OK ) ), 50 )
		);
		const pool = new Http1Pool( server.origin, { connections: 1 } );
		const inFlight = post( pool, '{}' );
		const queued = post( pool, '{}' );
		await new Promise( ( resolve ) => setTimeout( resolve, 10 ) );
		const closing = pool.close();
		expect( await queued ).toEqual( {
			failure: { code: 'closed', written: false },
		} );
		expect( await inFlight ).toEqual( { status: 200, text: OK } );
		await closing;
		expect( pool.size ).toBe( 0 );
		expect( await post( pool, '{}' ) ).toEqual( {
			failure: { code: 'closed', written: false },
		} );
		expect( server.requests ).toHaveLength( 1 );
	} );

	it( 'speaks HTTP/1.1 over TLS, checking the certificate against the host name', async () => {
		const dir = mkdtempSync( join( tmpdir(), 'rondine-tls-' ) );
		try {
			execFileSync(
				'openssl',
				[
					'req',
					'-x509',
					'-newkey',
					'ec',
					'-pkeyopt',
					'ec_paramgen_curve:prime256v1',
					'-nodes',
					'-days',
					'1',
					'-subj',
					'/CN=localhost',
					'-addext',
					'subjectAltName=DNS:localhost',
					'-keyout',
					join( dir, 'key.pem' ),
					'-out',
					join( dir, 'cert.pem' ),
				],
				{ stdio: 'ignore' }
			);
			const cert = readFileSync( join( dir, 'cert.pem' ) );
			const server = createHttpsServer(
				{ key: readFileSync( join( dir, 'key.pem' ) ), cert },
				( request, response ) => {
					let body = '';
					request.on( 'data', ( c: Buffer ) => ( body += c ) );
					request.on( 'end', () => {
						response.setHeader(
							'content-type',
							'application/json'
						);
						// Chunked (no length set, two writes), as a real API may answer.
						response.write( '{"echo":' );
						response.end(
							`${ body },"alpn":"${ ( request.socket as { alpnProtocol?: string } ).alpnProtocol }"}`
						);
					} );
				}
			);
			await new Promise< void >( ( resolve ) =>
				server.listen( 0, '127.0.0.1', resolve )
			);
			servers.push( () => {
				server.closeAllConnections();
				return new Promise( ( resolve ) =>
					server.close( () => resolve() )
				);
			} );
			const port = ( server.address() as AddressInfo ).port;
			const pool = poolFor( `https://localhost:${ port }`, { ca: cert } );
			expect( await post( pool, '{"n":1}' ) ).toEqual( {
				status: 200,
				text: '{"echo":{"n":1},"alpn":"http/1.1"}',
			} );
			// Without trusting that certificate the handshake fails before any byte of the request is sent.
			const untrusted = poolFor( `https://localhost:${ port }` );
			const refused = await post( untrusted, '{}' );
			expect( refused ).toEqual( {
				failure: {
					code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
					written: false,
				},
			} );
		} finally {
			rmSync( dir, { recursive: true, force: true } );
		}
	} );
} );
