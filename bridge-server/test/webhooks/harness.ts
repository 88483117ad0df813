/**
 * External dependencies
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Internal dependencies
 */
import { ManualClock } from '../../src/clock';
import { SecretBox } from '../../src/crypto/secret-box';
import { errorSchema } from '../../src/http/errors';
import { migrate, openStorage, type Storage } from '../../src/storage/database';
import type { DialectName } from '../../src/storage/dialect';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../../src/webhooks/schema';
import {
	webhooksPlugin,
	type WebhooksPluginOptions,
} from '../../src/webhooks/index';
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrationProvider } from '../../src/storage/migrations/index';

/** The dialects to run a suite on: SQLite always, PostgreSQL when RONDINE_TEST_PG_URL points at a server. */
export function dialects(): DialectName[] {
	return process.env.RONDINE_TEST_PG_URL
		? [ 'sqlite', 'postgres' ]
		: [ 'sqlite' ];
}

export interface TestDatabase {
	storage: Storage;
	db: Kysely< WebhooksDatabase >;
	drop: () => Promise< void >;
}

/** Migrations up to and including `name` only (a database as an older bridge left it). */
export async function migrateTo(
	db: Kysely< any >,
	name: string
): Promise< void > {
	const { error } = await new Migrator( {
		db,
		provider: migrationProvider,
	} ).migrateTo( name );
	if ( error ) {
		throw error;
	}
}

/**
 * A fresh, migrated database: in-memory SQLite, or a new PostgreSQL database dropped afterwards; with `upTo`, migrated
 * only up to that migration.
 */
export async function openTestDatabase(
	dialect: DialectName,
	upTo?: string
): Promise< TestDatabase > {
	const up = ( db: Kysely< any > ) =>
		upTo ? migrateTo( db, upTo ) : migrate( db );
	if ( dialect === 'sqlite' ) {
		const storage = openStorage( {} );
		await up( storage.db );
		return {
			storage,
			db: withWebhookTables( storage.db ),
			drop: () => storage.close(),
		};
	}
	const adminUrl = process.env.RONDINE_TEST_PG_URL as string;
	const name = `rondine_webhooks_${ randomBytes( 6 ).toString( 'hex' ) }`;
	const admin = new pg.Client( { connectionString: adminUrl } );
	await admin.connect();
	await admin.query( `CREATE DATABASE ${ name }` );
	await admin.end();
	const url = new URL( adminUrl );
	url.pathname = `/${ name }`;
	const storage = openStorage( { databaseUrl: url.toString(), poolSize: 5 } );
	await up( storage.db );
	return {
		storage,
		db: withWebhookTables( storage.db ),
		drop: async () => {
			await storage.close();
			const cleanup = new pg.Client( { connectionString: adminUrl } );
			await cleanup.connect();
			await cleanup.query(
				`DROP DATABASE IF EXISTS ${ name } WITH (FORCE)`
			);
			await cleanup.end();
		},
	};
}

export const KEY = randomBytes( 32 );
export const box = new SecretBox( KEY );

export interface SeededTenant {
	id: string;
	appSecret: string;
	verifyToken: string;
	phoneNumberId: string;
	wabaId: string;
}

export async function seedTenant(
	db: Kysely< WebhooksDatabase >,
	overrides: Partial< SeededTenant > & { id: string }
): Promise< SeededTenant > {
	const tenant: SeededTenant = {
		appSecret: `secret-${ overrides.id }`,
		verifyToken: `verify-${ overrides.id }`,
		phoneNumberId: `pn-${ overrides.id }`,
		wabaId: `waba-${ overrides.id }`,
		...overrides,
	};
	await db
		.insertInto( 'tenants' )
		.values( {
			id: tenant.id,
			name: `Shop ${ tenant.id }`,
			secret: box.seal( randomBytes( 32 ) ),
			site_rest_url: null,
			default_country: 'US',
			timezone: 'UTC',
			phone_number_id: tenant.phoneNumberId,
			waba_id: tenant.wabaId,
			access_token: box.seal( 'token' ),
			app_secret: box.seal( tenant.appSecret ),
			verify_token: tenant.verifyToken,
			display_phone_number: '15550783881',
			throughput_mps: 80,
			messaging_limit_tier: 'TIER_250',
			quality: 'GREEN',
			halted_reason: null,
			created_at: 0,
			updated_at: 0,
		} )
		.execute();
	return tenant;
}

export async function seedCampaign(
	db: Kysely< WebhooksDatabase >,
	tenantId: string,
	id: string,
	template = { name: 'order_confirmation', language: 'en_US' }
): Promise< void > {
	await db
		.insertInto( 'campaigns' )
		.values( {
			tenant_id: tenantId,
			id,
			name: `Campaign ${ id }`,
			audience: '{}',
			template_name: template.name,
			template_language: template.language,
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
		.values( { tenant_id: tenantId, campaign_id: id } )
		.execute();
}

/**
 * Recipients (runs, ended) whose one message WhatsApp already accepted (state completed, wamid stored), as the
 * dispatcher leaves them. Returns the run ids.
 */
export async function seedSentRecipients(
	db: Kysely< WebhooksDatabase >,
	tenantId: string,
	campaignId: string,
	rows: Array< { phone: string; wamid: string } >
): Promise< number[] > {
	const ids: number[] = [];
	for ( let i = 0; i < rows.length; i += 500 ) {
		const part = rows.slice( i, i + 500 );
		const inserted = await db
			.insertInto( 'recipients' )
			.values(
				part.map( ( row ) => ( {
					tenant_id: tenantId,
					campaign_id: campaignId,
					contact_id: null,
					phone: row.phone,
					variables: '{}',
					state: 'ended' as const,
					updated_at: 1,
				} ) )
			)
			.returning( 'id' )
			.execute();
		const runIds = inserted.map( ( r ) => Number( r.id ) );
		// Each run's one message (step 0), accepted by WhatsApp.
		await db
			.insertInto( 'messages' )
			.values(
				part.map( ( row, j ) => ( {
					tenant_id: tenantId,
					campaign_id: campaignId,
					run_id: runIds[ j ] as number,
					step: 0,
					phone: row.phone,
					body: '{}',
					state: 'completed' as const,
					attempts: 1,
					next_attempt_at: 0,
					wamid: row.wamid,
					message_status: 'accepted' as const,
					sent_at: 1,
					updated_at: 1,
				} ) )
			)
			.execute();
		ids.push( ...runIds );
	}
	await db
		.updateTable( 'campaign_counters' )
		.set( ( eb ) => ( {
			total: eb( 'total', '+', rows.length ),
			completed: eb( 'completed', '+', rows.length ),
		} ) )
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.execute();
	return ids;
}

export async function buildWebhookApp(
	storage: Storage,
	clock: ManualClock,
	options: Partial< WebhooksPluginOptions > = {}
): Promise< FastifyInstance > {
	const app = Fastify( { logger: false } );
	app.addSchema( errorSchema );
	await app.register( webhooksPlugin, {
		storage,
		box,
		clock,
		reportOptOuts: false,
		...options,
	} );
	await app.ready();
	return app;
}

export function signedPost(
	app: FastifyInstance,
	body: string | Buffer,
	secret: string,
	url = '/v1/webhooks/whatsapp'
) {
	return app.inject( {
		method: 'POST',
		url,
		headers: {
			'content-type': 'application/json',
			'x-hub-signature-256': signWebhook( secret, body ),
		},
		payload: body,
	} );
}

export async function countRows(
	db: Kysely< WebhooksDatabase >,
	table: 'webhook_events' | 'inbound_messages' | 'opt_out_outbox' | 'opt_outs'
) {
	const row = await db
		.selectFrom( table )
		.select( ( eb ) => eb.fn.countAll< number >().as( 'n' ) )
		.executeTakeFirstOrThrow();
	return Number( row.n );
}

/**
 * A `messages` webhook as Meta posts it: one entry, one change, the given value fields beside the metadata naming the
 * business number.
 * @param phoneNumberId The business number's id (the tenant is found by it).
 * @param value         `statuses`, `messages`, `contacts`...
 * @param wabaId        The entry id.
 */
export function messagesPayload(
	phoneNumberId: string,
	value: Record< string, unknown >,
	wabaId = 'waba'
): string {
	return JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '15550783881',
								phone_number_id: phoneNumberId,
							},
							...value,
						},
					},
				],
			},
		],
	} );
}

export function statusPayload(
	phoneNumberId: string,
	statuses: Array< Record< string, unknown > >
): string {
	return messagesPayload( phoneNumberId, { statuses } );
}

export { ManualClock };
