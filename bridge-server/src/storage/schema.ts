/**
 * External dependencies
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Conventions shared by both dialects: times are integer milliseconds since the epoch (UTC), booleans are 0/1 integers,
 * structured values are JSON text. That keeps one query layer for SQLite and PostgreSQL.
 */

export type Tier =
	| 'TIER_50'
	| 'TIER_250'
	| 'TIER_2K'
	| 'TIER_10K'
	| 'TIER_100K'
	| 'TIER_UNLIMITED';

export interface TenantsTable {
	/** uuid = the site id of the connection code. */
	id: string;
	name: string;
	/** Site secret, sealed with the bridge's key (crypto/secret-box). */
	secret: string;
	/** The site's REST base, e.g. "https://shop.example/wp-json/". */
	site_rest_url: string | null;
	default_country: string | null;
	timezone: string | null;
	phone_number_id: string | null;
	waba_id: string | null;
	/** Sealed. Null: the tenant uses the sandbox (emulator). */
	access_token: string | null;
	/** Sealed. Checks X-Hub-Signature-256 of webhooks. */
	app_secret: string | null;
	verify_token: string | null;
	display_phone_number: string | null;
	throughput_mps: number;
	messaging_limit_tier: Tier;
	quality: string;
	/** Set when an auth/account error stopped all sending; cleared by new credentials. */
	halted_reason: string | null;
	/** When the first webhook signed with this tenant's app secret arrived; null until then and after new credentials. */
	webhooks_verified_at: number | null;
	/** Sending policy (migration 0108, src/dispatch/policy.ts): quiet hours in the recipient's local time, 0/1. */
	quiet_hours_enabled: Generated< number >;
	/** Minutes after local midnight when quiet hours start (inclusive) and end (exclusive); start > end spans midnight. */
	quiet_start_minute: Generated< number >;
	quiet_end_minute: Generated< number >;
	/** Marketing frequency cap, 0/1: at most cap_max_messages MARKETING messages per phone in cap_days days. */
	cap_enabled: Generated< number >;
	cap_max_messages: Generated< number >;
	cap_days: Generated< number >;
	cap_when_capped: Generated< WhenCapped >;
	created_at: number;
	updated_at: number;
}

/** What a message over the frequency cap does: wait until the cap frees, or end as `capped` (never sent). */
export type WhenCapped = 'postpone' | 'skip';

export type CampaignState =
	| 'draft'
	| 'scheduled'
	| 'running'
	| 'paused'
	| 'completed'
	| 'cancelled'
	| 'failed';

export interface CampaignsTable {
	tenant_id: string;
	/** Chosen by the plugin (uuid). */
	id: string;
	name: string;
	/** JSON: the audience reference the site understands (lists, segments...). */
	audience: string;
	template_name: string;
	template_language: string;
	/** JSON: component mapping (see campaigns/template-mapping.ts). */
	template_components: string;
	start_at: number | null;
	/** JSON: { continue_when_limited?: boolean }. */
	options: string;
	state: CampaignState;
	/** Why the last automatic transition happened (machine key), e.g. "daily_limit", "site_unreachable". */
	state_reason: string | null;
	state_message: string | null;
	/** Audience snapshot progress: 0 not started/in progress, 1 every page stored. */
	audience_done: number;
	audience_cursor: string | null;
	/** Audience pages read from the site so far (a site that pages forever is stopped). */
	audience_pages: Generated< number >;
	snapshot_attempts: number;
	next_snapshot_at: number | null;
	/** Set on "retry failed" drafts: the campaign whose failed recipients make the audience. */
	source_campaign_id: string | null;
	/** The automation its recipients run (null: a template campaign). Migration 0110. */
	automation_id: Generated< string | null >;
	/** The version its runs are pinned to, set with the first audience page (null until then). */
	automation_version: Generated< number | null >;
	created_at: number;
	updated_at: number;
	started_at: number | null;
	finished_at: number | null;
}

/**
 * A message: one step of a run (migration 0105). State machine (the dispatcher's):
 * pending -> sending -> completed | retry | failed | unknown; retry -> sending; pending | retry -> opted_out (claim-time
 * opt-out check) | failed (daily limit) | cancelled (campaign cancelled). `message_status` is what Meta reported after
 * `completed` (accepted -> sent -> delivered -> read, or failed), merged by the webhooks. pending | retry -> capped
 * (claim-time frequency cap, when the owner chose to skip).
 */
export type MessageState =
	| 'pending'
	| 'sending'
	| 'completed'
	| 'retry'
	| 'failed'
	| 'unknown'
	/** Final: the phone was on the tenant's opt-out list when the message was claimed; never sent, never retried. */
	| 'opted_out'
	/** Final: the owner cancelled the campaign before this message was sent; never sent, not a failure. */
	| 'cancelled'
	/** Final: over the tenant's marketing frequency cap when claimed, and the owner chose to skip; never sent. */
	| 'capped';
/** Kept for the API's vocabulary: a campaign's recipient state is the state of its one-step run's message. */
export type RecipientState = MessageState;
/** Final message states: the run of a one-step automation ends with them. */
export const FINAL_MESSAGE_STATES: readonly MessageState[] = [
	'completed',
	'failed',
	'unknown',
	'opted_out',
	'cancelled',
	'capped',
];
export type MessageStatus =
	'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** A run: active while one of its steps may still send, ended once its last step's message is final. */
export type RunState = 'active' | 'ended';

/**
 * A recipient is one run of the campaign's automation (a campaign is a one-step automation: send the template) over
 * the audience snapshot: who (phone, contact), with what values, the run's state and the interaction (once per run).
 * Its messages are in `messages`.
 */
export interface RecipientsTable {
	id: Generated< number >;
	tenant_id: string;
	campaign_id: string;
	contact_id: string | null;
	/** E.164 with "+", or the raw input when invalid (then its message failed, error_reason invalid_phone). */
	phone: string;
	/** JSON: the contact's values for the template's fields. */
	variables: string;
	state: RunState;
	interacted_at: number | null;
	interaction_payload: string | null;
	updated_at: number;
	/** Which entry of the phone into the automation (0 for campaigns; re-entry makes 1, 2...). Migration 0107. */
	entry: Generated< number >;
}

export interface MessagesTable {
	id: Generated< number >;
	tenant_id: string;
	campaign_id: string;
	/** recipients.id */
	run_id: number;
	/** The automation's step (0 for a campaign's one message). UNIQUE (run_id, step). */
	step: number;
	phone: string;
	/** JSON: what the step sends (a template step: the values of its fields). */
	body: string;
	state: MessageState;
	attempts: number;
	next_attempt_at: number;
	/** Worker (process) that holds it while state = sending. */
	claimed_by: string | null;
	claimed_at: number | null;
	/** When Meta accepted it (send answer). */
	sent_at: number | null;
	wamid: string | null;
	message_status: MessageStatus | null;
	/** When Meta reported the message sent (ms); `sent_at` is when Meta accepted it. */
	status_sent_at: number | null;
	delivered_at: number | null;
	read_at: number | null;
	failed_at: number | null;
	error_code: number | null;
	error_reason: string | null;
	error_message: string | null;
	/** 1 when "retry failed" may take this message's recipient again. */
	retryable: number | null;
	/** Meta's per-user marketing limit (131049): "Retry failed" skips this recipient until then. */
	retry_not_before: number | null;
	updated_at: number;
}

export interface CampaignCountersTable {
	tenant_id: string;
	campaign_id: string;
	/** Recipients after dedupe (valid + invalid). */
	total: Generated< number >;
	/** Automations to start: pending + retry. */
	to_start: Generated< number >;
	/** In progress: sending. */
	in_progress: Generated< number >;
	completed: Generated< number >;
	/** Failed for good (invalid phone, errors, daily limit...). */
	failed: Generated< number >;
	/** Outcome unknowable (crash or timeout after the request left); reported, never re-sent. */
	unknown: Generated< number >;
	/** Not started when the owner cancelled the campaign (state `cancelled`): never sent, not failed. */
	cancelled: Generated< number >;
	/** Skipped by the marketing frequency cap (state `capped`): never sent, not failed. */
	capped: Generated< number >;
	/**
	 * Opted out: dropped at snapshot (never stored), or found on the opt-out list when claimed (state `opted_out`, then
	 * also taken out of `total` and `to_start`, so total = to_start + in_progress + completed + failed + unknown holds).
	 */
	opted_out: Generated< number >;
	duplicates: Generated< number >;
	invalid: Generated< number >;
	/** Message counters, moved by webhooks (src/webhooks, src/stats). */
	messages_sent: Generated< number >;
	messages_delivered: Generated< number >;
	messages_read: Generated< number >;
	messages_failed: Generated< number >;
	interactions: Generated< number >;
	/**
	 * Runs of a campaign that launches an automation (migration 0110; 0 for template campaigns): not started yet (step
	 * 0 not entered), in progress (steps still ahead), completed (ended, no exit reason), failed (`send_failed`, and
	 * invalid numbers, which never start), exited (any other exit reason), cancelled (`campaign_cancelled`).
	 */
	runs_to_start: Generated< number >;
	runs_in_progress: Generated< number >;
	runs_completed: Generated< number >;
	runs_failed: Generated< number >;
	runs_exited: Generated< number >;
	runs_cancelled: Generated< number >;
}

/** Contacts reached per tenant (portfolio) for the moving 24 h daily limit and the pair rate; one row per phone. */
export interface SendLogTable {
	tenant_id: string;
	phone: string;
	/** Last send to this phone: it holds one unit of the daily limit until +24 h, and the pair rate until +6 s. */
	last_sent_at: number;
}

/** One row per test send (POST /v1/test-message), kept 10 minutes: the limit shared by every bridge process. */
/**
 * One row per MARKETING message claimed for sending (migration 0108): what the frequency cap counts per phone, across
 * campaigns and automations. Written by src/dispatch/claim.ts (claimed, given back unsent, pruned after 90 days);
 * erasure (src/privacy/erasure.ts) deletes a phone's rows.
 */
export interface MarketingSendsTable {
	tenant_id: string;
	/** messages.id: a message retried is counted once. */
	message_id: number;
	phone: string;
	sent_at: number;
}

export interface TestSendsTable {
	tenant_id: string;
	phone: string;
	sent_at: number;
}

export interface OptOutsTable {
	tenant_id: string;
	phone: string;
	source: string;
	created_at: number;
	/** 0 until the site has been told (bridge -> site /opt-outs). */
	reported: number;
}

export interface RequestSignaturesTable {
	signature: string;
	tenant_id: string;
	seen_at: number;
}

/** Named leases (scheduler) and worker heartbeats, for several processes on one PostgreSQL. */
export interface LeasesTable {
	name: string;
	holder: string;
	expires_at: number;
}

export interface WorkersTable {
	id: string;
	started_at: number;
	heartbeat_at: number;
}

export interface TemplatesCacheTable {
	tenant_id: string;
	/** JSON list of templates as the Cloud API returned them. */
	templates: string;
	fetched_at: number;
}

/**
 * The WhatsApp id Meta answered for a number when it is not the number's own digits (some Brazilian and Mexican
 * numbers): replies come from that id and are matched to their message through this (src/webhooks/message-lookup.ts).
 */
export interface WaIdAliasesTable {
	tenant_id: string;
	/** Digits, as in webhooks' `from` and `wa_id`. */
	wa_id: string;
	/** E.164 with "+", as in recipients.phone. */
	phone: string;
	created_at: number;
}

export type AutomationState = 'draft' | 'active' | 'paused' | 'archived';

/** An automation's definition (migration 0107; docs/design/automations-contract.md). */
export interface AutomationsTable {
	tenant_id: string;
	id: string;
	name: string;
	state: AutomationState;
	/** keyword | button | event | campaign */
	trigger_type: string;
	/** The normalized keyword, the button payload or the event type; null for campaign triggers. */
	trigger_key: string | null;
	/** JSON: the trigger as given. */
	trigger: string;
	/** JSON: { mode, days? }. */
	reentry: string;
	/** JSON: event types that end a run (goal_reached). */
	exit_on: string;
	version: number;
	created_at: number;
	updated_at: number;
}

export interface AutomationVersionsTable {
	tenant_id: string;
	automation_id: string;
	version: number;
	/** JSON: Step[]. */
	steps: string;
	created_at: number;
}

/** What a run waits for: a due time (`step` to run), a delay, a reply (or its timeout), its step's message outcome. */
export type RunWaiting = 'step' | 'delay' | 'reply' | 'message';

/** The automation state of a run (run_id = recipients.id). */
export interface AutomationRunsTable {
	run_id: number;
	tenant_id: string;
	automation_id: string;
	version: number;
	/** Index of the current step in its version's steps. */
	step: number;
	/** When the tick takes the run (null: waits for a reply or a message outcome only). */
	due_at: number | null;
	waiting: RunWaiting | null;
	/** JSON: the trigger event's data (event.<key> fields). */
	event: string;
	exit_reason: string | null;
	started_at: number;
	ended_at: number | null;
	/** Automation-made tag or list changes that led to this run (0: started by the person or the shop). */
	chain_depth: Generated< number >;
}

export interface AutomationHistoryTable {
	id: Generated< number >;
	run_id: number;
	tenant_id: string;
	automation_id: string;
	version: number;
	step: number;
	step_id: string;
	entered_at: number;
	left_at: number | null;
	outcome: string | null;
}

/** A date-triggered automation's local day (migration 0111): fired once, its contacts pulled from the site page by page. */
export interface AutomationDateDaysTable {
	tenant_id: string;
	automation_id: string;
	/** The shop's local date, YYYY-MM-DD. */
	day: string;
	state: 'pulling' | 'done' | 'missed';
	/** The site's next_cursor for the next page (null: the first page). */
	cursor: string | null;
	contacts: Generated< number >;
	started: Generated< number >;
	attempts: Generated< number >;
	next_attempt_at: number;
	last_error: string | null;
	created_at: number;
	finished_at: number | null;
}

export interface AutomationEventsTable {
	tenant_id: string;
	id: string;
	received_at: number;
}

/** Bridge -> site outbox: contact actions (tag, list, notify) posted to /rondine/v1/bridge/contact-actions. */
export interface ContactActionsTable {
	id: string;
	tenant_id: string;
	/** JSON: the action as posted. */
	action: string;
	created_at: number;
	attempts: Generated< number >;
	next_attempt_at: number;
	reported_at: number | null;
}

export interface Database {
	tenants: TenantsTable;
	campaigns: CampaignsTable;
	recipients: RecipientsTable;
	messages: MessagesTable;
	campaign_counters: CampaignCountersTable;
	send_log: SendLogTable;
	marketing_sends: MarketingSendsTable;
	test_sends: TestSendsTable;
	opt_outs: OptOutsTable;
	request_signatures: RequestSignaturesTable;
	leases: LeasesTable;
	workers: WorkersTable;
	templates_cache: TemplatesCacheTable;
	wa_id_aliases: WaIdAliasesTable;
	automations: AutomationsTable;
	automation_versions: AutomationVersionsTable;
	automation_runs: AutomationRunsTable;
	automation_history: AutomationHistoryTable;
	automation_events: AutomationEventsTable;
	automation_date_days: AutomationDateDaysTable;
	contact_actions: ContactActionsTable;
}

export type Tenant = Selectable< TenantsTable >;
export type Campaign = Selectable< CampaignsTable >;
export type NewCampaign = Insertable< CampaignsTable >;
export type CampaignUpdate = Updateable< CampaignsTable >;
export type Recipient = Selectable< RecipientsTable >;
export type Message = Selectable< MessagesTable >;
export type CampaignCounters = Selectable< CampaignCountersTable >;
