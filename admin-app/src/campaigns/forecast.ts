/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatDateTime, formatNumber } from '../components/format';
import type { Campaign } from '../store/types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Another campaign whose sends use the same 24 h window as this one. */
export interface TakenBy {
	id: string;
	name: string;
	state: 'scheduled' | 'running';
	/** When it starts (scheduled) or started (running), ISO 8601 UTC. */
	startAt: string | null;
	/** The recipients it will still send to. */
	recipients: number;
}

export interface Forecast {
	recipients: number;
	/** What the 24 h window allows at the start time before other campaigns take their share. */
	free: number;
	/** Taken from `free` by other campaigns scheduled or running in the 24 h before the start. */
	taken: TakenBy[];
	/** Recipients the 24 h window still allows this campaign at the start time. */
	available: number;
	/** Recipients over the limit. */
	over: number;
}

/**
 * The other campaigns that send within the 24 h before `startAt`, so into
 * the same moving window as this campaign's first sends:
 *
 * - scheduled ones starting in `( startAt − 24 h, startAt ]`;
 * - running ones when `startAt` is less than 24 h away: what they have sent
 *   is already in the window now, what they have left (`to_start` +
 *   `in_progress`) goes out before this one starts.
 *
 * `recipientsOf` gives a scheduled campaign's audience size (counted by the
 * plugin; the bridge counts it only at the start); unknown sizes count 0.
 */
export function competingCampaigns(
	campaigns: Campaign[],
	startAt: Date,
	now: Date,
	recipientsOf: ( campaign: Campaign ) => number | null | undefined,
	exceptId?: string
): TakenBy[] {
	const start = startAt.getTime();
	const taken: TakenBy[] = [];
	for ( const campaign of campaigns ) {
		if ( campaign.id === exceptId ) {
			continue;
		}
		if ( campaign.state === 'scheduled' && campaign.start_at ) {
			const at = new Date( campaign.start_at ).getTime();
			if ( at > start - DAY_MS && at <= start ) {
				taken.push( {
					id: campaign.id,
					name: campaign.name,
					state: 'scheduled',
					startAt: campaign.start_at,
					recipients: Math.max( 0, recipientsOf( campaign ) ?? 0 ),
				} );
			}
		} else if (
			campaign.state === 'running' &&
			start - now.getTime() < DAY_MS
		) {
			const left =
				campaign.counters.automations.to_start +
				campaign.counters.automations.in_progress;
			if ( left > 0 ) {
				taken.push( {
					id: campaign.id,
					name: campaign.name,
					state: 'running',
					startAt: campaign.started_at ?? campaign.start_at,
					recipients: left,
				} );
			}
		}
	}
	return taken.sort(
		( a, b ) =>
			( a.startAt ?? '' ).localeCompare( b.startAt ?? '' ) ||
			a.name.localeCompare( b.name )
	);
}

/**
 * How many recipients fit in the daily limit at the start time.
 *
 * `remainingNow` is what the bridge reports for the moving 24 h window now;
 * a start more than 24 h away finds the whole limit free again, a sooner one
 * finds at least what is free now (sends only leave the window). Then the
 * other campaigns of `taken` (see competingCampaigns) use their share first.
 * Their audiences may overlap this one's (a phone already reached costs
 * nothing), so this errs on the side of warning.
 */
export function forecast(
	recipients: number,
	dailyLimit: number | null | undefined,
	remainingNow: number | null | undefined,
	startAt: Date | null,
	now: Date = new Date(),
	taken: TakenBy[] = []
): Forecast | null {
	if ( typeof dailyLimit !== 'number' ) {
		return null;
	}
	const farAway =
		startAt !== null && startAt.getTime() - now.getTime() >= DAY_MS;
	const free = farAway
		? dailyLimit
		: Math.min( dailyLimit, remainingNow ?? dailyLimit );
	const takenTotal = taken.reduce(
		( sum, campaign ) => sum + campaign.recipients,
		0
	);
	const available = Math.max( 0, free - takenTotal );
	return {
		recipients,
		free,
		taken,
		available,
		over: Math.max( 0, recipients - available ),
	};
}

/** "“Black Friday” scheduled at 28/11/2026 09:00", "“Newsletter” (running)". */
function takenByText( campaign: TakenBy ): string {
	return campaign.state === 'running'
		? sprintf(
				/* translators: %s: campaign name. */
				__( '“%s” (running)', 'rondine' ),
				campaign.name
			)
		: sprintf(
				/* translators: 1: campaign name, 2: its start date and time. */
				__( '“%1$s” scheduled at %2$s', 'rondine' ),
				campaign.name,
				formatDateTime( campaign.startAt )
			);
}

/**
 * "12,400 recipients, 10,000 left in the 24 h window: 2,400 will fail and
 * can be retried" (or "will wait for the window"); with other campaigns in
 * the window: "…, 10,000 left in the 24 h window, of which 3,000 are taken
 * by “Black Friday” scheduled at …: …".
 */
export function forecastText(
	value: Forecast,
	waitForWindow: boolean
): string {
	const recipients = sprintf(
		/* translators: %s: number of recipients. */
		_n( '%s recipient', '%s recipients', value.recipients, 'rondine' ),
		formatNumber( value.recipients )
	);
	let left: string = sprintf(
		/* translators: %s: number of messages still allowed. */
		__( '%s left in the 24 h window', 'rondine' ),
		formatNumber( value.free )
	);
	const takenTotal = value.taken.reduce(
		( sum, campaign ) => sum + campaign.recipients,
		0
	);
	if ( value.taken.length ) {
		left = sprintf(
			/* translators: 1: "N left in the 24 h window", 2: number of messages, 3: the campaigns, e.g. “Black Friday” scheduled at 28/11/2026 09:00. */
			_n(
				'%1$s, of which %2$s is taken by %3$s',
				'%1$s, of which %2$s are taken by %3$s',
				takenTotal,
				'rondine'
			),
			left,
			formatNumber( takenTotal ),
			value.taken.map( takenByText ).join( ', ' )
		);
	}
	if ( value.over === 0 ) {
		return sprintf(
			/* translators: 1: "N recipients", 2: "N left in the 24 h window". */
			__( '%1$s, %2$s: everyone fits in the daily limit.', 'rondine' ),
			recipients,
			left
		);
	}
	const consequence = waitForWindow
		? sprintf(
				/* translators: %s: number of recipients over the limit. */
				_n(
					'%s will wait for the window',
					'%s will wait for the window',
					value.over,
					'rondine'
				),
				formatNumber( value.over )
			)
		: sprintf(
				/* translators: %s: number of recipients over the limit. */
				_n(
					'%s will fail and can be retried',
					'%s will fail and can be retried',
					value.over,
					'rondine'
				),
				formatNumber( value.over )
			);
	return sprintf(
		/* translators: 1: "N recipients", 2: "N left in the 24 h window", 3: what happens to the rest. */
		__( '%1$s, %2$s: %3$s.', 'rondine' ),
		recipients,
		left,
		consequence
	);
}
