/**
 * WhatsApp Cloud API client: the only code that talks to graph.facebook.com (or to the emulator, which speaks the same).
 *
 * A send has four outcomes, and the dispatcher's "at most once" rests on telling them apart:
 * - `ok`: Meta accepted the message (not delivered: delivery comes by webhook);
 * - `error`: Meta answered with an error; decide by `error.code` through `classifyError()`;
 * - `notSent`: the request never left this process (no connection could be made), so sending again cannot duplicate;
 * - `unknown`: the request may have reached Meta but no usable answer came back; it must not be re-sent automatically.
 */

/**
 * Internal dependencies
 */
import { Http1Pool } from './http1-pool.js';
import type {
	CloudTransportName,
	Transport,
	TransportAnswer,
	TransportFailure,
	TransportOptions,
} from './transport.js';
import { UndiciTransport } from './undici-transport.js';

export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_VERSION = 'v23.0';

export interface CloudApiClientOptions {
	/** `https://graph.facebook.com`, or the emulator's base (which may carry a path, such as `http://127.0.0.1:8090/sandbox`). */
	baseUrl?: string;
	/** Graph API version, such as `v23.0`. */
	version?: string;
	/** Time to open a connection (TCP and TLS). */
	connectTimeoutMs?: number;
	/** Time from the request sent until the response headers. */
	headersTimeoutMs?: number;
	/** Longest silence while reading the response body. */
	bodyTimeoutMs?: number;
	/** Keep-alive connections per origin; enough to cover throughput × latency. */
	connections?: number;
	/** TLS: certificate authorities to trust instead of Node's default ones (tests). */
	ca?: string | Buffer;
	/** Which HTTP transport carries the calls (`RONDINE_CLOUD_TRANSPORT`): `http1` (default) or `undici`. */
	transport?: CloudTransportName;
}

/** A Meta error as answered by the Graph API (`{error:{...}}`). */
export interface CloudApiError {
	code: number;
	subcode: number | null;
	message: string;
	type: string;
	/** `error.error_data.details`. */
	details: string;
	fbtraceId: string;
}

export type CloudApiFailure =
	| { error: CloudApiError; httpStatus: number }
	| { notSent: string }
	| { unknown: string };

export type SendResult =
	| {
			ok: true;
			wamid: string;
			/** `accepted`, `held_for_quality_assessment` or `paused`, when Meta says. */
			messageStatus?: string;
			/** The WhatsApp id Meta resolved `to` into. */
			waId?: string;
	  }
	| CloudApiFailure;

export type ApiResult< T > = { ok: true; value: T } | CloudApiFailure;

export interface TemplateParameter {
	type: string;
	[ key: string ]: unknown;
}

export interface TemplateComponentParameters {
	/** `header`, `body` or `button`. */
	type: string;
	sub_type?: string;
	index?: string | number;
	parameters?: TemplateParameter[];
}

export interface SendTemplateRequest {
	phoneNumberId: string;
	token: string;
	/** E.164 with the leading `+`; without it Meta would prefix the business number's own country code. */
	to: string;
	template: {
		name: string;
		/** Language and locale code, such as `it` or `en_US`. */
		language: string;
		components?: TemplateComponentParameters[];
	};
	/** Echoed by Meta in every status webhook of this message (at most 512 characters). */
	bizOpaqueCallbackData?: string;
}

/** A message template as listed by `GET /{waba-id}/message_templates`. */
export interface MessageTemplate {
	id: string;
	name: string;
	language: string;
	/** `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, ... */
	status: string;
	/** `MARKETING`, `UTILITY`, `AUTHENTICATION`. */
	category: string;
	components: Array< Record< string, unknown > >;
	[ key: string ]: unknown;
}

export interface PhoneNumberInfo {
	id: string;
	display_phone_number?: string;
	verified_name?: string;
	/** `GREEN`, `YELLOW`, `RED`, `NA`. */
	quality_rating?: string;
	/** `{level: 'STANDARD'}` (80 mps) or `{level: 'HIGH'}` (up to 1,000 mps). */
	throughput?: { level: string };
	/** `TIER_50`, `TIER_250`, `TIER_2K`, `TIER_10K`, `TIER_100K`, `TIER_UNLIMITED`. */
	whatsapp_business_manager_messaging_limit?: string;
	[ key: string ]: unknown;
}

export const PHONE_NUMBER_FIELDS = [
	'display_phone_number',
	'verified_name',
	'quality_rating',
	'throughput',
	'whatsapp_business_manager_messaging_limit',
] as const;

const E164 = /^\+[1-9]\d{6,14}$/;

/** A transport failure: "not sent" only when nothing of the request can have left this process. */
function failureOf( failure: TransportFailure ): CloudApiFailure {
	return failure.written
		? { unknown: failure.code }
		: { notSent: failure.code };
}

/**
 * What an HTTP answer means: Meta's error, a JSON value, or unknown (not JSON, or an error status without Meta's error).
 *
 * @param answer The transport's answer.
 */
function apiResultOf( answer: TransportAnswer ): ApiResult< unknown > {
	if ( 'failure' in answer ) {
		return failureOf( answer.failure );
	}
	const { status, text } = answer;
	let json: unknown;
	try {
		json = JSON.parse( text );
	} catch {
		// A proxy's HTML page or a cut body: nothing says whether Meta acted on the request.
		return { unknown: `http_${ status }_not_json` };
	}
	const error = parseCloudApiError( json );
	if ( error ) {
		return { error, httpStatus: status };
	}
	if ( status < 200 || status >= 300 ) {
		return { unknown: `http_${ status }_without_error` };
	}
	return { ok: true, value: json };
}

/**
 * A send's result from the answer to `POST /{phone-number-id}/messages`.
 *
 * @param answer The call's result.
 */
function sendResultOf( answer: ApiResult< unknown > ): SendResult {
	if ( ! ( 'ok' in answer ) ) {
		return answer;
	}
	const value = answer.value as {
		messages?: Array< { id?: unknown; message_status?: unknown } >;
		contacts?: Array< { wa_id?: unknown } >;
	};
	const message = value.messages?.[ 0 ];
	if ( typeof message?.id !== 'string' ) {
		// Accepted by HTTP but no message id: we cannot tell whether Meta took it.
		return { unknown: 'no_message_id' };
	}
	const result: SendResult = { ok: true, wamid: message.id };
	if ( typeof message.message_status === 'string' ) {
		result.messageStatus = message.message_status;
	}
	const waId = value.contacts?.[ 0 ]?.wa_id;
	if ( typeof waId === 'string' ) {
		result.waId = waId;
	}
	return result;
}

/** Header values are written as they are: a token with a control character (CR, LF...) could forge headers. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/**
 * The `{error:{...}}` object of a Graph API answer, or null when the body is not one.
 *
 * @param body The parsed JSON body.
 */
export function parseCloudApiError( body: unknown ): CloudApiError | null {
	if ( typeof body !== 'object' || body === null ) {
		return null;
	}
	const error = ( body as { error?: unknown } ).error;
	if ( typeof error !== 'object' || error === null ) {
		return null;
	}
	const e = error as Record< string, unknown >;
	if ( typeof e.code !== 'number' ) {
		return null;
	}
	const data = e.error_data as { details?: unknown } | undefined;
	return {
		code: e.code,
		subcode: typeof e.error_subcode === 'number' ? e.error_subcode : null,
		message: typeof e.message === 'string' ? e.message : '',
		type: typeof e.type === 'string' ? e.type : '',
		details: typeof data?.details === 'string' ? data.details : '',
		fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : '',
	};
}

/**
 * The JSON body of a send, as Meta's OpenAPI (`sendMessage`, TemplateMessage) describes it.
 *
 * @param request The send.
 */
export function templateMessageBody(
	request: SendTemplateRequest
): Record< string, unknown > {
	const { name, language, components } = request.template;
	const template: Record< string, unknown > = {
		name,
		// Meta's schema requires the policy; "deterministic" is the only one there is.
		language: { policy: 'deterministic', code: language },
	};
	if ( components && components.length > 0 ) {
		template.components = components;
	}
	const body: Record< string, unknown > = {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to: request.to,
		type: 'template',
		template,
	};
	if ( request.bizOpaqueCallbackData !== undefined ) {
		body.biz_opaque_callback_data = request.bizOpaqueCallbackData;
	}
	return body;
}

export class CloudApiClient {
	readonly version: string;

	private readonly origin: string;

	private readonly basePath: string;

	private readonly transport: Transport;

	/** Header lines by token, for requests with a JSON body and without. */
	private readonly headerCache = {
		body: new Map< string, string >(),
		none: new Map< string, string >(),
	};

	constructor( options: CloudApiClientOptions = {} ) {
		const base = new URL( options.baseUrl ?? DEFAULT_BASE_URL );
		this.origin = base.origin;
		this.basePath = base.pathname.replace( /\/+$/, '' );
		this.version = options.version ?? DEFAULT_VERSION;
		const transportOptions: TransportOptions = {
			// One request per connection at a time: 1,000 mps at 250 ms needs 250 of them.
			connections: options.connections ?? 256,
			connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
			headersTimeoutMs: options.headersTimeoutMs ?? 30_000,
			bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
			keepAliveTimeoutMs: 30_000,
			...( options.ca !== undefined ? { ca: options.ca } : {} ),
		};
		this.transport =
			options.transport === 'undici'
				? new UndiciTransport( this.origin, transportOptions )
				: new Http1Pool( this.origin, transportOptions );
	}

	/**
	 * Send one template message.
	 *
	 * @param request The send; `to` must be E.164 with `+` (a programming error otherwise: nothing is sent).
	 */
	async sendTemplate( request: SendTemplateRequest ): Promise< SendResult > {
		return this.sendTemplateJson(
			request.phoneNumberId,
			request.token,
			request.to,
			JSON.stringify( templateMessageBody( request ) )
		);
	}

	/**
	 * Send one template message whose body is already serialized (by src/dispatch/message-body.ts, the same JSON as
	 * `templateMessageBody`).
	 *
	 * @param phoneNumberId The business number's id.
	 * @param token         Access token.
	 * @param to            The body's `to`: E.164 with `+` (a programming error otherwise: nothing is sent).
	 * @param json          The request body.
	 */
	sendTemplateJson(
		phoneNumberId: string,
		token: string,
		to: string,
		json: string
	): Promise< SendResult > {
		if ( ! E164.test( to ) ) {
			return Promise.reject(
				new RangeError(
					'Recipient must be an E.164 number with a leading +.'
				)
			);
		}
		// Promise chains rather than async functions on this path: a send is a few microseconds of JavaScript, and each
		// async frame adds a promise and a hop.
		return this.call(
			'POST',
			`/${ encodeURIComponent( phoneNumberId ) }/messages`,
			token,
			json
		).then( sendResultOf );
	}

	/**
	 * Every message template of a WhatsApp Business Account, following Meta's cursor paging to the end.
	 *
	 * @param wabaId   The WhatsApp Business Account id.
	 * @param token    Access token.
	 * @param pageSize Templates per request.
	 */
	async listTemplates(
		wabaId: string,
		token: string,
		pageSize = 100
	): Promise< ApiResult< MessageTemplate[] > > {
		const templates: MessageTemplate[] = [];
		let after: string | null = null;
		// A misbehaving server repeating its cursor must not loop forever.
		for ( let page = 0; page < 1_000; page++ ) {
			const query = new URLSearchParams( { limit: String( pageSize ) } );
			if ( after !== null ) {
				query.set( 'after', after );
			}
			const answer = await this.call(
				'GET',
				`/${ encodeURIComponent( wabaId ) }/message_templates?${ query }`,
				token
			);
			if ( ! ( 'ok' in answer ) ) {
				return answer;
			}
			const value = answer.value as {
				data?: MessageTemplate[];
				paging?: { cursors?: { after?: string }; next?: string };
			};
			templates.push( ...( value.data ?? [] ) );
			const next = value.paging?.cursors?.after;
			if ( ! value.paging?.next || ! next || next === after ) {
				return { ok: true, value: templates };
			}
			after = next;
		}
		return { ok: true, value: templates };
	}

	/**
	 * A business phone number's name, quality, throughput level and messaging limit tier.
	 *
	 * @param phoneNumberId The phone number id.
	 * @param token         Access token.
	 */
	async getPhoneNumber(
		phoneNumberId: string,
		token: string
	): Promise< ApiResult< PhoneNumberInfo > > {
		const query = new URLSearchParams( {
			fields: PHONE_NUMBER_FIELDS.join( ',' ),
		} );
		const answer = await this.call(
			'GET',
			`/${ encodeURIComponent( phoneNumberId ) }?${ query }`,
			token
		);
		return 'ok' in answer
			? { ok: true, value: answer.value as PhoneNumberInfo }
			: answer;
	}

	/** Close the keep-alive connections. */
	async close(): Promise< void > {
		await this.transport.close();
	}

	private call(
		method: 'GET' | 'POST',
		path: string,
		token: string,
		body?: string
	): Promise< ApiResult< unknown > > {
		const headers = this.headers( token, body !== undefined );
		if ( headers === null ) {
			return Promise.resolve( { notSent: 'invalid_token' } );
		}
		return this.transport
			.request(
				method,
				`${ this.basePath }/${ this.version }${ path }`,
				headers,
				body ?? null
			)
			.then( apiResultOf );
	}

	/**
	 * The header lines of every call with this token (and body or not), built once; null when the token cannot be
	 * written in a header.
	 *
	 * @param token    Access token.
	 * @param withBody Whether the request has a JSON body.
	 */
	private headers( token: string, withBody: boolean ): string | null {
		const cache = withBody ? this.headerCache.body : this.headerCache.none;
		let headers = cache.get( token );
		if ( headers === undefined ) {
			if ( ! HEADER_VALUE.test( token ) ) {
				return null;
			}
			headers = `authorization: Bearer ${ token }\r\naccept: application/json\r\n${
				withBody ? 'content-type: application/json\r\n' : ''
			}`;
			// Tokens change rarely (rotation): a small cache, cleared when it grows.
			if ( cache.size >= 64 ) {
				cache.clear();
			}
			cache.set( token, headers );
		}
		return headers;
	}
}
