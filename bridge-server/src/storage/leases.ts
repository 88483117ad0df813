/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from './schema.js';

/**
 * Liveness is about processes, not business time: it always uses the wall clock, never the injectable one
 * (a test clock jumping a day ahead must not make a live process look dead).
 */
const wallClock = () => Date.now();

/**
 * Takes or renews a named lease. One row per name; an expired lease can be taken by anyone. Works the same on SQLite
 * and PostgreSQL (INSERT ... ON CONFLICT DO UPDATE ... WHERE), so only one process runs the scheduler at a time.
 */
export async function acquireLease(
	db: Kysely< Database >,
	name: string,
	holder: string,
	ttlMs: number
): Promise< boolean > {
	const now = wallClock();
	const result = await db
		.insertInto( 'leases' )
		.values( { name, holder, expires_at: now + ttlMs } )
		.onConflict( ( oc ) =>
			oc
				.column( 'name' )
				.doUpdateSet( { holder, expires_at: now + ttlMs } )
				.where( ( eb ) =>
					eb.or( [
						eb( 'leases.expires_at', '<', now ),
						eb( 'leases.holder', '=', holder ),
					] )
				)
		)
		.executeTakeFirst();
	return Number( result.numInsertedOrUpdatedRows ?? 0 ) === 1;
}

export async function releaseLease(
	db: Kysely< Database >,
	name: string,
	holder: string
): Promise< void > {
	await db
		.deleteFrom( 'leases' )
		.where( 'name', '=', name )
		.where( 'holder', '=', holder )
		.execute();
}

export const WORKER_HEARTBEAT_MS = 2_000;
/** A worker silent this long is dead: what it held in `sending` becomes `unknown`. */
export const WORKER_DEAD_AFTER_MS = 10_000;

export async function heartbeat(
	db: Kysely< Database >,
	id: string
): Promise< void > {
	const now = wallClock();
	await db
		.insertInto( 'workers' )
		.values( { id, started_at: now, heartbeat_at: now } )
		.onConflict( ( oc ) =>
			oc.column( 'id' ).doUpdateSet( { heartbeat_at: now } )
		)
		.execute();
}

export async function liveWorkers(
	db: Kysely< Database >
): Promise< string[] > {
	const rows = await db
		.selectFrom( 'workers' )
		.select( 'id' )
		.where( 'heartbeat_at', '>=', wallClock() - WORKER_DEAD_AFTER_MS )
		.execute();
	return rows.map( ( r ) => r.id );
}

export async function removeWorker(
	db: Kysely< Database >,
	id: string
): Promise< void > {
	await db.deleteFrom( 'workers' ).where( 'id', '=', id ).execute();
}
