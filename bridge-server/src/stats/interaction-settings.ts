/**
 * A tenant's interaction settings: the quick-reply payloads or button texts that opt a contact out of promotions
 * (webhooks/apply.ts applies them to inbound taps; its defaults when the tenant set none). Read and written here for
 * the `/settings/interactions` routes of stats/index.ts.
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { DEFAULT_OPT_OUT_PAYLOADS } from '../webhooks/consent.js';
import { withWebhookTables } from '../webhooks/schema.js';

/**
 * The tenant's opt-out payloads, or the defaults when it set none.
 *
 * @param database The bridge's database.
 * @param tenantId The tenant.
 */
export async function optOutPayloads(
	database: Kysely< Database >,
	tenantId: string
): Promise< string[] > {
	const row = await withWebhookTables( database )
		.selectFrom( 'interaction_settings' )
		.select( 'opt_out_payloads' )
		.where( 'tenant_id', '=', tenantId )
		.executeTakeFirst();
	return row
		? ( JSON.parse( row.opt_out_payloads ) as string[] )
		: [ ...DEFAULT_OPT_OUT_PAYLOADS ];
}

/**
 * Set the tenant's opt-out payloads (trimmed, empty ones and repeats left out); returns what was stored.
 *
 * @param database The bridge's database.
 * @param tenantId The tenant.
 * @param given    The payloads as sent.
 * @param now      The time of the change, ms.
 */
export async function setOptOutPayloads(
	database: Kysely< Database >,
	tenantId: string,
	given: string[],
	now: number
): Promise< string[] > {
	const payloads = [
		...new Set( given.map( ( p ) => p.trim() ).filter( Boolean ) ),
	];
	const db = withWebhookTables( database );
	const values = {
		opt_out_payloads: JSON.stringify( payloads ),
		updated_at: now,
	};
	await db
		.insertInto( 'interaction_settings' )
		.values( { tenant_id: tenantId, ...values } )
		.onConflict( ( oc ) => oc.column( 'tenant_id' ).doUpdateSet( values ) )
		.execute();
	return payloads;
}
