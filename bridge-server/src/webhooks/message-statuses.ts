/**
 * Statuses into messages: Meta's sent / delivered / read / failed webhooks merged into the messages they name (the
 * milestone times, the status, the wamid, the classified error), the campaign counters moved by exactly what changed,
 * and what a failure implies for others: a 131050 opt-out for the consent owner, a paused or disabled template for the
 * template owner. The ranking itself is pure and lives in status-merge.ts.
 */

/**
 * External dependencies
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Internal dependencies
 */
import {
	queueOrderNotes,
	type MessageStatusChange,
} from '../automations/order-notes.js';
import type { Database } from '../storage/schema.js';
import { isPostgres } from '../storage/dialect.js';
import { classifyError } from '../whatsapp/errors.js';
import type { StatusEvent } from '../whatsapp/webhook-types.js';
import {
	chunks,
	seconds,
	type CounterDelta,
	type Trx,
} from './apply-common.js';
import type { PreferenceChange } from './consent.js';
import {
	lockRecipients,
	type MessageKey,
	type RecipientRow,
} from './message-lookup.js';
import {
	counterDelta,
	isMessageStatus,
	mergeStatus,
	type MessageState,
	type MessageStatus,
} from './status-merge.js';
import type { TemplateFailure } from './template-events.js';

const DAY_MS = 86_400_000;

/**
 * The message named by biz_opaque_callback_data: "<campaign id>:<run id>:<step>" as the dispatcher sets it, or
 * "<campaign id>:<recipient id>" (step 0) for messages sent before migration 0105.
 */
function parseCallback(
	data: string | null
): { campaignId: string; runId: number; step: number; key: string } | null {
	if ( ! data ) {
		return null;
	}
	const match =
		/^(.+):(\d{1,15}):(\d{1,4})$/.exec( data ) ??
		/^(.+):(\d{1,15})()$/.exec( data );
	if ( ! match ) {
		return null;
	}
	const runId = Number( match[ 2 ] );
	const step = Number( match[ 3 ] || 0 );
	return {
		campaignId: match[ 1 ] as string,
		runId,
		step,
		key: `${ runId }:${ step }`,
	};
}

/**
 * The status webhooks have established for a row, read from the milestone times this module owns: the engine writes
 * `message_status = accepted` when the send answer is stored, which can land after a faster status webhook, and the
 * merge must start from what was really seen or the counters would count that status twice.
 */
function mergedStatus( row: RecipientRow ): MessageStatus | null {
	if ( row.read_at !== null ) {
		return 'read';
	}
	if ( row.delivered_at !== null ) {
		return 'delivered';
	}
	if ( row.failed_at !== null ) {
		return 'failed';
	}
	if ( row.status_sent_at !== null ) {
		return 'sent';
	}
	return row.message_status === 'accepted' || row.message_status === null
		? row.message_status
		: null;
}

export async function applyStatuses(
	trx: Trx,
	statuses: Array< { tenantId: string; event: StatusEvent } >,
	touch: ( tenantId: string, campaignId: string ) => CounterDelta,
	preferences: PreferenceChange[],
	templateFailures: TemplateFailure[],
	now: number
): Promise< void > {
	const usable = statuses.filter(
		( { event } ) => event.wamid !== '' && isMessageStatus( event.status )
	);
	const keys = new Map< string, [ number, number ] >();
	const messages: MessageKey[] = [];
	for ( const { tenantId, event } of usable ) {
		const callback = parseCallback( event.bizOpaqueCallbackData );
		if ( callback ) {
			keys.set( callback.key, [ callback.runId, callback.step ] );
		} else {
			messages.push( {
				tenantId,
				waId: event.recipientId,
				wamid: event.wamid,
			} );
		}
	}
	const rows = await lockRecipients( trx, [ ...keys.values() ], messages );
	const byKey = new Map< string, RecipientRow >();
	const byWamid = new Map< string, RecipientRow >();
	for ( const row of rows ) {
		byKey.set( `${ row.run_id }:${ row.step }`, row );
		if ( row.wamid ) {
			byWamid.set( `${ row.tenant_id }\u0000${ row.wamid }`, row );
		}
	}

	const original = new Map< number, RecipientRow >();
	const current = new Map< number, RecipientRow >();
	for ( const { tenantId, event } of usable ) {
		const callback = parseCallback( event.bizOpaqueCallbackData );
		let row: RecipientRow | undefined;
		if ( callback ) {
			const found = byKey.get( callback.key );
			const candidate = found
				? ( current.get( found.id ) ?? found )
				: undefined;
			// The callback data must agree with the tenant, the campaign and (once known) the wamid.
			if (
				candidate &&
				candidate.tenant_id === tenantId &&
				candidate.campaign_id === callback.campaignId &&
				( candidate.wamid === null || candidate.wamid === event.wamid )
			) {
				row = candidate;
			}
		} else {
			const found = byWamid.get( `${ tenantId }\u0000${ event.wamid }` );
			row = found ? ( current.get( found.id ) ?? found ) : undefined;
		}
		if ( ! row ) {
			// A message not sent by a campaign (or one deleted since): only the raw log keeps it.
			continue;
		}
		if ( ! original.has( row.id ) ) {
			original.set( row.id, row );
		}
		const before: MessageState = {
			status: mergedStatus( row ),
			sentAt: row.status_sent_at,
			deliveredAt: row.delivered_at,
			readAt: row.read_at,
			failedAt: row.failed_at,
		};
		const after = mergeStatus( before, {
			status: event.status as MessageStatus,
			timestamp: seconds( event.timestamp ) || now,
		} );
		if (
			after === before &&
			row.wamid !== null &&
			row.message_status === after.status
		) {
			continue;
		}
		const next: RecipientRow = {
			...row,
			wamid: row.wamid ?? event.wamid,
			message_status: after.status,
			status_sent_at: after.sentAt,
			delivered_at: after.deliveredAt,
			read_at: after.readAt,
			failed_at: after.failedAt,
		};
		if ( after.status === 'failed' && before.status !== 'failed' ) {
			const error = event.errors[ 0 ];
			const code = error?.code ?? 0;
			const known = error !== undefined;
			const classified = classifyError( code, error?.details );
			next.error_code = known ? code : null;
			next.error_reason = known ? classified.reason : 'unknown_error';
			next.error_message = error
				? ( error.title || error.message ).slice( 0, 500 )
				: null;
			next.retryable = classified.retryable ? 1 : 0;
			next.retry_not_before =
				classified.action === 'no_retry_24h'
					? ( after.failedAt ?? now ) + DAY_MS
					: null;
			if ( classified.action === 'opt_out' ) {
				preferences.push( {
					tenantId,
					phone: row.phone,
					value: 'stop',
					source: 'error_131050',
					at: after.failedAt ?? now,
				} );
			}
			if (
				classified.reason === 'template_paused' ||
				classified.reason === 'template_disabled'
			) {
				templateFailures.push( {
					tenantId,
					campaignId: row.campaign_id,
					reason: classified.reason,
				} );
			}
		} else if ( before.status === 'failed' && after.status !== 'failed' ) {
			// Delivered after all: the failure report was stale.
			next.error_code = null;
			next.error_reason = null;
			next.error_message = null;
			next.retryable = null;
			next.retry_not_before = null;
		}
		current.set( row.id, next );
	}

	const changed: RecipientRow[] = [];
	// Statuses newly reached by automation messages: the order notes of runs an order started (order-notes.ts).
	const automationChanges: MessageStatusChange[] = [];
	// Rows whose wamid and error columns stay as they were (a status moving forward, Meta's usual case).
	const milestonesOnly = new Set< number >();
	for ( const [ id, next ] of current ) {
		const first = original.get( id ) as RecipientRow;
		if (
			next.wamid === first.wamid &&
			next.error_code === first.error_code &&
			next.error_reason === first.error_reason &&
			next.error_message === first.error_message &&
			next.retryable === first.retryable &&
			next.retry_not_before === first.retry_not_before
		) {
			milestonesOnly.add( id );
		}
		const delta = counterDelta(
			mergedStatus( first ),
			next.message_status
		);
		const counter = touch( next.tenant_id, next.campaign_id );
		counter.sent += delta.sent;
		counter.delivered += delta.delivered;
		counter.read += delta.read;
		counter.failed += delta.failed;
		changed.push( next );
		if ( next.campaign_id.startsWith( 'a:' ) ) {
			automationChanges.push( ...newMilestones( first, next ) );
		}
	}
	await updateRecipientStatuses( trx, changed, now, milestonesOnly );
	if ( automationChanges.length > 0 ) {
		await queueOrderNotes(
			trx as unknown as Kysely< Database >,
			automationChanges,
			now
		);
	}
}

/** The milestones a message reached in this batch (a time that was not there before). */
function newMilestones(
	first: RecipientRow,
	next: RecipientRow
): MessageStatusChange[] {
	const out: MessageStatusChange[] = [];
	const milestones: Array<
		[ MessageStatusChange[ 'status' ], number | null, number | null ]
	> = [
		[ 'sent', first.status_sent_at, next.status_sent_at ],
		[ 'delivered', first.delivered_at, next.delivered_at ],
		[ 'read', first.read_at, next.read_at ],
		[ 'failed', first.failed_at, next.failed_at ],
	];
	for ( const [ status, before, after ] of milestones ) {
		if ( before === null && after !== null ) {
			out.push( {
				runId: next.run_id,
				step: next.step,
				status,
				at: after,
				error: status === 'failed' ? next.error_message : null,
			} );
		}
	}
	return out;
}

function bigint( value: number | null ): RawBuilder< unknown > {
	return sql`CAST(${ value } AS BIGINT)`;
}

function text( value: string | null ): RawBuilder< unknown > {
	return sql`CAST(${ value } AS TEXT)`;
}

/**
 * One UPDATE ... FROM (VALUES ...) per chunk of rows, on both SQLite (>= 3.33) and PostgreSQL, instead of one
 * statement per recipient.
 */
async function updateRecipientStatuses(
	trx: Trx,
	rows: RecipientRow[],
	now: number,
	milestonesOnly: ReadonlySet< number >
): Promise< void > {
	if ( rows.length === 0 ) {
		return;
	}
	if ( ! isPostgres( trx ) ) {
		/*
		 * SQLite rewrites the entry of every index that holds a column named in SET, even when the value is the same:
		 * rows whose wamid and error columns do not change (nearly all) are updated without naming them, which spares
		 * the wamid and error-reason index entries.
		 */
		const narrow = rows.filter( ( r ) => milestonesOnly.has( r.id ) );
		if ( narrow.length > 0 ) {
			await sql`
				WITH v (id, message_status, status_sent_at, delivered_at, read_at, failed_at) AS (
					SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
					FROM json_each(${ JSON.stringify(
						narrow.map( ( r ) => [
							r.id,
							r.message_status,
							r.status_sent_at,
							r.delivered_at,
							r.read_at,
							r.failed_at,
						] )
					) })
				)
				UPDATE messages SET
					message_status = v.message_status,
					status_sent_at = v.status_sent_at,
					delivered_at = v.delivered_at,
					read_at = v.read_at,
					failed_at = v.failed_at,
					updated_at = ${ now }
				FROM v WHERE messages.id = v.id
			`.execute( trx );
			if ( narrow.length === rows.length ) {
				return;
			}
			rows = rows.filter( ( r ) => ! milestonesOnly.has( r.id ) );
		}
		// SQLite: one JSON text instead of twelve bound values per row (no query-builder nodes per value, and one
		// statement text for every batch, so it is prepared once); rows found by primary key.
		const json = JSON.stringify(
			rows.map( ( r ) => [
				r.id,
				r.wamid,
				r.message_status,
				r.status_sent_at,
				r.delivered_at,
				r.read_at,
				r.failed_at,
				r.error_code,
				r.error_reason,
				r.error_message,
				r.retryable,
				r.retry_not_before,
			] )
		);
		await sql`
			WITH v (id, wamid, message_status, status_sent_at, delivered_at, read_at, failed_at,
				error_code, error_reason, error_message, retryable, retry_not_before) AS (
				SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
					value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11
				FROM json_each(${ json })
			)
			UPDATE messages SET
				wamid = v.wamid,
				message_status = v.message_status,
				status_sent_at = v.status_sent_at,
				delivered_at = v.delivered_at,
				read_at = v.read_at,
				failed_at = v.failed_at,
				error_code = v.error_code,
				error_reason = v.error_reason,
				error_message = v.error_message,
				retryable = v.retryable,
				retry_not_before = v.retry_not_before,
				updated_at = ${ now }
			FROM v WHERE messages.id = v.id
		`.execute( trx );
		return;
	}
	for ( const part of chunks( rows, 400 ) ) {
		const values = sql.join(
			part.map(
				( r ) =>
					sql`(${ sql.join( [
						bigint( r.id ),
						text( r.wamid ),
						text( r.message_status ),
						bigint( r.status_sent_at ),
						bigint( r.delivered_at ),
						bigint( r.read_at ),
						bigint( r.failed_at ),
						bigint( r.error_code ),
						text( r.error_reason ),
						text( r.error_message ),
						bigint( r.retryable ),
						bigint( r.retry_not_before ),
					] ) })`
			)
		);
		await sql`
			WITH v (id, wamid, message_status, status_sent_at, delivered_at, read_at, failed_at,
				error_code, error_reason, error_message, retryable, retry_not_before) AS (VALUES ${ values })
			UPDATE messages SET
				wamid = v.wamid,
				message_status = v.message_status,
				status_sent_at = v.status_sent_at,
				delivered_at = v.delivered_at,
				read_at = v.read_at,
				failed_at = v.failed_at,
				error_code = v.error_code,
				error_reason = v.error_reason,
				error_message = v.error_message,
				retryable = v.retryable,
				retry_not_before = v.retry_not_before,
				updated_at = ${ bigint( now ) }
			FROM v WHERE messages.id = v.id
		`.execute( trx );
	}
}
