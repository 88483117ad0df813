/**
 * What every request meets before its route: JSON bodies only (a web page can POST `text/plain` across sites without
 * a preflight, never `application/json`), a Host check where a route has no credential a browser cannot replay, and a
 * per-IP limit on failed authentications.
 */

/**
 * External dependencies
 */
import type {
	FastifyInstance,
	FastifyReply,
	FastifyRequest,
	onRequestHookHandler,
} from 'fastify';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Whether a Content-Type header names JSON (`application/json`, `application/*+json`, with parameters). */
export function isJsonContentType( type: string | undefined ): boolean {
	return typeof type === 'string' && JSON_TYPE.test( type );
}

/** Whether the request carries a body (Content-Length above 0 or chunked). */
function hasBody( request: FastifyRequest ): boolean {
	const length = request.headers[ 'content-length' ];
	if ( length !== undefined ) {
		return length !== '0';
	}
	return request.headers[ 'transfer-encoding' ] !== undefined;
}

/**
 * onRequest: a request with a body must say it is JSON, or gets 415 before anything reads it.
 *
 * @param send How to answer (each part keeps its error shape).
 */
export function requireJsonBodies(
	send: ( reply: FastifyReply ) => FastifyReply = ( reply ) =>
		reply.code( 415 ).send( {
			error: {
				code: 'unsupported_media_type',
				message: 'Send the body as application/json.',
			},
		} )
): onRequestHookHandler {
	return async ( request, reply ) => {
		if (
			hasBody( request ) &&
			! isJsonContentType( request.headers[ 'content-type' ] )
		) {
			return send( reply );
		}
	};
}

const LOOPBACK_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?$/i;

/**
 * Whether a Host header is one the server answers to: a loopback name (the request came from this machine's own
 * origin) or one of the configured hosts (`host:port` as in the public URL). A DNS-rebinding page sends its own name.
 *
 * @param host    The Host header.
 * @param allowed Hosts, lowercase, with port when not the default.
 */
export function hostAllowed(
	host: string | undefined,
	allowed: readonly string[]
): boolean {
	if ( typeof host !== 'string' || host === '' ) {
		return false;
	}
	const lower = host.toLowerCase();
	return LOOPBACK_HOST.test( lower ) || allowed.includes( lower );
}

/** The Host of a URL as a client sends it (`example.com`, `example.com:8443`, `127.0.0.1:8090`). */
export function hostOf( url: string ): string {
	return new URL( url ).host.toLowerCase();
}

const forgiven = new WeakSet< object >();

/**
 * A 401/403 that is not a failed authentication (a replayed signature from a site that sent the same request twice in
 * a second, a webhook about an account this bridge does not serve): not counted by the failure limit.
 *
 * @param request The request.
 */
export function notAnAuthFailure( request: FastifyRequest ): void {
	forgiven.add( request );
}

export interface FailureLimitOptions {
	/** Failed (401/403) answers allowed per IP and window; 0 turns the limit off. */
	limit: number;
	windowMs: number;
	/** Most IPs remembered at once (oldest forgotten first). */
	maxTracked?: number;
	now?: () => number;
}

interface Window {
	start: number;
	failures: number;
}

/**
 * Counts 401 and 403 answers per client IP in a fixed window; past the limit the IP gets 429 (with Retry-After) for
 * whatever it asks until the window ends. Memory is bounded (maxTracked entries, a Map in insertion order).
 */
export class FailureLimiter {
	private readonly windows = new Map< string, Window >();
	private readonly maxTracked: number;
	private readonly now: () => number;

	constructor( private readonly options: FailureLimitOptions ) {
		this.maxTracked = options.maxTracked ?? 100_000;
		this.now = options.now ?? Date.now;
	}

	private current( ip: string, now: number ): Window | undefined {
		const window = this.windows.get( ip );
		if ( window && now - window.start >= this.options.windowMs ) {
			this.windows.delete( ip );
			return undefined;
		}
		return window;
	}

	/** Milliseconds until the IP may try again, or 0 when it is not blocked. */
	blockedFor( ip: string ): number {
		if ( this.options.limit <= 0 ) {
			return 0;
		}
		const now = this.now();
		const window = this.current( ip, now );
		return window && window.failures >= this.options.limit
			? window.start + this.options.windowMs - now
			: 0;
	}

	fail( ip: string ): void {
		if ( this.options.limit <= 0 ) {
			return;
		}
		const now = this.now();
		const window = this.current( ip, now );
		if ( window ) {
			window.failures += 1;
			return;
		}
		if ( this.windows.size >= this.maxTracked ) {
			const oldest = this.windows.keys().next().value;
			if ( oldest !== undefined ) {
				this.windows.delete( oldest );
			}
		}
		this.windows.set( ip, { start: now, failures: 1 } );
	}

	/**
	 * Hooks on an app: 429 for a blocked IP before anything else runs, and each 401/403 answer counted. Counted per IP
	 * and per part of the API (the signed API, Meta's webhooks, the emulator), so failures against one part do not
	 * block another for the same address (a proxy's, or this machine's own sends to its emulator).
	 *
	 * @param app The Fastify app (hooks apply to every route registered in it, encapsulated plugins included).
	 */
	install( app: FastifyInstance ): void {
		if ( this.options.limit <= 0 ) {
			return;
		}
		const key = ( request: FastifyRequest ) => {
			const url = request.url;
			let part = 'api';
			if ( url.startsWith( '/sandbox' ) ) {
				part = 'sandbox';
			} else if ( url.startsWith( '/v1/webhooks' ) ) {
				part = 'webhooks';
			}
			return `${ request.ip } ${ part }`;
		};
		app.addHook( 'onRequest', async ( request, reply ) => {
			const wait = this.blockedFor( key( request ) );
			if ( wait > 0 ) {
				return reply
					.code( 429 )
					.header( 'retry-after', String( Math.ceil( wait / 1000 ) ) )
					.send( {
						error: {
							code: 'too_many_failures',
							message:
								'Too many failed authentications from this address; try again later.',
						},
					} );
			}
		} );
		app.addHook( 'onResponse', async ( request, reply ) => {
			if (
				( reply.statusCode === 401 || reply.statusCode === 403 ) &&
				! forgiven.has( request )
			) {
				this.fail( key( request ) );
			}
		} );
	}
}
