/**
 * External dependencies
 */
import type { ExpressionBuilder, Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../webhooks/schema.js';

/**
 * Which failed recipients a "Retry failed" campaign takes (issue 4, item 7):
 * - failed at send (message state `failed`) or failed after it (status webhook `failed`, the send having been accepted),
 * - for a reason the error table marks retryable (not on WhatsApp, daily limit, transient errors exhausted, template
 *   paused, Meta's per-user marketing limit...), so never an invalid number (`retryable = 0`) or an opt-out (131050),
 * - and, for Meta's per-user marketing limit (131049), only once its 24 hours have passed.
 * The snapshot of the new campaign applies the tenant's opt-out list on top, as for every audience.
 * `unknown` outcomes are left out: the message may have arrived, and a retry must never send it twice.
 */
export function retryableFailed(
	eb: ExpressionBuilder< WebhooksDatabase, 'messages' >,
	now: number
) {
	return eb.and( [
		eb.or( [
			eb( 'messages.state', '=', 'failed' ),
			eb( 'messages.message_status', '=', 'failed' ),
		] ),
		eb( 'messages.retryable', '=', 1 ),
		eb.or( [
			eb( 'messages.error_reason', 'is', null ),
			eb( 'messages.error_reason', 'not in', [
				'invalid_phone',
				'opted_out',
			] ),
		] ),
		eb.or( [
			eb( 'messages.retry_not_before', 'is', null ),
			eb( 'messages.retry_not_before', '<=', now ),
		] ),
	] );
}

export interface RetryableRecipient {
	id: number;
	contact_id: string | null;
	phone: string;
	variables: string;
}

/**
 * One page (by id) of the recipients a retry of `campaignId` would send to now, excluding opted-out phones.
 */
export async function retryableRecipients(
	database: Kysely< Database >,
	tenantId: string,
	campaignId: string,
	now: number,
	after = 0,
	limit = 1000,
	/** The audience snapshot drops (and counts) opted-out phones itself. */
	includeOptedOut = false
): Promise< RetryableRecipient[] > {
	const db = withWebhookTables( database );
	let query = db
		.selectFrom( 'messages' )
		.innerJoin( 'recipients', 'recipients.id', 'messages.run_id' )
		.select( [
			'recipients.id',
			'recipients.contact_id',
			'recipients.phone',
			'recipients.variables',
		] )
		.where( 'messages.tenant_id', '=', tenantId )
		.where( 'messages.campaign_id', '=', campaignId )
		.where( 'messages.run_id', '>', after )
		.where( ( eb ) => retryableFailed( eb, now ) );
	if ( ! includeOptedOut ) {
		query = query.where( ( eb ) =>
			eb.not(
				eb.exists(
					eb
						.selectFrom( 'opt_outs' )
						.select( 'opt_outs.phone' )
						.whereRef(
							'opt_outs.tenant_id',
							'=',
							'recipients.tenant_id'
						)
						.whereRef( 'opt_outs.phone', '=', 'recipients.phone' )
				)
			)
		);
	}
	return query.orderBy( 'messages.run_id' ).limit( limit ).execute();
}
