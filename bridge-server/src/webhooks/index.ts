/**
 * External dependencies
 */
import type {
	FastifyInstance,
	FastifyPluginAsync,
	FastifyReply,
	FastifyRequest,
} from 'fastify';
import { timingSafeEqual } from 'node:crypto';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Storage } from '../storage/database.js';
import {
	SIGNATURE_HEADER,
	verifyWebhookSignature,
} from '../whatsapp/webhook-signature.js';
import { SiteClient } from '../audience/site-client.js';
import { notAnAuthFailure } from '../http/edge.js';
import { parseJson } from '../net/json.js';
import type { SitePolicy } from '../net/site-url.js';
import { parseWebhook, webhookAccounts } from '../whatsapp/webhook-types.js';
import { DEFAULT_OPT_OUT_PAYLOADS } from './consent.js';
import { OptOutReporter } from './opt-out-reporter.js';
import { DEFAULT_RETENTION_DAYS, pruneWebhookEvents } from './retention.js';
import {
	attributeEvents,
	TenantDirectory,
	type WebhookTenant,
} from './tenant-directory.js';
import { createWebhookWriter } from './writer.js';

/** Meta sends batches of up to 1,000 updates and 3 MB. */
export const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;

export interface WebhooksPluginOptions {
	storage: Storage;
	box: SecretBox;
	clock: Clock;
	/** The emulator's app secret for a tenant without Meta credentials. */
	sandboxAppSecret?: ( tenantId: string ) => string | null;
	/** Quick-reply payloads meaning "stop promotions" for tenants that set none. */
	defaultOptOutPayloads?: readonly string[];
	/** Report opt-outs to the sites from this process (default true). */
	reportOptOuts?: boolean;
	/** Days the raw bodies of applied webhooks are kept (default 30); 0 keeps them forever. */
	retentionDays?: number;
	/** Largest group commit, in requests and in events. */
	maxBatch?: number;
	maxEvents?: number;
	/** Shared with the rest of the app so credential changes can invalidate it. */
	directory?: TenantDirectory;
	/** Which site addresses the opt-out reporter may call (strict by default; the app passes its setting). */
	sitePolicy?: SitePolicy;
}

class WebhookError extends Error {
	constructor(
		readonly statusCode: number,
		readonly code: string,
		message: string
	) {
		super( message );
	}
}

function sendError(
	reply: FastifyReply,
	status: number,
	code: string,
	message: string
): FastifyReply {
	return reply.status( status ).send( { error: { code, message } } );
}

function sameToken( expected: string | null, given: string ): boolean {
	if ( expected === null || expected === '' ) {
		return false;
	}
	const a = Buffer.from( expected );
	const b = Buffer.from( given );
	return a.length === b.length && timingSafeEqual( a, b );
}

const errorResponse = { $ref: 'Error#' };

/**
 * `/v1/webhooks/whatsapp`: Meta's verification handshake (GET) and signed event deliveries (POST).
 *
 * A Meta app has one callback URL for all its numbers, so POSTs find their tenant in the body
 * (`metadata.phone_number_id`, or the WABA id of `entry[].id`) and are accepted only when the signature verifies with
 * the app secret of every tenant they speak for. The GET has no body: the verify token, unique per tenant, says which
 * tenant is being verified; `/v1/webhooks/whatsapp/{tenant id}` is the same endpoint bound to one tenant, for
 * deployments that give each tenant its own callback URL (then POSTs for another tenant are refused).
 */
export const webhooksPlugin: FastifyPluginAsync<
	WebhooksPluginOptions
> = async ( app: FastifyInstance, options: WebhooksPluginOptions ) => {
	const { storage, box, clock } = options;
	const directory =
		options.directory ??
		new TenantDirectory( {
			db: storage.db,
			box,
			...( options.sandboxAppSecret
				? { sandboxAppSecret: options.sandboxAppSecret }
				: {} ),
		} );
	const writer = createWebhookWriter( {
		db: storage.db,
		maxBatch: options.maxBatch ?? 1_000,
		...( options.maxEvents ? { maxEvents: options.maxEvents } : {} ),
		defaultOptOutPayloads:
			options.defaultOptOutPayloads ?? DEFAULT_OPT_OUT_PAYLOADS,
		onApplyError: ( error ) =>
			app.log.error( { err: error }, 'webhook stored but not applied' ),
	} );
	const reporterSite = new SiteClient( clock, 15_000, {
		...( options.sitePolicy ? { policy: options.sitePolicy } : {} ),
		log: app.log,
	} );
	const reporter =
		options.reportOptOuts === false
			? null
			: new OptOutReporter( {
					storage,
					box,
					clock,
					log: app.log,
					site: reporterSite,
				} );

	const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
	let pruner: NodeJS.Timeout | null = null;
	app.addHook( 'onReady', async () => {
		reporter?.start();
		if ( retentionDays > 0 ) {
			pruner = setInterval( () => {
				pruneWebhookEvents(
					storage.db,
					clock.now() - retentionDays * 86_400_000
				).catch( ( error ) =>
					app.log.warn(
						{ err: error },
						'pruning the webhook log failed'
					)
				);
			}, 3_600_000 );
			pruner.unref();
		}
	} );
	app.addHook( 'onClose', async () => {
		if ( pruner ) {
			clearInterval( pruner );
		}
		reporter?.stop();
		await writer.close();
		await reporterSite.close();
	} );

	// Raw bytes: the signature covers them exactly. Any content type, because the body is checked, not trusted.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser(
		'*',
		{ parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
		( _request, body, done ) => done( null, body )
	);

	app.setErrorHandler( ( error, request, reply ) => {
		if ( error instanceof WebhookError ) {
			if ( error.statusCode === 403 ) {
				// About an account this bridge does not serve (or another tenant's URL): not a guessed secret.
				notAnAuthFailure( request );
			}
			return sendError(
				reply,
				error.statusCode,
				error.code,
				error.message
			);
		}
		const err = error as {
			code?: string;
			statusCode?: number;
			message: string;
		};
		if ( err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ) {
			return sendError(
				reply,
				413,
				'body_too_large',
				`The webhook body is larger than ${ WEBHOOK_BODY_LIMIT } bytes.`
			);
		}
		if ( err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ) {
			return sendError(
				reply,
				err.statusCode,
				'bad_request',
				err.message
			);
		}
		request.log.error( { err: error }, 'webhook failed' );
		// Meta retries anything but 200, so an outage loses nothing.
		return sendError(
			reply,
			500,
			'internal_error',
			'The webhook could not be stored; it will be retried.'
		);
	} );

	const verifySchema = {
		hide: false,
		tags: [ 'webhooks' ],
		summary:
			'WhatsApp webhook verification (Meta calls it when the callback URL is saved)',
		querystring: {
			type: 'object',
			properties: {
				'hub.mode': { type: 'string' },
				'hub.verify_token': { type: 'string' },
				'hub.challenge': { type: 'string', maxLength: 512 },
			},
		},
		response: { 200: { type: 'string' }, 403: errorResponse },
	};

	async function verify(
		request: FastifyRequest,
		reply: FastifyReply,
		tenantId?: string
	) {
		const query = request.query as Record< string, string | undefined >;
		const token = query[ 'hub.verify_token' ] ?? '';
		const challenge = query[ 'hub.challenge' ] ?? '';
		let matches: WebhookTenant[];
		if ( tenantId !== undefined ) {
			const tenant = await directory.byTenantId( tenantId );
			matches =
				tenant && sameToken( tenant.verifyToken, token )
					? [ tenant ]
					: [];
		} else {
			matches =
				token === '' ? [] : await directory.byVerifyToken( token );
		}
		if ( query[ 'hub.mode' ] !== 'subscribe' || matches.length === 0 ) {
			return sendError(
				reply,
				403,
				'verification_failed',
				'The verify token does not match any WhatsApp account.'
			);
		}
		return reply
			.status( 200 )
			.type( 'text/plain; charset=utf-8' )
			.send( challenge );
	}

	/**
	 * The tenants that may have signed a body, found in its text without parsing it (so an unsigned body costs a scan
	 * and one HMAC, never a JSON.parse): the first `phone_number_id`, else the first ids after `"entry"` (WABA ids),
	 * else the tenant of a bound URL.
	 *
	 * @param text          The raw body as text.
	 * @param boundTenantId The tenant of a bound URL, if any.
	 */
	async function signerCandidates(
		text: string,
		boundTenantId: string | undefined
	): Promise< WebhookTenant[] > {
		const phone = /"phone_number_id"\s*:\s*"([^"\\]{1,64})"/.exec( text );
		if ( phone ) {
			const tenant = await directory.byPhoneNumber(
				phone[ 1 ] as string
			);
			if ( tenant ) {
				return [ tenant ];
			}
		}
		const entry = text.indexOf( '"entry"' );
		if ( entry >= 0 ) {
			const ids = /"id"\s*:\s*"([^"\\]{1,64})"/g;
			ids.lastIndex = entry;
			for ( let i = 0; i < 8; i++ ) {
				const match = ids.exec( text );
				if ( ! match ) {
					break;
				}
				const tenants = await directory.byWaba( match[ 1 ] as string );
				if ( tenants.length > 0 ) {
					return tenants;
				}
			}
		}
		if ( boundTenantId !== undefined ) {
			const tenant = await directory.byTenantId( boundTenantId );
			return tenant ? [ tenant ] : [];
		}
		return [];
	}

	async function receive(
		request: FastifyRequest,
		reply: FastifyReply,
		boundTenantId?: string
	) {
		const raw = Buffer.isBuffer( request.body )
			? request.body
			: Buffer.alloc( 0 );
		const signature = request.headers[ SIGNATURE_HEADER ];
		if ( typeof signature !== 'string' || signature === '' ) {
			throw new WebhookError(
				401,
				'missing_signature',
				'X-Hub-Signature-256 is required.'
			);
		}
		// The signature is checked over the raw bytes before anything parses them.
		const text = raw.toString( 'utf8' );
		const checked = new Map< string, boolean >();
		const verified = ( secret: string ): boolean => {
			let ok = checked.get( secret );
			if ( ok === undefined ) {
				ok = verifyWebhookSignature( secret, raw, signature );
				checked.set( secret, ok );
			}
			return ok;
		};
		const candidates = await signerCandidates( text, boundTenantId );
		if ( candidates.length === 0 ) {
			throw new WebhookError(
				403,
				'unknown_account',
				'The webhook names no WhatsApp account known to this bridge.'
			);
		}
		if (
			! candidates.some(
				( tenant ) =>
					tenant.appSecret !== null && verified( tenant.appSecret )
			)
		) {
			throw new WebhookError(
				401,
				'bad_signature',
				'The signature does not match the app secret.'
			);
		}
		let body: unknown;
		try {
			body = parseJson( text );
		} catch {
			throw new WebhookError(
				400,
				'malformed_json',
				'The webhook body is not valid JSON.'
			);
		}
		const parsed = parseWebhook( body );
		const { tenants, attributed } = await attributeEvents(
			directory,
			parsed.events
		);
		// A change of a kind we do not know still names its number: store it for that tenant (signed by it).
		if ( parsed.object === 'whatsapp_business_account' ) {
			for ( const phoneNumberId of webhookAccounts( body )
				.phoneNumberIds ) {
				const tenant = await directory.byPhoneNumber( phoneNumberId );
				if ( tenant ) {
					tenants.set( tenant.id, tenant );
				}
			}
		}
		if ( tenants.size === 0 ) {
			throw new WebhookError(
				403,
				'unknown_account',
				'The webhook names no WhatsApp account known to this bridge.'
			);
		}
		if (
			boundTenantId !== undefined &&
			( tenants.size !== 1 || ! tenants.has( boundTenantId ) )
		) {
			throw new WebhookError(
				403,
				'wrong_tenant',
				'The webhook is about another tenant than its URL.'
			);
		}
		// Every tenant it speaks for must have signed it (they share one Meta app, so one secret, when this holds).
		for ( const tenant of tenants.values() ) {
			const secret = tenant.appSecret;
			if ( secret === null || ! verified( secret ) ) {
				throw new WebhookError(
					401,
					'bad_signature',
					'The signature does not match the app secret.'
				);
			}
		}
		await writer.submit( {
			tenantIds: [ ...tenants.keys() ],
			body: text,
			events: attributed,
			receivedAt: clock.now(),
		} );
		return reply.status( 200 ).send( { received: true } );
	}

	const receiveSchema = {
		tags: [ 'webhooks' ],
		summary:
			'WhatsApp webhook events, signed by Meta (X-Hub-Signature-256)',
		response: {
			200: {
				type: 'object',
				properties: { received: { type: 'boolean' } },
			},
			400: errorResponse,
			401: errorResponse,
			403: errorResponse,
			413: errorResponse,
		},
	};
	const tenantParams = {
		type: 'object',
		required: [ 'tenantId' ],
		properties: { tenantId: { type: 'string', maxLength: 64 } },
	};

	app.get(
		'/v1/webhooks/whatsapp',
		{ schema: verifySchema },
		( request, reply ) => verify( request, reply )
	);
	app.get(
		'/v1/webhooks/whatsapp/:tenantId',
		{ schema: { ...verifySchema, params: tenantParams } },
		( request, reply ) =>
			verify(
				request,
				reply,
				( request.params as { tenantId: string } ).tenantId
			)
	);
	app.post(
		'/v1/webhooks/whatsapp',
		{ schema: receiveSchema },
		( request, reply ) => receive( request, reply )
	);
	app.post(
		'/v1/webhooks/whatsapp/:tenantId',
		{ schema: { ...receiveSchema, params: tenantParams } },
		( request, reply ) =>
			receive(
				request,
				reply,
				( request.params as { tenantId: string } ).tenantId
			)
	);
};

export default webhooksPlugin;
