/**
 * What a tenant is, without the database: its messaging limit tiers, its connection code, whether it uses the
 * emulator. Every read and write of the `tenants` table is in ./store.ts.
 */

/**
 * Internal dependencies
 */
import type { Tenant, Tier } from '../storage/schema.js';

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
