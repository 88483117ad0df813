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
import {
	automationCategory,
	MAX_CAP_DAYS,
	nextAllowedAt,
	recipientZone,
	templateCategory,
	type MessageCategory,
} from './policy.js';

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
	/**
	 * Left waiting: pair rate, the daily window for campaigns that continue when limited, the recipient's quiet hours,
	 * or the marketing frequency cap when the owner chose to postpone.
	 */
	deferred: number;
	/** Set to `capped`: over the marketing frequency cap, the owner chose to skip (final, never sent). */
	capped: number;
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
			return {
				claimed: [],
				optedOut: 0,
				limited: 0,
				deferred: 0,
				capped: 0,
			};
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
		// The sending policy (policy.ts): the tenant row holds it; the cap reads the batch's marketing sends at once.
		const quiet = tenant.quiet_hours_enabled === 1;
		const cap = await capState(
			trx,
			dialect,
			tenant,
			campaignId,
			due,
			now
		);

		const claimed: ClaimedRecipient[] = [];
		const optedOutIds: number[] = [];
		const limitedIds: number[] = [];
		const deferrals = new Map< number, number[] >();
		const defer = ( at: number, id: number ) =>
			deferrals.set( at, [ ...( deferrals.get( at ) ?? [] ), id ] );
		const cappedIds: number[] = [];
		const marketingClaimed: Array< { id: number; phone: string } > = [];
		const logPhones: string[] = [];
		const seen = new Set< string >();
		for ( const row of due ) {
			if ( optedOutPhones.size > 0 && optedOutPhones.has( row.phone ) ) {
				optedOutIds.push( row.id );
				continue;
			}
			// Quiet hours, in the recipient's local time: not dropped, due again at the next allowed minute.
			if ( quiet ) {
				const allowedAt = nextAllowedAt(
					now,
					recipientZone( row.phone, tenant.timezone ),
					tenant.quiet_start_minute,
					tenant.quiet_end_minute
				);
				if ( allowedAt > now ) {
					defer( allowedAt, row.id );
					continue;
				}
			}
			const marketing = cap?.marketing.has( Number( row.id ) ) ?? false;
			if ( cap && marketing ) {
				const freesAt = cap.freesAt( row.phone, Number( row.id ) );
				if ( freesAt !== null ) {
					if ( tenant.cap_when_capped === 'skip' ) {
						cappedIds.push( row.id );
					} else {
						defer( freesAt, row.id );
					}
					continue;
				}
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
			if ( cap && marketing ) {
				cap.claimed( row.phone );
				marketingClaimed.push( {
					id: Number( row.id ),
					phone: row.phone,
				} );
			}
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
			await recordMarketingSends( trx, tenant.id, now, marketingClaimed );
		}
		if ( cappedIds.length > 0 ) {
			await trx
				.updateTable( 'messages' )
				.set( {
					state: 'capped',
					error_code: null,
					error_reason: 'capped',
					retryable: 0,
					updated_at: now,
				} )
				.where( unindexed( dialect, 'tenant_id' ), '=', tenant.id )
				.where( idIn( dialect, 'id', cappedIds ) )
				.execute();
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
		// Failed (daily limit), opted-out and capped messages are final: their runs (one step) end.
		if ( limitedIds.length + optedOutIds.length + cappedIds.length > 0 ) {
			const final = new Set( [
				...limitedIds,
				...optedOutIds,
				...cappedIds,
			] );
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
		const capped = cappedIds.length;
		if ( claimed.length + limitedIds.length + optedOut + capped > 0 ) {
			// An opted-out recipient leaves `total` and `to_start` for `opted_out` (skipped), as if the snapshot had
			// dropped it: it is neither failed nor retryable, and the automation counters still add up to `total`.
			await applyCounterDeltas( trx, tenant.id, campaignId, {
				total: -optedOut,
				to_start: -(
					claimed.length +
					limitedIds.length +
					optedOut +
					capped
				),
				in_progress: claimed.length,
				failed: limitedIds.length,
				opted_out: optedOut,
				// A capped recipient stays in `total` (like a cancelled one): it was meant to be sent, the policy held it.
				capped,
			} );
		}
		return {
			claimed,
			optedOut,
			limited: limitedIds.length,
			deferred,
			capped,
		};
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

/**
 * MARKETING messages claimed: one `marketing_sends` row each, what the frequency cap counts. Keyed by the message, so a
 * message claimed again after a retryable failure keeps its first row (it counts once).
 */
async function recordMarketingSends(
	trx: Transaction< Database >,
	tenantId: string,
	now: number,
	sends: ReadonlyArray< { id: number; phone: string } >
): Promise< void > {
	if ( sends.length === 0 ) {
		return;
	}
	await trx
		.insertInto( 'marketing_sends' )
		.values(
			sends.map( ( send ) => ( {
				tenant_id: tenantId,
				message_id: send.id,
				phone: send.phone,
				sent_at: now,
			} ) )
		)
		.onConflict( ( oc ) =>
			oc.columns( [ 'tenant_id', 'message_id' ] ).doNothing()
		)
		.execute();
}

/**
 * Messages claimed for their first attempt and given back unsent (releaseClaimed): their marketing sends never
 * happened, so they no longer count for the cap. (A retry given back keeps the row of its earlier, real attempt.)
 */
export async function forgetMarketingSends(
	trx: Transaction< Database >,
	dialect: DialectName,
	tenantId: string,
	messageIds: readonly number[]
): Promise< void > {
	if ( messageIds.length === 0 ) {
		return;
	}
	await trx
		.deleteFrom( 'marketing_sends' )
		.where( 'tenant_id', '=', tenantId )
		.where( idIn( dialect, 'message_id', messageIds ) )
		.execute();
}

/**
 * Contacts reached more than 24 h ago no longer hold a unit of the daily limit: forget them. Marketing sends older than
 * the longest frequency cap window (MAX_CAP_DAYS) no longer count for any cap: forget them too.
 */
export async function pruneSendLog(
	db: Kysely< Database >,
	now: number
): Promise< void > {
	await db
		.deleteFrom( 'send_log' )
		.where( 'last_sent_at', '<', now - DAY_MS )
		.execute();
	await db
		.deleteFrom( 'marketing_sends' )
		.where( 'sent_at', '<', now - MAX_CAP_DAYS * DAY_MS )
		.execute();
}

/** What the marketing frequency cap knows of one claimed batch. */
interface CapState {
	/** Ids of the batch's MARKETING messages (the others are exempt). */
	marketing: Set< number >;
	/**
	 * Null when this phone may receive one more marketing message now; otherwise when the cap frees (ms). A message's
	 * own earlier attempt (a retry) is not counted against it.
	 */
	freesAt: ( phone: string, messageId: number ) => number | null;
	/** One more marketing message claimed for this phone in this batch. */
	claimed: ( phone: string ) => void;
}

/** The category of each campaign's template, read from templates_cache at most once a minute per campaign. */
const campaignCategories = new Map<
	string,
	{ category: MessageCategory; readAt: number }
>();
const CATEGORY_TTL_MS = 60_000;

async function campaignCategory(
	trx: Transaction< Database >,
	tenantId: string,
	campaignId: string
): Promise< MessageCategory > {
	const key = `${ tenantId }\n${ campaignId }`;
	const wall = Date.now();
	const known = campaignCategories.get( key );
	if ( known && wall - known.readAt < CATEGORY_TTL_MS ) {
		return known.category;
	}
	const row = await trx
		.selectFrom( 'campaigns as c' )
		.leftJoin( 'templates_cache as t', 't.tenant_id', 'c.tenant_id' )
		.select( [ 'c.template_name', 'c.template_language', 't.templates' ] )
		.where( 'c.tenant_id', '=', tenantId )
		.where( 'c.id', '=', campaignId )
		.executeTakeFirst();
	let category: MessageCategory = 'MARKETING';
	if ( row?.templates ) {
		const template = (
			JSON.parse( row.templates ) as Array< {
				name: string;
				language: string;
				category?: unknown;
			} >
		 ).find(
			( t ) =>
				t.name === row.template_name &&
				t.language === row.template_language
		);
		category = templateCategory( template?.category );
	}
	if ( campaignCategories.size > 10_000 ) {
		campaignCategories.clear();
	}
	campaignCategories.set( key, { category, readAt: wall } );
	return category;
}

/**
 * The frequency cap over one batch: which messages are MARKETING (an automation message's body names its category; a
 * campaign's messages have its template's, from templates_cache, MARKETING when unknown) and, in one query for the
 * whole batch, the marketing sends of their phones in the cap's window. Null when the cap is off or nothing is
 * marketing.
 */
async function capState(
	trx: Transaction< Database >,
	dialect: DialectName,
	tenant: Tenant,
	campaignId: string,
	due: readonly Due[],
	now: number
): Promise< CapState | null > {
	if ( tenant.cap_enabled !== 1 ) {
		return null;
	}
	const categories = due.map( ( row ) => automationCategory( row.body ) );
	const ofCampaign = categories.includes( null )
		? await campaignCategory( trx, tenant.id, campaignId )
		: null;
	const marketing = new Set< number >();
	due.forEach( ( row, i ) => {
		if ( ( categories[ i ] ?? ofCampaign ) === 'MARKETING' ) {
			marketing.add( Number( row.id ) );
		}
	} );
	if ( marketing.size === 0 ) {
		return null;
	}
	const phones = [
		...new Set(
			due
				.filter( ( row ) => marketing.has( Number( row.id ) ) )
				.map( ( row ) => row.phone )
		),
	];
	const windowMs = tenant.cap_days * DAY_MS;
	const sends = new Map< string, Array< { id: number; at: number } > >();
	for ( const row of await trx
		.selectFrom( 'marketing_sends' )
		.select( [ 'phone', 'message_id', 'sent_at' ] )
		.where( 'tenant_id', '=', tenant.id )
		.where( textIn( dialect, 'phone', phones ) )
		.where( 'sent_at', '>', now - windowMs )
		.execute() ) {
		sends.set( row.phone, [
			...( sends.get( row.phone ) ?? [] ),
			{ id: Number( row.message_id ), at: Number( row.sent_at ) },
		] );
	}
	const max = tenant.cap_max_messages;
	return {
		marketing,
		freesAt( phone, messageId ) {
			const times = ( sends.get( phone ) ?? [] )
				.filter( ( send ) => send.id !== messageId )
				.map( ( send ) => send.at )
				.sort( ( a, b ) => a - b );
			if ( times.length < max ) {
				return null;
			}
			// One more fits once all but max - 1 of these have left the window: the (n - max)th oldest leaves last.
			return ( times[ times.length - max ] as number ) + windowMs + 1;
		},
		claimed( phone ) {
			sends.set( phone, [
				...( sends.get( phone ) ?? [] ),
				{ id: -1, at: now },
			] );
		},
	};
}
