/**
 * The Cloud API client's transport over undici's Pool (`RONDINE_CLOUD_TRANSPORT=undici`): the way the bridge sent
 * before its own HTTP/1.1 pool (src/whatsapp/http1-pool.ts, the default), kept as a fallback for a server or proxy the
 * hand-written pool would not understand. Requests go through `dispatch()` with a handler that collects the body (no
 * response stream per call); undici's errors are told apart as the client's "at most once" needs: `written: false`
 * only for those raised before a byte of the request could leave this process.
 */

/**
 * External dependencies
 */
import { Pool, errors as undiciErrors } from 'undici';

/**
 * Internal dependencies
 */
import type {
	Transport,
	TransportAnswer,
	TransportFailure,
	TransportOptions,
} from './transport.js';

// Errors that undici raises before a single byte of the request could be written.
const NEVER_LEFT_CODES = new Set( [
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'UND_ERR_CONNECT_TIMEOUT',
	// The pool was already closed when the request came; a pool destroyed mid-request (UND_ERR_DESTROYED) may have sent.
	'UND_ERR_CLOSED',
] );

/** undici's codes named as the HTTP/1.1 pool names the same failures, so that both transports report alike. */
const SAME_AS_HTTP1: Record< string, string > = {
	UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
	UND_ERR_CLOSED: 'closed',
	UND_ERR_SOCKET: 'socket_closed',
};

function errorCode( error: unknown ): string {
	if ( typeof error !== 'object' || error === null ) {
		return '';
	}
	const { code, cause } = error as { code?: unknown; cause?: unknown };
	if ( typeof code === 'string' && code !== 'UND_ERR_SOCKET' ) {
		return code;
	}
	// undici wraps socket failures; the system code, when there is one, is on the cause.
	return errorCode( cause ) || ( typeof code === 'string' ? code : '' );
}

function failureOf( error: unknown ): TransportFailure {
	const code = errorCode( error ) || 'network_error';
	if ( NEVER_LEFT_CODES.has( code ) ) {
		return { code: SAME_AS_HTTP1[ code ] ?? code, written: false };
	}
	if ( error instanceof undiciErrors.HeadersTimeoutError ) {
		return { code: 'headers_timeout', written: true };
	}
	if ( error instanceof undiciErrors.BodyTimeoutError ) {
		return { code: 'body_timeout', written: true };
	}
	return { code: SAME_AS_HTTP1[ code ] ?? code, written: true };
}

/**
 * Header lines (`name: value\r\n` each) as undici's headers object.
 *
 * @param lines The lines.
 */
function headersOf( lines: string ): Record< string, string > {
	const headers: Record< string, string > = {};
	for ( const line of lines.split( '\r\n' ) ) {
		const colon = line.indexOf( ':' );
		if ( colon > 0 ) {
			headers[ line.slice( 0, colon ).trim().toLowerCase() ] = line
				.slice( colon + 1 )
				.trim();
		}
	}
	return headers;
}

export class UndiciTransport implements Transport {
	private readonly pool: Pool;

	/** Headers objects by header lines: the client builds the same lines for every call with a token. */
	private readonly headerCache = new Map<
		string,
		Record< string, string >
	>();

	/**
	 * @param origin  `http://host:port` or `https://host[:port]`.
	 * @param options Limits and timeouts.
	 */
	constructor( origin: string, options: TransportOptions = {} ) {
		this.pool = new Pool( origin, {
			// HTTP/1.1 carries one request per connection: 1,000 mps at 250 ms needs 250 of them.
			connections: options.connections ?? 256,
			connect: {
				timeout: options.connectTimeoutMs ?? 5_000,
				...( options.ca !== undefined ? { ca: options.ca } : {} ),
			},
			headersTimeout: options.headersTimeoutMs ?? 30_000,
			bodyTimeout: options.bodyTimeoutMs ?? 30_000,
			keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
		} );
	}

	request(
		method: string,
		path: string,
		headerLines: string,
		body: string | null
	): Promise< TransportAnswer > {
		let headers = this.headerCache.get( headerLines );
		if ( headers === undefined ) {
			headers = headersOf( headerLines );
			// Tokens change rarely (rotation): a small cache, cleared when it grows.
			if ( this.headerCache.size >= 64 ) {
				this.headerCache.clear();
			}
			this.headerCache.set( headerLines, headers );
		}
		return new Promise( ( resolve ) => {
			let status = 0;
			let first: Buffer | null = null;
			let rest: Buffer[] | null = null;
			try {
				this.pool.dispatch(
					{ method, path, headers, body },
					{
						// Its presence selects undici's current handler API (the onConnect/onHeaders one is deprecated).
						onRequestStart() {},
						onResponseStart( _controller, statusCode ) {
							status = statusCode;
						},
						onResponseData( _controller, chunk ) {
							if ( first === null ) {
								first = chunk;
							} else {
								( rest ??= [] ).push( chunk );
							}
						},
						onResponseEnd() {
							const bytes: Buffer | null =
								rest === null
									? first
									: Buffer.concat( [
											first as Buffer,
											...rest,
										] );
							resolve( {
								status,
								text:
									bytes === null
										? ''
										: bytes.toString( 'utf8' ),
							} );
						},
						onResponseError( _controller, error ) {
							resolve( { failure: failureOf( error ) } );
						},
					}
				);
			} catch ( error ) {
				// A closed pool throws from dispatch(): nothing was written.
				resolve( { failure: failureOf( error ) } );
			}
		} );
	}

	async close(): Promise< void > {
		await this.pool.close();
	}
}
