/**
 * A keep-alive HTTP/1.1 connection pool for one origin: the transport of the Cloud API client (src/whatsapp/client.ts).
 *
 * Why not undici, which the bridge used before: at 1,000 messages a second undici's per-request machinery (request and
 * handler objects, header arrays, its llhttp parser in WebAssembly, stream plumbing, timers) cost about 0.05 ms of CPU
 * per send, a fifth of the bridge's whole budget per message (docs/BENCHMARKS.md, "Fourth session"). This pool does the
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

interface Job {
	/** The whole request: head and body. */
	bytes: string;
	resolve: ( answer: Http1Answer ) => void;
}

const enum Phase {
	/** No request on the connection, or a request written and no response byte yet read. */
	Head,
	Length,
	ChunkSize,
	ChunkData,
	ChunkDataEnd,
	Trailers,
	UntilClose,
}

const enum Deadline {
	None,
	Connect,
	Headers,
	Body,
	Idle,
}

const CRLF = 0x0a0d; // "\r\n" read as a little-endian uint16
const MAX_HEAD_BYTES = 64 * 1024;

/** One socket and the state of the request it carries. */
class Connection {
	/** TCP connected (and the TLS handshake done): from here on a written request may have been received. */
	ready = false;
	job: Job | null = null;
	phase = Phase.Head;
	/** Received bytes not yet consumed (an incomplete head, chunk-size line or trailer). */
	pending: Buffer | null = null;
	status = 0;
	/** Body bytes still expected (Content-Length, or the current chunk). */
	left = 0;
	body: Buffer[] = [];
	bodyBytes = 0;
	/** The server asked to close the connection after this response. */
	closeAfter = false;
	deadline = 0;
	deadlineKind = Deadline.None;
	/** Idle lifetime the server's Keep-Alive header allows, ms (0: not said). */
	serverKeepAliveMs = 0;
	dead = false;

	constructor(
		readonly socket: Socket,
		private readonly pool: Http1Pool
	) {}

	/** Takes a request: writes it now if the connection is open, else when it opens. */
	assign( job: Job, now: number ): void {
		this.job = job;
		this.phase = Phase.Head;
		this.status = 0;
		this.closeAfter = false;
		if ( this.ready ) {
			this.setDeadline( Deadline.Headers, now );
		} else {
			this.setDeadline( Deadline.Connect, now );
		}
		// Written into the socket's buffer even while it connects: a connection that never opens sends none of it.
		this.socket.write( job.bytes );
	}

	setDeadline( kind: Deadline, now: number ): void {
		this.deadlineKind = kind;
		const options = this.pool.timeouts;
		switch ( kind ) {
			case Deadline.Connect:
				this.deadline = now + options.connect;
				break;
			case Deadline.Headers:
				this.deadline = now + options.headers;
				break;
			case Deadline.Body:
				this.deadline = now + options.body;
				break;
			case Deadline.Idle:
				this.deadline =
					now +
					( this.serverKeepAliveMs > 0
						? Math.min( options.keepAlive, this.serverKeepAliveMs )
						: options.keepAlive );
				break;
			default:
				this.deadline = 0;
		}
	}

	onConnected(): void {
		this.ready = true;
		if ( this.job ) {
			this.setDeadline( Deadline.Headers, Date.now() );
		}
	}

	onData( chunk: Buffer ): void {
		if ( this.job === null ) {
			// Bytes nobody asked for (HTTP/1.1 servers only answer requests): the connection cannot be trusted.
			this.pool.discard( this );
			return;
		}
		let buf = chunk;
		if ( this.pending !== null ) {
			buf = Buffer.concat( [ this.pending, chunk ] );
			this.pending = null;
		}
		let at = 0;
		while ( at < buf.length && this.job !== null ) {
			switch ( this.phase ) {
				case Phase.Head: {
					const end = buf.indexOf( '\r\n\r\n', at, 'latin1' );
					if ( end < 0 ) {
						if ( buf.length - at > MAX_HEAD_BYTES ) {
							this.fail( 'protocol_error' );
							return;
						}
						this.pending = buf.subarray( at );
						return;
					}
					if (
						! this.readHead( buf.toString( 'latin1', at, end ) )
					) {
						this.fail( 'protocol_error' );
						return;
					}
					at = end + 4;
					if (
						( this.phase as Phase ) === Phase.Length &&
						this.left === 0
					) {
						// No body: done as soon as the head is.
						this.complete( buf.length - at );
						return;
					}
					break;
				}
				case Phase.Length:
				case Phase.ChunkData: {
					const take = Math.min( this.left, buf.length - at );
					if ( ! this.keep( buf, at, take ) ) {
						return;
					}
					at += take;
					this.left -= take;
					if ( this.left === 0 ) {
						if ( this.phase === Phase.ChunkData ) {
							this.phase = Phase.ChunkDataEnd;
						} else {
							this.complete( buf.length - at );
							return;
						}
					}
					break;
				}
				case Phase.ChunkSize:
				case Phase.Trailers: {
					const end = buf.indexOf( '\r\n', at, 'latin1' );
					if ( end < 0 ) {
						if ( buf.length - at > MAX_HEAD_BYTES ) {
							this.fail( 'protocol_error' );
							return;
						}
						this.pending = buf.subarray( at );
						at = buf.length;
						break;
					}
					const line = buf.toString( 'latin1', at, end );
					at = end + 2;
					if ( this.phase === Phase.Trailers ) {
						if ( line === '' ) {
							this.complete( buf.length - at );
							return;
						}
						break;
					}
					const size = chunkSize( line );
					if ( size < 0 ) {
						this.fail( 'protocol_error' );
						return;
					}
					if ( size === 0 ) {
						this.phase = Phase.Trailers;
					} else {
						this.left = size;
						this.phase = Phase.ChunkData;
					}
					break;
				}
				case Phase.ChunkDataEnd: {
					if ( buf.length - at < 2 ) {
						this.pending = buf.subarray( at );
						at = buf.length;
						break;
					}
					if ( buf.readUInt16LE( at ) !== CRLF ) {
						this.fail( 'protocol_error' );
						return;
					}
					at += 2;
					this.phase = Phase.ChunkSize;
					break;
				}
				case Phase.UntilClose: {
					if ( ! this.keep( buf, at, buf.length - at ) ) {
						return;
					}
					at = buf.length;
					break;
				}
			}
		}
		if ( this.job !== null && this.phase !== Phase.Head ) {
			this.setDeadline( Deadline.Body, Date.now() );
		}
	}

	/** Reads a response head; false when it is not HTTP/1.x. Sets the phase for the body. */
	private readHead( head: string ): boolean {
		if (
			! head.startsWith( 'HTTP/1.' ) ||
			head.charCodeAt( 8 ) !== 32 /* space */
		) {
			return false;
		}
		const status = Number( head.slice( 9, 12 ) );
		if ( ! Number.isInteger( status ) || status < 100 ) {
			return false;
		}
		if ( status < 200 ) {
			// 100 Continue, 103 Early Hints...: the final response follows on the same connection.
			this.phase = Phase.Head;
			return true;
		}
		this.status = status;
		let length = -1;
		let chunked = false;
		let close = head.charCodeAt( 7 ) === 48; // HTTP/1.0 closes unless it says keep-alive
		let start = head.indexOf( '\r\n' );
		while ( start >= 0 ) {
			const from = start + 2;
			const end = head.indexOf( '\r\n', from );
			const to = end < 0 ? head.length : end;
			start = end;
			const colon = head.indexOf( ':', from );
			// Only four names matter here, 10, 14 and 17 characters long (no space may precede the colon, RFC 9112
			// 5.1): other lines are skipped without building a string.
			const nameLength = colon - from;
			if (
				colon < 0 ||
				colon >= to ||
				( nameLength !== 10 && nameLength !== 14 && nameLength !== 17 )
			) {
				continue;
			}
			const name = head.slice( from, colon ).toLowerCase();
			const value = head
				.slice( colon + 1, to )
				.trim()
				.toLowerCase();
			if ( name === 'content-length' ) {
				if ( ! /^\d+$/.test( value ) ) {
					return false;
				}
				const n = Number( value );
				if ( length >= 0 && n !== length ) {
					return false;
				}
				length = n;
			} else if ( name === 'transfer-encoding' ) {
				chunked = value.split( ',' ).pop()?.trim() === 'chunked';
				if ( ! chunked ) {
					// Another coding last: the body ends with the connection (RFC 9112, 6.3).
					close = true;
				}
			} else if ( name === 'connection' ) {
				const tokens = value.split( ',' ).map( ( t ) => t.trim() );
				if ( tokens.includes( 'close' ) ) {
					close = true;
				} else if ( tokens.includes( 'keep-alive' ) ) {
					close = false;
				}
			} else if ( name === 'keep-alive' ) {
				const timeout = /(?:^|[,\s])timeout=(\d+)/.exec( value );
				if ( timeout ) {
					this.serverKeepAliveMs = Math.max(
						1,
						Number( timeout[ 1 ] ) * 1000 - 1000
					);
				}
			}
		}
		this.closeAfter = close;
		this.body = [];
		this.bodyBytes = 0;
		if ( status === 204 || status === 304 ) {
			this.phase = Phase.Length;
			this.left = 0;
		} else if ( chunked ) {
			this.phase = Phase.ChunkSize;
		} else if ( length >= 0 ) {
			this.phase = Phase.Length;
			this.left = length;
		} else {
			this.phase = Phase.UntilClose;
			this.closeAfter = true;
		}
		return true;
	}

	/** Keeps `take` body bytes from `buf` at `at`; false (and the request failed) when the body grows too large. */
	private keep( buf: Buffer, at: number, take: number ): boolean {
		if ( take === 0 ) {
			return true;
		}
		this.bodyBytes += take;
		if ( this.bodyBytes > this.pool.maxResponseBytes ) {
			this.fail( 'response_too_large' );
			return false;
		}
		this.body.push(
			at === 0 && take === buf.length
				? buf
				: buf.subarray( at, at + take )
		);
		return true;
	}

	/** The response is whole; `extra` bytes followed it. */
	private complete( extra: number ): void {
		const job = this.job as Job;
		const parts = this.body;
		// One part (the usual answer, read in one go) is decoded where it lies; several are joined first, so that a
		// character split between two reads is decoded whole.
		const text =
			parts.length === 1
				? ( parts[ 0 ] as Buffer ).toString( 'utf8' )
				: Buffer.concat( parts ).toString( 'utf8' );
		this.job = null;
		this.body = [];
		this.pending = null;
		this.phase = Phase.Head;
		job.resolve( { status: this.status, text } );
		if ( this.closeAfter || extra > 0 ) {
			// Closed as asked, or bytes beyond the response (no pipelining here): not reused.
			this.pool.discard( this );
		} else {
			this.pool.release( this );
		}
	}

	/** The request fails with `code` and the connection is closed. */
	fail( code: string ): void {
		const job = this.job;
		this.job = null;
		if ( job ) {
			job.resolve( {
				failure: {
					code,
					written: this.ready,
				},
			} );
		}
		this.pool.discard( this );
	}

	/** The socket closed (after an error or not). */
	onClose( error: NodeJS.ErrnoException | undefined ): void {
		if ( this.dead ) {
			return;
		}
		if (
			this.job !== null &&
			this.phase === Phase.UntilClose &&
			error === undefined
		) {
			this.complete( 0 );
			return;
		}
		if ( this.job !== null ) {
			this.fail( error?.code ?? 'socket_closed' );
			return;
		}
		this.pool.discard( this );
	}
}

/** A chunk-size line's size (hex, extensions after ";" ignored), or -1. */
function chunkSize( line: string ): number {
	const semicolon = line.indexOf( ';' );
	const hex = ( semicolon < 0 ? line : line.slice( 0, semicolon ) ).trim();
	if ( ! /^[0-9a-fA-F]{1,12}$/.test( hex ) ) {
		return -1;
	}
	return parseInt( hex, 16 );
}

export class Http1Pool implements Transport {
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
