/**
 * The bridge's edge settings, from the environment (docs/SECURITY.md). Every relaxation is opened by an explicit
 * setting; the defaults are the strict behaviour.
 */

/**
 * Internal dependencies
 */
import type { SitePolicy } from '../net/site-url.js';

export interface EdgeConfig {
	/**
	 * RONDINE_SANDBOX_CONTROL_TOKEN: the emulator's control API (`/sandbox/_control/*`) is served only when set, and
	 * only with `Authorization: Bearer <token>`. At least 24 characters. Unset by default: no control API.
	 */
	sandboxControlToken: string | undefined;
	/**
	 * RONDINE_SANDBOX_CONTROL_WITH_REAL_TENANTS=1: keep the control API on while a tenant has real Meta credentials
	 * (refused by default: 403 on every control route while such a tenant exists).
	 */
	sandboxControlWithRealTenants: boolean;
	/** RONDINE_ALLOW_PRIVATE_SITE_URLS=1 and RONDINE_ALLOW_HTTP_SITE_URLS=1 (both off by default). */
	site: SitePolicy;
	/** RONDINE_BRIDGE_ALLOWED_HOSTS: more Host values (comma-separated) the emulator answers besides the public URL's. */
	allowedHosts: string[];
	/** RONDINE_BRIDGE_REQUEST_TIMEOUT_MS (30,000): time to receive a whole request, headers and body. */
	requestTimeoutMs: number;
	/** RONDINE_BRIDGE_CONNECTION_TIMEOUT_MS (60,000): a socket silent this long is closed. */
	connectionTimeoutMs: number;
	/** RONDINE_BRIDGE_KEEP_ALIVE_TIMEOUT_MS (10,000): an idle kept-alive connection is closed after this. */
	keepAliveTimeoutMs: number;
	/** RONDINE_AUTH_FAILURE_LIMIT (30): 401/403 answers per IP and window before 429; 0 turns it off. */
	authFailureLimit: number;
	/** RONDINE_AUTH_FAILURE_WINDOW_MS (60,000). */
	authFailureWindowMs: number;
	/**
	 * RONDINE_BRIDGE_TRUST_PROXY: behind a reverse proxy, its addresses (comma-separated IPs or CIDRs) or the number of
	 * proxy hops, so client IPs (the failure limit) come from X-Forwarded-For. Unset: the socket's address.
	 */
	trustProxy: number | string[] | undefined;
}

export class EdgeConfigError extends Error {}

function milliseconds(
	env: NodeJS.ProcessEnv,
	name: string,
	fallback: number,
	min = 0
): number {
	const value = env[ name ];
	if ( value === undefined || value === '' ) {
		return fallback;
	}
	const number = Number( value );
	if ( ! Number.isInteger( number ) || number < min ) {
		throw new EdgeConfigError(
			`${ name } must be a whole number of at least ${ min }, got "${ value }"`
		);
	}
	return number;
}

function flag( env: NodeJS.ProcessEnv, name: string ): boolean {
	const value = env[ name ];
	if ( value === undefined || value === '' || value === '0' ) {
		return false;
	}
	if ( value === '1' ) {
		return true;
	}
	throw new EdgeConfigError( `${ name } must be 1 or 0, got "${ value }"` );
}

export const MIN_CONTROL_TOKEN_LENGTH = 24;

function readTrustProxy(
	value: string | undefined
): number | string[] | undefined {
	if ( value === undefined || value.trim() === '' ) {
		return undefined;
	}
	if ( /^\d+$/.test( value.trim() ) ) {
		return Number( value.trim() );
	}
	return value
		.split( ',' )
		.map( ( item ) => item.trim() )
		.filter( ( item ) => item !== '' );
}

export function readEdgeConfig( env: NodeJS.ProcessEnv ): EdgeConfig {
	const token = env.RONDINE_SANDBOX_CONTROL_TOKEN || undefined;
	if ( token !== undefined && token.length < MIN_CONTROL_TOKEN_LENGTH ) {
		throw new EdgeConfigError(
			`RONDINE_SANDBOX_CONTROL_TOKEN must be at least ${ MIN_CONTROL_TOKEN_LENGTH } characters (e.g. openssl rand -hex 24)`
		);
	}
	return {
		sandboxControlToken: token,
		sandboxControlWithRealTenants: flag(
			env,
			'RONDINE_SANDBOX_CONTROL_WITH_REAL_TENANTS'
		),
		site: {
			allowPrivate: flag( env, 'RONDINE_ALLOW_PRIVATE_SITE_URLS' ),
			allowHttp: flag( env, 'RONDINE_ALLOW_HTTP_SITE_URLS' ),
		},
		allowedHosts: ( env.RONDINE_BRIDGE_ALLOWED_HOSTS ?? '' )
			.split( ',' )
			.map( ( host ) => host.trim().toLowerCase() )
			.filter( ( host ) => host !== '' ),
		requestTimeoutMs: milliseconds(
			env,
			'RONDINE_BRIDGE_REQUEST_TIMEOUT_MS',
			30_000,
			1
		),
		connectionTimeoutMs: milliseconds(
			env,
			'RONDINE_BRIDGE_CONNECTION_TIMEOUT_MS',
			60_000,
			1
		),
		keepAliveTimeoutMs: milliseconds(
			env,
			'RONDINE_BRIDGE_KEEP_ALIVE_TIMEOUT_MS',
			10_000,
			1
		),
		authFailureLimit: milliseconds( env, 'RONDINE_AUTH_FAILURE_LIMIT', 30 ),
		authFailureWindowMs: milliseconds(
			env,
			'RONDINE_AUTH_FAILURE_WINDOW_MS',
			60_000,
			1
		),
		trustProxy: readTrustProxy( env.RONDINE_BRIDGE_TRUST_PROXY ),
	};
}
