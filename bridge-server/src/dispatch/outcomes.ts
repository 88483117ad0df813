/**
 * What a batch of send outcomes does to its messages: each settled recipient's new state (accepted, retry with its
 * backoff, failed, unknown), written in one statement per batch, its run ended when final, the campaign's counters
 * moved, and the effects beyond them (pause, daily window) handed back to the dispatcher. Claimed messages that were
 * never sent go back in release.ts.
 */

/**
 * External dependencies
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { endRuns } from '../storage/runs.js';
import {
	FINAL_MESSAGE_STATES,
	type Database,
	type MessageState,
} from '../storage/schema.js';
import {
	backoffDelayMs,
	classifyError,
	type BackoffHint,
} from '../whatsapp/errors.js';
import type { ClaimedRecipient } from './claim.js';
import type { SendOutcome } from './messenger.js';

/** The request never left (connection refused...): safe to send again, a few times. */
const NOT_SENT_BACKOFF: BackoffHint = {
	initialMs: 1_000,
	multiplier: 2,
	maxMs: 60_000,
	maxAttempts: 8,
};

export interface Settled {
	item: ClaimedRecipient;
	outcome: SendOutcome;
}

export interface CampaignEffect {
	reason: string;
	message: string;
	code: number | null;
}

/** What a batch of outcomes means beyond its recipients; applied by the dispatcher. */
export interface Effects {
	throttled: boolean;
	pause: Map< string, CampaignEffect >;
	fail: Map< string, CampaignEffect >;
	halt: CampaignEffect | null;
	/** Per campaign: +1 per definitive failure, reset (to 0) by an accepted send, in batch order. */
	failureRuns: Map< string, { failures: number; reset: boolean } >;
}

interface Update {
	/** The message's id. */
	id: number;
	runId: number;
	campaignId: string;
	state: MessageState;
	wamid: string | null;
	messageStatus: string | null;
	errorCode: number | null;
	errorReason: string | null;
	retryable: number | null;
	nextAttemptAt: number;
	sentAt: number | null;
	/**
	 * Accepted at the first attempt (the usual case): no earlier attempt left an error to clear, so the UPDATE does not
	 * name the error columns (see `updateRecipients`).
	 */
	firstAccepted?: boolean;
}

type Delta = {
	completed: number;
	failed: number;
	unknown: number;
	toStart: number;
	settled: number;
};

/**
 * Turns send outcomes into recipient states (one UPDATE ... FROM (VALUES ...) for the batch) and counters, in one
 * transaction; the action of each Meta error code comes from the error table (src/whatsapp/errors.ts).
 * Only rows still `sending` and held by this worker are touched.
 */
export async function applyOutcomes(
	db: Kysely< Database >,
	clock: Clock,
	tenantId: string,
	workerId: string,
	settled: Settled[],
	random: () => number = Math.random
): Promise< Effects > {
	const now = clock.now();
	const effects: Effects = {
		throttled: false,
		pause: new Map(),
		fail: new Map(),
		halt: null,
		failureRuns: new Map(),
	};
	const updates: Update[] = [];
	const optOuts: string[] = [];
	const aliases: Array< { wa_id: string; phone: string } > = [];
	const deltas = new Map< string, Delta >();
	const delta = ( campaignId: string ) => {
		let d = deltas.get( campaignId );
		if ( ! d ) {
			d = { completed: 0, failed: 0, unknown: 0, toStart: 0, settled: 0 };
			deltas.set( campaignId, d );
		}
		return d;
	};
	const run = ( campaignId: string, failed: boolean ) => {
		const r = effects.failureRuns.get( campaignId ) ?? {
			failures: 0,
			reset: false,
		};
		if ( failed ) {
			r.failures += 1;
		} else {
			r.failures = 0;
			r.reset = true;
		}
		effects.failureRuns.set( campaignId, r );
	};

	for ( const { item, outcome } of settled ) {
		const base = {
			id: item.id,
			runId: item.runId,
			campaignId: item.campaignId,
			wamid: null,
			messageStatus: null,
			errorCode: null,
			errorReason: null,
			retryable: null,
			nextAttemptAt: 0,
			sentAt: null,
		};
		const d = delta( item.campaignId );
		d.settled += 1;
		const retryOrFail = (
			hint: BackoffHint | undefined,
			code: number | null,
			reason: string,
			retryable: boolean
		): Update => {
			if ( hint && item.attempts < hint.maxAttempts ) {
				d.toStart += 1;
				return {
					...base,
					state: 'retry',
					errorCode: code,
					errorReason: reason,
					nextAttemptAt:
						now + backoffDelayMs( hint, item.attempts, random ),
				};
			}
			d.failed += 1;
			run( item.campaignId, true );
			return {
				...base,
				state: 'failed',
				errorCode: code,
				errorReason: reason,
				retryable: retryable ? 1 : 0,
			};
		};

		if ( outcome.kind === 'accepted' ) {
			if ( outcome.waId && `+${ outcome.waId }` !== item.phone ) {
				aliases.push( { wa_id: outcome.waId, phone: item.phone } );
			}
			d.completed += 1;
			run( item.campaignId, false );
			updates.push( {
				...base,
				state: 'completed',
				wamid: outcome.wamid,
				messageStatus: 'accepted',
				sentAt: now,
				firstAccepted: item.attempts === 1,
			} );
			continue;
		}
		if ( outcome.kind === 'unknown' ) {
			d.unknown += 1;
			run( item.campaignId, true );
			updates.push( {
				...base,
				state: 'unknown',
				errorReason: outcome.reason.slice( 0, 200 ),
				retryable: 0,
			} );
			continue;
		}
		if ( outcome.kind === 'not_sent' ) {
			updates.push(
				retryOrFail( NOT_SENT_BACKOFF, null, 'not_sent', true )
			);
			continue;
		}
		const kind = classifyError( outcome.code, outcome.details );
		const effect = {
			reason: kind.reason,
			message: outcome.message,
			code: outcome.code,
		};
		switch ( kind.action ) {
			case 'retry':
			case 'pair_rate':
			case 'no_retry_24h':
				updates.push(
					retryOrFail(
						kind.backoff,
						outcome.code,
						kind.reason,
						kind.retryable
					)
				);
				break;
			case 'retry_later':
				if ( outcome.code === 130429 ) {
					effects.throttled = true;
				}
				updates.push(
					retryOrFail(
						kind.backoff,
						outcome.code,
						kind.reason,
						kind.retryable
					)
				);
				break;
			case 'pause_campaign':
				// Not sent: back in the queue for when a person resumes the campaign.
				d.toStart += 1;
				updates.push( {
					...base,
					state: 'retry',
					errorCode: outcome.code,
					errorReason: kind.reason,
					nextAttemptAt: now,
				} );
				effects.pause.set( item.campaignId, effect );
				break;
			case 'halt_tenant':
				d.toStart += 1;
				updates.push( {
					...base,
					state: 'retry',
					errorCode: outcome.code,
					errorReason: kind.reason,
					nextAttemptAt: now,
				} );
				effects.halt = effect;
				break;
			case 'opt_out':
				d.failed += 1;
				optOuts.push( item.phone );
				updates.push( {
					...base,
					state: 'failed',
					errorCode: outcome.code,
					errorReason: kind.reason,
					retryable: 0,
				} );
				break;
			case 'fail_template':
				d.failed += 1;
				updates.push( {
					...base,
					state: 'failed',
					errorCode: outcome.code,
					errorReason: kind.reason,
					retryable: kind.retryable ? 1 : 0,
				} );
				effects.fail.set( item.campaignId, effect );
				break;
			case 'fail':
			default:
				d.failed += 1;
				run( item.campaignId, true );
				updates.push( {
					...base,
					state: 'failed',
					errorCode: outcome.code,
					errorReason: kind.reason,
					retryable: kind.retryable ? 1 : 0,
				} );
		}
	}

	const postgres = isPostgres( db );
	await db.transaction().execute( async ( trx ) => {
		const first = updates.filter( ( u ) => u.firstAccepted );
		const others =
			first.length === updates.length
				? []
				: updates.filter( ( u ) => ! u.firstAccepted );
		for ( const [ list, firstAccepted ] of [
			[ first, true ],
			[ others, false ],
		] as const ) {
			for ( let i = 0; i < list.length; i += 500 ) {
				await updateRecipients(
					trx,
					postgres,
					tenantId,
					workerId,
					now,
					list.slice( i, i + 500 ),
					firstAccepted
				);
			}
		}
		// A campaign's run has one step: its message's final outcome ends it.
		await endRuns(
			trx,
			postgres ? 'postgres' : 'sqlite',
			tenantId,
			now,
			updates
				.filter( ( u ) => FINAL_MESSAGE_STATES.includes( u.state ) )
				.map( ( u ) => u.runId )
		);
		for ( const [ campaignId, d ] of deltas ) {
			await applyCounterDeltas( trx, tenantId, campaignId, {
				in_progress: -d.settled,
				completed: d.completed,
				failed: d.failed,
				unknown: d.unknown,
				to_start: d.toStart,
			} );
		}
		if ( aliases.length > 0 ) {
			await trx
				.insertInto( 'wa_id_aliases' )
				.values(
					aliases.map( ( alias ) => ( {
						tenant_id: tenantId,
						...alias,
						created_at: now,
					} ) )
				)
				.onConflict( ( oc ) =>
					oc.columns( [ 'tenant_id', 'wa_id', 'phone' ] ).doNothing()
				)
				.execute();
		}
		if ( optOuts.length > 0 ) {
			await trx
				.insertInto( 'opt_outs' )
				.values(
					optOuts.map( ( phone ) => ( {
						tenant_id: tenantId,
						phone,
						source: 'send_error_131050',
						created_at: now,
						reported: 0,
					} ) )
				)
				.onConflict( ( oc ) =>
					oc.columns( [ 'tenant_id', 'phone' ] ).doNothing()
				)
				.execute();
		}
	} );
	return effects;
}

/**
 * One UPDATE for a batch of outcomes, only of rows still `sending` and held by this worker. The batch is bound as one
 * parameter per column (PostgreSQL arrays through unnest) or one JSON text (SQLite json_each), so the SQL text is the
 * same for every batch and SQLite reuses its prepared statement.
 *
 * `firstAccepted`: every row of the batch was accepted at its first attempt. Its error columns are then either empty
 * (no earlier attempt wrote them) or an early failed status webhook's, which must stay (below): the UPDATE leaves them
 * out, and SQLite, which rewrites the entries of every index whose columns a SET names, keeps its error index as it is
 * (about a quarter of the statement's cost per row, docs/history/benchmarks-2026-11-25-to-12-07.md, "Fourth session").
 */
async function updateRecipients(
	trx: Transaction< Database >,
	postgres: boolean,
	tenantId: string,
	workerId: string,
	now: number,
	batch: Update[],
	firstAccepted: boolean
): Promise< void > {
	// A status webhook of an accepted message can arrive before its outcome is written (statuses come within
	// milliseconds; outcomes are batched): then the row already has a message_status, and a failed status's error
	// (131026, 131050...) must stay rather than be cleared by the "accepted" outcome.
	const webhookFirst = sql`v.state = 'completed' and messages.message_status is not null`;
	const errors = firstAccepted
		? sql``
		: sql`error_code = case when ${ webhookFirst } then messages.error_code else v.error_code end,
		error_reason = case when ${ webhookFirst } then messages.error_reason else v.error_reason end,
		retryable = case when ${ webhookFirst } then messages.retryable else v.retryable end,`;
	const set = sql`state = v.state, wamid = coalesce(v.wamid, messages.wamid),
		message_status = coalesce(messages.message_status, v.message_status), ${ errors }
		next_attempt_at = v.next_attempt_at, sent_at = v.sent_at, updated_at = ${ now }`;
	// SQLite: "+" keeps the planner on the rowid lookup (the tenant or claimed_by index would scan many rows per id).
	const mine = postgres
		? sql`messages.id = v.id and messages.tenant_id = ${ tenantId } and messages.state = 'sending' and messages.claimed_by = ${ workerId }`
		: sql`messages.id = v.id and +messages.tenant_id = ${ tenantId } and +messages.state = 'sending' and +messages.claimed_by = ${ workerId }`;
	if ( postgres ) {
		const column = < T >( pick: ( u: Update ) => T ) => batch.map( pick );
		await sql`update messages set ${ set }
			from unnest(cast(${ column( ( u ) => u.id ) } as bigint[]), cast(${ column( ( u ) => u.state ) } as text[]),
				cast(${ column( ( u ) => u.wamid ) } as text[]), cast(${ column( ( u ) => u.messageStatus ) } as text[]),
				cast(${ column( ( u ) => u.errorCode ) } as integer[]), cast(${ column( ( u ) => u.errorReason ) } as text[]),
				cast(${ column( ( u ) => u.retryable ) } as integer[]), cast(${ column( ( u ) => u.nextAttemptAt ) } as bigint[]),
				cast(${ column( ( u ) => u.sentAt ) } as bigint[]))
				as v(id, state, wamid, message_status, error_code, error_reason, retryable, next_attempt_at, sent_at)
			where ${ mine }`.execute( trx );
		return;
	}
	// One JSON array per row, in the column order below.
	let json = '[';
	for ( let i = 0; i < batch.length; i++ ) {
		const u = batch[ i ] as Update;
		json += `${ i === 0 ? '' : ',' }[${ u.id },${ JSON.stringify( u.state ) },${ JSON.stringify( u.wamid ) },${ JSON.stringify( u.messageStatus ) },${ JSON.stringify( u.errorCode ) },${ JSON.stringify( u.errorReason ) },${ JSON.stringify( u.retryable ) },${ u.nextAttemptAt },${ JSON.stringify( u.sentAt ) }]`;
	}
	json += ']';
	await sql`with v(id, state, wamid, message_status, error_code, error_reason, retryable, next_attempt_at, sent_at) as (
			select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8
			from json_each(${ json })
		)
		update messages set ${ set }
		from v
		where ${ mine }`.execute( trx );
}
