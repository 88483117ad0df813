/**
 * The order's notes in WooCommerce: each status (sent, delivered, read, failed) of a message sent by a run that an
 * order event started (its event data has `order_id`) becomes an `order_note` contact action for the site, written
 * in the transaction that recorded the status (webhooks/message-statuses.ts; a failure at send time through the
 * engine's endFailed), and posted by the contact actions' outbox (contact-reporter.ts). The action's id is
 * `<run>:<step>:note:<status>`: the same status reported twice (Meta's at-least-once webhooks, a failure seen by both
 * paths) is one action, and the site applies each id once and keeps one note per message (plugin's OrderNotes).
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';

export type NotedStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageStatusChange {
	runId: number;
	step: number;
	status: NotedStatus;
	/** When the status happened, ms. */
	at: number;
	/** WhatsApp's reason, for a failure. */
	error?: string | null;
}

/** The order an event's data names, or null (`order_id` a positive integer, as the site sends it). */
export function orderIdOf( event: Record< string, unknown > ): number | null {
	const id = Number( event.order_id );
	return Number.isSafeInteger( id ) && id > 0 ? id : null;
}

/**
 * Queues the order notes of these status changes; changes of runs no order started are ignored.
 *
 * @param trx     The transaction that records the statuses.
 * @param changes Status changes of automation messages.
 * @param now     Clock ms.
 */
export async function queueOrderNotes(
	trx: Kysely< Database >,
	changes: readonly MessageStatusChange[],
	now: number
): Promise< number > {
	if ( changes.length === 0 ) {
		return 0;
	}
	const runIds = [ ...new Set( changes.map( ( c ) => c.runId ) ) ];
	const runs = new Map<
		number,
		{
			tenant_id: string;
			automation_id: string;
			name: string;
			phone: string;
			contact_id: string | null;
			orderId: number;
		}
	>();
	for ( let i = 0; i < runIds.length; i += 500 ) {
		const rows = await trx
			.selectFrom( 'automation_runs as a' )
			.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
			.innerJoin( 'automations as au', ( join ) =>
				join
					.onRef( 'au.tenant_id', '=', 'a.tenant_id' )
					.onRef( 'au.id', '=', 'a.automation_id' )
			)
			.select( [
				'a.run_id',
				'a.tenant_id',
				'a.automation_id',
				'a.event',
				'au.name',
				'r.phone',
				'r.contact_id',
			] )
			.where( 'a.run_id', 'in', runIds.slice( i, i + 500 ) )
			.execute();
		for ( const row of rows ) {
			let event: unknown = null;
			try {
				event = JSON.parse( row.event );
			} catch {
				event = null;
			}
			const orderId =
				event && typeof event === 'object'
					? orderIdOf( event as Record< string, unknown > )
					: null;
			if ( orderId !== null ) {
				runs.set( Number( row.run_id ), {
					tenant_id: row.tenant_id,
					automation_id: row.automation_id,
					name: row.name,
					phone: row.phone,
					contact_id: row.contact_id,
					orderId,
				} );
			}
		}
	}
	let queued = 0;
	for ( const change of changes ) {
		const run = runs.get( change.runId );
		if ( ! run ) {
			continue;
		}
		const id = `${ change.runId }:${ change.step }:note:${ change.status }`;
		const contactId = Number( run.contact_id );
		const inserted = await trx
			.insertInto( 'contact_actions' )
			.values( {
				id,
				tenant_id: run.tenant_id,
				action: JSON.stringify( {
					id,
					phone: run.phone,
					...( Number.isSafeInteger( contactId ) && contactId > 0
						? { contact_id: contactId }
						: {} ),
					type: 'order_note',
					order_id: run.orderId,
					message: `${ change.runId }:${ change.step }`,
					status: change.status,
					at: change.at,
					name: run.name,
					...( change.error ? { error: change.error } : {} ),
					automation_id: run.automation_id,
					run_id: change.runId,
				} ),
				created_at: now,
				next_attempt_at: now,
				reported_at: null,
			} )
			.onConflict( ( oc ) => oc.column( 'id' ).doNothing() )
			.returning( 'id' )
			.executeTakeFirst();
		queued += inserted ? 1 : 0;
	}
	return queued;
}
