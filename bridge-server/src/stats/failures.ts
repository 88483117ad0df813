/**
 * Why a campaign's recipients failed: failed messages grouped by reason and error code, each group saying whether
 * "Retry failed" would take it (the rule of stats/retry-failed.ts). The stats route (stats/index.ts) shows it.
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { withWebhookTables } from '../webhooks/schema.js';
import { retryableFailed } from './retry-failed.js';

/**
 * Failed recipients grouped by reason, each saying whether "Retry failed" would take them (the same rule as the retry,
 * stats/retry-failed.ts), so the stats can say why a failure is not offered for retry.
 */
export async function failureReasons(
	database: Kysely< Database >,
	tenantId: string,
	campaignId: string,
	now: number
) {
	const db = withWebhookTables( database );
	const rows = await db
		.selectFrom( 'messages' )
		.select( ( eb ) => [
			'messages.error_reason as reason',
			eb.fn.max( 'messages.error_code' ).as( 'code' ),
			eb.fn.countAll().as( 'count' ),
			eb.fn
				.sum(
					eb
						.case()
						.when( retryableFailed( eb, now ) )
						.then( 1 )
						.else( 0 )
						.end()
				)
				.as( 'retryable' ),
		] )
		.where( 'messages.tenant_id', '=', tenantId )
		.where( 'messages.campaign_id', '=', campaignId )
		.where( ( eb ) =>
			eb.or( [
				eb( 'messages.state', '=', 'failed' ),
				eb( 'messages.message_status', '=', 'failed' ),
			] )
		)
		.groupBy( 'messages.error_reason' )
		.execute();
	return rows
		.map( ( row ) => ( {
			reason: row.reason,
			code: row.code === null ? null : Number( row.code ),
			count: Number( row.count ),
			retryable: Number( row.retryable ?? 0 ) > 0,
		} ) )
		.sort( ( a, b ) => b.count - a.count );
}
