/**
 * WordPress dependencies
 */
import { __, _x } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { CampaignState } from '../store/types';

export function campaignStateLabel( state: CampaignState | string ): string {
	switch ( state ) {
		case 'draft':
			return __( 'Draft', 'rondine' );
		case 'scheduled':
			return __( 'Scheduled', 'rondine' );
		case 'starting':
			return __( 'Starting', 'rondine' );
		case 'running':
			return __( 'Running', 'rondine' );
		case 'paused':
			return __( 'Paused', 'rondine' );
		case 'completed':
			return _x( 'Completed', 'campaign state', 'rondine' );
		case 'cancelled':
			return __( 'Cancelled', 'rondine' );
		case 'failed':
			return _x( 'Failed', 'campaign state', 'rondine' );
	}
	return state;
}

export function recipientStatusLabel( status: string ): string {
	switch ( status ) {
		case 'pending':
			return __( 'Waiting', 'rondine' );
		case 'sending':
			return __( 'Sending', 'rondine' );
		case 'sent':
			return __( 'Sent', 'rondine' );
		case 'delivered':
			return __( 'Delivered', 'rondine' );
		case 'read':
			return __( 'Read', 'rondine' );
		case 'failed':
			return __( 'Failed', 'rondine' );
		case 'unknown':
			return __( 'Unknown outcome', 'rondine' );
		case 'skipped':
			return __( 'Skipped', 'rondine' );
		case 'opted_out':
			return __( 'Opted out before sending', 'rondine' );
	}
	return status;
}
