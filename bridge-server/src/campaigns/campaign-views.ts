/**
 * The read side of campaigns: what the API answers for one campaign and for the list (`campaignView`, `counterView`),
 * with the "waiting for the daily limit" note of running campaigns (dispatch/daily-limit.ts computes the window).
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type {
	Campaign,
	CampaignCounters,
	CampaignState,
	Database,
	Tier,
} from '../storage/schema.js';
import type { MappedComponent } from './template-mapping.js';
import { dailyWindow } from '../dispatch/daily-limit.js';
import { findCampaign, requireCampaign } from './campaign-store.js';
import { findAutomation, stepsOf } from '../automations/store.js';
import type { Step } from '../automations/types.js';
import { stepStats, type StepStats } from '../automations/views.js';

export interface CampaignOptions {
	/** Over the daily limit, wait for the moving window to free instead of failing with `daily_limit`. */
	continue_when_limited?: boolean;
}

export interface CampaignView {
	id: string;
	name: string;
	audience: Record< string, unknown >;
	/** What a template campaign sends; null when the campaign launches an automation. */
	template: {
		name: string;
		language: string;
		components: MappedComponent[];
	} | null;
	/** The automation the campaign launches, with its runs and per-step numbers; null for a template campaign. */
	automation: CampaignAutomation | null;
	start_at: string | null;
	options: CampaignOptions;
	state: CampaignState;
	state_reason: string | null;
	state_message: string | null;
	source_campaign_id: string | null;
	created_at: string;
	updated_at: string;
	started_at: string | null;
	finished_at: string | null;
	counters: CounterView;
	/** A running campaign that cannot send now, and why (computed when read; null otherwise). */
	waiting: Waiting | null;
}

/** A campaign's runs by state (counted with the runs, storage/counters.ts `runs_*`). */
export interface RunCounters {
	to_start: number;
	in_progress: number;
	completed: number;
	failed: number;
	exited: number;
	cancelled: number;
}

export interface CampaignAutomation {
	id: string;
	/** The automation's name now (null when it no longer exists). */
	name: string | null;
	/** The version the campaign's runs are pinned to (its current one until the campaign starts). */
	version: number | null;
	/** That version's steps (empty when unknown). */
	steps: Step[];
	runs: RunCounters;
	/** Per step id: the numbers of this campaign's runs only. */
	step_stats: Record< string, StepStats >;
}

/** "Waiting for the daily limit: 64 left, resumes around 14:05". */
export interface Waiting {
	reason: 'daily_limit';
	/** Recipients still to send. */
	recipients: number;
	/** When the moving window frees a unit again (ISO 8601 UTC); null when unknown. */
	resumes_at: string | null;
}

export interface CounterView {
	total: number;
	automations: {
		to_start: number;
		in_progress: number;
		completed: number;
		failed: number;
		unknown: number;
		/** Not started when the owner cancelled: never sent, not failed. */
		cancelled: number;
		/** Skipped by the marketing frequency cap (sending policy): never sent, not failed. */
		capped: number;
	};
	messages: { sent: number; delivered: number; read: number; failed: number };
	interactions: number;
	skipped: { opted_out: number; duplicates: number; invalid: number };
}

const iso = ( ms: number | null ) =>
	ms === null ? null : new Date( ms ).toISOString();

const ZERO_COUNTERS = {
	total: 0,
	to_start: 0,
	in_progress: 0,
	completed: 0,
	failed: 0,
	unknown: 0,
	cancelled: 0,
	capped: 0,
	opted_out: 0,
	duplicates: 0,
	invalid: 0,
	messages_sent: 0,
	messages_delivered: 0,
	messages_read: 0,
	messages_failed: 0,
	interactions: 0,
	runs_to_start: 0,
	runs_in_progress: 0,
	runs_completed: 0,
	runs_failed: 0,
	runs_exited: 0,
	runs_cancelled: 0,
};

type Counters = Omit< CampaignCounters, 'tenant_id' | 'campaign_id' >;

export function runCounters( c: Counters ): RunCounters {
	return {
		to_start: c.runs_to_start,
		in_progress: c.runs_in_progress,
		completed: c.runs_completed,
		failed: c.runs_failed,
		exited: c.runs_exited,
		cancelled: c.runs_cancelled,
	};
}

/**
 * The API's counters. A template campaign's automations are its messages' states; a campaign that launches an
 * automation counts its runs instead (to start, in progress = steps still ahead, completed, failed, cancelled; `total`
 * = runs, exited ones included), with `unknown` and `capped` still its messages', and the message counters summing
 * every step's messages.
 *
 * @param c              The stored counters.
 * @param automationRuns Whether the campaign launches an automation.
 */
export function counterView(
	c: Counters,
	automationRuns = false
): CounterView {
	if ( automationRuns ) {
		const runs = runCounters( c );
		const view = counterView( c );
		return {
			...view,
			total:
				runs.to_start +
				runs.in_progress +
				runs.completed +
				runs.failed +
				runs.exited +
				runs.cancelled,
			automations: {
				...view.automations,
				to_start: runs.to_start,
				in_progress: runs.in_progress,
				completed: runs.completed,
				failed: runs.failed,
				cancelled: runs.cancelled,
			},
		};
	}
	return {
		total: c.total,
		automations: {
			to_start: c.to_start,
			in_progress: c.in_progress,
			completed: c.completed,
			failed: c.failed,
			unknown: c.unknown,
			cancelled: c.cancelled,
			capped: c.capped,
		},
		messages: {
			sent: c.messages_sent,
			delivered: c.messages_delivered,
			read: c.messages_read,
			failed: c.messages_failed,
		},
		interactions: c.interactions,
		skipped: {
			opted_out: c.opted_out,
			duplicates: c.duplicates,
			invalid: c.invalid,
		},
	};
}

export function campaignView(
	campaign: Campaign,
	counters: Counters | undefined,
	waiting: Waiting | null = null,
	automation: CampaignAutomation | null = null
): CampaignView {
	const launches = campaign.automation_id !== null;
	return {
		id: campaign.id,
		name: campaign.name,
		audience: JSON.parse( campaign.audience ),
		template: launches
			? null
			: {
					name: campaign.template_name,
					language: campaign.template_language,
					components: JSON.parse( campaign.template_components ),
				},
		automation,
		start_at: iso( campaign.start_at ),
		options: JSON.parse( campaign.options ),
		state: campaign.state,
		state_reason: campaign.state_reason,
		state_message: campaign.state_message,
		source_campaign_id: campaign.source_campaign_id,
		created_at: iso( campaign.created_at ) as string,
		updated_at: iso( campaign.updated_at ) as string,
		started_at: iso( campaign.started_at ),
		finished_at: iso( campaign.finished_at ),
		counters: counterView( counters ?? ZERO_COUNTERS, launches ),
		waiting,
	};
}

/** Campaigns as the API shows them. Every query is scoped by tenant id. */
export class CampaignViews {
	constructor(
		private readonly db: Kysely< Database >,
		private readonly clock: Clock,
		private readonly tiers: (
			tenantId: string
		) => Promise< Tier | undefined > = async () => undefined
	) {}

	async find(
		tenantId: string,
		id: string,
		db: Kysely< Database > = this.db
	): Promise< Campaign | undefined > {
		return findCampaign( db, tenantId, id );
	}

	async require( tenantId: string, id: string ): Promise< Campaign > {
		return requireCampaign( this.db, tenantId, id );
	}

	async view( tenantId: string, id: string ): Promise< CampaignView > {
		const campaign = await this.require( tenantId, id );
		const counters = await this.counters( tenantId, id );
		const view = campaignView(
			campaign,
			counters,
			null,
			await this.automationOf( campaign, counters ?? ZERO_COUNTERS )
		);
		return (
			await this.withWaiting( tenantId, [ view ] )
		)[ 0 ] as CampaignView;
	}

	/**
	 * Running campaigns that wait for the daily limit say so: the moving 24 h window is full (the same computation as
	 * the dispatcher's, dispatch/daily-limit.ts), the campaign waits for it (`continue_when_limited`) and has
	 * recipients left. One window query per call, only when a running campaign is in the list.
	 */
	private async withWaiting(
		tenantId: string,
		views: CampaignView[]
	): Promise< CampaignView[] > {
		const candidates = views.filter(
			( v ) =>
				v.state === 'running' &&
				v.options.continue_when_limited === true &&
				v.counters.automations.to_start > 0
		);
		if ( candidates.length === 0 ) {
			return views;
		}
		const tier = await this.tiers( tenantId );
		if ( ! tier ) {
			return views;
		}
		const window = await dailyWindow(
			this.db,
			tenantId,
			tier,
			this.clock.now()
		);
		if ( window.remaining > 0 ) {
			return views;
		}
		return views.map( ( v ) =>
			candidates.includes( v )
				? {
						...v,
						waiting: {
							reason: 'daily_limit' as const,
							recipients:
								v.counters.automations.to_start +
								v.counters.automations.in_progress,
							resumes_at:
								window.freesAt === null
									? null
									: new Date( window.freesAt ).toISOString(),
						},
					}
				: v
		);
	}

	/** What a campaign that launches an automation shows of it: name, pinned version, steps, runs, per-step numbers. */
	private async automationOf(
		campaign: Campaign,
		counters: Counters
	): Promise< CampaignAutomation | null > {
		if ( campaign.automation_id === null ) {
			return null;
		}
		const automation = await findAutomation(
			this.db,
			campaign.tenant_id,
			campaign.automation_id
		);
		const version =
			campaign.automation_version ?? automation?.version ?? null;
		const steps =
			automation && version !== null
				? await stepsOf(
						this.db,
						campaign.tenant_id,
						automation.id,
						version
					).catch( () => [] )
				: [];
		return {
			id: campaign.automation_id,
			name: automation?.name ?? null,
			version,
			steps,
			runs: runCounters( counters ),
			step_stats: await stepStats(
				this.db,
				campaign.tenant_id,
				campaign.automation_id,
				steps,
				campaign.id
			),
		};
	}

	counters(
		tenantId: string,
		id: string
	): Promise< CampaignCounters | undefined > {
		return this.db
			.selectFrom( 'campaign_counters' )
			.selectAll()
			.where( 'tenant_id', '=', tenantId )
			.where( 'campaign_id', '=', id )
			.executeTakeFirst();
	}

	async list(
		tenantId: string,
		state: CampaignState | undefined,
		limit: number,
		offset: number
	) {
		let query = this.db
			.selectFrom( 'campaigns as c' )
			.leftJoin( 'campaign_counters as k', ( join ) =>
				join
					.onRef( 'k.tenant_id', '=', 'c.tenant_id' )
					.onRef( 'k.campaign_id', '=', 'c.id' )
			)
			.selectAll( 'c' )
			.select( [
				'k.total',
				'k.to_start',
				'k.in_progress',
				'k.completed',
				'k.failed',
				'k.unknown',
				'k.cancelled',
				'k.capped',
				'k.opted_out',
				'k.duplicates',
				'k.invalid',
				'k.messages_sent',
				'k.messages_delivered',
				'k.messages_read',
				'k.messages_failed',
				'k.interactions',
				'k.runs_to_start',
				'k.runs_in_progress',
				'k.runs_completed',
				'k.runs_failed',
				'k.runs_exited',
				'k.runs_cancelled',
			] )
			.where( 'c.tenant_id', '=', tenantId )
			// Automation lanes (`a:<id>`) are listed as automations, not campaigns.
			.where( 'c.id', 'not like', 'a:%' );
		if ( state ) {
			query = query.where( 'c.state', '=', state );
		}
		const rows = await query
			.orderBy( 'c.created_at', 'desc' )
			.orderBy( 'c.id' )
			.limit( limit )
			.offset( offset )
			.execute();
		const views: CampaignView[] = [];
		for ( const row of rows ) {
			const counters = { ...ZERO_COUNTERS };
			for ( const key of Object.keys( ZERO_COUNTERS ) as Array<
				keyof typeof ZERO_COUNTERS
			> ) {
				counters[ key ] = Number(
					( row as Record< string, unknown > )[ key ] ?? 0
				);
			}
			views.push(
				campaignView(
					row,
					counters,
					null,
					await this.automationOf( row, counters )
				)
			);
		}
		return this.withWaiting( tenantId, views );
	}
}
