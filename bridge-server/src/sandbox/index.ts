/**
 * The WhatsApp Cloud API emulator ("sandbox") as a Fastify plugin: Meta's routes for sending, templates and the phone
 * number, plus a control API (`/_control/...`) for tests, benchmarks and the sandbox mode of the bridge.
 *
 * The bridge serves it under `/sandbox` for tenants without Meta credentials; `main.ts` runs it as its own process.
 */

/**
 * External dependencies
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
	FastifyInstance,
	FastifyPluginAsync,
	FastifyReply,
	FastifyRequest,
} from 'fastify';

/**
 * Internal dependencies
 */
import { hostAllowed, requireJsonBodies } from '../http/edge.js';
import { parseJson } from '../net/json.js';
import { ConfigError } from './config.js';
import { errors, metaError, type MetaErrorAnswer } from './meta-errors.js';
import {
	Sandbox,
	SandboxError,
	type InboundInput,
	type SandboxAccountInput,
} from './sandbox.js';

export { Sandbox, SandboxError } from './sandbox.js';
export type { SandboxAccountInput, InboundInput } from './sandbox.js';
export type { SandboxConfig, SandboxConfigPatch } from './config.js';

export interface SandboxPluginOptions {
	/** The emulator's state; the process-wide default sandbox when absent. */
	sandbox?: Sandbox;
	/**
	 * The control API (`/_control/*`) is served only when this is set, and every route of it needs
	 * `Authorization: Bearer <controlToken>`: it shows which phones received what, creates accounts and injects signed
	 * inbound events. Without it, `/_control` does not exist (404).
	 */
	controlToken?: string;
	/**
	 * Asked before each control request: a reason to refuse it (403), or null. The bridge refuses while a tenant has
	 * real Meta credentials, unless told otherwise.
	 */
	controlGuard?: () => Promise< string | null >;
	/**
	 * Host header values answered besides loopback ones (`localhost`, `127.x.x.x`, `[::1]`, any port), lowercase
	 * `host[:port]`. Anything else gets 421: a DNS-rebinding page names its own host.
	 */
	allowedHosts?: string[];
	/**
	 * Where accounts created through the control API may send their webhooks: URLs starting with one of these (the
	 * bridge's own `/v1/webhooks/whatsapp`). None: only accounts without webhooks can be created that way.
	 */
	webhookUrlPrefixes?: string[];
}

let shared: Sandbox | null = null;

/** The process-wide sandbox, used by the plugin and `ensureSandboxAccount` when no other is given. */
export function defaultSandbox(): Sandbox {
	shared ??= new Sandbox();
	return shared;
}

/**
 * Create (or update) the emulator account that stands in for a tenant's WhatsApp number.
 *
 * @param input   The account: ids, token, app secret, webhook URL, throughput and tier.
 * @param sandbox Which emulator; the process-wide one by default.
 */
export function ensureSandboxAccount(
	input: SandboxAccountInput,
	sandbox: Sandbox = defaultSandbox()
): void {
	sandbox.ensureAccount( input );
}

const VERSION = /^v\d+\.\d+$/;

function bearer( request: FastifyRequest ): string | null {
	const header = request.headers.authorization;
	const match =
		typeof header === 'string' ? header.match( /^Bearer\s+(.+)$/i ) : null;
	return match?.[ 1 ]?.trim() ?? null;
}

function sendMeta( reply: FastifyReply, answer: MetaErrorAnswer ) {
	if ( answer.httpStatus === 401 ) {
		reply.header(
			'www-authenticate',
			'OAuth "Facebook Platform" "invalid_token"'
		);
	}
	return reply.code( answer.httpStatus ).send( answer.body );
}

function unknownPath( path: string ): MetaErrorAnswer {
	return metaError( 400, 2500, `Unknown path components: ${ path }` );
}

function jsonObject( body: unknown ): Record< string, unknown > {
	if ( typeof body !== 'string' || body === '' ) {
		throw new SandboxError( 'The request body must be a JSON object.' );
	}
	let parsed: unknown;
	try {
		parsed = parseJson( body );
	} catch {
		throw new SandboxError( 'The request body is not valid JSON.' );
	}
	if (
		typeof parsed !== 'object' ||
		parsed === null ||
		Array.isArray( parsed )
	) {
		throw new SandboxError( 'The request body must be a JSON object.' );
	}
	return parsed as Record< string, unknown >;
}

function cutConnection( request: FastifyRequest, reply: FastifyReply ): void {
	reply.hijack();
	request.raw.socket.destroy();
}

async function latency( sandbox: Sandbox ): Promise< void > {
	const { latencyMs, latencyJitterMs } = sandbox.config;
	const ms =
		latencyMs +
		( latencyJitterMs > 0 ? Math.random() * latencyJitterMs : 0 );
	if ( ms > 0 ) {
		await sleep( ms );
	}
}

/** Whether a webhook URL given through the control API points under one of the allowed prefixes (same origin, path). */
export function webhookUrlAllowed(
	value: unknown,
	prefixes: readonly string[]
): boolean {
	if ( value === undefined || value === null ) {
		return true;
	}
	if ( typeof value !== 'string' ) {
		return false;
	}
	let url: URL;
	try {
		url = new URL( value );
	} catch {
		return false;
	}
	if ( url.username !== '' || url.password !== '' ) {
		return false;
	}
	return prefixes.some( ( prefix ) => {
		const base = new URL( prefix );
		return (
			url.origin === base.origin &&
			url.pathname.startsWith( base.pathname )
		);
	} );
}

function sameSecret( a: string, b: unknown ): boolean {
	if ( typeof b !== 'string' ) {
		return false;
	}
	// Hash both sides so the comparison is constant-time whatever the lengths.
	return timingSafeEqual(
		createHash( 'sha256' ).update( a ).digest(),
		createHash( 'sha256' ).update( b ).digest()
	);
}

function controlRoutes(
	sandbox: Sandbox,
	controlToken: string,
	options: SandboxPluginOptions
): FastifyPluginAsync {
	return async ( control: FastifyInstance ) => {
		const expected = createHash( 'sha256' ).update( controlToken ).digest();
		control.addHook( 'onRequest', async ( request, reply ) => {
			const given = createHash( 'sha256' )
				.update( bearer( request ) ?? '' )
				.digest();
			if ( ! timingSafeEqual( given, expected ) ) {
				return reply.code( 401 ).send( {
					error: {
						message: 'The sandbox control API needs its token.',
					},
				} );
			}
			const refusal = options.controlGuard
				? await options.controlGuard()
				: null;
			if ( refusal !== null ) {
				return reply
					.code( 403 )
					.send( { error: { message: refusal } } );
			}
		} );

		control.get( '/received', async ( request ) => {
			const query = request.query as {
				phone?: string;
				callbackPrefix?: string;
			};
			return typeof query.phone === 'string'
				? sandbox.received( query.phone )
				: sandbox.receivedSummary( query.callbackPrefix ?? '' );
		} );

		control.get( '/stats', async () => sandbox.stats() );

		control.get( '/config', async () => sandbox.config );

		control.post( '/config', async ( request ) =>
			sandbox.configure( jsonObject( request.body ) )
		);

		control.post( '/accounts', async ( request, reply ) => {
			const input = jsonObject(
				request.body
			) as unknown as SandboxAccountInput;
			if (
				! webhookUrlAllowed(
					input.webhookUrl,
					options.webhookUrlPrefixes ?? []
				)
			) {
				throw new SandboxError(
					"webhookUrl must be the bridge's own webhook URL (or null)."
				);
			}
			// An existing account is changed only by whoever knows its token and app secret (the bridge): the
			// control API cannot take over a tenant's emulated number or where its webhooks go.
			const existing = sandbox.accountCredentials(
				String( input.phoneNumberId ?? '' )
			);
			if (
				existing &&
				! (
					sameSecret( existing.token, input.token ) &&
					sameSecret( existing.appSecret, input.appSecret )
				)
			) {
				return reply.code( 409 ).send( {
					error: {
						message:
							'This phone number id already has an account; it cannot be replaced through the control API.',
					},
				} );
			}
			sandbox.ensureAccount( input );
			return reply.code( 204 ).send();
		} );

		control.post( '/inbound', async ( request ) =>
			sandbox.inbound(
				jsonObject( request.body ) as unknown as InboundInput
			)
		);

		control.post( '/templates', async ( request, reply ) => {
			const body = jsonObject( request.body );
			await sandbox.setTemplateStatus(
				String( body.wabaId ?? '' ),
				String( body.name ?? '' ),
				String( body.language ?? '' ),
				String( body.status ?? '' )
			);
			return reply.code( 204 ).send();
		} );

		control.post( '/reset', async ( _request, reply ) => {
			sandbox.reset();
			return reply.code( 204 ).send();
		} );
	};
}

export const sandboxPlugin: FastifyPluginAsync< SandboxPluginOptions > = async (
	app,
	options
) => {
	const sandbox = options.sandbox ?? defaultSandbox();
	const allowedHosts = ( options.allowedHosts ?? [] ).map( ( host ) =>
		host.toLowerCase()
	);

	// Only this machine's names or the configured ones: a page that rebinds its own name to the bridge is refused.
	app.addHook( 'onRequest', async ( request, reply ) => {
		if ( ! hostAllowed( request.headers.host, allowedHosts ) ) {
			return reply.code( 421 ).send( {
				error: {
					message: 'This host name is not served here.',
				},
			} );
		}
	} );
	// JSON bodies only: a web page can send text/plain across sites without asking, never application/json.
	app.addHook(
		'onRequest',
		requireJsonBodies( ( reply ) =>
			sendMeta(
				reply,
				metaError(
					415,
					100,
					'(#100) The request body must be application/json'
				)
			)
		)
	);

	// Bodies reach the handlers as text: Meta answers bad JSON with its own error shape, not Fastify's.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser(
		'*',
		{ parseAs: 'string' },
		( _request, body, done ) => done( null, body )
	);

	app.setErrorHandler( ( error, request, reply ) => {
		if ( error instanceof SandboxError || error instanceof ConfigError ) {
			const status =
				error instanceof SandboxError ? error.statusCode : 400;
			return reply
				.code( status )
				.send( { error: { message: error.message } } );
		}
		const err = error as { statusCode?: number; message: string };
		if ( err.statusCode === 413 ) {
			return sendMeta(
				reply,
				metaError(
					413,
					100,
					'(#100) Request body too large',
					err.message
				)
			);
		}
		request.log.error( { err: error }, 'sandbox request failed' );
		return sendMeta( reply, errors.serverError( 0 ) );
	} );

	if ( options.controlToken ) {
		await app.register(
			controlRoutes( sandbox, options.controlToken, options ),
			{ prefix: '/_control' }
		);
	} else {
		// No control API: not even a Graph-like "unknown path" answer that would hint at one.
		const absent = async (
			_request: FastifyRequest,
			reply: FastifyReply
		) => reply.code( 404 ).send( { error: { message: 'Not found.' } } );
		app.all( '/_control', absent );
		app.all( '/_control/*', absent );
	}

	app.post( '/:version/:id/messages', async ( request, reply ) => {
		const { version, id } = request.params as {
			version: string;
			id: string;
		};
		if ( ! VERSION.test( version ) ) {
			return sendMeta( reply, unknownPath( `/${ version }` ) );
		}
		const answer = sandbox.send(
			version,
			id,
			bearer( request ),
			String( request.body ?? '' )
		);
		if ( answer.kind === 'drop' ) {
			return cutConnection( request, reply );
		}
		if ( answer.kind === 'accepted' && answer.fault === 'drop' ) {
			return cutConnection( request, reply );
		}
		if ( answer.kind === 'accepted' && answer.fault === 'timeout' ) {
			reply.hijack();
			sandbox.hold( sandbox.config.faults.timeoutHoldMs, () =>
				request.raw.socket.destroy()
			);
			return;
		}
		await latency( sandbox );
		return answer.kind === 'error'
			? sendMeta( reply, answer.answer )
			: reply.send( answer.body );
	} );

	app.get( '/:version/:id/message_templates', async ( request, reply ) => {
		const { version, id } = request.params as {
			version: string;
			id: string;
		};
		if ( ! VERSION.test( version ) ) {
			return sendMeta( reply, unknownPath( `/${ version }` ) );
		}
		const query = request.query as {
			limit?: string;
			after?: string;
			name?: string;
			status?: string;
			language?: string;
		};
		const url = new URL(
			request.url,
			`${ request.protocol }://${ request.host }`
		);
		const result = sandbox.listTemplates(
			id,
			bearer( request ),
			Number( query.limit ?? 25 ),
			query.after ?? null,
			url,
			{ name: query.name, status: query.status, language: query.language }
		);
		await latency( sandbox );
		return 'answer' in result
			? sendMeta( reply, result.answer )
			: reply.send( result.body );
	} );

	app.get( '/:version/:id', async ( request, reply ) => {
		const { version, id } = request.params as {
			version: string;
			id: string;
		};
		if ( ! VERSION.test( version ) ) {
			return sendMeta( reply, unknownPath( `/${ version }` ) );
		}
		const query = request.query as { fields?: string };
		const result = sandbox.phoneNumber(
			id,
			bearer( request ),
			query.fields ?? null
		);
		await latency( sandbox );
		return 'answer' in result
			? sendMeta( reply, result.answer )
			: reply.send( result.body );
	} );
};
