/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/*
 * The triggers of issue 16 item 2 (docs/design/automations-contract.md "Triggers"):
 * - `automation_date_days`: one row per date-triggered automation and local day of the shop on which it fired (or
 *   began to): the key (tenant, automation, day) is what makes a day fire once, across restarts and processes; the row
 *   keeps the site's paging cursor, so a crash or a site that fails resumes at the page it was on, and `state` says
 *   whether the day's contacts were all taken (`done`), are being taken (`pulling`) or the day ended first (`missed`).
 * - `automation_runs.chain_depth`: how many automation-made tag or list changes led to this run (0: the person or the
 *   shop started it), so that automations tagging each other's triggers stop after a few links.
 * - `automation_events (received_at)`: handled event ids are forgotten after a while (the date trigger writes one per
 *   contact and day, an import one per contact tagged); the index makes that cleanup a range delete.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await db.schema
		.createTable( 'automation_date_days' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'automation_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'day', 'text', ( c ) => c.notNull() )
		.addColumn( 'state', 'text', ( c ) => c.notNull() )
		.addColumn( 'cursor', 'text' )
		.addColumn( 'contacts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'started', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'attempts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'next_attempt_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'last_error', 'text' )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addColumn( 'finished_at', 'bigint' )
		.addPrimaryKeyConstraint( 'automation_date_days_pk', [
			'tenant_id',
			'automation_id',
			'day',
		] )
		.addForeignKeyConstraint(
			'automation_date_days_fk',
			[ 'tenant_id', 'automation_id' ],
			'automations',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();
	await sql`CREATE INDEX automation_date_days_pulling ON automation_date_days (next_attempt_at) WHERE state = 'pulling'`.execute(
		db
	);
	await db.schema
		.alterTable( 'automation_runs' )
		.addColumn( 'chain_depth', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.execute();
	await sql`CREATE INDEX automation_events_received ON automation_events (received_at)`.execute(
		db
	);
}

export async function down( db: Kysely< any > ): Promise< void > {
	await sql`DROP INDEX IF EXISTS automation_events_received`.execute( db );
	await db.schema
		.alterTable( 'automation_runs' )
		.dropColumn( 'chain_depth' )
		.execute();
	await db.schema.dropTable( 'automation_date_days' ).execute();
}
