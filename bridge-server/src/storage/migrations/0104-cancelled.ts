/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/*
 * Cancelled recipients (issue 13, defect 3): when the owner cancels a campaign, the recipients it had not started are
 * `cancelled` (a recipient state) and counted in `campaign_counters.cancelled`, no longer as failed. Campaigns
 * cancelled before this migration keep their recipients as they were (failed, reason `cancelled`).
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'campaign_counters' )
		.addColumn( 'cancelled', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'campaign_counters' )
		.dropColumn( 'cancelled' )
		.execute();
}
