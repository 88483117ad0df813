/**
 * External dependencies
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Internal dependencies
 */
import { computeSignature, signaturesEqual } from '../../src/crypto/signing';
import type { SiteContact } from '../../src/audience/site-client';

export interface SiteServerOptions {
	siteId: string;
	secret: Buffer;
	/** Contact number `index` of the audience (0-based), generated on demand so big audiences cost no memory. */
	contact: ( index: number ) => SiteContact;
	size: number;
	/** Answer HTTP 503 to this many audience requests first. */
	failFirst?: number;
	/** Answers the audience page itself instead of `contact`/`size` (a site that misbehaves). */
	page?: (
		cursor: string | null,
		limit: number
	) => { recipients: SiteContact[]; next_cursor: string | null };
}

export interface SiteServer {
	/** REST base URL, as the plugin would report it (ends with "/"). */
	restUrl: string;
	requests: number;
	/** Requests refused because their signature did not verify. */
	badSignatures: number;
	options: SiteServerOptions;
	close: () => Promise< void >;
}

function readBody( request: IncomingMessage ): Promise< Buffer > {
	return new Promise( ( resolve, reject ) => {
		const chunks: Buffer[] = [];
		request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
		request.on( 'end', () => resolve( Buffer.concat( chunks ) ) );
		request.on( 'error', reject );
	} );
}

/**
 * A real HTTP server speaking the site side of the bridge -> site protocol (docs/ARCHITECTURE.md): checks the bridge's
 * signature over the REST route and the raw body, and serves the audience page by page with an opaque cursor.
 */
export async function startSiteServer(
	options: SiteServerOptions
): Promise< SiteServer > {
	const state = { requests: 0, badSignatures: 0, failed: 0 };
	const server: Server = createServer( async ( request, response ) => {
		const body = await readBody( request );
		state.requests += 1;
		const url = new URL( request.url ?? '/', 'http://site' );
		const route = url.pathname.replace( /^\/wp-json/, '' );
		const expected = computeSignature(
			options.secret,
			request.method ?? '',
			route,
			String( request.headers[ 'x-rondine-timestamp' ] ?? '' ),
			body
		);
		if (
			request.headers[ 'x-rondine-site' ] !== options.siteId ||
			! signaturesEqual(
				expected,
				String( request.headers[ 'x-rondine-signature' ] ?? '' )
			)
		) {
			state.badSignatures += 1;
			response.writeHead( 401, { 'content-type': 'application/json' } );
			response.end( JSON.stringify( { code: 'rondine_bad_signature' } ) );
			return;
		}
		if ( route !== '/rondine/v1/bridge/audience' ) {
			response.writeHead( 404 ).end();
			return;
		}
		if ( state.failed < ( options.failFirst ?? 0 ) ) {
			state.failed += 1;
			response.writeHead( 503, { 'content-type': 'text/html' } );
			response.end( '<h1>Service unavailable</h1>' );
			return;
		}
		const payload = JSON.parse( body.toString( 'utf8' ) ) as {
			cursor: string | null;
			limit: number;
		};
		if ( options.page ) {
			response.writeHead( 200, { 'content-type': 'application/json' } );
			response.end(
				JSON.stringify( options.page( payload.cursor, payload.limit ) )
			);
			return;
		}
		const start = payload.cursor === null ? 0 : Number( payload.cursor );
		const end = Math.min( options.size, start + payload.limit );
		const recipients: SiteContact[] = [];
		for ( let i = start; i < end; i++ ) {
			recipients.push( options.contact( i ) );
		}
		response.writeHead( 200, { 'content-type': 'application/json' } );
		response.end(
			JSON.stringify( {
				recipients,
				next_cursor: end < options.size ? String( end ) : null,
			} )
		);
	} );
	await new Promise< void >( ( resolve ) =>
		server.listen( 0, '127.0.0.1', resolve )
	);
	const { port } = server.address() as AddressInfo;
	return {
		restUrl: `http://127.0.0.1:${ port }/wp-json/`,
		get requests() {
			return state.requests;
		},
		get badSignatures() {
			return state.badSignatures;
		},
		options,
		close: () =>
			new Promise( ( resolve ) => {
				server.closeAllConnections();
				server.close( () => resolve() );
			} ),
	};
}

/** An Italian mobile number, distinct per index (valid for libphonenumber-js). */
export function italianMobile( index: number ): string {
	return `+39 347 ${ String( 1_000_000 + index ).slice( -7 ) }`;
}

export function contactAt( index: number ): SiteContact {
	return {
		contact_id: String( index + 1 ),
		phone: italianMobile( index ),
		country: 'IT',
		first_name: `Cliente${ index }`,
		last_name: 'Rossi',
		email: `c${ index }@example.com`,
		fields: {},
	};
}
