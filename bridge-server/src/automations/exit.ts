/**
 * Ending runs: the one place that sets a run's `ended_at` (with or without an exit reason) or gives an ended run its
 * exit reason. In the caller's transaction: the run's state row, its open history row, its recipient row (`ended`),
 * when it exits (a reason) its messages not sent yet (`cancelled`), and the run and message counters of the campaign
 * (or automation lane) the run belongs to (its recipients row's `campaign_id`), through storage/counters.ts. A
 * completed run's last messages still go out.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import {
	applyCounterDeltas,
	type CounterDeltas,
	type CounterName,
} from '../storage/counters.js';
import type { DialectName } from '../storage/dialect.js';
import { idIn, unindexed } from '../storage/lists.js';
import type { Database } from '../storage/schema.js';

type Trx = Transaction< Database > | Kysely< Database >;

/** The run counter an ended run is counted in, by its exit reason (null: completed). */
export function endedCounter( reason: string | null ): CounterName {
	switch ( reason ) {
		case null:
			return 'runs_completed';
		case 'send_failed':
		case 'campaign_failed':
			return 'runs_failed';
		case 'campaign_cancelled':
			return 'runs_cancelled';
		default:
			return 'runs_exited';
	}
}

/** Adds `delta` to `name` of the deltas of `campaign` (one map entry per campaign or lane). */
function add(
	byCampaign: Map< string, CounterDeltas >,
	campaign: string,
	name: CounterName,
	delta: number
): void {
	const deltas = byCampaign.get( campaign ) ?? {};
	deltas[ name ] = ( deltas[ name ] ?? 0 ) + delta;
	byCampaign.set( campaign, deltas );
}

async function applyAll(
	trx: Trx,
	tenant: string,
	byCampaign: Map< string, CounterDeltas >
): Promise< void > {
	for ( const [ campaign, deltas ] of byCampaign ) {
		await applyCounterDeltas( trx, tenant, campaign, deltas );
	}
}

/**
 * Ends these runs (those still running), with `reason` (null: completed). Answers the ids ended here (a run another
 * transaction ended first is left as it is). Runs of several campaigns and lanes may be given at once.
 *
 * @param trx     The caller's transaction.
 * @param dialect Dialect.
 * @param tenant  Tenant id.
 * @param runIds  Runs.
 * @param reason  Exit reason, or null when the run completed.
 * @param now     Clock ms.
 */
export async function endAutomationRuns(
	trx: Trx,
	dialect: DialectName,
	tenant: string,
	runIds: readonly number[],
	reason: string | null,
	now: number
): Promise< number[] > {
	if ( runIds.length === 0 ) {
		return [];
	}
	// Whether each had started (waiting is null until the engine first takes it) and whose run it is, read under a
	// row lock on PostgreSQL so that a tick taking the same run waits for this transaction.
	let before = trx
		.selectFrom( 'automation_runs as a' )
		.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
		.select( [ 'a.run_id', 'a.waiting', 'r.campaign_id' ] )
		.where( 'a.tenant_id', '=', tenant )
		.where( idIn( dialect, 'a.run_id', runIds ) )
		.where( 'a.ended_at', 'is', null );
	if ( dialect === 'postgres' ) {
		before = before.forUpdate( 'a' );
	}
	const running = new Map(
		( await before.execute() ).map( ( r ) => [ Number( r.run_id ), r ] )
	);
	if ( running.size === 0 ) {
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
			.where( idIn( dialect, 'run_id', [ ...running.keys() ] ) )
			.where( 'ended_at', 'is', null )
			.returning( 'run_id' )
			.execute()
	).map( ( r ) => Number( r.run_id ) );
	if ( ended.length === 0 ) {
		return [];
	}
	const deltas = new Map< string, CounterDeltas >();
	for ( const id of ended ) {
		const run = running.get( id );
		if ( ! run ) {
			continue;
		}
		add(
			deltas,
			run.campaign_id,
			run.waiting === null ? 'runs_to_start' : 'runs_in_progress',
			-1
		);
		add( deltas, run.campaign_id, endedCounter( reason ), 1 );
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
	if ( reason !== null ) {
		// An exit: its messages not sent yet never will be.
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
			.returning( 'campaign_id' )
			.execute();
		for ( const message of cancelled ) {
			add( deltas, message.campaign_id, 'to_start', -1 );
			add( deltas, message.campaign_id, 'cancelled', 1 );
		}
	}
	await applyAll( trx, tenant, deltas );
	return ended;
}

/**
 * A run that had completed (its last step was a send) takes an exit reason when that message then fails or is found
 * opted out: it keeps its end time and moves from the completed runs to the reason's counter. Answers whether it
 * changed (an exit reason it already had is kept).
 *
 * @param trx    The caller's transaction.
 * @param tenant Tenant id.
 * @param runId  The run.
 * @param reason Exit reason.
 */
export async function exitEndedRun(
	trx: Trx,
	tenant: string,
	runId: number,
	reason: string
): Promise< boolean > {
	const changed = await trx
		.updateTable( 'automation_runs' )
		.set( { exit_reason: reason } )
		.where( 'run_id', '=', runId )
		.where( 'tenant_id', '=', tenant )
		.where( 'ended_at', 'is not', null )
		.where( 'exit_reason', 'is', null )
		.executeTakeFirst();
	if ( Number( changed.numUpdatedRows ) !== 1 ) {
		return false;
	}
	const run = await trx
		.selectFrom( 'recipients' )
		.select( 'campaign_id' )
		.where( 'id', '=', runId )
		.executeTakeFirstOrThrow();
	await applyCounterDeltas( trx, tenant, run.campaign_id, {
		runs_completed: -1,
		[ endedCounter( reason ) ]: 1,
	} );
	return true;
}
