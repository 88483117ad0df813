/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { flushWake } from '../automations/signal.js';
import { isPostgres } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import {
	applyDeliveries,
	storeRaw,
	type ApplyOptions,
	type WebhookDelivery,
} from './apply.js';
import { createGroupCommitter, type GroupCommitter } from './group-commit.js';
import { withWebhookTables } from './schema.js';

export interface WebhookWriterOptions extends Partial< ApplyOptions > {
	db: Kysely< Database >;
	/** Largest number of requests committed in one transaction. */
	maxBatch?: number;
	/** Transactions in flight at once (default: 1 on SQLite, 4 on PostgreSQL). */
	concurrency?: number;
	/** Events (statuses, messages...) beyond which a transaction takes no more requests. */
	maxEvents?: number;
	/** Where to report an item that was stored but could not be applied. */
	onApplyError?: ( error: unknown ) => void;
}

export type WebhookWriter = GroupCommitter< WebhookDelivery, void >;

/** PostgreSQL: deadlock and serialization failures are safe to run again. */
function isRetryable( error: unknown ): boolean {
	const code = ( error as { code?: unknown } )?.code;
	return code === '40P01' || code === '40001';
}

async function withRetry< T >( run: () => Promise< T > ): Promise< T > {
	for ( let attempt = 1; ; attempt++ ) {
		try {
			return await run();
		} catch ( error ) {
			if ( attempt >= 3 || ! isRetryable( error ) ) {
				throw error;
			}
		}
	}
}

/**
 * The single writer behind the webhook endpoint: group-commits deliveries (raw body + applied effects in one
 * transaction). A delivery that cannot be applied is still stored raw, marked unapplied with the error, and answered
 * 200: Meta must not resend it for a week because of our bug, and it can be replayed once fixed.
 */
export function createWebhookWriter(
	options: WebhookWriterOptions
): WebhookWriter {
	const db = withWebhookTables( options.db );
	const applyOptions: ApplyOptions = {
		defaultOptOutPayloads: options.defaultOptOutPayloads ?? [],
	};
	return createGroupCommitter< WebhookDelivery, void >( {
		maxBatch: options.maxBatch ?? 1_000,
		concurrency: options.concurrency ?? ( isPostgres( db ) ? 4 : 1 ),
		// About 500 events per transaction: the least CPU per status measured (bench/webhooks.mjs), and short commits.
		weight: ( delivery ) => Math.max( 1, delivery.events.length ),
		maxWeight: options.maxEvents ?? 500,
		commitBatch: async ( deliveries ) => {
			await withRetry( () =>
				db
					.transaction()
					.execute( ( trx ) =>
						applyDeliveries( trx, deliveries, applyOptions )
					)
			);
			// Runs started or answered by these messages are advanced now (src/automations).
			flushWake();
			return deliveries.map( () => undefined );
		},
		commitOne: async ( delivery ) => {
			try {
				await withRetry( () =>
					db
						.transaction()
						.execute( ( trx ) =>
							applyDeliveries( trx, [ delivery ], applyOptions )
						)
				);
				flushWake();
			} catch ( error ) {
				options.onApplyError?.( error );
				const message =
					error instanceof Error ? error.message : String( error );
				await db
					.transaction()
					.execute( ( trx ) =>
						storeRaw( trx, [ delivery ], message.slice( 0, 1000 ) )
					);
			}
		},
	} );
}
