/**
 * Internal dependencies
 */
import type { CounterView } from '../campaigns/campaign-service.js';
import type { CampaignState } from '../storage/schema.js';

/** Share of `part` in `whole`, in percent with one decimal; 0 when there is nothing to share. */
export function percent( part: number, whole: number ): number {
	return whole > 0 ? Math.round( ( part / whole ) * 1000 ) / 10 : 0;
}

export interface Percentages {
	/** Of all the campaign's automations (one per recipient kept after the snapshot). */
	automations: {
		to_start: number;
		in_progress: number;
		completed: number;
		failed: number;
		unknown: number;
		cancelled: number;
		capped: number;
	};
	/**
	 * Of all the campaign's automations, like the automations: the admin app's list and stats show every message figure
	 * as a share of the campaign's recipients, so the API gives the same numbers (one definition for the owner).
	 */
	messages: { sent: number; delivered: number; read: number; failed: number };
	/** Of the delivered messages: how many people replied or tapped a button. */
	interactions: number;
}

export function percentages( counters: CounterView ): Percentages {
	const a = counters.automations;
	const automations =
		a.to_start +
		a.in_progress +
		a.completed +
		a.failed +
		a.unknown +
		a.cancelled +
		a.capped;
	const m = counters.messages;
	return {
		automations: {
			to_start: percent( a.to_start, automations ),
			in_progress: percent( a.in_progress, automations ),
			completed: percent( a.completed, automations ),
			failed: percent( a.failed, automations ),
			unknown: percent( a.unknown, automations ),
			cancelled: percent( a.cancelled, automations ),
			capped: percent( a.capped, automations ),
		},
		messages: {
			sent: percent( m.sent, automations ),
			delivered: percent( m.delivered, automations ),
			read: percent( m.read, automations ),
			failed: percent( m.failed, automations ),
		},
		interactions: percent( counters.interactions, m.delivered ),
	};
}

export interface Progress {
	/** Automations finished (completed, failed or unknown; not the cancelled ones, which never ran). */
	done: number;
	/** Not started when the owner cancelled the campaign. */
	cancelled: number;
	/** Automations still to run (to start or in progress). */
	remaining: number;
	/** Sends per second since the campaign started; null before it starts. */
	rate_per_second: number | null;
	/** Seconds until the remaining automations are done at that rate; null unless running with a known rate. */
	eta_seconds: number | null;
	estimated_end_at: string | null;
}

/**
 * Live progress from the counters alone (O(1)): the average rate since the start, and the time the rest would take at
 * it. Only a running campaign has an ETA; a paused one, or one waiting for the daily limit, does not move.
 */
export function progress(
	counters: CounterView,
	state: CampaignState,
	startedAt: number | null,
	now: number
): Progress {
	const a = counters.automations;
	const done = a.completed + a.failed + a.unknown;
	const remaining = a.to_start + a.in_progress;
	const elapsed = startedAt === null ? 0 : ( now - startedAt ) / 1000;
	// Invalid numbers fail at the snapshot, instantly: only what was sent measures the pace.
	const rate =
		elapsed > 0
			? ( a.completed + a.failed - counters.skipped.invalid ) / elapsed
			: null;
	const usable = rate !== null && rate > 0 ? rate : null;
	const eta =
		state === 'running' && usable !== null
			? Math.ceil( remaining / usable )
			: null;
	let ratePerSecond: number | null = null;
	if ( usable !== null ) {
		ratePerSecond = Math.round( usable * 10 ) / 10;
	} else if ( startedAt !== null ) {
		ratePerSecond = 0;
	}
	return {
		done,
		cancelled: a.cancelled,
		remaining,
		rate_per_second: ratePerSecond,
		eta_seconds: eta,
		estimated_end_at:
			eta === null ? null : new Date( now + eta * 1000 ).toISOString(),
	};
}
