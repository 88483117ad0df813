/**
 * WordPress dependencies
 */
import { __, _n, _x, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatDateTime, formatNumber } from '../components/format';
import type {
	CampaignState,
	CampaignWaiting,
	ContactField,
	ErrorReason,
	MessageStatus,
	RecipientState,
} from '../store/types';

/*
 * Labels keyed by the exact values of the bridge's OpenAPI enums (store/bridge-api.ts, generated): a Record of the
 * enum's type fails to compile when a value has no label, or when a label names a value the bridge does not have.
 */

/** Every campaign state in words. */
export function campaignStateLabels(): Record< CampaignState, string > {
	return {
		draft: __( 'Draft', 'rondine' ),
		scheduled: __( 'Scheduled', 'rondine' ),
		running: __( 'Running', 'rondine' ),
		paused: __( 'Paused', 'rondine' ),
		completed: _x( 'Completed', 'campaign state', 'rondine' ),
		cancelled: __( 'Cancelled', 'rondine' ),
		failed: _x( 'Failed', 'campaign state', 'rondine' ),
	};
}

export function campaignStateLabel( state: CampaignState ): string {
	return campaignStateLabels()[ state ] ?? state;
}

/** Where a recipient's run stands, in words. */
export function recipientStateLabels(): Record< RecipientState, string > {
	return {
		pending: __( 'Waiting', 'rondine' ),
		sending: __( 'Sending', 'rondine' ),
		completed: __( 'Sent', 'rondine' ),
		retry: __( 'Waiting to retry', 'rondine' ),
		failed: __( 'Failed', 'rondine' ),
		unknown: __( 'Unknown outcome', 'rondine' ),
		opted_out: __( 'Opted out before sending', 'rondine' ),
		cancelled: __( 'Cancelled (never sent)', 'rondine' ),
		capped: __( 'Held back by the frequency cap (never sent)', 'rondine' ),
	};
}

/** WhatsApp's status of a sent message, in words. */
export function messageStatusLabels(): Record< MessageStatus, string > {
	return {
		accepted: __( 'Sent', 'rondine' ),
		sent: __( 'Sent', 'rondine' ),
		delivered: __( 'Delivered', 'rondine' ),
		read: __( 'Read', 'rondine' ),
		failed: __( 'Failed', 'rondine' ),
	};
}

/** A recipient's status: its message's status once sent, else where its run stands. */
export function recipientStatusLabel( recipient: {
	state: RecipientState;
	message_status: MessageStatus | null;
} ): string {
	return recipient.message_status
		? messageStatusLabels()[ recipient.message_status ]
		: ( recipientStateLabels()[ recipient.state ] ?? recipient.state );
}

/** Every failure reason the bridge writes (`error_reason`), in words. */
export function errorReasonLabels(): Record< ErrorReason, string > {
	const rate = __( 'Rate limited by WhatsApp, retries exhausted', 'rondine' );
	const temporary = __(
		'Temporary WhatsApp error, retries exhausted',
		'rondine'
	);
	const template = __( 'Template problem', 'rondine' );
	const account = __(
		'WhatsApp account problem: sending stopped',
		'rondine'
	);
	return {
		invalid_phone: __( 'Invalid phone number', 'rondine' ),
		opted_out: __( 'Opted out', 'rondine' ),
		daily_limit: __( 'Over the daily limit', 'rondine' ),
		not_sent: __( 'Could not reach WhatsApp', 'rondine' ),
		cancelled: __( 'Cancelled before sending', 'rondine' ),
		capped: __( 'Over the marketing frequency cap', 'rondine' ),
		campaign_failed: __( 'The campaign failed before sending', 'rondine' ),
		interrupted: __( 'Interrupted while sending', 'rondine' ),
		throughput_exceeded: rate,
		app_rate_limit: rate,
		waba_rate_limit: rate,
		pair_rate_limit: rate,
		spam_rate_limit: __( 'Limited by WhatsApp for spam', 'rondine' ),
		marketing_per_user_limit: __(
			'WhatsApp limits marketing messages to this person',
			'rondine'
		),
		account_in_maintenance: temporary,
		unknown_api_error: temporary,
		service_unavailable: temporary,
		something_went_wrong: temporary,
		service_overloaded: temporary,
		server_temporarily_unavailable: temporary,
		not_on_whatsapp: __( 'Not on WhatsApp', 'rondine' ),
		invalid_parameter: __( 'Invalid message parameter', 'rondine' ),
		required_parameter_missing: __(
			'Invalid message parameter',
			'rondine'
		),
		parameter_value_invalid: __( 'Invalid message parameter', 'rondine' ),
		unknown_error: __( 'Error unknown to Rondine', 'rondine' ),
		template_parameter_count_mismatch: template,
		template_not_found: __( 'Template not found', 'rondine' ),
		template_text_too_long: template,
		template_policy_violation: template,
		template_parameter_format_mismatch: template,
		template_paused: __( 'Template paused by WhatsApp', 'rondine' ),
		template_disabled: __( 'Template disabled by WhatsApp', 'rondine' ),
		template_parameter_invalid: template,
		auth_exception: account,
		access_token_expired: account,
		capability_missing: account,
		permission_denied: account,
		account_restricted_policy: account,
		account_locked: account,
		payment_problem: account,
		account_restricted: account,
		country_restricted: account,
		business_number_not_registered: account,
	};
}

/** A recipient's `error_reason` in words; a free technical detail (state `unknown`) is shown as it is. */
export function errorReasonLabel( reason: string ): string {
	const labels: Record< string, string > = errorReasonLabels();
	return ( Object.hasOwn( labels, reason ) && labels[ reason ] ) || reason;
}

/** Every contact field a template placeholder can be filled from, in words. */
export function contactFieldLabels(): Record< ContactField, string > {
	return {
		first_name: __( 'First name', 'rondine' ),
		last_name: __( 'Last name', 'rondine' ),
		full_name: __( 'Full name', 'rondine' ),
		email: __( 'Email', 'rondine' ),
		phone: __( 'Phone', 'rondine' ),
		city: __( 'City', 'rondine' ),
		country: __( 'Country', 'rondine' ),
		language: __( 'Language', 'rondine' ),
		shop_name: __( 'Shop name', 'rondine' ),
		orders_count: __( 'Number of orders', 'rondine' ),
		total_spent: __( 'Total spent', 'rondine' ),
		last_order_number: __( 'Last order number', 'rondine' ),
		last_order_date: __( 'Last order date', 'rondine' ),
	};
}

/** A contact field in words (a field the app does not know, from an older campaign, as it is). */
export function contactFieldLabel( field: string ): string {
	const labels: Record< string, string > = contactFieldLabels();
	return ( Object.hasOwn( labels, field ) && labels[ field ] ) || field;
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
