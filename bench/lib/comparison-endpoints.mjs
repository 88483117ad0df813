/**
 * Preloaded into the real bridge process by bench/webhooks-dispatch.mjs (`node --import <this file> dist/main.js`), so
 * that the two comparison endpoints of issue 4 run in the same process, on the same storage and event loop, under the
 * same dispatch as the real endpoint, without any benchmark switch in the product:
 *
 *   POST /bench/naive/webhooks/whatsapp  signature check, JSON parse, then the bridge's own applyDeliveries in ONE
 *                                        transaction per request (what the endpoint would be without group commit);
 *   POST /bench/hmac/webhooks/whatsapp   signature check and JSON parse only (the HTTP + HMAC ceiling).
 *
 * How it gets in: Fastify publishes every new instance on the `fastify.initialization` diagnostics channel (meant for
 * APM tools); this file subscribes, registers the two routes on the bridge's app, and takes the bridge's storage and
 * sandbox app secrets from the options the app registers the real webhooks plugin with (an `onRegister` hook), so the
 * naive endpoint shares the bridge's one SQLite connection (or its PostgreSQL pool) exactly as the real endpoint does.
 *
 * Environment: BENCH_TENANT_ID (the tenant the load signs for).
 */

/**
 * External dependencies
 */
import { subscribe } from 'node:diagnostics_channel';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist =
	process.env.RONDINE_BENCH_DIST ??
	join(
		dirname( fileURLToPath( import.meta.url ) ),
		'..',
		'..',
		'bridge-server',
		'dist'
	);
const { applyDeliveries, DEFAULT_OPT_OUT_PAYLOADS } = await import(
	join( dist, 'webhooks', 'apply.js' )
);
const { verifyWebhookSignature } = await import(
	join( dist, 'whatsapp', 'webhook-signature.js' )
);
const { parseWebhook } = await import(
	join( dist, 'whatsapp', 'webhook-types.js' )
);
const { withWebhookTables } = await import(
	join( dist, 'webhooks', 'schema.js' )
);

const tenantId = process.env.BENCH_TENANT_ID ?? '';
let attached = false;

subscribe( 'fastify.initialization', ( /** @type {any} */ { fastify } ) => {
	if ( attached ) {
		return;
	}
	attached = true;
	/** The options the bridge registers its webhooks plugin with: storage, box, clock, sandboxAppSecret. */
	let deps = null;
	fastify.addHook( 'onRegister', ( _instance, options ) => {
		if (
			! deps &&
			options?.storage?.db &&
			typeof options.sandboxAppSecret === 'function'
		) {
			deps = options;
		}
	} );
	fastify.register( async ( scope ) => {
		let secret = null;
		let db = null;
		scope.removeAllContentTypeParsers();
		scope.addContentTypeParser(
			'*',
			{ parseAs: 'buffer', bodyLimit: 3 * 1024 * 1024 },
			( _request, body, done ) => done( null, body )
		);
		function check( request, reply ) {
			secret ??= deps.sandboxAppSecret( tenantId );
			const raw = request.body;
			if (
				! verifyWebhookSignature(
					secret,
					raw,
					request.headers[ 'x-hub-signature-256' ]
				)
			) {
				reply.status( 401 ).send( {
					error: { code: 'bad_signature', message: 'no' },
				} );
				return null;
			}
			return {
				raw,
				parsed: parseWebhook( JSON.parse( raw.toString( 'utf8' ) ) ),
			};
		}
		scope.post(
			'/bench/hmac/webhooks/whatsapp',
			{ schema: { hide: true } },
			async ( request, reply ) => {
				if ( check( request, reply ) ) {
					reply.status( 200 ).send( { received: true } );
				}
				return reply;
			}
		);
		scope.post(
			'/bench/naive/webhooks/whatsapp',
			{ schema: { hide: true } },
			async ( request, reply ) => {
				const checked = check( request, reply );
				if ( ! checked ) {
					return reply;
				}
				db ??= withWebhookTables( deps.storage.db );
				const delivery = {
					tenantIds: [ tenantId ],
					body: checked.raw.toString( 'utf8' ),
					events: checked.parsed.events.map( ( event ) => ( {
						tenantId,
						event,
					} ) ),
					receivedAt: Date.now(),
				};
				await db.transaction().execute( ( trx ) =>
					applyDeliveries( trx, [ delivery ], {
						defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
					} )
				);
				return reply.status( 200 ).send( { received: true } );
			}
		);
	} );
} );
