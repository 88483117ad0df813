/**
 * Starting runs: a run is a `recipients` row in the automation's lane (`a:<id>`) plus its `automation_runs` row, due
 * at once at step 0 (a campaign's runs are started by its audience snapshot instead: audience/snapshot.ts). Re-entry: "once" keeps entry 0 (a second start finds the unique key taken and does nothing),
 * "every_time" and "per_days" take the next entry number, so two racing starts of the same entry still make one run.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { applyCounterDeltas } from '../storage/counters.js';
import type { AutomationsTable, Database } from '../storage/schema.js';
import { laneOf, type Reentry } from './types.js';

type Trx = Transaction< Database > | Kysely< Database >;

export interface RunStart {
	phone: string;
	contactId: string | null;
	/** The contact's values (for template fields and conditions). */
	contact: Record< string, string >;
	/** The trigger event's data (event.<key> fields). */
	event: Record< string, unknown >;
	/** Automation-made tag or list changes that led to this start (events.ts). */
	chainDepth?: number;
}

/**
 * Starts a run of this automation for a phone, unless its re-entry rule refuses it. Answers the run id, or null.
 *
 * @param trx        The caller's transaction.
 * @param automation The automation (active).
 * @param start      Who and with what.
 * @param now        Clock ms.
 */
export async function startRun(
	trx: Trx,
	automation: Pick<
		AutomationsTable,
		'tenant_id' | 'id' | 'version' | 'reentry'
	>,
	start: RunStart,
	now: number
): Promise< number | null > {
	const lane = laneOf( automation.id );
	const reentry = JSON.parse( automation.reentry ) as Reentry;
	let entry = 0;
	if ( reentry.mode !== 'once' ) {
		const last = await trx
			.selectFrom( 'recipients as r' )
			.leftJoin( 'automation_runs as a', 'a.run_id', 'r.id' )
			.select( [ 'r.entry', 'a.started_at', 'a.ended_at' ] )
			.where( 'r.tenant_id', '=', automation.tenant_id )
			.where( 'r.phone', '=', start.phone )
			.where( 'r.campaign_id', '=', lane )
			.orderBy( 'r.entry', 'desc' )
			.limit( 1 )
			.executeTakeFirst();
		if ( last ) {
			// A run still going is never doubled; per_days waits that many days after the last start.
			if ( last.ended_at === null ) {
				return null;
			}
			if (
				reentry.mode === 'per_days' &&
				Number( last.started_at ) > now - reentry.days * 86_400_000
			) {
				return null;
			}
			entry = last.entry + 1;
		}
	}
	const inserted = await trx
		.insertInto( 'recipients' )
		.values( {
			tenant_id: automation.tenant_id,
			campaign_id: lane,
			contact_id: start.contactId,
			phone: start.phone,
			variables: JSON.stringify( start.contact ),
			state: 'active',
			updated_at: now,
			entry,
		} )
		.onConflict( ( oc ) =>
			oc
				.columns( [ 'tenant_id', 'phone', 'campaign_id', 'entry' ] )
				.doNothing()
		)
		.returning( 'id' )
		.executeTakeFirst();
	if ( ! inserted ) {
		return null;
	}
	const runId = Number( inserted.id );
	await trx
		.insertInto( 'automation_runs' )
		.values( {
			run_id: runId,
			tenant_id: automation.tenant_id,
			automation_id: automation.id,
			version: automation.version,
			step: 0,
			due_at: now,
			// Null until the engine first takes it: the run is "to start" (automations/advance.ts).
			waiting: null,
			event: JSON.stringify( start.event ),
			exit_reason: null,
			started_at: now,
			ended_at: null,
			...( start.chainDepth ? { chain_depth: start.chainDepth } : {} ),
		} )
		.execute();
	await applyCounterDeltas( trx, automation.tenant_id, lane, {
		total: 1,
		runs_to_start: 1,
	} );
	return runId;
}
