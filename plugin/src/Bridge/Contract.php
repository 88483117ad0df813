<?php
/**
 * Values of the bridge's API that the plugin checks before passing a request on.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * The enums of the bridge's OpenAPI document (bridge-server/openapi.json, generated from its route schemas), as the
 * proxy routes' `args` declare them. plugin/tests/ContractTest.php keeps them equal to the document.
 */
final class Contract {

	/**
	 * `CampaignState`.
	 */
	public const CAMPAIGN_STATES = array( 'draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed' );

	/**
	 * `RecipientState`.
	 */
	public const RECIPIENT_STATES = array( 'pending', 'sending', 'completed', 'retry', 'failed', 'unknown', 'opted_out', 'cancelled', 'capped' );

	/**
	 * `MessageStatus`; the recipients filter also takes "none" (never sent).
	 */
	public const MESSAGE_STATUSES = array( 'accepted', 'sent', 'delivered', 'read', 'failed' );

	/**
	 * `ErrorReason`: every `error_reason` the bridge writes (a recipient in state `unknown` may carry a free detail).
	 */
	public const ERROR_REASONS = array(
		'invalid_phone',
		'opted_out',
		'daily_limit',
		'not_sent',
		'cancelled',
		'capped',
		'campaign_failed',
		'interrupted',
		'throughput_exceeded',
		'app_rate_limit',
		'waba_rate_limit',
		'account_in_maintenance',
		'unknown_api_error',
		'service_unavailable',
		'something_went_wrong',
		'service_overloaded',
		'server_temporarily_unavailable',
		'pair_rate_limit',
		'marketing_per_user_limit',
		'spam_rate_limit',
		'not_on_whatsapp',
		'invalid_parameter',
		'required_parameter_missing',
		'parameter_value_invalid',
		'unknown_error',
		'template_parameter_count_mismatch',
		'template_not_found',
		'template_text_too_long',
		'template_policy_violation',
		'template_parameter_format_mismatch',
		'template_paused',
		'template_disabled',
		'template_parameter_invalid',
		'auth_exception',
		'access_token_expired',
		'capability_missing',
		'permission_denied',
		'account_restricted_policy',
		'account_locked',
		'payment_problem',
		'account_restricted',
		'country_restricted',
		'business_number_not_registered',
	);

	/**
	 * `ContactField`: what Audience::page() sends in each recipient's `fields`, and the phone.
	 */
	public const CONTACT_FIELDS = array( 'first_name', 'last_name', 'full_name', 'email', 'phone', 'city', 'country', 'language', 'shop_name', 'orders_count', 'total_spent', 'last_order_number', 'last_order_date' );
}
