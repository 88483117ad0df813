/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { withWebhookTables } from './schema.js';

/** Meta retries a webhook for up to 7 days; the raw log is kept well beyond that, for support and replays. */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * Deletes raw webhook bodies received before `before` (ms) that were applied, in chunks so that a large backlog never
 * holds the writer for long. Bodies that could not be applied are kept until someone replays or removes them.
 * Resolves with the number of rows deleted.
 */
export async function pruneWebhookEvents(
	database: Kysely< Database >,
	before: number,
	chunk = 5_000
): Promise< number > {
	const db = withWebhookTables( database );
	let deleted = 0;
	for (;;) {
		const ids = (
			await db
				.selectFrom( 'webhook_events' )
				.select( 'id' )
				.where( 'received_at', '<', before )
				.where( 'applied', '=', 1 )
				.orderBy( 'id' )
				.limit( chunk )
				.execute()
		).map( ( row ) => row.id );
		if ( ids.length === 0 ) {
			return deleted;
		}
		const result = await db
			.deleteFrom( 'webhook_events' )
			.where( 'id', 'in', ids )
			.executeTakeFirst();
		deleted += Number( result.numDeletedRows );
		if ( ids.length < chunk ) {
			return deleted;
		}
	}
}
