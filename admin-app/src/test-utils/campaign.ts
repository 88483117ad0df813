/**
 * Internal dependencies
 */
import type { Campaign, CampaignCounters, CampaignStats } from '../store/types';

/** Counters of a campaign, every figure present as the bridge sends them; zero unless given. */
export function counters(
	overrides: {
		total?: number;
		automations?: Partial< CampaignCounters[ 'automations' ] >;
		messages?: Partial< CampaignCounters[ 'messages' ] >;
		interactions?: number;
		skipped?: Partial< CampaignCounters[ 'skipped' ] >;
	} = {}
): CampaignCounters {
	return {
		total: overrides.total ?? 0,
		automations: {
			to_start: 0,
			in_progress: 0,
			completed: 0,
			failed: 0,
			unknown: 0,
			cancelled: 0,
			capped: 0,
			...overrides.automations,
		},
		messages: {
			sent: 0,
			delivered: 0,
			read: 0,
			failed: 0,
			...overrides.messages,
		},
		interactions: overrides.interactions ?? 0,
		skipped: {
			opted_out: 0,
			duplicates: 0,
			invalid: 0,
			...overrides.skipped,
		},
	};
}

/** A campaign exactly as GET /campaigns/{id} answers it (the bridge's view passed on by the plugin). */
export function campaignFixture(
	overrides: Partial< Campaign > = {}
): Campaign {
	return {
		id: 'c1',
		name: 'Spring sale',
		audience: { segments: [ 1 ], lists: [] },
		template: { name: 'spring', language: 'it', components: [] },
		automation: null,
		start_at: null,
		options: {},
		state: 'draft',
		state_reason: null,
		state_message: null,
		source_campaign_id: null,
		created_at: '2030-01-01T08:00:00.000Z',
		updated_at: '2030-01-01T08:00:00.000Z',
		started_at: null,
		finished_at: null,
		counters: counters(),
		waiting: null,
		...overrides,
	};
}

/** GET /campaigns/{id}/stats, every figure present; zero unless given. */
export function statsFixture(
	overrides: Partial< CampaignStats > = {}
): CampaignStats {
	const base = counters();
	return {
		id: 'c1',
		state: 'running',
		state_reason: null,
		state_message: null,
		counters: base,
		percentages: {
			automations: {
				to_start: 0,
				in_progress: 0,
				completed: 0,
				failed: 0,
				unknown: 0,
				cancelled: 0,
				capped: 0,
			},
			messages: { sent: 0, delivered: 0, read: 0, failed: 0 },
			interactions: 0,
		},
		waiting: null,
		progress: {
			done: 0,
			cancelled: 0,
			remaining: 0,
			rate_per_second: null,
			eta_seconds: null,
			estimated_end_at: null,
		},
		failures: [],
		...overrides,
	};
}
