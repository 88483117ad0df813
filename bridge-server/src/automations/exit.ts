/**
 * Ending runs: the one place that sets a run's `ended_at` (with or without an exit reason). In the caller's
 * transaction: the run's state row, its open history row, its recipient row (`ended`) and, when it exits (a reason),
 * its messages not sent yet (`cancelled`, counters moved by storage/counters.ts) change together. A completed run's
 * last messages still go out.
 */

/**
 * Internal dependencies
 */
import { applyCounterDeltas } from '../storage/counters.js';
import type { DialectName } from '../storage/dialect.js';
import { idIn, unindexed } from '../storage/lists.js';
import type { Database } from '../storage/schema.js';
import type { Kysely, Transaction } from 'kysely';

type Trx = Transaction< Database > | Kysely< Database >;

/**
 * Ends these runs of one automation lane (those still running), with `reason` (null: completed). Answers the ids
 * ended here (a run another transaction ended first is left as it is).
 *
 * @param trx     The caller's transaction.
 * @param dialect Dialect.
 * @param tenant  Tenant id.
 * @param lane    The runs' campaign_id (their messages' counters).
 * @param runIds  Runs.
 * @param reason  Exit reason, or null when the run completed.
 * @param now     Clock ms.
 */
export async function endAutomationRuns(
	trx: Trx,
	dialect: DialectName,
	tenant: string,
	lane: string,
	runIds: readonly number[],
	reason: string | null,
	now: number
): Promise< number[] > {
	if ( runIds.length === 0 ) {
		return [];
	}
	const ended = (
		await trx
			.updateTable( 'automation_runs' )
			.set( {
				ended_at: now,
				exit_reason: reason,
				due_at: null,
				waiting: null,
			} )
			.where( 'tenant_id', '=', tenant )
			.where( idIn( dialect, 'run_id', runIds ) )
			.where( 'ended_at', 'is', null )
			.returning( 'run_id' )
			.execute()
	).map( ( r ) => Number( r.run_id ) );
	if ( ended.length === 0 ) {
		return [];
	}
	if ( reason !== null ) {
		await trx
			.updateTable( 'automation_history' )
			.set( { left_at: now, outcome: `exited:${ reason }` } )
			.where( idIn( dialect, 'run_id', ended ) )
			.where( 'left_at', 'is', null )
			.execute();
	}
	await trx
		.updateTable( 'recipients' )
		.set( { state: 'ended', updated_at: now } )
		.where( unindexed( dialect, 'tenant_id' ), '=', tenant )
		.where( idIn( dialect, 'id', ended ) )
		.execute();
	if ( reason === null ) {
		// Completed: its last messages still go out.
		return ended;
	}
	const cancelled = await trx
		.updateTable( 'messages' )
		.set( {
			state: 'cancelled',
			error_reason: 'cancelled',
			retryable: 0,
			updated_at: now,
		} )
		.where( unindexed( dialect, 'tenant_id' ), '=', tenant )
		.where( idIn( dialect, 'run_id', ended ) )
		.where( 'state', 'in', [ 'pending', 'retry' ] )
		.returning( 'id' )
		.execute();
	if ( cancelled.length > 0 ) {
		await applyCounterDeltas( trx, tenant, lane, {
			to_start: -cancelled.length,
			cancelled: cancelled.length,
		} );
	}
	return ended;
}
