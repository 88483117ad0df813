/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../dialect.js';

// Migrations take Kysely<any>: they describe the schema, they do not depend on today's types.
export async function up( db: Kysely< any > ): Promise< void > {
	const pg = isPostgres( db );

	await db.schema
		.createTable( 'tenants' )
		.addColumn( 'id', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'name', 'text', ( c ) => c.notNull() )
		.addColumn( 'secret', 'text', ( c ) => c.notNull() )
		.addColumn( 'site_rest_url', 'text' )
		.addColumn( 'default_country', 'text' )
		.addColumn( 'timezone', 'text' )
		.addColumn( 'phone_number_id', 'text' )
		.addColumn( 'waba_id', 'text' )
		.addColumn( 'access_token', 'text' )
		.addColumn( 'app_secret', 'text' )
		.addColumn( 'verify_token', 'text' )
		.addColumn( 'display_phone_number', 'text' )
		.addColumn( 'throughput_mps', 'integer', ( c ) =>
			c.notNull().defaultTo( 80 )
		)
		.addColumn( 'messaging_limit_tier', 'text', ( c ) =>
			c.notNull().defaultTo( 'TIER_250' )
		)
		.addColumn( 'quality', 'text', ( c ) =>
			c.notNull().defaultTo( 'GREEN' )
		)
		.addColumn( 'halted_reason', 'text' )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.execute();
	await db.schema
		.createIndex( 'tenants_phone_number_id' )
		.on( 'tenants' )
		.column( 'phone_number_id' )
		.execute();

	await db.schema
		.createTable( 'campaigns' )
		.addColumn( 'tenant_id', 'text', ( c ) =>
			c.notNull().references( 'tenants.id' ).onDelete( 'cascade' )
		)
		.addColumn( 'id', 'text', ( c ) => c.notNull() )
		.addColumn( 'name', 'text', ( c ) => c.notNull() )
		.addColumn( 'audience', 'text', ( c ) => c.notNull() )
		.addColumn( 'template_name', 'text', ( c ) => c.notNull() )
		.addColumn( 'template_language', 'text', ( c ) => c.notNull() )
		.addColumn( 'template_components', 'text', ( c ) => c.notNull() )
		.addColumn( 'start_at', 'bigint' )
		.addColumn( 'options', 'text', ( c ) => c.notNull() )
		.addColumn( 'state', 'text', ( c ) => c.notNull() )
		.addColumn( 'state_reason', 'text' )
		.addColumn( 'state_message', 'text' )
		.addColumn( 'audience_done', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'audience_cursor', 'text' )
		.addColumn( 'snapshot_attempts', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'next_snapshot_at', 'bigint' )
		.addColumn( 'source_campaign_id', 'text' )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'started_at', 'bigint' )
		.addColumn( 'finished_at', 'bigint' )
		.addPrimaryKeyConstraint( 'campaigns_pk', [ 'tenant_id', 'id' ] )
		.execute();
	await db.schema
		.createIndex( 'campaigns_state_start' )
		.on( 'campaigns' )
		.columns( [ 'state', 'start_at' ] )
		.execute();

	let recipients = db.schema.createTable( 'recipients' );
	recipients = pg
		? recipients.addColumn( 'id', 'bigserial', ( c ) => c.primaryKey() )
		: recipients.addColumn( 'id', 'integer', ( c ) =>
				c.primaryKey().autoIncrement()
			);
	await recipients
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'campaign_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'contact_id', 'text' )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'variables', 'text', ( c ) => c.notNull() )
		.addColumn( 'state', 'text', ( c ) => c.notNull() )
		.addColumn( 'attempts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'next_attempt_at', 'bigint', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'error_code', 'integer' )
		.addColumn( 'error_reason', 'text' )
		.addColumn( 'retryable', 'integer' )
		.addColumn( 'wamid', 'text' )
		.addColumn( 'message_status', 'text' )
		.addColumn( 'claimed_by', 'text' )
		.addColumn( 'claimed_at', 'bigint' )
		.addColumn( 'sent_at', 'bigint' )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.addForeignKeyConstraint(
			'recipients_campaign_fk',
			[ 'tenant_id', 'campaign_id' ],
			'campaigns',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();
	// One row per phone per campaign: the snapshot dedupes with ON CONFLICT DO NOTHING.
	await db.schema
		.createIndex( 'recipients_campaign_phone' )
		.unique()
		.on( 'recipients' )
		.columns( [ 'tenant_id', 'campaign_id', 'phone' ] )
		.execute();
	// The dispatcher's claim (due work of one running campaign, oldest first) and the per-state drill-down.
	await db.schema
		.createIndex( 'recipients_due' )
		.on( 'recipients' )
		.columns( [
			'tenant_id',
			'campaign_id',
			'state',
			'next_attempt_at',
			'id',
		] )
		.execute();
	await db.schema
		.createIndex( 'recipients_claimed_by' )
		.on( 'recipients' )
		.columns( [ 'claimed_by', 'state' ] )
		.execute();
	await db.schema
		.createIndex( 'recipients_wamid' )
		.on( 'recipients' )
		.column( 'wamid' )
		.execute();

	await db.schema
		.createTable( 'campaign_counters' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'campaign_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'total', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'to_start', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'in_progress', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'completed', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'failed', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'unknown', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'opted_out', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'duplicates', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'invalid', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'messages_sent', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'messages_delivered', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'messages_read', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'messages_failed', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'interactions', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addPrimaryKeyConstraint( 'campaign_counters_pk', [
			'tenant_id',
			'campaign_id',
		] )
		.addForeignKeyConstraint(
			'campaign_counters_campaign_fk',
			[ 'tenant_id', 'campaign_id' ],
			'campaigns',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();

	await db.schema
		.createTable( 'send_log' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'last_sent_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'send_log_pk', [ 'tenant_id', 'phone' ] )
		.execute();
	await db.schema
		.createIndex( 'send_log_window' )
		.on( 'send_log' )
		.columns( [ 'tenant_id', 'last_sent_at' ] )
		.execute();

	await db.schema
		.createTable( 'opt_outs' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'source', 'text', ( c ) => c.notNull() )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'reported', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addPrimaryKeyConstraint( 'opt_outs_pk', [ 'tenant_id', 'phone' ] )
		.execute();

	await db.schema
		.createTable( 'request_signatures' )
		.addColumn( 'signature', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'seen_at', 'bigint', ( c ) => c.notNull() )
		.execute();
	await db.schema
		.createIndex( 'request_signatures_seen' )
		.on( 'request_signatures' )
		.column( 'seen_at' )
		.execute();

	await db.schema
		.createTable( 'leases' )
		.addColumn( 'name', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'holder', 'text', ( c ) => c.notNull() )
		.addColumn( 'expires_at', 'bigint', ( c ) => c.notNull() )
		.execute();

	await db.schema
		.createTable( 'workers' )
		.addColumn( 'id', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'started_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'heartbeat_at', 'bigint', ( c ) => c.notNull() )
		.execute();

	await db.schema
		.createTable( 'templates_cache' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'templates', 'text', ( c ) => c.notNull() )
		.addColumn( 'fetched_at', 'bigint', ( c ) => c.notNull() )
		.execute();
}
