/**
 * Internal dependencies
 */
import type {
	CampaignWaiting,
	Campaign,
	CampaignCounts,
	CampaignStats,
	MappedComponent,
} from './types';

/**
 * The bridge keeps times as Unix seconds or milliseconds and the plugin may
 * pass them on as they are; the app works with ISO 8601 strings in UTC.
 */
export function toIso( value: unknown ): string | null {
	if ( value === null || value === undefined || value === '' ) {
		return null;
	}
	if ( typeof value === 'number' && Number.isFinite( value ) ) {
		// Ten digits of seconds reach into the year 2286; anything larger is milliseconds.
		const ms = value < 1e11 ? value * 1000 : value;
		return new Date( ms ).toISOString();
	}
	if ( typeof value === 'string' ) {
		const date = new Date( value );
		return Number.isNaN( date.getTime() ) ? null : date.toISOString();
	}
	return null;
}

type Raw = Record< string, unknown >;

const num = ( value: unknown ): number =>
	typeof value === 'number' && Number.isFinite( value ) ? value : 0;

const maybeNum = ( value: unknown ): number | undefined =>
	typeof value === 'number' && Number.isFinite( value ) ? value : undefined;

function parseJson( value: unknown ): unknown {
	if ( typeof value !== 'string' ) {
		return value;
	}
	try {
		return JSON.parse( value );
	} catch {
		return null;
	}
}

/** The sent/delivered/read/failed counts of a campaign row (`counters` from the bridge). */
function countsOf( raw: Raw ): CampaignCounts | undefined {
	const source = ( raw.counters ?? raw.counts ) as Raw | undefined;
	if ( ! source || typeof source !== 'object' ) {
		return undefined;
	}
	const messages = ( source.messages ?? source ) as Raw;
	const automations = ( source.automations ?? {} ) as Raw;
	return {
		total: maybeNum( source.total ),
		to_start: maybeNum( automations.to_start ),
		in_progress: maybeNum( automations.in_progress ),
		cancelled: maybeNum( automations.cancelled ),
		completed: maybeNum( automations.completed ),
		sent: maybeNum( messages.sent ),
		delivered: maybeNum( messages.delivered ),
		read: maybeNum( messages.read ),
		failed: maybeNum( messages.failed ),
	};
}

export function normalizeCampaign( input: unknown ): Campaign {
	const raw = ( input ?? {} ) as Raw;
	const audience = ( parseJson( raw.audience ) ?? {} ) as Raw;
	const template = ( parseJson( raw.template ) ?? null ) as Raw | null;
	const options = ( parseJson( raw.options ) ?? {} ) as Raw;
	const templateName =
		( template?.name as string | undefined ) ??
		( raw.template_name as string | undefined );
	const counts = countsOf( raw );
	return {
		id: String( raw.id ?? '' ),
		name: String( raw.name ?? '' ),
		state: ( raw.state as Campaign[ 'state' ] ) ?? 'draft',
		start_at: toIso( raw.start_at ),
		audience: {
			segments: Array.isArray( audience.segments )
				? ( audience.segments as number[] ).map( Number )
				: [],
			lists: Array.isArray( audience.lists )
				? ( audience.lists as number[] ).map( Number )
				: [],
		},
		template: templateName
			? {
					name: templateName,
					language: String(
						template?.language ?? raw.template_language ?? ''
					),
					components: ( template?.components ??
						parseJson( raw.template_components ) ??
						[] ) as MappedComponent[],
				}
			: null,
		options: {
			continue_when_limited: Boolean( options.continue_when_limited ),
		},
		state_reason: ( raw.state_reason as string | null ) ?? null,
		state_message: ( raw.state_message as string | null ) ?? null,
		// The audience is counted when the campaign starts (its snapshot); before that there is no size yet.
		audience_size:
			maybeNum( raw.audience_size ) ??
			( [ 'draft', 'scheduled' ].includes( String( raw.state ) )
				? null
				: counts?.total ) ??
			null,
		counts,
		source_campaign_id: ( raw.source_campaign_id as string | null ) ?? null,
		created_at: toIso( raw.created_at ),
		updated_at: toIso( raw.updated_at ),
		started_at: toIso( raw.started_at ),
		finished_at: toIso( raw.finished_at ),
		waiting: waitingOf( raw.waiting ),
	};
}

function waitingOf( value: unknown ): CampaignWaiting | null {
	const raw = value as Raw | null | undefined;
	return raw && typeof raw === 'object'
		? {
				reason: 'daily_limit',
				recipients: num( raw.recipients ),
				resumes_at: toIso( raw.resumes_at ),
			}
		: null;
}

/** The bridge's stats answer (`{counters, progress, ...}`) with every number present. */
export function normalizeStats( input: unknown ): CampaignStats {
	const raw = ( input ?? {} ) as Raw;
	const counters = ( raw.counters ?? {} ) as Raw;
	const automations = ( counters.automations ?? {} ) as Raw;
	const messages = ( counters.messages ?? {} ) as Raw;
	const skipped = ( counters.skipped ?? {} ) as Raw;
	const progress = ( raw.progress ?? {} ) as Raw;
	return {
		state: raw.state as CampaignStats[ 'state' ],
		state_message: ( raw.state_message as string | null ) ?? null,
		total: num( counters.total ),
		automations: {
			to_start: num( automations.to_start ),
			in_progress: num( automations.in_progress ),
			completed: num( automations.completed ),
			failed: num( automations.failed ),
			unknown: num( automations.unknown ),
			cancelled: num( automations.cancelled ),
		},
		messages: {
			sent: num( messages.sent ),
			delivered: num( messages.delivered ),
			read: num( messages.read ),
			failed: num( messages.failed ),
		},
		interactions: num( counters.interactions ),
		skipped: {
			opted_out: num( skipped.opted_out ),
			duplicates: num( skipped.duplicates ),
			invalid: num( skipped.invalid ),
		},
		waiting: waitingOf( raw.waiting ),
		failures: Array.isArray( raw.failures )
			? ( raw.failures as Raw[] ).map( ( f ) => ( {
					reason: ( f.reason as string | null ) ?? null,
					code: maybeNum( f.code ) ?? null,
					count: num( f.count ),
					retryable: f.retryable === true,
				} ) )
			: [],
		progress: {
			done: num( progress.done ),
			cancelled: num( progress.cancelled ),
			remaining: num( progress.remaining ),
			rate_per_second: maybeNum( progress.rate_per_second ) ?? null,
			eta_seconds: maybeNum( progress.eta_seconds ) ?? null,
			estimated_end_at: toIso( progress.estimated_end_at ),
		},
	};
}
