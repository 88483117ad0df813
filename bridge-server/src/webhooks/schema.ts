/**
 * External dependencies
 */
import type { Generated, Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database, RecipientsTable } from '../storage/schema.js';

/*
 * The tables and columns added by migration 0100-webhooks-stats, as types. Kept here (not in storage/schema.ts) so that
 * the engine's schema file has one owner; `withWebhookTables()` gives a Kysely typed with both.
 */

export interface WebhookEventsTable {
	id: Generated< number >;
	tenant_id: string;
	received_at: number;
	body: string;
	applied: Generated< number >;
	apply_error: string | null;
}

export interface InboundMessagesTable {
	tenant_id: string;
	message_id: string;
	from_phone: string;
	from_user_id: string;
	type: string;
	context_wamid: string | null;
	payload: string | null;
	text: string | null;
	campaign_id: string | null;
	recipient_id: number | null;
	sent_at: number;
	received_at: number;
}

export interface MarketingPreferencesTable {
	tenant_id: string;
	phone: string;
	value: 'stop' | 'resume';
	source: string;
	changed_at: number;
}

export interface OptOutOutboxTable {
	id: Generated< number >;
	tenant_id: string;
	phone: string;
	action: 'stop' | 'resume';
	source: string;
	at: number;
	attempts: Generated< number >;
	next_attempt_at: Generated< number >;
	delivered_at: number | null;
	last_error: string | null;
}

export interface InteractionSettingsTable {
	tenant_id: string;
	opt_out_payloads: string;
	updated_at: number;
}

/** Kept as a name: the webhook columns now live in `messages` and `recipients` (storage/schema.ts). */
export type RecipientsWithWebhooksTable = RecipientsTable;

export interface WebhooksDatabase extends Omit< Database, 'recipients' > {
	recipients: RecipientsWithWebhooksTable;
	webhook_events: WebhookEventsTable;
	inbound_messages: InboundMessagesTable;
	marketing_preferences: MarketingPreferencesTable;
	opt_out_outbox: OptOutOutboxTable;
	interaction_settings: InteractionSettingsTable;
}

export function withWebhookTables(
	db: Kysely< Database > | Kysely< WebhooksDatabase >
): Kysely< WebhooksDatabase > {
	return db as unknown as Kysely< WebhooksDatabase >;
}
