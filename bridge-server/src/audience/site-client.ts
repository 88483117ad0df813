/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import { signRequest } from '../crypto/signing.js';

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
export class SiteClient {
	constructor(
		private readonly clock: Clock,
		private readonly timeoutMs = 30_000
	) {}

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
		let response: Response;
		try {
			response = await fetch( `${ target.restUrl }${ route }`, {
				method: 'POST',
				headers: {
					...headers,
					'content-type': 'application/json',
					accept: 'application/json',
				},
				body,
				signal: AbortSignal.timeout( this.timeoutMs ),
			} );
		} catch ( error ) {
			const cause = ( error as { cause?: { code?: string } } ).cause
				?.code;
			throw new SiteError(
				`the site could not be reached (${ cause ?? ( error as Error ).message })`
			);
		}
		const text = await response.text();
		if ( ! response.ok ) {
			throw new SiteError(
				`the site answered HTTP ${ response.status }: ${ text.slice( 0, 200 ) }`
			);
		}
		try {
			return JSON.parse( text ) as T;
		} catch {
			throw new SiteError(
				'the site answered with something that is not JSON'
			);
		}
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
