/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { CampaignCountersTable, Database } from './schema.js';

/*
 * The one writer of `campaign_counters` (issue 15, item 2). Every change of a campaign's counters is a delta applied
 * here, in the transaction of the row changes it summarises, so that each counter stays equal to a COUNT of rows:
 * - total = runs (recipients) kept by the snapshot and not opted out at claim;
 * - to_start = messages pending or retry; in_progress = sending; completed, failed, unknown, cancelled = messages in
 *   that state; opted_out = opted-out messages + phones dropped at snapshot; duplicates, invalid = snapshot figures;
 * - messages_sent / _delivered / _read / _failed = messages whose merged status is sent-or-later-not-failed /
 *   delivered-or-read / read / failed; interactions = runs with interacted_at.
 * (test/engine/counter-invariant.test.ts checks these equalities after chaos.)
 */

export type CounterName = Exclude<
	keyof CampaignCountersTable,
	'tenant_id' | 'campaign_id'
>;

export type CounterDeltas = Partial< Record< CounterName, number > >;

/** A new campaign's counters, all zero (idempotent). */
export async function createCounters(
	trx: Transaction< Database > | Kysely< Database >,
	tenantId: string,
	campaignId: string
): Promise< void > {
	await trx
		.insertInto( 'campaign_counters' )
		.values( { tenant_id: tenantId, campaign_id: campaignId } )
		.onConflict( ( oc ) =>
			oc.columns( [ 'tenant_id', 'campaign_id' ] ).doNothing()
		)
		.execute();
}

/**
 * Moves one campaign's counters by these deltas (zero deltas left out; nothing written when all are zero), in one
 * UPDATE inside the caller's transaction.
 */
export async function applyCounterDeltas(
	trx: Transaction< Database > | Kysely< Database >,
	tenantId: string,
	campaignId: string,
	deltas: CounterDeltas
): Promise< void > {
	const moved = (
		Object.entries( deltas ) as Array< [ CounterName, number ] >
	 ).filter( ( [ , value ] ) => value !== 0 && Number.isFinite( value ) );
	if ( moved.length === 0 ) {
		return;
	}
	await trx
		.updateTable( 'campaign_counters' )
		.set( ( eb ) =>
			Object.fromEntries(
				moved.map( ( [ name, value ] ) => [
					name,
					value > 0
						? eb( name, '+', value )
						: eb( name, '-', -value ),
				] )
			)
		)
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.execute();
}
