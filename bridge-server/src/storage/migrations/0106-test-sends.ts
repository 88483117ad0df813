/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/*
 * Test sends ("send a test to my phone", POST /v1/test-message): each is a real, billed template message to a phone
 * the owner types, outside every campaign. Their limit (10 per tenant in 10 minutes) was counted in each process's
 * memory, so a restart or a second bridge process allowed more; it is counted here, shared by every process.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await db.schema
		.createTable( 'test_sends' )
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'sent_at', 'bigint', ( c ) => c.notNull() )
		.execute();
	await db.schema
		.createIndex( 'test_sends_window' )
		.on( 'test_sends' )
		.columns( [ 'tenant_id', 'sent_at' ] )
		.execute();
}

export async function down( db: Kysely< any > ): Promise< void > {
	await db.schema.dropTable( 'test_sends' ).execute();
}
