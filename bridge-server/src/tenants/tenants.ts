/**
 * External dependencies
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { SecretBox } from '../crypto/secret-box.js';
import type { Database, Tenant, Tier } from '../storage/schema.js';

export const TIER_LIMITS: Record< Tier, number > = {
	TIER_50: 50,
	TIER_250: 250,
	TIER_2K: 2_000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

export function isTier( value: unknown ): value is Tier {
	return typeof value === 'string' && value in TIER_LIMITS;
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

/** `rondine_<base64url(JSON {v, url, site, secret})>`: everything a site needs to connect, in one paste. */
export function connectionCode(
	publicUrl: string,
	siteId: string,
	secret: Buffer
): string {
	const payload = JSON.stringify( {
		v: 1,
		url: publicUrl,
		site: siteId,
		secret: secret.toString( 'base64url' ),
	} );
	return `rondine_${ Buffer.from( payload ).toString( 'base64url' ) }`;
}

/** Whether this tenant sends through the emulator: no Meta credentials configured. */
export function usesSandbox( tenant: Tenant ): boolean {
	return tenant.access_token === null || tenant.phone_number_id === null;
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
