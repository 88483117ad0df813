/**
 * The campaigns store: the SQL that the commands (./campaign-commands.ts), the views (./campaign-views.ts) and the
 * engine (scheduler, dispatcher, through CampaignService.failWaiting) share: one campaign by id, and the failing of the
 * messages a campaign has not started. Every query is scoped by tenant id.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { notFound } from '../errors.js';
import type { Campaign, Database } from '../storage/schema.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { isPostgres } from '../storage/dialect.js';
import { endRuns } from '../storage/runs.js';
import { endCampaignRuns } from '../automations/campaign-runs.js';

export async function findCampaign(
	db: Kysely< Database >,
	tenantId: string,
	id: string
): Promise< Campaign | undefined > {
	return db
		.selectFrom( 'campaigns' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.where( 'id', '=', id )
		.executeTakeFirst();
}

/** The campaign, or a 404 DomainError. */
export async function requireCampaign(
	db: Kysely< Database >,
	tenantId: string,
	id: string
): Promise< Campaign > {
	const campaign = await findCampaign( db, tenantId, id );
	if ( ! campaign ) {
		throw notFound( 'Campaign' );
	}
	return campaign;
}

/**
 * Messages not started yet (pending/retry) fail with `reason` (their runs end), counters moved in the same transaction.
 * Used when a campaign fails as a whole; those already sending finish normally. The runs of an automation the campaign
 * launched end first (`campaign_failed`).
 *
 * @param trx        The caller's transaction.
 * @param now        The clock's now, ms.
 * @param tenantId   Tenant.
 * @param campaignId Campaign.
 * @param reason     error_reason of the failed messages.
 * @param code       error_code, or null.
 * @param retryable  Whether "Retry failed" takes them.
 */
export async function failWaitingMessages(
	trx: Transaction< Database >,
	now: number,
	tenantId: string,
	campaignId: string,
	reason: string,
	code: number | null,
	retryable: boolean
): Promise< number > {
	// A campaign that launches an automation: its runs end too (`campaign_failed`), their unsent messages cancelled.
	await endCampaignRuns(
		trx,
		isPostgres( trx ) ? 'postgres' : 'sqlite',
		tenantId,
		campaignId,
		'campaign_failed',
		now
	);
	const failed = await trx
		.updateTable( 'messages' )
		.set( {
			state: 'failed',
			error_reason: reason,
			error_code: code,
			retryable: retryable ? 1 : 0,
			updated_at: now,
		} )
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.where( 'state', 'in', [ 'pending', 'retry' ] )
		.returning( 'run_id' )
		.execute();
	const moved = failed.length;
	await endRuns(
		trx,
		isPostgres( trx ) ? 'postgres' : 'sqlite',
		tenantId,
		now,
		failed.map( ( r ) => Number( r.run_id ) )
	);
	if ( moved > 0 ) {
		await applyCounterDeltas( trx, tenantId, campaignId, {
			to_start: -moved,
			failed: moved,
		} );
	}
	return moved;
}
