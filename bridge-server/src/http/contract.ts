/*
 * The values the bridge's API speaks in, published as named schemas of its OpenAPI document (bridge-server/openapi.json)
 * so that the admin app's types and labels are generated from them, not guessed: campaign and recipient states, the
 * failure reasons a recipient can carry, and the contact fields a template placeholder can be filled from.
 *
 * test/api/contract.test.ts keeps these lists equal to what the bridge really writes (the storage types, the error
 * table, the literals of the dispatcher and scheduler) and to the fields the plugin really sends.
 */
import type { CampaignState, RecipientState } from '../storage/schema.js';

/** Every state a campaign can be in (storage/schema.ts CampaignState). */
export const CAMPAIGN_STATES = [
	'draft',
	'scheduled',
	'running',
	'paused',
	'completed',
	'cancelled',
	'failed',
] as const satisfies readonly CampaignState[];

/** Every state a recipient (one run of the campaign's automation) can be in (storage/schema.ts RecipientState). */
export const RECIPIENT_STATES = [
	'pending',
	'sending',
	'completed',
	'retry',
	'failed',
	'unknown',
	'opted_out',
	'cancelled',
	'capped',
] as const satisfies readonly RecipientState[];

/** WhatsApp's status of a sent message. */
export const MESSAGE_STATUSES = [
	'accepted',
	'sent',
	'delivered',
	'read',
	'failed',
] as const;

/**
 * Every `error_reason` the bridge writes on a recipient that failed or was not sent, as stable snake_case keys:
 * the reasons of the WhatsApp error table (whatsapp/errors.ts) and the bridge's own. A recipient in state `unknown`
 * may instead carry a free technical detail (e.g. `http_502_not_json`), which is shown as it is.
 */
export const ERROR_REASONS = [
	// The bridge's own.
	'invalid_phone',
	'opted_out',
	'daily_limit',
	'not_sent',
	'cancelled',
	'capped',
	'campaign_failed',
	'interrupted',
	// WhatsApp's error table: rates and transient errors.
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
	// This recipient.
	'not_on_whatsapp',
	'invalid_parameter',
	'required_parameter_missing',
	'parameter_value_invalid',
	'unknown_error',
	// The template.
	'template_parameter_count_mismatch',
	'template_not_found',
	'template_text_too_long',
	'template_policy_violation',
	'template_parameter_format_mismatch',
	'template_paused',
	'template_disabled',
	'template_parameter_invalid',
	// The WhatsApp account.
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
] as const;

/**
 * The contact fields a template placeholder can be filled from: the `fields` the plugin sends with every recipient
 * of an audience page (plugin/src/Audience/Audience.php, page()), and the recipient's own phone.
 */
export const CONTACT_FIELDS = [
	'first_name',
	'last_name',
	'full_name',
	'email',
	'phone',
	'city',
	'country',
	'language',
	'shop_name',
	'orders_count',
	'total_spent',
	'last_order_number',
	'last_order_date',
] as const;

export type ErrorReason = ( typeof ERROR_REASONS )[ number ];
export type ContactField = ( typeof CONTACT_FIELDS )[ number ];

/** The named schemas of the OpenAPI document (`components.schemas`), referenced as `{ $ref: '<$id>#' }`. */
export const contractSchemas = [
	{
		$id: 'CampaignState',
		type: 'string',
		description: 'Where a campaign stands.',
		enum: CAMPAIGN_STATES,
	},
	{
		$id: 'RecipientState',
		type: 'string',
		description:
			'Where one recipient (one run of the campaign automation) stands.',
		enum: RECIPIENT_STATES,
	},
	{
		$id: 'MessageStatus',
		type: 'string',
		description: "WhatsApp's status of the message sent to a recipient.",
		enum: MESSAGE_STATUSES,
	},
	{
		$id: 'ErrorReason',
		type: 'string',
		description:
			'Why a recipient failed or was not sent (`error_reason`). A recipient in state `unknown` may carry a free technical detail instead.',
		enum: ERROR_REASONS,
	},
	{
		$id: 'ContactField',
		type: 'string',
		description:
			'A contact field a template placeholder can be filled from (sent by the site with every recipient).',
		enum: CONTACT_FIELDS,
	},
] as const;

/*
 * Compile-time: the lists above name every state of the storage types, not only some of them.
 */
type Missing< All, Listed > = [ Exclude< All, Listed > ] extends [ never ]
	? true
	: Exclude< All, Listed >;
export const everyCampaignState: Missing<
	CampaignState,
	( typeof CAMPAIGN_STATES )[ number ]
> = true;
export const everyRecipientState: Missing<
	RecipientState,
	( typeof RECIPIENT_STATES )[ number ]
> = true;
