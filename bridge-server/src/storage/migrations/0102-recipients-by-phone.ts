/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/*
 * Finding the campaign message a reply or a button tap answers by the customer's phone instead of by wamid.
 *
 * - `recipients_wamid` goes. Meta's wamids carry the customer's number near their start, so every sent message put its
 *   entry on a random page of that index: one more page written per message, 7 to 10 % of the bridge's CPU at
 *   1,000 messages a second on SQLite (docs/BENCHMARKS.md). Status webhooks never needed it (they carry the recipient id
 *   in biz_opaque_callback_data); replies and button taps do, and they also carry the customer's WhatsApp id.
 * - The unique index on (tenant, campaign, phone), which the snapshot's dedupe uses, becomes (tenant, phone, campaign):
 *   the same rule, and it now also finds a phone's recipients across the tenant's campaigns. Its entries were already
 *   inserted in phone order, so nothing costs more.
 * - `wa_id_aliases` records the WhatsApp id Meta answers for a number when it is not the number's own digits (some
 *   Brazilian and Mexican numbers), so a reply from that id still finds its message.
 *
 * Raw SQL where both databases accept the same statement.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await sql`DROP INDEX IF EXISTS recipients_wamid`.execute( db );
	await sql`CREATE UNIQUE INDEX recipients_phone ON recipients (tenant_id, phone, campaign_id)`.execute(
		db
	);
	await sql`DROP INDEX IF EXISTS recipients_campaign_phone`.execute( db );
	await db.schema
		.createTable( 'wa_id_aliases' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'wa_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'created_at', 'bigint', ( c ) => c.notNull() )
		.addPrimaryKeyConstraint( 'wa_id_aliases_pk', [
			'tenant_id',
			'wa_id',
			'phone',
		] )
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema.dropTable( 'wa_id_aliases' ).execute();
	await sql`CREATE UNIQUE INDEX recipients_campaign_phone ON recipients (tenant_id, campaign_id, phone)`.execute(
		db
	);
	await sql`DROP INDEX IF EXISTS recipients_phone`.execute( db );
	await sql`CREATE INDEX recipients_wamid ON recipients (wamid)`.execute(
		db
	);
}
