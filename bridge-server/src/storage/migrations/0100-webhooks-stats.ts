/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../dialect.js';

/*
 * Webhooks and stats (src/webhooks, src/stats). Numbered 0100 so that the engine's own migrations (0001...) keep their
 * order; it only adds tables and nullable columns.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	const pg = isPostgres( db );

	// Every webhook body as received, committed before Meta gets its 200: the source of truth to replay from.
	let events = db.schema.createTable( 'webhook_events' );
	events = pg
		? events.addColumn( 'id', 'bigserial', ( c ) => c.primaryKey() )
		: events.addColumn( 'id', 'integer', ( c ) =>
				c.primaryKey().autoIncrement()
			);
	await events
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'received_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'body', 'text', ( c ) => c.notNull() )
		/** 1 once its events were applied; 0 when applying failed (apply_error says why) and it waits for a replay. */
		.addColumn( 'applied', 'integer', ( c ) => c.notNull().defaultTo( 1 ) )
		.addColumn( 'apply_error', 'text' )
		.execute();
	await db.schema
		.createIndex( 'webhook_events_tenant_received' )
		.on( 'webhook_events' )
		.columns( [ 'tenant_id', 'received_at' ] )
		.execute();

	// Inbound messages seen, one row per Meta message id: the dedupe of replies and taps, and what automations will read.
	await db.schema
		.createTable( 'inbound_messages' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'message_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'from_phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'from_user_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'type', 'text', ( c ) => c.notNull() )
		.addColumn( 'context_wamid', 'text' )
		.addColumn( 'payload', 'text' )
		.addColumn( 'text', 'text' )
		.addColumn( 'campaign_id', 'text' )
		.addColumn( 'recipient_id', 'bigint' )
		.addColumn( 'sent_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'received_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'inbound_messages_pk', [
			'tenant_id',
			'message_id',
		] )
		.execute();

	// The latest marketing preference per contact, so that a stale redelivered "stop" never undoes a newer "resume".
	await db.schema
		.createTable( 'marketing_preferences' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'value', 'text', ( c ) => c.notNull() )
		.addColumn( 'source', 'text', ( c ) => c.notNull() )
		.addColumn( 'changed_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'marketing_preferences_pk', [
			'tenant_id',
			'phone',
		] )
		.execute();

	// Opt-out changes still to be told to the site (bridge -> site POST /rondine/v1/bridge/opt-outs), with retries.
	let outbox = db.schema.createTable( 'opt_out_outbox' );
	outbox = pg
		? outbox.addColumn( 'id', 'bigserial', ( c ) => c.primaryKey() )
		: outbox.addColumn( 'id', 'integer', ( c ) =>
				c.primaryKey().autoIncrement()
			);
	await outbox
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'action', 'text', ( c ) => c.notNull() )
		.addColumn( 'source', 'text', ( c ) => c.notNull() )
		.addColumn( 'at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'attempts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'next_attempt_at', 'bigint', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'delivered_at', 'bigint' )
		.addColumn( 'last_error', 'text' )
		.execute();
	await db.schema
		.createIndex( 'opt_out_outbox_due' )
		.on( 'opt_out_outbox' )
		.columns( [ 'delivered_at', 'next_attempt_at' ] )
		.execute();

	// Per-tenant interaction settings: which quick-reply payloads mean "stop promotions".
	await db.schema
		.createTable( 'interaction_settings' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.primaryKey() )
		/** JSON list of payloads or button texts, compared case-insensitively. */
		.addColumn( 'opt_out_payloads', 'text', ( c ) => c.notNull() )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.execute();

	// What webhooks learn about each recipient's message, beside the engine's columns.
	for ( const column of [
		'status_sent_at',
		'delivered_at',
		'read_at',
		'failed_at',
		'interacted_at',
		'retry_not_before',
	] ) {
		await db.schema
			.alterTable( 'recipients' )
			.addColumn( column, 'bigint' )
			.execute();
	}
	await db.schema
		.alterTable( 'recipients' )
		.addColumn( 'interaction_payload', 'text' )
		.execute();
	await db.schema
		.alterTable( 'recipients' )
		.addColumn( 'error_message', 'text' )
		.execute();
	// Drill-down by error and export in id order.
	await db.schema
		.createIndex( 'recipients_campaign_error' )
		.on( 'recipients' )
		.columns( [ 'tenant_id', 'campaign_id', 'error_reason', 'id' ] )
		.execute();
	await db.schema
		.createIndex( 'recipients_campaign_message_status' )
		.on( 'recipients' )
		.columns( [ 'tenant_id', 'campaign_id', 'message_status', 'id' ] )
		.execute();
	await db.schema
		.createIndex( 'tenants_waba_id' )
		.on( 'tenants' )
		.column( 'waba_id' )
		.execute();
}
