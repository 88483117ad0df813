/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/*
 * The automation engine ends the runs whose message failed or was found opted out (automations/engine.ts, endFailed).
 * Its lookup joined every message to the runs: SQLite scanned the whole messages table once a second, campaigns' rows
 * included (a dispatch-alone benchmark showed it as +30 % CPU per message). This partial index holds only those final
 * failures, by the time they were written (every write of `failed` or `opted_out` sets updated_at), so the engine
 * reads the ones since its last look.
 */
export async function up( db: Kysely< any > ): Promise< void > {
	await sql`CREATE INDEX messages_failures ON messages (updated_at) WHERE state IN ('failed', 'opted_out')`.execute(
		db
	);
}

export async function down( db: Kysely< any > ): Promise< void > {
	await sql`DROP INDEX IF EXISTS messages_failures`.execute( db );
}
