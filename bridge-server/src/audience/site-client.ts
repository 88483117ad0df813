/**
 * External dependencies
 */
import { Agent, request as httpRequest, type Dispatcher } from 'undici';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import { signRequest } from '../crypto/signing.js';
import { parseJson } from '../net/json.js';
import {
	checkedLookup,
	checkIpLiteral,
	STRICT_SITE_POLICY,
	SiteUrlError,
	type SitePolicy,
} from '../net/site-url.js';

export interface SiteContact {
	contact_id?: string | number | null;
	phone?: string | null;
	country?: string | null;
	first_name?: string | null;
	last_name?: string | null;
	email?: string | null;
	fields?: Record< string, unknown >;
}

export interface AudiencePage {
	recipients: SiteContact[];
	next_cursor: string | null;
}

export class SiteError extends Error {}

/** Largest answer read from a site (an audience page of 5,000 contacts is about 2 MB). */
export const SITE_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface SiteClientOptions {
	/** Which addresses may be called (private ones only with RONDINE_ALLOW_PRIVATE_SITE_URLS=1). */
	policy?: SitePolicy;
	maxBodyBytes?: number;
	/** Where what a failing site answered goes (never to the tenant). */
	log?: { warn: ( object: object, message: string ) => void };
}

export interface SiteTarget {
	siteId: string;
	secret: Buffer;
	/** The site's REST base ending with "/", e.g. https://shop.example/wp-json/ */
	restUrl: string;
}

/**
 * Calls a site's signed endpoints (bridge -> site, docs/ARCHITECTURE.md): POST JSON, the signed path is the REST route
 * (/rondine/v1/...) whatever the URL looks like, because WordPress may be reached as /wp-json/ or ?rest_route=.
 */
/** Drop an answer's body without reading it (its abort is not an error anyone waits for). */
function discard( body: Dispatcher.ResponseData[ 'body' ] ): void {
	body.on( 'error', () => undefined );
	body.destroy();
}

export class SiteClient {
	private readonly policy: SitePolicy;
	private readonly maxBodyBytes: number;
	private agent: Agent | null = null;

	constructor(
		private readonly clock: Clock,
		private readonly timeoutMs = 30_000,
		private readonly options: SiteClientOptions = {}
	) {
		this.policy = options.policy ?? STRICT_SITE_POLICY;
		this.maxBodyBytes = options.maxBodyBytes ?? SITE_MAX_BODY_BYTES;
	}

	/** Connections resolve the host themselves and connect only to checked addresses (DNS rebinding). */
	private dispatcher(): Agent {
		this.agent ??= new Agent( {
			connections: 16,
			keepAliveTimeout: 4_000,
			connect: {
				lookup: checkedLookup( this.policy ),
				timeout: Math.min( this.timeoutMs, 10_000 ),
			},
		} );
		return this.agent;
	}

	async close(): Promise< void > {
		const agent = this.agent;
		this.agent = null;
		await agent?.close();
	}

	async post< T >(
		target: SiteTarget,
		route: string,
		payload: unknown
	): Promise< T > {
		const body = JSON.stringify( payload );
		const headers = signRequest(
			target.siteId,
			target.secret,
			'POST',
			`/${ route }`,
			body,
			this.clock.now() / 1000
		);
		const url = `${ target.restUrl }${ route }`;
		let response: Dispatcher.ResponseData;
		try {
			const parsed = new URL( url );
			if ( parsed.protocol !== 'https:' && parsed.protocol !== 'http:' ) {
				throw new SiteUrlError( 'the site URL must be https://' );
			}
			// IP literals never reach the socket's lookup: check them here (host names are checked on connection).
			checkIpLiteral( parsed.hostname, this.policy );
			response = await httpRequest( url, {
				method: 'POST',
				headers: {
					...headers,
					'content-type': 'application/json',
					accept: 'application/json',
				},
				body,
				dispatcher: this.dispatcher(),
				headersTimeout: this.timeoutMs,
				bodyTimeout: this.timeoutMs,
				signal: AbortSignal.timeout( this.timeoutMs ),
			} );
		} catch ( error ) {
			if ( error instanceof SiteUrlError ) {
				throw new SiteError( error.message );
			}
			const code =
				( error as { code?: string; cause?: { code?: string } } )
					.code ??
				( error as { cause?: { code?: string } } ).cause?.code;
			if ( code === 'ESITEREFUSED' ) {
				throw new SiteError( ( error as Error ).message );
			}
			throw new SiteError(
				`the site could not be reached (${ code ?? ( error as Error ).name })`
			);
		}
		const status = response.statusCode;
		if ( status >= 300 && status < 400 ) {
			discard( response.body );
			throw new SiteError(
				`the site answered HTTP ${ status } (a redirect; the bridge does not follow redirects: save the final URL)`
			);
		}
		let text: string;
		try {
			text = await this.readCapped( response.body );
		} catch ( error ) {
			throw new SiteError(
				error instanceof SiteError
					? error.message
					: 'the site did not send its whole answer'
			);
		}
		if ( status < 200 || status >= 300 ) {
			// The answer stays in the bridge's log: a site URL must not be a way to read the bridge's network.
			this.options.log?.warn(
				{ siteId: target.siteId, status, body: text.slice( 0, 500 ) },
				'the site refused a request'
			);
			throw new SiteError( `the site answered HTTP ${ status }` );
		}
		try {
			return parseJson( text ) as T;
		} catch {
			throw new SiteError(
				'the site answered with something that is not JSON'
			);
		}
	}

	private async readCapped( body: Dispatcher.ResponseData[ 'body' ] ) {
		const chunks: Buffer[] = [];
		let size = 0;
		for await ( const chunk of body ) {
			size += ( chunk as Buffer ).length;
			if ( size > this.maxBodyBytes ) {
				discard( body );
				throw new SiteError(
					`the site's answer is larger than ${ this.maxBodyBytes } bytes`
				);
			}
			chunks.push( chunk as Buffer );
		}
		return Buffer.concat( chunks ).toString( 'utf8' );
	}

	async audiencePage(
		target: SiteTarget,
		request: {
			campaign_id: string;
			audience: unknown;
			cursor: string | null;
			limit: number;
		}
	): Promise< AudiencePage > {
		const page = await this.post< AudiencePage >(
			target,
			'rondine/v1/bridge/audience',
			request
		);
		if ( ! page || ! Array.isArray( page.recipients ) ) {
			throw new SiteError(
				'the site answered an audience page without a recipients list'
			);
		}
		const next = page.next_cursor;
		if ( next !== null && next !== undefined && typeof next !== 'string' ) {
			throw new SiteError(
				'the site answered a next_cursor that is not a string'
			);
		}
		return { recipients: page.recipients, next_cursor: next ?? null };
	}
}
