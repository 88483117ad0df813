/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../dialect.js';

/*
 * Automations (issue 16, docs/design/automations-contract.md):
 * - `automations`: a definition (trigger, re-entry, exit events, state) and its current version; `trigger_key` is what
 *   a trigger is looked up by (the normalized keyword, the button payload, the event type). One keyword per active
 *   automation: a partial unique index.
 * - `automation_versions`: the steps of each version (JSON).
 * - `automation_runs`: the automation state of a run (run = recipients.id): version, step index, due time, what it waits
 *   for, exit reason. The run engine's tick takes rows whose `due_at` has come.
 * - `automation_history`: one row per step a run entered.
 * - `automation_events`: POST /v1/events ids already handled (the same event twice starts one run).
 * - `contact_actions`: the bridge -> site outbox (tag, list, notify).
 * - `recipients.entry`: an automation may run several times for one phone (re-entry "every_time" / "per_days"): the
 *   unique key becomes (tenant, phone, campaign, entry); a campaign's runs keep entry 0, so its snapshot dedupe holds.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	const pg = isPostgres( db );
	await db.schema
		.createTable( 'automations' )
		.addColumn( 'tenant_id', 'text', ( c ) =>
			c.notNull().references( 'tenants.id' ).onDelete( 'cascade' )
		)
		.addColumn( 'id', 'text', ( c ) => c.notNull() )
		.addColumn( 'name', 'text', ( c ) => c.notNull() )
		.addColumn( 'state', 'text', ( c ) => c.notNull() )
		.addColumn( 'trigger_type', 'text', ( c ) => c.notNull() )
		.addColumn( 'trigger_key', 'text' )
		.addColumn( 'trigger', 'text', ( c ) => c.notNull() )
		.addColumn( 'reentry', 'text', ( c ) => c.notNull() )
		.addColumn( 'exit_on', 'text', ( c ) => c.notNull() )
		.addColumn( 'version', 'integer', ( c ) => c.notNull() )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'automations_pk', [ 'tenant_id', 'id' ] )
		.execute();
	await sql`CREATE UNIQUE INDEX automations_keyword ON automations (tenant_id, trigger_key) WHERE state = 'active' AND trigger_type = 'keyword'`.execute(
		db
	);
	await sql`CREATE INDEX automations_trigger ON automations (tenant_id, trigger_type, trigger_key) WHERE state = 'active'`.execute(
		db
	);

	await db.schema
		.createTable( 'automation_versions' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'automation_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'version', 'integer', ( c ) => c.notNull() )
		.addColumn( 'steps', 'text', ( c ) => c.notNull() )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'automation_versions_pk', [
			'tenant_id',
			'automation_id',
			'version',
		] )
		.addForeignKeyConstraint(
			'automation_versions_fk',
			[ 'tenant_id', 'automation_id' ],
			'automations',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();

	await db.schema
		.createTable( 'automation_runs' )
		.addColumn( 'run_id', 'bigint', ( c ) =>
			c.primaryKey().references( 'recipients.id' ).onDelete( 'cascade' )
		)
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'automation_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'version', 'integer', ( c ) => c.notNull() )
		.addColumn( 'step', 'integer', ( c ) => c.notNull() )
		.addColumn( 'due_at', 'bigint' )
		.addColumn( 'waiting', 'text' )
		.addColumn( 'event', 'text', ( c ) => c.notNull() )
		.addColumn( 'exit_reason', 'text' )
		.addColumn( 'started_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'ended_at', 'bigint' )
		.addForeignKeyConstraint(
			'automation_runs_fk',
			[ 'tenant_id', 'automation_id' ],
			'automations',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();
	// The tick: due runs, oldest first.
	await sql`CREATE INDEX automation_runs_due ON automation_runs (due_at, run_id) WHERE ended_at IS NULL AND due_at IS NOT NULL`.execute(
		db
	);
	await sql`CREATE INDEX automation_runs_automation ON automation_runs (tenant_id, automation_id, ended_at)`.execute(
		db
	);

	let history = db.schema.createTable( 'automation_history' );
	history = pg
		? history.addColumn( 'id', 'bigserial', ( c ) => c.primaryKey() )
		: history.addColumn( 'id', 'integer', ( c ) =>
				c.primaryKey().autoIncrement()
			);
	await history
		.addColumn( 'run_id', 'bigint', ( c ) =>
			c.notNull().references( 'recipients.id' ).onDelete( 'cascade' )
		)
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'automation_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'version', 'integer', ( c ) => c.notNull() )
		.addColumn( 'step', 'integer', ( c ) => c.notNull() )
		.addColumn( 'step_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'entered_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'left_at', 'bigint' )
		.addColumn( 'outcome', 'text' )
		.execute();
	// One history row per (run, step entered): a step is entered once per run.
	await sql`CREATE UNIQUE INDEX automation_history_run_step ON automation_history (run_id, step)`.execute(
		db
	);
	await sql`CREATE INDEX automation_history_automation ON automation_history (tenant_id, automation_id, step_id)`.execute(
		db
	);

	await db.schema
		.createTable( 'automation_events' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'id', 'text', ( c ) => c.notNull() )
		.addColumn( 'received_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'automation_events_pk', [
			'tenant_id',
			'id',
		] )
		.execute();

	await db.schema
		.createTable( 'contact_actions' )
		.addColumn( 'id', 'text', ( c ) => c.primaryKey() )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'action', 'text', ( c ) => c.notNull() )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'attempts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'next_attempt_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'reported_at', 'bigint' )
		.execute();
	await sql`CREATE INDEX contact_actions_due ON contact_actions (next_attempt_at) WHERE reported_at IS NULL`.execute(
		db
	);

	// send_text's 24-hour window: the phone's last inbound message.
	await sql`CREATE INDEX inbound_messages_from ON inbound_messages (tenant_id, from_phone, received_at)`.execute(
		db
	);

	await db.schema
		.alterTable( 'recipients' )
		.addColumn( 'entry', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.execute();
	await sql`DROP INDEX IF EXISTS recipients_phone`.execute( db );
	await sql`CREATE UNIQUE INDEX recipients_phone ON recipients (tenant_id, phone, campaign_id, entry)`.execute(
		db
	);
}

export async function down( db: Kysely< any > ): Promise< void > {
	await sql`DELETE FROM recipients WHERE entry > 0`.execute( db );
	await sql`DROP INDEX IF EXISTS recipients_phone`.execute( db );
	await sql`CREATE UNIQUE INDEX recipients_phone ON recipients (tenant_id, phone, campaign_id)`.execute(
		db
	);
	await db.schema.alterTable( 'recipients' ).dropColumn( 'entry' ).execute();
	await sql`DROP INDEX IF EXISTS inbound_messages_from`.execute( db );
	for ( const table of [
		'contact_actions',
		'automation_events',
		'automation_history',
		'automation_runs',
		'automation_versions',
		'automations',
	] ) {
		await db.schema.dropTable( table ).execute();
	}
}
