/**
 * The WhatsApp Cloud API emulator ("sandbox") as a Fastify plugin: Meta's routes for sending, templates and the phone
 * number, plus a control API (`/_control/...`) for tests, benchmarks and the sandbox mode of the bridge.
 *
 * The bridge serves it under `/sandbox` for tenants without Meta credentials; `main.ts` runs it as its own process.
 */

/**
 * External dependencies
 */
import { timingSafeEqual } from 'node:crypto';
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
	 * When set, every `/_control` route needs `Authorization: Bearer <controlToken>`. The control API shows which
	 * phones received what, so a bridge reachable from outside must set it.
	 */
	controlToken?: string;
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
		parsed = JSON.parse( body );
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

function controlRoutes(
	sandbox: Sandbox,
	controlToken: string | undefined
): FastifyPluginAsync {
	return async ( control: FastifyInstance ) => {
		if ( controlToken ) {
			const expected = Buffer.from( controlToken );
			control.addHook( 'onRequest', async ( request, reply ) => {
				const given = Buffer.from( bearer( request ) ?? '' );
				if (
					given.length !== expected.length ||
					! timingSafeEqual( given, expected )
				) {
					return reply.code( 401 ).send( {
						error: {
							message: 'The sandbox control API needs its token.',
						},
					} );
				}
			} );
		}

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
			sandbox.ensureAccount(
				jsonObject( request.body ) as unknown as SandboxAccountInput
			);
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

	await app.register( controlRoutes( sandbox, options.controlToken ), {
		prefix: '/_control',
	} );

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
