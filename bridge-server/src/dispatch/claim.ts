/**
 * External dependencies
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type { DialectName } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { idIn, textIn, unindexed } from '../storage/lists.js';
import type { Database, MessageState, Tenant } from '../storage/schema.js';
import { endRuns } from '../storage/runs.js';
import { DAY_MS, dailyWindow, inWindow as holdsUnit } from './daily-limit.js';

export { DAY_MS };
/** Meta's pair rate: one message per 6 s to the same user. */
export const PAIR_INTERVAL_MS = 6_000;

/** A claimed message (one step of a run). */
export interface ClaimedRecipient {
	/** The message's id. */
	id: number;
	/** Its run (recipients.id) and step: the callback data names them. */
	runId: number;
	step: number;
	campaignId: string;
	phone: string;
	variables: string;
	/** Attempts including this one. */
	attempts: number;
	/** State before the claim, to put it back unchanged if it is released unsent. */
	from: MessageState;
}

export interface ClaimResult {
	claimed: ClaimedRecipient[];
	/** Set to `opted_out`: their phone is on the tenant's opt-out list (consent revoked after the snapshot). */
	optedOut: number;
	/** Failed with `daily_limit` (campaign does not wait for the window). */
	limited: number;
	/** Left waiting: pair rate, or the daily window for campaigns that continue when limited. */
	deferred: number;
}

interface Due {
	id: number;
	run_id: number;
	step: number;
	phone: string;
	body: string;
	attempts: number;
	state: MessageState;
}

/**
 * Claims due messages of one running campaign for this worker, in one transaction that also applies the daily limit
 * and the pair rate (both from `send_log`) and moves the counters. On PostgreSQL rows are taken with
 * FOR UPDATE SKIP LOCKED (several processes never take the same recipient) and the daily budget is read and spent
 * under a per-tenant advisory lock; SQLite has one writer at a time, so the transaction alone is enough.
 * The committed `sending` state is the at-most-once guard: nothing is sent before this commits.
 */
export async function claimRecipients(
	db: Kysely< Database >,
	dialect: DialectName,
	clock: Clock,
	tenant: Tenant,
	campaignId: string,
	continueWhenLimited: boolean,
	limit: number,
	workerId: string
): Promise< ClaimResult > {
	return db.transaction().execute( async ( trx ) => {
		const now = clock.now();
		if ( dialect === 'postgres' ) {
			await sql`select pg_advisory_xact_lock(hashtext(${ `rondine:send:${ tenant.id }` }))`.execute(
				trx
			);
		}
		const due: Due[] = [];
		for ( const state of [ 'retry', 'pending' ] as const ) {
			if ( due.length >= limit ) {
				break;
			}
			let query = trx
				.selectFrom( 'messages' )
				.select( [
					'id',
					'run_id',
					'step',
					'phone',
					'body',
					'attempts',
					'state',
				] )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'campaign_id', '=', campaignId )
				.where( 'state', '=', state )
				.where( 'next_attempt_at', '<=', now )
				.orderBy( 'next_attempt_at' )
				.orderBy( 'id' )
				.limit( limit - due.length );
			if ( dialect === 'postgres' ) {
				query = query.forUpdate().skipLocked();
			}
			due.push( ...( await query.execute() ) );
		}
		if ( due.length === 0 ) {
			return { claimed: [], optedOut: 0, limited: 0, deferred: 0 };
		}
		const duePhones = due.map( ( d ) => d.phone );

		const log = new Map(
			(
				await trx
					.selectFrom( 'send_log' )
					.select( [ 'phone', 'last_sent_at' ] )
					.where( 'tenant_id', '=', tenant.id )
					.where( textIn( dialect, 'phone', duePhones ) )
					.execute()
			).map( ( row ) => [ row.phone, row ] )
		);
		// Consent is checked when a recipient is claimed, not only at snapshot: a revocation (POST /v1/consent, a STOP)
		// that arrives after the audience was taken still stops the send, for every campaign and "Retry failed".
		// One primary-key lookup for the whole batch, in the same transaction as the claim.
		const optedOutPhones = new Set(
			(
				await trx
					.selectFrom( 'opt_outs' )
					.select( 'phone' )
					.where( 'tenant_id', '=', tenant.id )
					.where( textIn( dialect, 'phone', duePhones ) )
					.execute()
			).map( ( row ) => row.phone )
		);
		// The daily limit: the same computation as the forecast's and the campaign views' (daily-limit.ts).
		const window = await dailyWindow(
			trx,
			tenant.id,
			tenant.messaging_limit_tier,
			now
		);
		let remaining = window.remaining;
		const windowFreesAt = window.freesAt ?? now + DAY_MS;

		const claimed: ClaimedRecipient[] = [];
		const optedOutIds: number[] = [];
		const limitedIds: number[] = [];
		const deferrals = new Map< number, number[] >();
		const defer = ( at: number, id: number ) =>
			deferrals.set( at, [ ...( deferrals.get( at ) ?? [] ), id ] );
		const logPhones: string[] = [];
		const seen = new Set< string >();
		for ( const row of due ) {
			if ( optedOutPhones.size > 0 && optedOutPhones.has( row.phone ) ) {
				optedOutIds.push( row.id );
				continue;
			}
			const entry = log.get( row.phone );
			const inWindow = holdsUnit( entry?.last_sent_at, now );
			if (
				seen.has( row.phone ) ||
				( entry && entry.last_sent_at > now - PAIR_INTERVAL_MS )
			) {
				// The same phone twice in this batch (another campaign), or sent less than 6 s ago.
				defer(
					Math.max(
						now + PAIR_INTERVAL_MS,
						( entry?.last_sent_at ?? now ) + PAIR_INTERVAL_MS
					),
					row.id
				);
				continue;
			}
			if ( ! inWindow ) {
				if ( remaining <= 0 ) {
					if ( continueWhenLimited ) {
						defer( windowFreesAt, row.id );
					} else {
						limitedIds.push( row.id );
					}
					continue;
				}
				remaining -= 1;
			}
			seen.add( row.phone );
			logPhones.push( row.phone );
			claimed.push( {
				id: Number( row.id ),
				runId: Number( row.run_id ),
				step: row.step,
				campaignId,
				phone: row.phone,
				variables: row.body,
				attempts: row.attempts + 1,
				from: row.state,
			} );
		}

		if ( claimed.length > 0 ) {
			await trx
				.updateTable( 'messages' )
				.set( ( eb ) => ( {
					state: 'sending',
					attempts: eb( 'attempts', '+', 1 ),
					claimed_by: workerId,
					claimed_at: now,
					updated_at: now,
				} ) )
				.where( unindexed( dialect, 'tenant_id' ), '=', tenant.id )
				.where(
					idIn(
						dialect,
						'id',
						claimed.map( ( c ) => c.id )
					)
				)
				.execute();
			await upsertSendLog( trx, dialect, tenant.id, now, logPhones );
		}
		if ( limitedIds.length > 0 ) {
			await trx
				.updateTable( 'messages' )
				.set( {
					state: 'failed',
					error_code: null,
					error_reason: 'daily_limit',
					retryable: 1,
					updated_at: now,
				} )
				.where( unindexed( dialect, 'tenant_id' ), '=', tenant.id )
				.where( idIn( dialect, 'id', limitedIds ) )
				.execute();
		}
		if ( optedOutIds.length > 0 ) {
			await trx
				.updateTable( 'messages' )
				.set( {
					state: 'opted_out',
					error_code: null,
					error_reason: 'opted_out',
					retryable: 0,
					updated_at: now,
				} )
				.where( unindexed( dialect, 'tenant_id' ), '=', tenant.id )
				.where( idIn( dialect, 'id', optedOutIds ) )
				.execute();
		}
		// Failed (daily limit) and opted-out messages are final: their runs (one step) end.
		if ( limitedIds.length + optedOutIds.length > 0 ) {
			const final = new Set( [ ...limitedIds, ...optedOutIds ] );
			await endRuns(
				trx,
				dialect,
				tenant.id,
				now,
				due
					.filter( ( d ) => final.has( d.id ) )
					.map( ( d ) => Number( d.run_id ) )
			);
		}
		let deferred = 0;
		for ( const [ at, ids ] of deferrals ) {
			deferred += ids.length;
			await trx
				.updateTable( 'messages' )
				.set( { next_attempt_at: at, updated_at: now } )
				.where( unindexed( dialect, 'tenant_id' ), '=', tenant.id )
				.where( idIn( dialect, 'id', ids ) )
				.execute();
		}
		const optedOut = optedOutIds.length;
		if ( claimed.length + limitedIds.length + optedOut > 0 ) {
			// An opted-out recipient leaves `total` and `to_start` for `opted_out` (skipped), as if the snapshot had
			// dropped it: it is neither failed nor retryable, and the automation counters still add up to `total`.
			await applyCounterDeltas( trx, tenant.id, campaignId, {
				total: -optedOut,
				to_start: -( claimed.length + limitedIds.length + optedOut ),
				in_progress: claimed.length,
				failed: limitedIds.length,
				opted_out: optedOut,
			} );
		}
		return { claimed, optedOut, limited: limitedIds.length, deferred };
	} );
}

/** `send_log` rows of these phones set to `now` (one statement, the phones as one parameter). */
async function upsertSendLog(
	trx: Transaction< Database >,
	dialect: DialectName,
	tenantId: string,
	now: number,
	phones: string[]
): Promise< void > {
	const source =
		dialect === 'postgres'
			? sql`select ${ tenantId }, unnest(cast(${ phones } as text[])), cast(${ now } as bigint)`
			: // "where true": SQLite's parser needs it between a SELECT and ON CONFLICT.
				sql`select ${ tenantId }, value, ${ now } from json_each(${ JSON.stringify( phones ) }) where true`;
	await sql`insert into send_log (tenant_id, phone, last_sent_at) ${ source }
		on conflict (tenant_id, phone) do update set last_sent_at = excluded.last_sent_at`.execute(
		trx
	);
}

/** Contacts reached more than 24 h ago no longer hold a unit of the daily limit: forget them. */
export async function pruneSendLog(
	db: Kysely< Database >,
	now: number
): Promise< void > {
	await db
		.deleteFrom( 'send_log' )
		.where( 'last_sent_at', '<', now - DAY_MS )
		.execute();
}
