/**
 * Internal dependencies
 */
import type {
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

/** Counts in a list row: either `counts` or the bridge's counter columns. */
function countsOf( raw: Raw ): CampaignCounts | undefined {
	const source = ( raw.counts ?? raw.counters ?? raw.stats ) as
		Raw | undefined;
	if ( ! source || typeof source !== 'object' ) {
		return undefined;
	}
	const messages = ( source.messages ?? {} ) as Raw;
	return {
		total: maybeNum( source.total ),
		sent: maybeNum( source.sent ?? messages.sent ?? source.messages_sent ),
		delivered: maybeNum(
			source.delivered ?? messages.delivered ?? source.messages_delivered
		),
		read: maybeNum( source.read ?? messages.read ?? source.messages_read ),
		failed: maybeNum(
			source.failed ?? messages.failed ?? source.messages_failed
		),
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
		audience_size: maybeNum( raw.audience_size ) ?? counts?.total ?? null,
		counts,
		source_campaign_id: ( raw.source_campaign_id as string | null ) ?? null,
		created_at: toIso( raw.created_at ),
		updated_at: toIso( raw.updated_at ),
		started_at: toIso( raw.started_at ),
		finished_at: toIso( raw.finished_at ),
	};
}

/**
 * Stats as nested groups. The bridge's counters row (`to_start`,
 * `messages_sent`, ...) is accepted as well as the nested form.
 */
export function normalizeStats( input: unknown ): CampaignStats {
	const raw = ( input ?? {} ) as Raw;
	const counters = ( raw.counters ?? raw ) as Raw;
	const automations = ( raw.automations ?? {} ) as Raw;
	const messages = ( raw.messages ?? {} ) as Raw;
	const interactions = raw.interactions;
	return {
		campaign_id: raw.campaign_id as string | undefined,
		state: raw.state as CampaignStats[ 'state' ],
		total: num( raw.total ?? counters.total ),
		automations: {
			to_start: num( automations.to_start ?? counters.to_start ),
			in_progress: num( automations.in_progress ?? counters.in_progress ),
			completed: num( automations.completed ?? counters.completed ),
			failed: num(
				automations.failed ??
					num( counters.failed ) + num( counters.unknown )
			),
		},
		messages: {
			sent: num( messages.sent ?? counters.messages_sent ),
			delivered: num( messages.delivered ?? counters.messages_delivered ),
			read: num( messages.read ?? counters.messages_read ),
			failed: num( messages.failed ?? counters.messages_failed ),
		},
		interactions:
			typeof interactions === 'object' && interactions !== null
				? ( interactions as CampaignStats[ 'interactions' ] )
				: { total: num( interactions ?? counters.interactions ) },
		errors: Array.isArray( raw.errors )
			? ( raw.errors as CampaignStats[ 'errors' ] )
			: [],
		throughput_mps: maybeNum( raw.throughput_mps ) ?? null,
		eta_seconds: maybeNum( raw.eta_seconds ) ?? null,
		started_at: toIso( raw.started_at ),
		finished_at: toIso( raw.finished_at ),
	};
}
