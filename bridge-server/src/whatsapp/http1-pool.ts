/**
 * A keep-alive HTTP/1.1 connection pool for one origin: the default transport of the Cloud API client
 * (src/whatsapp/client.ts, through src/whatsapp/transport.ts; `RONDINE_CLOUD_TRANSPORT=undici` chooses undici instead).
 * This file is the pool (connections, queue, deadlines); one connection and its response parser are in
 * src/whatsapp/http1-connection.ts.
 *
 * Why not undici, which the bridge used before: at 1,000 messages a second undici's per-request machinery (request and
 * handler objects, header arrays, its llhttp parser in WebAssembly, stream plumbing, timers) cost about 0.05 ms of CPU
 * per send, a fifth of the bridge's whole budget per message (docs/history/benchmarks-2026-11-25-to-12-07.md,
 * "Fourth session"; measured again when the Transport interface came in: docs/BENCHMARKS.md). This pool does the
 * one thing the sender needs, and nothing else: one request per connection at a time, the request written with one
 * socket write, the response read straight from the socket's buffers. It speaks the part of HTTP/1.1 a JSON API
 * answers with (RFC 9112): `Content-Length` bodies, chunked bodies, bodies delimited by the connection's close, 1xx
 * interim responses, `Connection: close` and the `Keep-Alive: timeout` hint; over TCP or TLS (`https:` origins). It does
 * not pipeline, follow redirects, decompress or retry: a POST to the Cloud API must never be sent twice behind the
 * dispatcher's back.
 *
 * What the dispatcher's "at most once" needs from it is an honest answer to "may the request have reached the server?"
 * (`written`): false only when the connection never opened (refused, unreachable, connect timeout, TLS handshake
 * failed) or the pool was closed first, so nothing of the request left this process.
 */

/**
 * External dependencies
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * Internal dependencies
 */
import {
	Connection,
	Deadline,
	type ConnectionOwner,
	type Job,
} from './http1-connection.js';
import type {
	Transport,
	TransportAnswer,
	TransportFailure,
} from './transport.js';

export interface Http1PoolOptions {
	/** Connections open at most; requests beyond wait in order for one to be free. */
	connections?: number;
	/** Time to open a connection (TCP, and TLS for `https:`). */
	connectTimeoutMs?: number;
	/** Time from the request written until the response's headers are complete. */
	headersTimeoutMs?: number;
	/** Longest silence while reading a response body. */
	bodyTimeoutMs?: number;
	/** An idle connection is closed after this long; a shorter `Keep-Alive: timeout` from the server wins (less 1 s). */
	keepAliveTimeoutMs?: number;
	/** A larger response is refused (the connection is closed). */
	maxResponseBytes?: number;
	/** TLS: certificate authorities to trust instead of Node's default ones (tests). */
	ca?: string | Buffer;
}

/** The pool's failure and answer are the transport's (src/whatsapp/transport.ts). */
export type Http1Failure = TransportFailure;

export type Http1Answer = TransportAnswer;

export class Http1Pool implements Transport, ConnectionOwner {
	readonly maxResponseBytes: number;
	readonly timeouts: {
		connect: number;
		headers: number;
		body: number;
		keepAlive: number;
	};

	private readonly tls: boolean;
	private readonly host: string;
	private readonly port: number;
	private readonly hostHeader: string;
	private readonly max: number;
	private readonly ca: string | Buffer | undefined;
	private readonly all = new Set< Connection >();
	private readonly idle: Connection[] = [];
	private queue: Job[] = [];
	private queueHead = 0;
	private sweeper: NodeJS.Timeout | undefined;
	/** How often deadlines are checked: a quarter of the shortest timeout, 10 ms to 1 s. */
	private readonly sweepMs: number;
	private closed = false;
	private drained: ( () => void ) | null = null;

	/**
	 * @param origin  `http://host:port` or `https://host[:port]`.
	 * @param options Limits and timeouts.
	 */
	constructor( origin: string, options: Http1PoolOptions = {} ) {
		const url = new URL( origin );
		if ( url.protocol !== 'http:' && url.protocol !== 'https:' ) {
			throw new RangeError( `Unsupported protocol: ${ url.protocol }` );
		}
		this.tls = url.protocol === 'https:';
		this.host = url.hostname.replace( /^\[|\]$/g, '' );
		this.port = Number( url.port || ( this.tls ? 443 : 80 ) );
		this.hostHeader = url.host;
		this.max = options.connections ?? 256;
		this.ca = options.ca;
		this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
		this.timeouts = {
			connect: options.connectTimeoutMs ?? 5_000,
			headers: options.headersTimeoutMs ?? 30_000,
			body: options.bodyTimeoutMs ?? 30_000,
			keepAlive: options.keepAliveTimeoutMs ?? 30_000,
		};
		this.sweepMs = Math.max(
			10,
			Math.min(
				1_000,
				Math.floor( Math.min( ...Object.values( this.timeouts ) ) / 4 )
			)
		);
	}

	/**
	 * Sends one request and reads its response. Never rejects: a failure is an answer, with whether the request may
	 * have reached the server. The request is written as one string: request line, `Host`, the given header lines,
	 * the body's length and the body.
	 *
	 * @param method      `GET` or `POST`.
	 * @param path        Path and query, already encoded.
	 * @param headerLines Header lines, each `name: value\r\n`.
	 * @param body        The body, or null.
	 */
	request(
		method: string,
		path: string,
		headerLines: string,
		body: string | null
	): Promise< Http1Answer > {
		return new Promise( ( resolve ) => {
			if ( this.closed ) {
				resolve( { failure: { code: 'closed', written: false } } );
				return;
			}
			const job = {
				bytes:
					body === null
						? `${ method } ${ path } HTTP/1.1\r\nhost: ${ this.hostHeader }\r\n${ headerLines }\r\n`
						: `${ method } ${ path } HTTP/1.1\r\nhost: ${ this.hostHeader }\r\n${ headerLines }content-length: ${ Buffer.byteLength( body ) }\r\n\r\n${ body }`,
				resolve,
			};
			const now = Date.now();
			const connection = this.idle.pop();
			if ( connection !== undefined ) {
				connection.assign( job, now );
			} else if ( this.all.size < this.max ) {
				this.open().assign( job, now );
			} else {
				this.queue.push( job );
			}
			if ( this.sweeper === undefined ) {
				this.sweeper = setInterval( () => this.sweep(), this.sweepMs );
				this.sweeper.unref();
			}
		} );
	}

	/** Connections open now (for tests). */
	get size(): number {
		return this.all.size;
	}

	/** No new requests; waits for those in flight, then closes every connection. Queued requests fail as not sent. */
	async close(): Promise< void > {
		this.closed = true;
		for ( let i = this.queueHead; i < this.queue.length; i++ ) {
			( this.queue[ i ] as Job ).resolve( {
				failure: { code: 'closed', written: false },
			} );
		}
		this.queue = [];
		this.queueHead = 0;
		for ( const connection of this.idle.splice( 0 ) ) {
			this.discard( connection );
		}
		if ( this.all.size > 0 ) {
			await new Promise< void >( ( resolve ) => {
				this.drained = resolve;
			} );
		}
		clearInterval( this.sweeper );
		this.sweeper = undefined;
	}

	/** A connection finished its request and may carry another. */
	release( connection: Connection ): void {
		if ( this.closed ) {
			this.discard( connection );
			return;
		}
		const job = this.nextQueued();
		if ( job !== undefined ) {
			connection.assign( job, Date.now() );
			return;
		}
		connection.setDeadline( Deadline.Idle, Date.now() );
		this.idle.push( connection );
	}

	/** A connection is closed and forgotten; a queued request may take its place. */
	discard( connection: Connection ): void {
		if ( connection.dead ) {
			return;
		}
		connection.dead = true;
		connection.socket.destroy();
		this.all.delete( connection );
		const at = this.idle.indexOf( connection );
		if ( at >= 0 ) {
			this.idle.splice( at, 1 );
		}
		if ( ! this.closed ) {
			const job = this.nextQueued();
			if ( job !== undefined ) {
				this.open().assign( job, Date.now() );
			}
		} else if ( this.all.size === 0 && this.drained ) {
			this.drained();
			this.drained = null;
		}
	}

	private nextQueued(): Job | undefined {
		if ( this.queueHead >= this.queue.length ) {
			return undefined;
		}
		const job = this.queue[ this.queueHead ] as Job;
		this.queue[ this.queueHead ] = undefined as unknown as Job;
		this.queueHead += 1;
		if ( this.queueHead === this.queue.length ) {
			this.queue = [];
			this.queueHead = 0;
		}
		return job;
	}

	private open(): Connection {
		const socket: Socket = this.tls
			? tlsConnect( {
					host: this.host,
					port: this.port,
					...( isIP( this.host ) === 0
						? { servername: this.host }
						: {} ),
					ALPNProtocols: [ 'http/1.1' ],
					...( this.ca !== undefined ? { ca: this.ca } : {} ),
				} )
			: netConnect( { host: this.host, port: this.port } );
		socket.setNoDelay( true );
		const connection = new Connection( socket, this );
		this.all.add( connection );
		let failure: NodeJS.ErrnoException | undefined;
		socket.once( this.tls ? 'secureConnect' : 'connect', () =>
			connection.onConnected()
		);
		socket.on( 'data', ( chunk: Buffer ) => connection.onData( chunk ) );
		socket.on( 'error', ( error: NodeJS.ErrnoException ) => {
			failure = error;
		} );
		socket.on( 'close', () => connection.onClose( failure ) );
		return connection;
	}

	/**
	 * Ends requests and idle connections past their deadline. Runs on a timer (`sweepMs`) while connections exist: one
	 * pass over at most `connections` objects, not a timer per request.
	 */
	private sweep(): void {
		const now = Date.now();
		for ( const connection of this.all ) {
			if ( connection.deadline === 0 || connection.deadline > now ) {
				continue;
			}
			switch ( connection.deadlineKind ) {
				case Deadline.Connect:
					connection.fail( 'connect_timeout' );
					break;
				case Deadline.Headers:
					connection.fail( 'headers_timeout' );
					break;
				case Deadline.Body:
					connection.fail( 'body_timeout' );
					break;
				case Deadline.Idle:
					if ( connection.job === null ) {
						this.discard( connection );
					}
					break;
				default:
			}
		}
		if ( this.all.size === 0 && this.sweeper !== undefined ) {
			clearInterval( this.sweeper );
			this.sweeper = undefined;
		}
	}
}
