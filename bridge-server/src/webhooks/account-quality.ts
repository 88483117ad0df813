/**
 * Account quality: Meta's phone_number_quality_update (messaging limit tier, throughput upgrade, flagged / unflagged)
 * written onto the tenant through the tenants store.
 */

/**
 * Internal dependencies
 */
import {
	updateTenantAccount,
	type TenantAccountUpdate,
} from '../tenants/store.js';
import { isTier } from '../tenants/tenants.js';
import type { PhoneNumberQualityEvent } from '../whatsapp/webhook-types.js';
import type { Trx } from './apply-common.js';

export async function applyQuality(
	trx: Trx,
	tenantId: string,
	event: PhoneNumberQualityEvent,
	now: number
): Promise< void > {
	const set: TenantAccountUpdate = {
		updated_at: now,
	};
	if ( event.currentLimit && isTier( event.currentLimit ) ) {
		set.messaging_limit_tier = event.currentLimit;
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
	await updateTenantAccount( trx, tenantId, set );
}
