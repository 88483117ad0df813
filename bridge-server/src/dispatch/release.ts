/**
 * Messages that will not be sent after all: claimed ones given back when a campaign pauses or the bridge stops
 * (releaseClaimed), and those not started yet of a cancelled campaign (cancelWaiting, shared with CampaignService's
 * cancel). Counters move with them (storage/counters.ts).
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { idIn, unindexed } from '../storage/lists.js';
import type { Database } from '../storage/schema.js';
import { forgetMarketingSends, type ClaimedRecipient } from './claim.js';

/**
 * Messages not started yet (pending/retry) of a cancelled campaign become `cancelled` (and their runs end): never sent, counted in
 * `cancelled`, not failed and not retryable (issue 13, defect 3). Shared by CampaignService.cancel and releaseClaimed.
 */
export async function cancelWaiting(
	trx: Transaction< Database >,
	now: number,
	tenantId: string,
	campaignId: string
): Promise< number > {
	const result = await trx
		.updateTable( 'messages' )
		.set( {
			state: 'cancelled',
			error_reason: 'cancelled',
			error_code: null,
			retryable: 0,
			updated_at: now,
		} )
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.where( 'state', 'in', [ 'pending', 'retry' ] )
		.executeTakeFirst();
	const moved = Number( result.numUpdatedRows );
	if ( moved > 0 ) {
		// Their runs end (a campaign's run has one step); runs of messages sent or in flight end on their own.
		await trx
			.updateTable( 'recipients' )
			.set( { state: 'ended', updated_at: now } )
			.where( 'tenant_id', '=', tenantId )
			.where( 'campaign_id', '=', campaignId )
			.where( 'state', '=', 'active' )
			.where( ( eb ) =>
				eb.exists(
					eb
						.selectFrom( 'messages' )
						.select( 'messages.id' )
						.whereRef( 'messages.run_id', '=', 'recipients.id' )
						.where( 'messages.state', '=', 'cancelled' )
				)
			)
			.execute();
	}
	if ( moved > 0 ) {
		await applyCounterDeltas( trx, tenantId, campaignId, {
			to_start: -moved,
			cancelled: moved,
		} );
	}
	return moved;
}

/** Claimed but never sent (campaign paused, shutdown): back to where they were, as if never claimed. */
export async function releaseClaimed(
	db: Kysely< Database >,
	clock: Clock,
	tenantId: string,
	workerId: string,
	items: ClaimedRecipient[]
): Promise< void > {
	if ( items.length === 0 ) {
		return;
	}
	const now = clock.now();
	const dialect = isPostgres( db ) ? 'postgres' : 'sqlite';
	await db.transaction().execute( async ( trx ) => {
		const byCampaign = new Map< string, ClaimedRecipient[] >();
		for ( const item of items ) {
			byCampaign.set( item.campaignId, [
				...( byCampaign.get( item.campaignId ) ?? [] ),
				item,
			] );
		}
		for ( const [ campaignId, list ] of byCampaign ) {
			let released = 0;
			// Released from a campaign cancelled meanwhile: they are cancelled like the others it had not started.
			const cancelled =
				(
					await trx
						.selectFrom( 'campaigns' )
						.select( 'state' )
						.where( 'tenant_id', '=', tenantId )
						.where( 'id', '=', campaignId )
						.executeTakeFirst()
				)?.state === 'cancelled';
			for ( const from of [ 'pending', 'retry' ] as const ) {
				const ids = list
					.filter( ( i ) => i.from === from )
					.map( ( i ) => i.id );
				if ( ids.length === 0 ) {
					continue;
				}
				const result = await trx
					.updateTable( 'messages' )
					.set( ( eb ) => ( {
						state: from,
						attempts: eb( 'attempts', '-', 1 ),
						claimed_by: null,
						updated_at: now,
					} ) )
					.where( unindexed( dialect, 'tenant_id' ), '=', tenantId )
					.where( idIn( dialect, 'id', ids ) )
					.where( unindexed( dialect, 'state' ), '=', 'sending' )
					.where( unindexed( dialect, 'claimed_by' ), '=', workerId )
					.executeTakeFirst();
				released += Number( result.numUpdatedRows );
				if ( from === 'pending' ) {
					await forgetMarketingSends( trx, dialect, tenantId, ids );
				}
			}
			await applyCounterDeltas( trx, tenantId, campaignId, {
				in_progress: -released,
				to_start: released,
			} );
			if ( cancelled && released > 0 ) {
				await cancelWaiting( trx, now, tenantId, campaignId );
			}
		}
	} );
}
