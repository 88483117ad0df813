/**
 * The daily messaging limit, computed in one place for the dispatcher (what it may send now), the forecast (what the
 * editor shows before scheduling) and the campaign views (a running campaign waiting for the window).
 *
 * Meta's rule (bridge-server/test/vectors/meta/WHATSAPP.md "Limits"): unique users reached in a moving 24 h window.
 * `send_log` holds one row per phone with its last send: a phone sent to within the window holds one unit until 24 h
 * after that send, and costs nothing more when it is sent to again meanwhile.
 */

/**
 * External dependencies
 */
import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from '../storage/dialect.js';
import { textIn } from '../storage/lists.js';
import type { Database, Tier } from '../storage/schema.js';
import { TIER_LIMITS } from '../tenants/tenants.js';

export const DAY_MS = 86_400_000;

export interface DailyWindow {
	/** Null: unlimited tier. */
	limit: number | null;
	/** Unique phones reached in the 24 h before `at`. */
	used: number;
	/** Units still free at `at` (Infinity when unlimited). */
	remaining: number;
	/** When the oldest send of the window leaves it (one unit frees), null when the window is empty. */
	freesAt: number | null;
}

/**
 * The window at time `at` (now, or a future start: sends only leave the window, so what is in it then is the sends
 * of the 24 h before `at` that already happened).
 *
 * @param db       The store, or the claim's transaction.
 * @param tenantId Tenant.
 * @param tier     Its messaging limit tier.
 * @param at       The moment, ms.
 */
export async function dailyWindow(
	db: Kysely< Database > | Transaction< Database >,
	tenantId: string,
	tier: Tier,
	at: number
): Promise< DailyWindow > {
	const limit = TIER_LIMITS[ tier ];
	if ( ! Number.isFinite( limit ) ) {
		return {
			limit: null,
			used: 0,
			remaining: Number.POSITIVE_INFINITY,
			freesAt: null,
		};
	}
	const window = await db
		.selectFrom( 'send_log' )
		.select( [
			sql< number >`count(*)`.as( 'used' ),
			sql< number | null >`min(last_sent_at)`.as( 'oldest' ),
		] )
		.where( 'tenant_id', '=', tenantId )
		.where( 'last_sent_at', '>', at - DAY_MS )
		.executeTakeFirstOrThrow();
	const used = Number( window.used );
	return {
		limit,
		used,
		remaining: Math.max( 0, limit - used ),
		freesAt:
			window.oldest === null
				? null
				: Number( window.oldest ) + DAY_MS + 1,
	};
}

/**
 * Unique phones reached in the 24 h before `at`, whatever the tier (GET /v1/status shows it for unlimited tiers too,
 * where dailyWindow answers 0 without reading the log).
 *
 * @param db       The store.
 * @param tenantId Tenant.
 * @param at       The moment, ms.
 */
export async function usedInWindow(
	db: Kysely< Database >,
	tenantId: string,
	at: number
): Promise< number > {
	const row = await db
		.selectFrom( 'send_log' )
		.select( sql< number >`count(*)`.as( 'used' ) )
		.where( 'tenant_id', '=', tenantId )
		.where( 'last_sent_at', '>', at - DAY_MS )
		.executeTakeFirstOrThrow();
	return Number( row.used );
}

/** Whether a phone last sent at `lastSentAt` still holds its unit at `at` (then sending it again costs nothing). */
export function inWindow(
	lastSentAt: number | undefined,
	at: number
): boolean {
	return lastSentAt !== undefined && lastSentAt > at - DAY_MS;
}

/**
 * Of these phones, how many still hold a unit of the window at `at` (they cost nothing to reach again).
 *
 * @param db       The store.
 * @param dialect  Its dialect (the phones are bound as one parameter).
 * @param tenantId Tenant.
 * @param phones   E.164 phones.
 * @param at       The moment, ms.
 */
export async function phonesInWindow(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	phones: string[],
	at: number
): Promise< number > {
	let count = 0;
	for ( let i = 0; i < phones.length; i += 5_000 ) {
		const row = await db
			.selectFrom( 'send_log' )
			.select( sql< number >`count(*)`.as( 'n' ) )
			.where( 'tenant_id', '=', tenantId )
			.where( 'last_sent_at', '>', at - DAY_MS )
			.where( textIn( dialect, 'phone', phones.slice( i, i + 5_000 ) ) )
			.executeTakeFirstOrThrow();
		count += Number( row.n );
	}
	return count;
}

export interface DailyForecast {
	/** Null: unlimited tier (everyone fits). */
	limit: number | null;
	recipients: number;
	/** Recipients whose phone is still in the window at the start: they cost nothing. */
	already_in_window: number;
	/** Units free at the start time. */
	free: number;
	/** Taken before this campaign by other campaigns running or scheduled earlier in the window. */
	taken: number;
	/** Recipients that fit. */
	fits: number;
	/** Recipients over the limit: they wait for the window or fail with `daily_limit`. */
	over: number;
	/** When the window frees a unit again after the start, ISO 8601; null when unknown. */
	frees_at: string | null;
}

/**
 * What the dispatcher will do with a campaign's recipients at `startAt`: the same window, the same "a phone in the
 * window costs nothing" rule.
 *
 * @param window          dailyWindow at the start time.
 * @param recipients      Recipients of the campaign (after dedupe).
 * @param alreadyInWindow phonesInWindow of its phones at the start time.
 * @param taken           Units other campaigns will take first.
 */
export function forecastDaily(
	window: DailyWindow,
	recipients: number,
	alreadyInWindow: number,
	taken: number
): DailyForecast {
	if ( window.limit === null ) {
		return {
			limit: null,
			recipients,
			already_in_window: alreadyInWindow,
			free: recipients,
			taken: 0,
			fits: recipients,
			over: 0,
			frees_at: null,
		};
	}
	const costly = Math.max( 0, recipients - alreadyInWindow );
	const available = Math.max( 0, window.remaining - taken );
	const over = Math.max( 0, costly - available );
	return {
		limit: window.limit,
		recipients,
		already_in_window: alreadyInWindow,
		free: window.remaining,
		taken,
		fits: recipients - over,
		over,
		frees_at:
			window.freesAt === null
				? null
				: new Date( window.freesAt ).toISOString(),
	};
}
