/**
 * WordPress dependencies
 */
import { __, _n, _x, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatDateTime, formatNumber } from '../components/format';
import type { CampaignState, CampaignWaiting } from '../store/types';

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
		case 'cancelled':
			return __( 'Cancelled (never sent)', 'rondine' );
	}
	return status;
}

/** "Waiting for the daily limit: 64 left, resumes around 08/12/2026 14:05" (shop time). */
export function waitingText( waiting: CampaignWaiting ): string {
	return sprintf(
		/* translators: 1: recipients still to send, 2: date and time in shop time. */
		__(
			'Waiting for the daily limit: %1$s left, resumes around %2$s',
			'rondine'
		),
		formatNumber( waiting.recipients ),
		formatDateTime( waiting.resumes_at )
	);
}

/** "250 sent, 64 cancelled": a cancelled campaign's recipients that were never sent are not failures. */
export function sentAndCancelledText(
	sent: number,
	cancelled: number
): string {
	return sprintf(
		/* translators: 1: recipients sent, 2: recipients cancelled before sending. */
		__( '%1$s sent, %2$s cancelled', 'rondine' ),
		formatNumber( sent ),
		formatNumber( cancelled )
	);
}

/** The cancel confirmation: how many will not be sent. */
export function cancelQuestion( name: string, notSent: number ): string {
	return sprintf(
		/* translators: 1: campaign name, 2: number of messages. */
		_n(
			'Cancel “%1$s”? %2$s message will not be sent. Messages already sent stay sent.',
			'Cancel “%1$s”? %2$s messages will not be sent. Messages already sent stay sent.',
			notSent,
			'rondine'
		),
		name,
		formatNumber( notSent )
	);
}
