/**
 * One connection of the keep-alive HTTP/1.1 pool (src/whatsapp/http1-pool.ts, whose header says why the bridge has
 * its own): the socket, the request it carries, and the reading of its response straight from the socket's buffers
 * (RFC 9112: status line and headers, `Content-Length`, chunked and close-delimited bodies, 1xx interim responses,
 * `Connection: close`, the `Keep-Alive: timeout` hint), with the deadline the pool's sweep checks.
 */

/**
 * External dependencies
 */
import type { Socket } from 'node:net';

/**
 * Internal dependencies
 */
import type { TransportAnswer } from './transport.js';

export interface Job {
	/** The whole request: head and body. */
	bytes: string;
	resolve: ( answer: TransportAnswer ) => void;
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

export const enum Deadline {
	None,
	Connect,
	Headers,
	Body,
	Idle,
}

const CRLF = 0x0a0d; // "\r\n" read as a little-endian uint16
const MAX_HEAD_BYTES = 64 * 1024;

/** What a connection needs from the pool that owns it (src/whatsapp/http1-pool.ts). */
export interface ConnectionOwner {
	readonly maxResponseBytes: number;
	readonly timeouts: {
		connect: number;
		headers: number;
		body: number;
		keepAlive: number;
	};
	/** Take back a connection that is free for the next request. */
	release: ( connection: Connection ) => void;
	/** Forget a connection that is closed or must be. */
	discard: ( connection: Connection ) => void;
}

/** One socket and the state of the request it carries. */
export class Connection {
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
		private readonly pool: ConnectionOwner
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
