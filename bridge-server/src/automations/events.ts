/**
 * POST /v1/events: an event about a phone (e.g. issue 17's WooCommerce events) starts the runs of the active
 * automations it triggers and ends the phone's runs whose `exit_on` names it (`goal_reached`). The event id
 * deduplicates: the same event twice makes one run.
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { endAutomationRuns } from './exit.js';
import { startRun } from './start.js';

export interface AutomationEvent {
	id: string;
	type: string;
	phone: string;
	contact_id?: string;
	data?: Record< string, unknown >;
}

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

export async function handleEvent(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	event: AutomationEvent,
	now: number
): Promise< { started: number; exited: number; duplicate: boolean } > {
	return db.transaction().execute( async ( trx ) => {
		const fresh = await trx
			.insertInto( 'automation_events' )
			.values( { tenant_id: tenantId, id: event.id, received_at: now } )
			.onConflict( ( oc ) =>
				oc.columns( [ 'tenant_id', 'id' ] ).doNothing()
			)
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
		const triggered = await trx
			.selectFrom( 'automations' )
			.select( [ 'tenant_id', 'id', 'version', 'reentry' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'state', '=', 'active' )
			.where( 'trigger_type', '=', 'event' )
			.where( 'trigger_key', '=', event.type )
			.execute();
		let started = 0;
		const data = event.data ?? {};
		for ( const automation of triggered ) {
			const run = await startRun(
				trx,
				automation,
				{
					phone: event.phone,
					contactId: event.contact_id ?? null,
					contact: contactOf( data ),
					event: data,
				},
				now
			);
			if ( run !== null ) {
				started += 1;
			}
		}
		return { started, exited, duplicate: false };
	} );
}
