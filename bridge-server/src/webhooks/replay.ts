/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { parseWebhook } from '../whatsapp/webhook-types.js';
import { applyDeliveries, type ApplyOptions } from './apply.js';
import { withWebhookTables } from './schema.js';
import { attributeEvents, type TenantDirectory } from './tenant-directory.js';

export interface ReplayOptions extends ApplyOptions {
	db: Kysely< Database >;
	directory: TenantDirectory;
	/** Only this tenant's events (an agency replays one shop at a time, or all). */
	tenantId?: string;
	/** Rows read per query. */
	batch?: number;
}

export interface ReplayResult {
	/** Events applied now and marked applied. */
	applied: number;
	/** Events that failed again: still unapplied, with the new error. */
	failed: number;
}

/**
 * Applies again the webhook events that were stored raw but could not be applied (`webhook_events.applied = 0`, with
 * the error in `apply_error`): after the cause is fixed (a bug, a full disk), `rondine-bridge webhooks replay`.
 *
 * Each stored row is replayed on its own, in the order received, in one transaction that applies its events (the
 * same idempotent merge as the endpoint: a status already known changes nothing) and marks the row applied; the raw
 * body is not stored again. A row that fails again keeps `applied = 0` and gets the new error, and the replay goes on.
 * Only the events of the row's own tenant are applied: the body was signed for it when it was received (a body that
 * speaks for several tenants is stored once per tenant).
 */
export async function replayUnappliedWebhooks(
	options: ReplayOptions
): Promise< ReplayResult > {
	const db = withWebhookTables( options.db );
	const batch = options.batch ?? 200;
	const result: ReplayResult = { applied: 0, failed: 0 };
	let lastId = 0;
	for (;;) {
		let query = db
			.selectFrom( 'webhook_events' )
			.select( [ 'id', 'tenant_id', 'body', 'received_at' ] )
			.where( 'applied', '=', 0 )
			.where( 'id', '>', lastId );
		if ( options.tenantId !== undefined ) {
			query = query.where( 'tenant_id', '=', options.tenantId );
		}
		const rows = await query.orderBy( 'id' ).limit( batch ).execute();
		for ( const row of rows ) {
			lastId = Number( row.id );
			try {
				const parsed = parseWebhook( JSON.parse( row.body ) );
				const { attributed } = await attributeEvents(
					options.directory,
					parsed.events
				);
				const events = attributed.filter(
					( item ) => item.tenantId === row.tenant_id
				);
				await db.transaction().execute( async ( trx ) => {
					await applyDeliveries(
						trx,
						[
							{
								tenantIds: [ row.tenant_id ],
								body: row.body,
								events,
								receivedAt: Number( row.received_at ),
							},
						],
						{
							defaultOptOutPayloads:
								options.defaultOptOutPayloads,
						},
						false
					);
					await trx
						.updateTable( 'webhook_events' )
						.set( { applied: 1, apply_error: null } )
						.where( 'id', '=', row.id )
						.execute();
				} );
				result.applied++;
			} catch ( error ) {
				result.failed++;
				const message =
					error instanceof Error ? error.message : String( error );
				await db
					.updateTable( 'webhook_events' )
					.set( { apply_error: message.slice( 0, 1000 ) } )
					.where( 'id', '=', row.id )
					.execute();
			}
		}
		if ( rows.length < batch ) {
			return result;
		}
	}
}
