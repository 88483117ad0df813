/**
 * The bridge side of bench/webhooks.mjs: one process serving the webhook endpoint on a fresh database while a campaign
 * dispatches at a steady rate on the same database. Configured by environment:
 *
 *   BENCH_MODE       group (the real endpoint) | naive (one transaction per request) | hmac (signature check only)
 *   BENCH_DATABASE   sqlite | postgres
 *   BENCH_PG_URL     postgres://... (a server on which a scratch database may be created and dropped)
 *   BENCH_DIR        folder for the SQLite file
 *   BENCH_SYNC       SQLite synchronous pragma (NORMAL, the bridge default, or FULL)
 *   BENCH_RECIPIENTS recipients with a wamid that the load generator's statuses are about
 *   BENCH_DISPATCH   messages per second the stand-in dispatcher sends (0 = none)
 *
 * Prints `READY <json>` once listening; GET /bench/stats answers what happened; SIGTERM stops and cleans up.
 */

/**
 * External dependencies
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Internal dependencies
 */
import { SecretBox } from '../bridge-server/src/crypto/secret-box';
import { errorSchema } from '../bridge-server/src/http/errors';
import {
	migrate,
	openStorage,
	type Storage,
} from '../bridge-server/src/storage/database';
import {
	applyDeliveries,
	type WebhookDelivery,
} from '../bridge-server/src/webhooks/apply';
import { DEFAULT_OPT_OUT_PAYLOADS } from '../bridge-server/src/webhooks/consent';
import {
	webhooksPlugin,
	WEBHOOK_BODY_LIMIT,
} from '../bridge-server/src/webhooks/index';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../bridge-server/src/webhooks/schema';
import { verifyWebhookSignature } from '../bridge-server/src/whatsapp/webhook-signature';
import { parseWebhook } from '../bridge-server/src/whatsapp/webhook-types';

const env = process.env;
const MODE = env.BENCH_MODE ?? 'group';
const DIALECT = env.BENCH_DATABASE ?? 'sqlite';
const RECIPIENTS = Number( env.BENCH_RECIPIENTS ?? 200_000 );
const DISPATCH_MPS = Number( env.BENCH_DISPATCH ?? 1000 );
const TENANT = '00000000-0000-4000-8000-000000000001';
const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'bench-app-secret';

const systemClock = { now: () => Date.now() };

async function openDatabase(): Promise< {
	storage: Storage;
	cleanup: () => Promise< void >;
} > {
	if ( DIALECT === 'postgres' ) {
		const adminUrl = env.BENCH_PG_URL as string;
		const name = `rondine_bench_${ randomBytes( 4 ).toString( 'hex' ) }`;
		const admin = new pg.Client( { connectionString: adminUrl } );
		await admin.connect();
		await admin.query( `CREATE DATABASE ${ name }` );
		await admin.end();
		const url = new URL( adminUrl );
		url.pathname = `/${ name }`;
		const storage = openStorage( {
			databaseUrl: url.toString(),
			poolSize: 10,
		} );
		return {
			storage,
			cleanup: async () => {
				await storage.close();
				const c = new pg.Client( { connectionString: adminUrl } );
				await c.connect();
				await c.query(
					`DROP DATABASE IF EXISTS ${ name } WITH (FORCE)`
				);
				await c.end();
			},
		};
	}
	const dir = join( env.BENCH_DIR ?? '/tmp', `webhooks-${ process.pid }` );
	mkdirSync( dir, { recursive: true } );
	const storage = openStorage( { sqliteFile: join( dir, 'bridge.sqlite' ) } );
	await sql
		.raw(
			`PRAGMA synchronous = ${ env.BENCH_SYNC === 'FULL' ? 'FULL' : 'NORMAL' }`
		)
		.execute( storage.db );
	return {
		storage,
		cleanup: async () => {
			await storage.close();
			rmSync( dir, { recursive: true, force: true } );
		},
	};
}

async function seed(
	db: Kysely< WebhooksDatabase >,
	box: SecretBox
): Promise< void > {
	await db
		.insertInto( 'tenants' )
		.values( {
			id: TENANT,
			name: 'Bench shop',
			secret: box.seal( randomBytes( 32 ) ),
			site_rest_url: null,
			default_country: 'IT',
			timezone: 'Europe/Rome',
			phone_number_id: PHONE_NUMBER_ID,
			waba_id: '102290129340398',
			access_token: box.seal( 'token' ),
			app_secret: box.seal( APP_SECRET ),
			verify_token: 'bench',
			display_phone_number: '15550783881',
			throughput_mps: 1000,
			messaging_limit_tier: 'TIER_UNLIMITED',
			quality: 'GREEN',
			halted_reason: null,
			created_at: 0,
			updated_at: 0,
		} )
		.execute();
	for ( const id of [ 'hooks', 'dispatch' ] ) {
		await db
			.insertInto( 'campaigns' )
			.values( {
				tenant_id: TENANT,
				id,
				name: id,
				audience: '{}',
				template_name: 'promo',
				template_language: 'it',
				template_components: '[]',
				start_at: 0,
				options: '{}',
				state: 'running',
				state_reason: null,
				state_message: null,
				audience_done: 1,
				audience_cursor: null,
				snapshot_attempts: 0,
				next_snapshot_at: null,
				source_campaign_id: null,
				created_at: 0,
				updated_at: 0,
				started_at: 0,
				finished_at: null,
			} )
			.execute();
		await db
			.insertInto( 'campaign_counters' )
			.values( { tenant_id: TENANT, campaign_id: id } )
			.execute();
	}
	// Runs whose message was already sent (the statuses are about them), then runs whose message is still to send (the
	// dispatch load): a run (recipients) and its step-0 message (messages), as the snapshot writes them.
	const pending = DISPATCH_MPS * 120;
	const batch = 500;
	for ( let start = 0; start < RECIPIENTS + pending; start += batch ) {
		const runs = [];
		for (
			let i = start;
			i < Math.min( start + batch, RECIPIENTS + pending );
			i++
		) {
			const sent = i < RECIPIENTS;
			runs.push( {
				tenant_id: TENANT,
				campaign_id: sent ? 'hooks' : 'dispatch',
				contact_id: null,
				phone: `+39333${ String( i ).padStart( 7, '0' ) }`,
				variables: '{"first_name":"Anna"}',
				state: sent ? ( 'ended' as const ) : ( 'active' as const ),
				interacted_at: null,
				interaction_payload: null,
				updated_at: 0,
			} );
		}
		const ids = await db
			.insertInto( 'recipients' )
			.values( runs )
			.returning( 'id' )
			.execute();
		await db
			.insertInto( 'messages' )
			.values(
				runs.map( ( run, n ) => {
					const sent = run.campaign_id === 'hooks';
					const i = start + n;
					return {
						tenant_id: TENANT,
						campaign_id: run.campaign_id,
						run_id: Number( ids[ n ]!.id ),
						step: 0,
						phone: run.phone,
						body: run.variables,
						state: sent
							? ( 'completed' as const )
							: ( 'pending' as const ),
						attempts: sent ? 1 : 0,
						next_attempt_at: 0,
						claimed_by: null,
						claimed_at: null,
						sent_at: sent ? 1 : null,
						wamid: sent ? `wamid.bench.${ i }` : null,
						message_status: sent ? ( 'accepted' as const ) : null,
						status_sent_at: null,
						delivered_at: null,
						read_at: null,
						failed_at: null,
						error_code: null,
						error_reason: null,
						error_message: null,
						retryable: null,
						retry_not_before: null,
						updated_at: 0,
					};
				} )
			)
			.execute();
	}
	await db
		.updateTable( 'campaign_counters' )
		.set( { total: RECIPIENTS, completed: RECIPIENTS } )
		.where( 'campaign_id', '=', 'hooks' )
		.execute();
	await db
		.updateTable( 'campaign_counters' )
		.set( { total: pending, to_start: pending } )
		.where( 'campaign_id', '=', 'dispatch' )
		.execute();
}

/**
 * A stand-in for the dispatcher's database work at a fixed rate: every 10 ms it claims the messages due (one
 * transaction marking them `sending`, as the engine commits before any request) and settles them (a second transaction
 * storing the wamid, `completed`, the run ended and the counters), the two commits the engine makes per claimed group.
 * @param db
 */
function startDispatch( db: Kysely< WebhooksDatabase > ) {
	const stats = { sent: 0, startedAt: 0, stoppedAt: 0 };
	if ( DISPATCH_MPS <= 0 ) {
		return { stats, stop: () => {} };
	}
	let stopped = false;
	let busy = false;
	let lastId = RECIPIENTS;
	stats.startedAt = performance.now();
	const timer = setInterval( async () => {
		if ( busy || stopped ) {
			return;
		}
		busy = true;
		try {
			const due =
				Math.floor(
					( ( performance.now() - stats.startedAt ) / 1000 ) *
						DISPATCH_MPS
				) - stats.sent;
			if ( due > 0 ) {
				const claimed = await db
					.transaction()
					.execute( async ( trx ) => {
						const ids = (
							await trx
								.selectFrom( 'messages' )
								.select( 'id' )
								// The dispatch campaign's messages are one id range after the webhook targets: walk it by primary key only.
								.where( 'id', '>', lastId )
								.where( 'id', '<=', lastId + due )
								.orderBy( 'id' )
								.limit( due )
								.execute()
						).map( ( r ) => Number( r.id ) );
						if ( ids.length > 0 ) {
							lastId = ids[ ids.length - 1 ] as number;
							await trx
								.updateTable( 'messages' )
								.set( {
									state: 'sending',
									claimed_by: 'bench',
									claimed_at: Date.now(),
								} )
								.where( 'id', 'in', ids )
								.execute();
							await trx
								.updateTable( 'campaign_counters' )
								.set( ( eb ) => ( {
									to_start: eb( 'to_start', '-', ids.length ),
									in_progress: eb(
										'in_progress',
										'+',
										ids.length
									),
								} ) )
								.where( 'campaign_id', '=', 'dispatch' )
								.execute();
						}
						return ids;
					} );
				if ( claimed.length > 0 ) {
					await db.transaction().execute( async ( trx ) => {
						const values = sql.join(
							claimed.map(
								( id ) =>
									sql`(CAST(${ id } AS BIGINT), CAST(${ `wamid.dispatch.${ id }` } AS TEXT))`
							)
						);
						await sql`WITH v (id, wamid) AS (VALUES ${ values })
							UPDATE messages SET state = 'completed', wamid = v.wamid,
								message_status = coalesce(messages.message_status, 'accepted'),
								claimed_by = NULL, sent_at = ${ Date.now() }, updated_at = ${ Date.now() }
							FROM v WHERE messages.id = v.id`.execute( trx );
						// The engine ends a run in the same transaction as its last message's outcome.
						await trx
							.updateTable( 'recipients' )
							.set( { state: 'ended' } )
							.where( ( eb ) =>
								eb(
									'id',
									'in',
									eb
										.selectFrom( 'messages' )
										.select( 'run_id' )
										.where( 'id', 'in', claimed )
								)
							)
							.execute();
						await trx
							.updateTable( 'campaign_counters' )
							.set( ( eb ) => ( {
								in_progress: eb(
									'in_progress',
									'-',
									claimed.length
								),
								completed: eb(
									'completed',
									'+',
									claimed.length
								),
							} ) )
							.where( 'campaign_id', '=', 'dispatch' )
							.execute();
					} );
					stats.sent += claimed.length;
				}
			}
		} catch ( error ) {
			// Stopping closes the database under a tick in flight; anything else is a real failure.
			if ( ! stopped ) {
				throw error;
			}
		} finally {
			busy = false;
		}
	}, 10 );
	return {
		stats,
		stop: () => {
			stopped = true;
			stats.stoppedAt = performance.now();
			clearInterval( timer );
		},
	};
}

async function main(): Promise< void > {
	const box = new SecretBox( randomBytes( 32 ) );
	const { storage, cleanup } = await openDatabase();
	await migrate( storage.db );
	const db = withWebhookTables( storage.db );
	await seed( db, box );

	const app = Fastify( {
		logger: false,
		keepAliveTimeout: 60_000,
		bodyLimit: WEBHOOK_BODY_LIMIT,
	} );
	app.addSchema( errorSchema );
	let served = 0;
	let cpuStart = process.cpuUsage();
	app.addHook( 'onResponse', async ( request ) => {
		if ( request.url.startsWith( '/v1/webhooks/' ) ) {
			served++;
		}
	} );
	if ( MODE === 'group' ) {
		await app.register( webhooksPlugin, {
			storage,
			box,
			clock: systemClock,
			reportOptOuts: false,
			...( env.BENCH_MAX_EVENTS
				? { maxEvents: Number( env.BENCH_MAX_EVENTS ) }
				: {} ),
		} );
	} else {
		// The two comparison endpoints: same raw-body parsing, signature check and JSON parsing as the real one.
		await app.register( async ( scope ) => {
			scope.removeAllContentTypeParsers();
			scope.addContentTypeParser(
				'*',
				{ parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
				( _r, body, done ) => done( null, body )
			);
			scope.post(
				'/v1/webhooks/whatsapp',
				async ( request: FastifyRequest, reply: FastifyReply ) => {
					const raw = request.body as Buffer;
					if (
						! verifyWebhookSignature(
							APP_SECRET,
							raw,
							request.headers[ 'x-hub-signature-256' ]
						)
					) {
						return reply.status( 401 ).send( {
							error: { code: 'bad_signature', message: 'no' },
						} );
					}
					const parsed = parseWebhook(
						JSON.parse( raw.toString( 'utf8' ) )
					);
					if ( MODE === 'naive' ) {
						const delivery: WebhookDelivery = {
							tenantIds: [ TENANT ],
							body: raw.toString( 'utf8' ),
							events: parsed.events.map( ( event ) => ( {
								tenantId: TENANT,
								event,
							} ) ),
							receivedAt: Date.now(),
						};
						await db.transaction().execute( ( trx ) =>
							applyDeliveries( trx, [ delivery ], {
								defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
							} )
						);
					}
					return reply.status( 200 ).send( { received: true } );
				}
			);
		} );
	}
	let dispatch = {
		stats: { sent: 0, startedAt: 0, stoppedAt: 0 },
		stop: () => {},
	};
	app.post( '/bench/start', async () => {
		cpuStart = process.cpuUsage();
		served = 0;
		dispatch = startDispatch( db );
		return { ok: true };
	} );
	app.get( '/bench/stats', async () => {
		dispatch.stop();
		const counters = await db
			.selectFrom( 'campaign_counters' )
			.selectAll()
			.where( 'campaign_id', '=', 'hooks' )
			.executeTakeFirstOrThrow();
		const events = await db
			.selectFrom( 'webhook_events' )
			.select( ( eb ) => eb.fn.countAll< number >().as( 'n' ) )
			.executeTakeFirstOrThrow();
		const seconds =
			( dispatch.stats.stoppedAt - dispatch.stats.startedAt ) / 1000;
		const cpu = process.cpuUsage( cpuStart );
		return {
			dispatchMps: seconds > 0 ? dispatch.stats.sent / seconds : 0,
			dispatched: dispatch.stats.sent,
			counters,
			storedEvents: Number( events.n ),
			cpuSeconds: ( cpu.user + cpu.system ) / 1e6,
			// Webhook requests answered since /bench/start (warm-up included), for CPU per request.
			served,
			rssMb: process.memoryUsage().rss / 1024 / 1024,
		};
	} );
	const address = await app.listen( { host: '127.0.0.1', port: 0 } );
	process.stdout.write(
		`READY ${ JSON.stringify( { url: address, appSecret: APP_SECRET, phoneNumberId: PHONE_NUMBER_ID, recipients: RECIPIENTS } ) }\n`
	);
	const stop = async () => {
		// Dropping the scratch database ends the pool's idle connections (57P01): expected while stopping.
		process.on(
			'uncaughtException',
			( error: Error & { code?: string } ) => {
				if ( error.code !== '57P01' ) {
					throw error;
				}
			}
		);
		dispatch.stop();
		await app.close();
		await cleanup();
		process.exit( 0 );
	};
	process.once( 'SIGTERM', stop );
	process.once( 'SIGINT', stop );
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`webhooks-server: ${ error instanceof Error ? error.stack : String( error ) }\n`
	);
	process.exit( 1 );
} );
