/**
 * The tenants store: the only module that reads or writes the `tenants` table (issue 15, item 3; checked by
 * test/structure/writers.test.ts). Every function takes the database or a transaction (the dispatcher's halt and the
 * webhooks' writes run inside theirs).
 */

/**
 * External dependencies
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { SecretBox } from '../crypto/secret-box.js';
import type { Database, Tenant, Tier, WhenCapped } from '../storage/schema.js';

/**
 * A handle on the tenants table: the database, one of its transactions, or a narrower view of either that still has
 * the table (the webhooks' `Kysely< WebhooksDatabase >`).
 */
export type TenantsDb =
	Kysely< Pick< Database, 'tenants' > > | Transaction< Database >;

/** The handle as one type (a transaction is a database restricted to its connection). */
function tenantsTable( db: TenantsDb ): Kysely< Pick< Database, 'tenants' > > {
	return db as unknown as Kysely< Pick< Database, 'tenants' > >;
}

export interface CreatedTenant {
	tenant: Tenant;
	/** Raw site secret: shown once in the connection code, stored only sealed. */
	secret: Buffer;
}

export async function createTenant(
	db: Kysely< Database >,
	box: SecretBox,
	name: string,
	now: number
): Promise< CreatedTenant > {
	const secret = randomBytes( 32 );
	const tenant: Tenant = {
		id: randomUUID(),
		name,
		secret: box.seal( secret ),
		site_rest_url: null,
		default_country: null,
		timezone: null,
		phone_number_id: null,
		waba_id: null,
		access_token: null,
		app_secret: null,
		verify_token: null,
		display_phone_number: null,
		throughput_mps: 80,
		// New numbers start at 250 unique users per 24 h; the sandbox models the same.
		messaging_limit_tier: 'TIER_250',
		quality: 'GREEN',
		halted_reason: null,
		webhooks_verified_at: null,
		// The sending policy starts off (migration 0108's defaults): the owner turns it on in Settings.
		quiet_hours_enabled: 0,
		quiet_start_minute: 21 * 60,
		quiet_end_minute: 9 * 60,
		cap_enabled: 0,
		cap_max_messages: 2,
		cap_days: 7,
		cap_when_capped: 'postpone',
		created_at: now,
		updated_at: now,
	};
	await db.insertInto( 'tenants' ).values( tenant ).execute();
	return { tenant, secret };
}

export async function rotateTenantSecret(
	db: Kysely< Database >,
	box: SecretBox,
	id: string,
	now: number
): Promise< Buffer | undefined > {
	const secret = randomBytes( 32 );
	const result = await db
		.updateTable( 'tenants' )
		.set( { secret: box.seal( secret ), updated_at: now } )
		.where( 'id', '=', id )
		.executeTakeFirst();
	return Number( result.numUpdatedRows ) === 1 ? secret : undefined;
}

export function findTenant(
	db: Kysely< Database >,
	id: string
): Promise< Tenant | undefined > {
	return db
		.selectFrom( 'tenants' )
		.selectAll()
		.where( 'id', '=', id )
		.executeTakeFirst();
}

export function listTenants( db: Kysely< Database > ): Promise< Tenant[] > {
	return db
		.selectFrom( 'tenants' )
		.selectAll()
		.orderBy( 'created_at' )
		.execute();
}

/**
 * Secrets sealed by an earlier version with the bridge key itself ("v1.") sealed again under the derived key ("v2.",
 * crypto/secret-box.ts). Each value is rewritten only if it is still the one read, so two processes doing this at once
 * do not undo each other. Answers how many tenants were rewritten.
 */
export async function resealLegacySecrets(
	db: Kysely< Database >,
	box: SecretBox,
	now: number
): Promise< number > {
	const rows = await db
		.selectFrom( 'tenants' )
		.select( [ 'id', 'secret', 'access_token', 'app_secret' ] )
		.where( ( eb ) =>
			eb.or( [
				eb( 'secret', 'like', 'v1.%' ),
				eb( 'access_token', 'like', 'v1.%' ),
				eb( 'app_secret', 'like', 'v1.%' ),
			] )
		)
		.execute();
	let rewritten = 0;
	for ( const row of rows ) {
		const reseal = ( value: string | null ) =>
			value !== null && SecretBox.isLegacy( value )
				? box.reseal( value )
				: value;
		const result = await db
			.updateTable( 'tenants' )
			.set( {
				secret: reseal( row.secret ) as string,
				access_token: reseal( row.access_token ),
				app_secret: reseal( row.app_secret ),
				updated_at: now,
			} )
			.where( 'id', '=', row.id )
			.where( 'secret', '=', row.secret )
			.where( ( eb ) =>
				row.access_token === null
					? eb( 'access_token', 'is', null )
					: eb( 'access_token', '=', row.access_token )
			)
			.where( ( eb ) =>
				row.app_secret === null
					? eb( 'app_secret', 'is', null )
					: eb( 'app_secret', '=', row.app_secret )
			)
			.executeTakeFirst();
		rewritten += Number( result.numUpdatedRows );
	}
	return rewritten;
}

/** Whether another tenant already uses this WhatsApp phone number id (unique: webhooks are routed by it). */
export async function phoneNumberIdTaken(
	db: Kysely< Database >,
	phoneNumberId: string,
	exceptTenantId: string
): Promise< boolean > {
	const row = await db
		.selectFrom( 'tenants' )
		.select( 'id' )
		.where( 'phone_number_id', '=', phoneNumberId )
		.where( 'id', '!=', exceptTenantId )
		.executeTakeFirst();
	return row !== undefined;
}

/** The site's REST URL (normalised, with its trailing slash), default country and timezone (PUT /v1/site). */
export async function setTenantSite(
	db: TenantsDb,
	tenantId: string,
	site: {
		site_rest_url: string;
		default_country: string;
		timezone: string;
	},
	now: number
): Promise< void > {
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( { ...site, updated_at: now } )
		.where( 'id', '=', tenantId )
		.execute();
}

/** What new WhatsApp credentials set (PUT /v1/whatsapp): the sealed secrets and the number as Meta answered it. */
export type TenantCredentials = Pick<
	Tenant,
	| 'phone_number_id'
	| 'waba_id'
	| 'access_token'
	| 'app_secret'
	| 'verify_token'
	| 'display_phone_number'
	| 'quality'
	| 'messaging_limit_tier'
	| 'throughput_mps'
	| 'halted_reason'
	| 'webhooks_verified_at'
	| 'updated_at'
>;

/**
 * New credentials saved. Throws what the database throws: another tenant with the same phone number id violates the
 * unique index (the caller tells that case apart with phoneNumberIdTaken).
 */
export async function setTenantCredentials(
	db: TenantsDb,
	tenantId: string,
	values: TenantCredentials
): Promise< void > {
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( values )
		.where( 'id', '=', tenantId )
		.execute();
}

/** The tier and/or throughput of a sandbox tenant (`tenant set-limits`); whether the tenant exists. */
export async function setTenantLimits(
	db: TenantsDb,
	tenantId: string,
	limits: { messaging_limit_tier?: Tier; throughput_mps?: number },
	now: number
): Promise< boolean > {
	const result = await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( { ...limits, updated_at: now } )
		.where( 'id', '=', tenantId )
		.executeTakeFirst();
	return Number( result.numUpdatedRows ) === 1;
}

/** An auth/account error stopped all sending for this tenant (the dispatcher's halt); new credentials clear it. */
export async function haltTenant(
	db: TenantsDb,
	tenantId: string,
	reason: string,
	at: number
): Promise< void > {
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( { halted_reason: reason, updated_at: at } )
		.where( 'id', '=', tenantId )
		.execute();
}

/**
 * A webhook signed with these tenants' app secrets arrived at `at`: the first such time is kept (tenants already
 * verified are left as they are). No tenants, no statement.
 */
export async function markWebhooksVerified(
	db: TenantsDb,
	tenantIds: readonly string[],
	at: number
): Promise< void > {
	if ( tenantIds.length === 0 ) {
		return;
	}
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( { webhooks_verified_at: at } )
		.where( 'id', 'in', [ ...tenantIds ] )
		.where( 'webhooks_verified_at', 'is', null )
		.execute();
}

/** What Meta's account webhooks change (phone number quality and limit events); `updated_at` always. */
export interface TenantAccountUpdate {
	messaging_limit_tier?: Tier;
	throughput_mps?: number;
	quality?: string;
	updated_at: number;
}

/** The number's tier, throughput and/or quality as Meta's account webhook reported them. */
export async function updateTenantAccount(
	db: TenantsDb,
	tenantId: string,
	set: TenantAccountUpdate
): Promise< void > {
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( set )
		.where( 'id', '=', tenantId )
		.execute();
}

/** The tenant's sending policy as stored (minutes of the day, 0/1 flags): PUT /v1/sending-policy. */
export interface TenantSendingPolicy {
	quiet_hours_enabled: number;
	quiet_start_minute: number;
	quiet_end_minute: number;
	cap_enabled: number;
	cap_max_messages: number;
	cap_days: number;
	cap_when_capped: WhenCapped;
}

/** Saves the tenant's sending policy (quiet hours and marketing frequency cap); the dispatcher reads it with the row. */
export async function setTenantSendingPolicy(
	db: TenantsDb,
	tenantId: string,
	policy: TenantSendingPolicy,
	now: number
): Promise< void > {
	await tenantsTable( db )
		.updateTable( 'tenants' )
		.set( { ...policy, updated_at: now } )
		.where( 'id', '=', tenantId )
		.execute();
}
