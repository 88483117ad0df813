/**
 * Meta's error codes as data: what the dispatcher does with each one.
 *
 * The table follows the WhatsApp facts (bridge-server/test/vectors/meta/WHATSAPP.md) ("Error codes and what the dispatcher does"). Decisions are made on
 * `error.code` (and, rarely, its details), never on the HTTP status or the message text, because Meta words and wraps
 * the same condition differently over time.
 */

export type ErrorAction =
	/** Transient: try again after the backoff, a bounded number of times. */
	| 'retry'
	/** A rate was exceeded (the number's throughput, the app's or the WABA's API rate): slow down, then retry. */
	| 'retry_later'
	/** Too many messages to this one recipient: retry this recipient later, others are unaffected. */
	| 'pair_rate'
	/** Meta's per-user marketing limit: do not try this recipient again within 24 hours. */
	| 'no_retry_24h'
	/** The number is being rate limited for spam: pause the campaign until a person looks at it. */
	| 'pause_campaign'
	/** The recipient stopped marketing messages: never retry, record the opt-out. */
	| 'opt_out'
	/** This recipient cannot be sent this message. */
	| 'fail'
	/** The template or its parameters are wrong: every send of the campaign will fail the same way. */
	| 'fail_template'
	/** Authentication, permission or account problem: stop all sending for the tenant and tell the owner. */
	| 'halt_tenant';

export interface BackoffHint {
	/** Delay before the first retry. */
	initialMs: number;
	/** Each further retry waits this many times longer. */
	multiplier: number;
	/** Upper bound of one delay. */
	maxMs: number;
	/** Attempts in total (the first send included) before the recipient fails for good. */
	maxAttempts: number;
}

export interface ErrorClass {
	action: ErrorAction;
	/**
	 * Whether a recipient that ended failed for this reason belongs in a "Retry failed" campaign: the contact is fine and
	 * sending again later may work. False for opt-outs and for data that would fail the same way again, among them
	 * every template fault (132000, 132001, 132005, 132007, 132012, 132015, 132016, 100 about the template): a retry
	 * copies the campaign's template and mapping, so it would fail the same way (issue 13, defect 1). The owner fixes
	 * the template or the campaign and duplicates it instead.
	 */
	retryable: boolean;
	/** Stable snake_case key, stored with the recipient and shown (translated) to the owner. */
	reason: string;
	/** When to try again, for the actions that retry automatically. */
	backoff?: BackoffHint;
}

const TRANSIENT: BackoffHint = {
	initialMs: 2_000,
	multiplier: 2,
	maxMs: 300_000,
	maxAttempts: 5,
};
const THROUGHPUT: BackoffHint = {
	initialMs: 1_000,
	multiplier: 2,
	maxMs: 30_000,
	maxAttempts: 10,
};
const API_RATE: BackoffHint = {
	initialMs: 30_000,
	multiplier: 2,
	maxMs: 900_000,
	maxAttempts: 8,
};
// Meta: a throughput upgrade keeps the number in maintenance for up to a minute.
const MAINTENANCE: BackoffHint = {
	initialMs: 5_000,
	multiplier: 2,
	maxMs: 60_000,
	maxAttempts: 6,
};
// Meta: "retry after 4^X seconds, X starting at 0" for the same recipient.
const PAIR_RATE: BackoffHint = {
	initialMs: 1_000,
	multiplier: 4,
	maxMs: 1_024_000,
	maxAttempts: 6,
};
const DAY: BackoffHint = {
	initialMs: 86_400_000,
	multiplier: 1,
	maxMs: 86_400_000,
	maxAttempts: 2,
};

function entry(
	action: ErrorAction,
	reason: string,
	retryable: boolean,
	backoff?: BackoffHint
): ErrorClass {
	return backoff
		? { action, reason, retryable, backoff }
		: { action, reason, retryable };
}

/** Every code of the WhatsApp facts' error table, with what it means for one recipient and for the campaign. */
export const ERROR_TABLE: ReadonlyMap< number, ErrorClass > = new Map( [
	[ 130429, entry( 'retry_later', 'throughput_exceeded', true, THROUGHPUT ) ],
	[ 4, entry( 'retry_later', 'app_rate_limit', true, API_RATE ) ],
	[ 80007, entry( 'retry_later', 'waba_rate_limit', true, API_RATE ) ],
	[ 131057, entry( 'retry', 'account_in_maintenance', true, MAINTENANCE ) ],
	[ 1, entry( 'retry', 'unknown_api_error', true, TRANSIENT ) ],
	[ 2, entry( 'retry', 'service_unavailable', true, TRANSIENT ) ],
	[ 131000, entry( 'retry', 'something_went_wrong', true, TRANSIENT ) ],
	[ 131016, entry( 'retry', 'service_overloaded', true, TRANSIENT ) ],
	[
		133004,
		entry( 'retry', 'server_temporarily_unavailable', true, TRANSIENT ),
	],
	[ 131056, entry( 'pair_rate', 'pair_rate_limit', true, PAIR_RATE ) ],
	[ 131049, entry( 'no_retry_24h', 'marketing_per_user_limit', true, DAY ) ],
	[ 131048, entry( 'pause_campaign', 'spam_rate_limit', true ) ],
	[ 131050, entry( 'opt_out', 'opted_out', false ) ],
	[ 131026, entry( 'fail', 'not_on_whatsapp', true ) ],
	[
		132000,
		entry( 'fail_template', 'template_parameter_count_mismatch', false ),
	],
	[ 132001, entry( 'fail_template', 'template_not_found', false ) ],
	[ 132005, entry( 'fail_template', 'template_text_too_long', false ) ],
	[ 132007, entry( 'fail_template', 'template_policy_violation', false ) ],
	[
		132012,
		entry( 'fail_template', 'template_parameter_format_mismatch', false ),
	],
	[ 132015, entry( 'fail_template', 'template_paused', false ) ],
	[ 132016, entry( 'fail_template', 'template_disabled', false ) ],
	[ 100, entry( 'fail', 'invalid_parameter', false ) ],
	[ 131008, entry( 'fail', 'required_parameter_missing', false ) ],
	[ 131009, entry( 'fail', 'parameter_value_invalid', false ) ],
	[ 0, entry( 'halt_tenant', 'auth_exception', true ) ],
	[ 190, entry( 'halt_tenant', 'access_token_expired', true ) ],
	[ 3, entry( 'halt_tenant', 'capability_missing', true ) ],
	[ 10, entry( 'halt_tenant', 'permission_denied', true ) ],
	[ 368, entry( 'halt_tenant', 'account_restricted_policy', true ) ],
	[ 131031, entry( 'halt_tenant', 'account_locked', true ) ],
	[ 131042, entry( 'halt_tenant', 'payment_problem', true ) ],
	[ 131064, entry( 'halt_tenant', 'account_restricted', true ) ],
	[ 130497, entry( 'halt_tenant', 'country_restricted', true ) ],
	[ 133010, entry( 'halt_tenant', 'business_number_not_registered', true ) ],
] );

// Codes 200-299 are Graph API permission errors, all handled as one.
const PERMISSION_RANGE = entry( 'halt_tenant', 'permission_denied', true );

/*
 * A code we do not know (Meta adds some every year) fails only this recipient, and leaves it to "Retry failed":
 * retrying automatically could repeat a real send, halting could stop a whole shop for one odd answer.
 */
const UNKNOWN = entry( 'fail', 'unknown_error', true );

// Code 100 covers any bad parameter; when its details name the template, the whole campaign's sends share the fault.
const TEMPLATE_PARAMETER = entry(
	'fail_template',
	'template_parameter_invalid',
	false
);

/**
 * What to do about a Cloud API error code, from a send answer or a failed status webhook.
 *
 * @param code    `error.code` (or `errors[].code` of a status).
 * @param details `error.error_data.details`, when present.
 */
export function classifyError( code: number, details?: string ): ErrorClass {
	if ( code === 100 && details && /template/i.test( details ) ) {
		return TEMPLATE_PARAMETER;
	}
	const known = ERROR_TABLE.get( code );
	if ( known ) {
		return known;
	}
	if ( code >= 200 && code <= 299 ) {
		return PERMISSION_RANGE;
	}
	return UNKNOWN;
}

/**
 * Delay before retry number `attempt` (1 for the first retry), plus up to a quarter of it as jitter so that many
 * recipients failing at once do not come back at once. Jitter only ever adds: "not within 24 h" must hold.
 *
 * @param hint    The backoff of the error's class.
 * @param attempt 1 for the first retry.
 * @param random  A source of [0, 1) numbers; injectable for tests.
 */
export function backoffDelayMs(
	hint: BackoffHint,
	attempt: number,
	random: () => number = Math.random
): number {
	const exponent = Math.max( 0, attempt - 1 );
	const delay = Math.min(
		hint.maxMs,
		hint.initialMs * hint.multiplier ** exponent
	);
	return Math.round( delay + ( random() * delay ) / 4 );
}
