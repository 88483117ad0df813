/**
 * External dependencies
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Internal dependencies
 */
import { RequestAuthenticator } from './http/auth.js';
import { contractSchemas } from './http/contract.js';
import {
	FailureLimiter,
	isJsonContentType,
	notAnAuthFailure,
	requireJsonBodies,
} from './http/edge.js';
import { parseJson } from './net/json.js';
import { DEFAULT_EDGE, type AppDeps } from './http/deps.js';
import { ApiError, errorSchema, httpErrorOf } from './http/errors.js';
import { apiRoutes } from './http/routes.js';
import type { Tenant } from './storage/schema.js';

export const API_BODY_LIMIT = 1024 * 1024;

declare module 'fastify' {
	interface FastifyRequest {
		/** The signed caller (set by the /v1 auth hook). */
		tenant: Tenant;
		/** The exact bytes received, for signatures. */
		rawBody: Buffer;
	}
}

function toErrorBody( code: string, message: string ) {
	return { error: { code, message } };
}

export {
	DEFAULT_EDGE,
	type AppDeps,
	type AppEdgeOptions,
} from './http/deps.js';

export async function buildApp( deps: AppDeps ): Promise< FastifyInstance > {
	const edge = { ...DEFAULT_EDGE, ...deps.edge };
	const app = Fastify( {
		logger: deps.logger ?? false,
		bodyLimit: API_BODY_LIMIT,
		// A slow body or a silent socket cannot hold a connection for long (docs/SECURITY.md, availability).
		requestTimeout: edge.requestTimeoutMs,
		connectionTimeout: edge.connectionTimeoutMs,
		keepAliveTimeout: edge.keepAliveTimeoutMs,
		http: {
			headersTimeout: Math.min( edge.requestTimeoutMs, 30_000 ),
			connectionsCheckingInterval: Math.max(
				50,
				Math.min( 1_000, Math.floor( edge.requestTimeoutMs / 4 ) )
			),
		},
		onProtoPoisoning: 'error',
		onConstructorPoisoning: 'error',
		...( typeof edge.trustProxy === 'number'
			? {
					trustProxy: ( _address: string, hop: number ) =>
						hop < ( edge.trustProxy as number ),
				}
			: {} ),
		...( Array.isArray( edge.trustProxy )
			? { trustProxy: edge.trustProxy }
			: {} ),
		ajv: {
			customOptions: {
				removeAdditional: false,
				coerceTypes: 'array',
				useDefaults: true,
			},
		},
	} );

	app.addSchema( errorSchema );
	for ( const schema of contractSchemas ) {
		app.addSchema( schema );
	}

	new FailureLimiter( {
		limit: edge.authFailureLimit,
		windowMs: edge.authFailureWindowMs,
	} ).install( app );
	// No route reads a body that is not JSON: a cross-site form or text/plain POST stops here (415).
	app.addHook( 'onRequest', requireJsonBodies() );

	app.setErrorHandler( ( error, request, reply ) => {
		const known = httpErrorOf( error );
		if ( known ) {
			if ( known.code === 'replayed_request' ) {
				notAnAuthFailure( request );
			}
			return reply
				.status( known.statusCode )
				.send( toErrorBody( known.code, known.message ) );
		}
		const err = error as {
			validation?: unknown;
			statusCode?: number;
			code?: string;
			message: string;
		};
		if ( err.validation ) {
			return reply
				.status( 400 )
				.send( toErrorBody( 'invalid_request', err.message ) );
		}
		if ( err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ) {
			return reply
				.status( 413 )
				.send(
					toErrorBody(
						'body_too_large',
						`The request body is larger than ${ API_BODY_LIMIT } bytes.`
					)
				);
		}
		if ( err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ) {
			return reply
				.status( err.statusCode )
				.send( toErrorBody( 'bad_request', err.message ) );
		}
		request.log.error( { err: error }, 'request failed' );
		return reply
			.status( 500 )
			.send(
				toErrorBody(
					'internal_error',
					'The bridge could not complete this request.'
				)
			);
	} );

	app.setNotFoundHandler( ( request, reply ) => {
		reply
			.status( 404 )
			.send(
				toErrorBody(
					'not_found',
					`No route ${ request.method } ${ request.url.split( '?' )[ 0 ] }.`
				)
			);
	} );

	await app.register( swagger, {
		openapi: {
			info: {
				title: 'Rondine bridge API',
				version: '1',
				description:
					'Signed API between a Rondine site and its bridge. Every /v1 route (except openapi.json) needs ' +
					'X-Rondine-Site, X-Rondine-Timestamp and X-Rondine-Signature (see docs/ARCHITECTURE.md).',
			},
			components: {
				securitySchemes: {
					rondineSignature: {
						type: 'apiKey',
						in: 'header',
						name: 'X-Rondine-Signature',
					},
				},
			},
		},
		// The emulator speaks Meta's API, not ours: keep it out of the bridge's OpenAPI document.
		transform: ( { schema, url } ) => ( {
			schema: ( url.startsWith( '/sandbox' )
				? { ...schema, hide: true }
				: schema ) as typeof schema,
			url,
		} ),
		refResolver: {
			buildLocalReference: ( json, _baseUri, _fragment, i ) =>
				String( json.$id ?? `def-${ i }` ),
		},
	} );

	app.get(
		'/healthz',
		{
			schema: {
				hide: true,
				response: {
					200: {
						type: 'object',
						properties: { ok: { type: 'boolean' } },
					},
				},
			},
		},
		async () => ( { ok: true } )
	);

	app.get( '/v1/openapi.json', { schema: { hide: true } }, async () =>
		app.swagger()
	);

	const authenticator = new RequestAuthenticator(
		deps.storage.db,
		deps.box,
		deps.clock
	);
	await app.register(
		async ( api ) => {
			// Keep the raw bytes: the signature covers them. JSON is parsed after the signature is checked.
			api.removeAllContentTypeParsers();
			api.addContentTypeParser(
				'*',
				{ parseAs: 'buffer', bodyLimit: API_BODY_LIMIT },
				( _request, body, done ) => done( null, body )
			);
			api.addHook( 'preValidation', async ( request ) => {
				const raw = Buffer.isBuffer( request.body )
					? request.body
					: Buffer.alloc( 0 );
				request.rawBody = raw;
				if (
					raw.length > 0 &&
					! isJsonContentType( request.headers[ 'content-type' ] )
				) {
					throw new ApiError(
						415,
						'unsupported_media_type',
						'Send the body as application/json.'
					);
				}
				request.tenant = await authenticator.authenticate(
					request,
					raw
				);
				if ( raw.length === 0 ) {
					request.body = undefined;
					return;
				}
				try {
					request.body = parseJson( raw.toString( 'utf8' ) );
				} catch {
					throw new ApiError(
						400,
						'malformed_json',
						'The request body is not valid JSON.'
					);
				}
			} );
			await api.register( apiRoutes, { deps } );
		},
		{ prefix: '/v1' }
	);

	if ( deps.sandboxPlugin ) {
		await app.register( deps.sandboxPlugin, {
			prefix: '/sandbox',
			...( deps.sandboxOptions ?? {} ),
		} );
	}
	// Registration point for src/webhooks (`webhooksPlugin` serves /v1/webhooks/whatsapp itself, unsigned by us:
	// Meta signs it with the app secret).
	if ( deps.webhooksPlugin ) {
		await app.register( deps.webhooksPlugin, {
			storage: deps.storage,
			box: deps.box,
			clock: deps.clock,
			sandboxAppSecret: ( tenantId: string ) =>
				deps.accounts.sandboxAppSecret( tenantId ),
			sitePolicy: edge.site,
			...( deps.webhooksOptions ?? {} ),
		} );
	}

	return app;
}
