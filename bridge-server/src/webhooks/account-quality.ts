/**
 * Account quality: Meta's phone_number_quality_update (messaging limit tier, throughput upgrade, flagged / unflagged)
 * written onto the tenant. (The other write of webhooks to `tenants`, the webhooks-verified mark, stays with storing
 * the raw body in apply.ts.)
 */

/**
 * Internal dependencies
 */
import { isTier } from '../tenants/tenants.js';
import type { PhoneNumberQualityEvent } from '../whatsapp/webhook-types.js';
import type { Trx } from './apply-common.js';

export async function applyQuality(
	trx: Trx,
	tenantId: string,
	event: PhoneNumberQualityEvent,
	now: number
): Promise< void > {
	const set: {
		messaging_limit_tier?: 'TIER_250';
		throughput_mps?: number;
		quality?: string;
		updated_at: number;
	} = {
		updated_at: now,
	};
	if ( event.currentLimit && isTier( event.currentLimit ) ) {
		set.messaging_limit_tier = event.currentLimit as 'TIER_250';
	}
	const kind = event.event.toUpperCase();
	if ( kind === 'THROUGHPUT_UPGRADE' ) {
		// Meta's automatic upgrade takes a number from 80 to 1,000 messages per second.
		set.throughput_mps = 1000;
	} else if ( kind === 'FLAGGED' ) {
		set.quality = 'RED';
	} else if ( kind === 'UNFLAGGED' ) {
		set.quality = 'GREEN';
	}
	await trx
		.updateTable( 'tenants' )
		.set( set )
		.where( 'id', '=', tenantId )
		.execute();
}
