/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/*
 * The sending policy (issue 16, item 5; docs/design/automations-contract.md "Sending policy"):
 * - per tenant, its quiet hours (minutes of the day in the recipient's local time) and its marketing frequency cap, as
 *   columns of `tenants` (the dispatcher already holds the tenant row, so the claim reads the policy for free);
 * - `marketing_sends`: one row per MARKETING message claimed for sending (keyed by the message, so a retried message
 *   counts once), what the cap counts per phone over the last `days` days, across campaigns and automations;
 * - `campaign_counters.capped`: messages finished as `capped` (skipped by the cap, never sent).
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'quiet_hours_enabled', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'quiet_start_minute', 'integer', ( c ) =>
			c.notNull().defaultTo( 21 * 60 )
		)
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'quiet_end_minute', 'integer', ( c ) =>
			c.notNull().defaultTo( 9 * 60 )
		)
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'cap_enabled', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'cap_max_messages', 'integer', ( c ) =>
			c.notNull().defaultTo( 2 )
		)
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'cap_days', 'integer', ( c ) => c.notNull().defaultTo( 7 ) )
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'cap_when_capped', 'text', ( c ) =>
			c.notNull().defaultTo( 'postpone' )
		)
		.execute();

	await db.schema
		.createTable( 'marketing_sends' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'message_id', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'sent_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'marketing_sends_pk', [
			'tenant_id',
			'message_id',
		] )
		.execute();
	await db.schema
		.createIndex( 'marketing_sends_by_phone' )
		.on( 'marketing_sends' )
		.columns( [ 'tenant_id', 'phone', 'sent_at' ] )
		.execute();
	await db.schema
		.createIndex( 'marketing_sends_by_time' )
		.on( 'marketing_sends' )
		.column( 'sent_at' )
		.execute();

	await db.schema
		.alterTable( 'campaign_counters' )
		.addColumn( 'capped', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'campaign_counters' )
		.dropColumn( 'capped' )
		.execute();
	await db.schema.dropTable( 'marketing_sends' ).execute();
	for ( const column of [
		'cap_when_capped',
		'cap_days',
		'cap_max_messages',
		'cap_enabled',
		'quiet_end_minute',
		'quiet_start_minute',
		'quiet_hours_enabled',
	] ) {
		await db.schema.alterTable( 'tenants' ).dropColumn( column ).execute();
	}
}
