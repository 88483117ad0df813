/**
 * POST /v1/events: events about a phone (the site's outbox: tags and lists given to a contact, issue 17's WooCommerce
 * events) start the runs of the active automations they trigger and end the phone's runs whose `exit_on` names them
 * (`goal_reached`). The event id deduplicates: the same event twice makes one run, whether it comes again alone or in
 * another batch.
 *
 * Which automations an event starts: those with an `event` trigger naming its type; for `contact.tagged`, also those
 * with a `tag` trigger of the tag in `data.tag`; for `contact.list_added`, those with a `list` trigger of
 * `data.list_id`. A tag or list change that an automation's own step made (the site sends `data.caused_by`) starts
 * other automations, never the one whose step made it, and a chain of such starts stops after MAX_CHAIN links, so two
 * automations tagging each other's trigger cannot loop.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { endAutomationRuns } from './exit.js';
import { startRun } from './start.js';
import { LIST_ADDED_EVENT, TAGGED_EVENT, tagKey } from './types.js';

export interface AutomationEvent {
	id: string;
	type: string;
	phone: string;
	contact_id?: string;
	data?: Record< string, unknown >;
}

/** Runs started by automation-made tag or list changes, one after the other, before the chain stops. */
export const MAX_CHAIN = 3;

export interface EventsOutcome {
	started: number;
	exited: number;
	/** Events whose id was handled before (nothing done again). */
	duplicates: number;
}

type Trx = Transaction< Database >;

function contactOf(
	data: Record< string, unknown >
): Record< string, string > {
	const contact = data.contact;
	const out: Record< string, string > = {};
	if ( contact && typeof contact === 'object' ) {
		for ( const [ key, value ] of Object.entries( contact ) ) {
			if ( typeof value === 'string' || typeof value === 'number' ) {
				out[ key ] = String( value );
			}
		}
	}
	return out;
}

/** The trigger lookups an event makes: [trigger_type, trigger_key]. */
function triggersOf( event: AutomationEvent ): Array< [ string, string ] > {
	const data = event.data ?? {};
	const out: Array< [ string, string ] > = [ [ 'event', event.type ] ];
	if ( event.type === TAGGED_EVENT && typeof data.tag === 'string' ) {
		const key = tagKey( data.tag );
		if ( key !== '' ) {
			out.push( [ 'tag', key ] );
		}
	}
	if (
		event.type === LIST_ADDED_EVENT &&
		( typeof data.list_id === 'number' ||
			typeof data.list_id === 'string' ) &&
		/^[1-9]\d*$/.test( String( data.list_id ) )
	) {
		out.push( [ 'list', String( data.list_id ) ] );
	}
	return out;
}

/** The automation and run whose step made this change (`data.caused_by`), or null. */
function causeOf(
	event: AutomationEvent
): { automationId: string; runId: number | null } | null {
	const cause = event.data?.caused_by;
	if ( ! cause || typeof cause !== 'object' ) {
		return null;
	}
	const { automation_id: automationId, run_id: runId } = cause as Record<
		string,
		unknown
	>;
	if ( typeof automationId !== 'string' ) {
		return null;
	}
	const run = Number( runId );
	return {
		automationId,
		runId: Number.isSafeInteger( run ) && run > 0 ? run : null,
	};
}

async function applyEvent(
	trx: Trx,
	dialect: DialectName,
	tenantId: string,
	event: AutomationEvent,
	now: number,
	triggered: Map<
		string,
		Array< {
			tenant_id: string;
			id: string;
			version: number;
			reentry: string;
		} >
	>
): Promise< { started: number; exited: number; duplicate: boolean } > {
	const fresh = await trx
		.insertInto( 'automation_events' )
		.values( { tenant_id: tenantId, id: event.id, received_at: now } )
		.onConflict( ( oc ) => oc.columns( [ 'tenant_id', 'id' ] ).doNothing() )
		.returning( 'id' )
		.executeTakeFirst();
	if ( ! fresh ) {
		return { started: 0, exited: 0, duplicate: true };
	}
	// The goal: the phone's runs whose automation exits on this event.
	const open = await trx
		.selectFrom( 'automation_runs as a' )
		.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
		.innerJoin( 'automations as au', ( join ) =>
			join
				.onRef( 'au.tenant_id', '=', 'a.tenant_id' )
				.onRef( 'au.id', '=', 'a.automation_id' )
		)
		.select( [ 'a.run_id', 'a.automation_id', 'au.exit_on' ] )
		.where( 'r.tenant_id', '=', tenantId )
		.where( 'r.phone', '=', event.phone )
		.where( 'a.ended_at', 'is', null )
		.execute();
	let exited = 0;
	for ( const run of open ) {
		if (
			( JSON.parse( run.exit_on ) as string[] ).includes( event.type )
		) {
			exited += (
				await endAutomationRuns(
					trx,
					dialect,
					tenantId,
					[ Number( run.run_id ) ],
					'goal_reached',
					now
				)
			).length;
		}
	}
	// A change an automation made: never its own trigger again, and a bounded chain.
	const cause = causeOf( event );
	let chainDepth = 0;
	if ( cause ) {
		const parent =
			cause.runId === null
				? undefined
				: await trx
						.selectFrom( 'automation_runs' )
						.select( 'chain_depth' )
						.where( 'run_id', '=', cause.runId )
						.where( 'tenant_id', '=', tenantId )
						.executeTakeFirst();
		chainDepth = Number( parent?.chain_depth ?? 0 ) + 1;
		if ( chainDepth > MAX_CHAIN ) {
			return { started: 0, exited, duplicate: false };
		}
	}
	let started = 0;
	const data = event.data ?? {};
	for ( const [ type, key ] of triggersOf( event ) ) {
		const lookup = `${ type }\u0000${ key }`;
		let automations = triggered.get( lookup );
		if ( ! automations ) {
			automations = await trx
				.selectFrom( 'automations' )
				.select( [ 'tenant_id', 'id', 'version', 'reentry' ] )
				.where( 'tenant_id', '=', tenantId )
				.where( 'state', '=', 'active' )
				.where( 'trigger_type', '=', type )
				.where( 'trigger_key', '=', key )
				.execute();
			triggered.set( lookup, automations );
		}
		for ( const automation of automations ) {
			if ( cause && automation.id === cause.automationId ) {
				continue;
			}
			const run = await startRun(
				trx,
				automation,
				{
					phone: event.phone,
					contactId: event.contact_id ?? null,
					contact: contactOf( data ),
					event: data,
					chainDepth,
				},
				now
			);
			if ( run !== null ) {
				started += 1;
			}
		}
	}
	return { started, exited, duplicate: false };
}

/**
 * Handles events in one transaction (a batch from the site's outbox, or one event).
 *
 * @param db       Database.
 * @param dialect  Dialect.
 * @param tenantId Tenant.
 * @param events   Events, in the order they happened.
 * @param now      Clock ms.
 */
export async function handleEvents(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	events: readonly AutomationEvent[],
	now: number
): Promise< EventsOutcome > {
	return db.transaction().execute( async ( trx ) => {
		const outcome: EventsOutcome = { started: 0, exited: 0, duplicates: 0 };
		const triggered = new Map<
			string,
			Array< {
				tenant_id: string;
				id: string;
				version: number;
				reentry: string;
			} >
		>();
		for ( const event of events ) {
			const one = await applyEvent(
				trx,
				dialect,
				tenantId,
				event,
				now,
				triggered
			);
			outcome.started += one.started;
			outcome.exited += one.exited;
			outcome.duplicates += one.duplicate ? 1 : 0;
		}
		return outcome;
	} );
}

/** One event (POST /v1/events with the single-event body). */
export async function handleEvent(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	event: AutomationEvent,
	now: number
): Promise< { started: number; exited: number; duplicate: boolean } > {
	const outcome = await handleEvents( db, dialect, tenantId, [ event ], now );
	return {
		started: outcome.started,
		exited: outcome.exited,
		duplicate: outcome.duplicates > 0,
	};
}
