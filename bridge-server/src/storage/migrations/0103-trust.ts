/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/*
 * Tenants' trust (issue "Trust first", items 9 and 10):
 *
 * - `tenants.phone_number_id` becomes unique: webhooks are routed by it, so a second tenant naming another's number would
 *   receive that number's webhooks (replies, STOPs). If a database already holds the same number for several tenants,
 *   the tenant that configured it first (smallest updated_at, then created_at) keeps it; the others lose their Meta
 *   credentials and are halted with a reason that says why, until they save credentials of their own (PUT /v1/whatsapp).
 *   Clearing the number alone would silently move them to the emulator: the halt stops their sending instead.
 * - `tenants.webhooks_verified_at`: when the first webhook signed with the tenant's app secret arrived. Null until then
 *   (status: `webhooks_verified: false`), and again after new credentials.
 * - `campaigns.audience_pages`: pages of audience read from the site, so a site that pages forever is stopped.
 *
 * Raw SQL where both databases accept the same statement.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	const duplicates = (
		await sql< {
			id: string;
			phone_number_id: string;
		} >`SELECT id, phone_number_id FROM tenants WHERE phone_number_id IN (
			SELECT phone_number_id FROM tenants WHERE phone_number_id IS NOT NULL
			GROUP BY phone_number_id HAVING count(*) > 1
		) ORDER BY phone_number_id, updated_at, created_at, id`.execute( db )
	).rows;
	const kept = new Set< string >();
	for ( const row of duplicates ) {
		if ( ! kept.has( row.phone_number_id ) ) {
			kept.add( row.phone_number_id );
			continue;
		}
		await db
			.updateTable( 'tenants' )
			.set( {
				phone_number_id: null,
				waba_id: null,
				access_token: null,
				app_secret: null,
				display_phone_number: null,
				halted_reason: `duplicate_phone_number_id: WhatsApp number ${ row.phone_number_id } is configured for another tenant of this bridge; save this shop's own WhatsApp credentials again.`,
			} )
			.where( 'id', '=', row.id )
			.execute();
	}
	await sql`DROP INDEX IF EXISTS tenants_phone_number_id`.execute( db );
	await sql`CREATE UNIQUE INDEX tenants_phone_number_id_unique ON tenants (phone_number_id)`.execute(
		db
	);
	await db.schema
		.alterTable( 'tenants' )
		.addColumn( 'webhooks_verified_at', 'bigint' )
		.execute();
	await db.schema
		.alterTable( 'campaigns' )
		.addColumn( 'audience_pages', 'integer', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema
		.alterTable( 'campaigns' )
		.dropColumn( 'audience_pages' )
		.execute();
	await db.schema
		.alterTable( 'tenants' )
		.dropColumn( 'webhooks_verified_at' )
		.execute();
	await sql`DROP INDEX IF EXISTS tenants_phone_number_id_unique`.execute(
		db
	);
	await sql`CREATE INDEX tenants_phone_number_id ON tenants (phone_number_id)`.execute(
		db
	);
}
