/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/*
 * A campaign may launch an automation instead of sending one template (issue 16, item 1; docs/design/
 * automations-contract.md "Campaigns that launch an automation"):
 * - `campaigns.automation_id`: the automation its recipients run (null: a template campaign); `automation_version`:
 *   the version its runs are pinned to, set when the first audience page is stored (a retry's runs keep their
 *   source run's version instead).
 * - `campaign_counters.runs_*`: the campaign's runs by state (to start, in progress, completed, failed, exited,
 *   cancelled), moved with the runs through storage/counters.ts like every other counter; always 0 for template
 *   campaigns, whose counters stay the messages' states.
 */
const RUN_COUNTERS = [
	'runs_to_start',
	'runs_in_progress',
	'runs_completed',
	'runs_failed',
	'runs_exited',
	'runs_cancelled',
] as const;

export async function up( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'campaigns' )
		.addColumn( 'automation_id', 'text' )
		.execute();
	await db.schema
		.alterTable( 'campaigns' )
		.addColumn( 'automation_version', 'integer' )
		.execute();
	for ( const column of RUN_COUNTERS ) {
		await db.schema
			.alterTable( 'campaign_counters' )
			.addColumn( column, 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
			.execute();
	}
	// The runs automations started before this migration (all in their lanes), counted once; from now on the counters
	// move with the runs.
	const count = ( condition: string ) =>
		sql`(select count(*) from automation_runs a inner join recipients r on r.id = a.run_id
			where r.tenant_id = campaign_counters.tenant_id and r.campaign_id = campaign_counters.campaign_id
			and ${ sql.raw( condition ) })`;
	await sql`update campaign_counters set
		runs_in_progress = ${ count( 'a.ended_at is null' ) },
		runs_completed = ${ count( 'a.ended_at is not null and a.exit_reason is null' ) },
		runs_failed = ${ count( "a.exit_reason = 'send_failed'" ) },
		runs_exited = ${ count( "a.exit_reason is not null and a.exit_reason <> 'send_failed'" ) }
		where campaign_id like 'a:%'`.execute( db );
	// "Is this automation used by a campaign?" (an automation a campaign launches cannot be deleted).
	await db.schema
		.createIndex( 'campaigns_automation' )
		.on( 'campaigns' )
		.columns( [ 'tenant_id', 'automation_id' ] )
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema.dropIndex( 'campaigns_automation' ).ifExists().execute();
	for ( const column of RUN_COUNTERS ) {
		await db.schema
			.alterTable( 'campaign_counters' )
			.dropColumn( column )
			.execute();
	}
	await db.schema
		.alterTable( 'campaigns' )
		.dropColumn( 'automation_version' )
		.execute();
	await db.schema
		.alterTable( 'campaigns' )
		.dropColumn( 'automation_id' )
		.execute();
}
