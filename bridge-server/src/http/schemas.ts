/*
 * JSON schemas of the /v1 API: validation, response serialisation and the OpenAPI document come from these.
 */

export const errorRef = { $ref: 'Error#' } as const;

/** A recipient's failure reason: an ErrorReason (src/http/contract.ts), or for state `unknown` a free detail. */
export const errorReasonSchema = {
	type: [ 'string', 'null' ],
	description:
		'One of the ErrorReason values; a recipient in state `unknown` may carry a free technical detail instead.',
} as const;

/** WhatsApp's status of the recipient's message, null before it is sent. */
export const messageStatusSchema = {
	anyOf: [ { $ref: 'MessageStatus#' }, { type: 'null' } ],
} as const;

export const errorResponses = {
	400: errorRef,
	401: errorRef,
	404: errorRef,
	409: errorRef,
	413: errorRef,
	422: errorRef,
} as const;

const parameterSchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'type' ],
	properties: {
		type: {
			type: 'string',
			enum: [ 'text', 'payload', 'image', 'video', 'document' ],
		},
		field: { type: 'string', minLength: 1, maxLength: 100 },
		text: { type: 'string', maxLength: 1024 },
		fallback: { type: 'string', maxLength: 1024 },
		parameter_name: { type: 'string', minLength: 1, maxLength: 100 },
		// Media headers (src/campaigns/media.ts): a link or an uploaded media id, and what the site knows of the file.
		link: { type: 'string', minLength: 1, maxLength: 2048 },
		id: { type: 'string', minLength: 1, maxLength: 64 },
		filename: { type: 'string', minLength: 1, maxLength: 240 },
		mime_type: { type: 'string', minLength: 3, maxLength: 100 },
		size: { type: 'integer', minimum: 0 },
	},
} as const;

const componentSchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'type', 'parameters' ],
	properties: {
		type: { type: 'string', enum: [ 'header', 'body', 'button' ] },
		sub_type: { type: 'string', enum: [ 'quick_reply', 'url' ] },
		index: { type: 'integer', minimum: 0, maximum: 9 },
		parameters: { type: 'array', maxItems: 20, items: parameterSchema },
	},
} as const;

export const templateRefSchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'name', 'language', 'components' ],
	properties: {
		name: { type: 'string', minLength: 1, maxLength: 512 },
		language: { type: 'string', minLength: 2, maxLength: 20 },
		components: { type: 'array', maxItems: 10, items: componentSchema },
	},
} as const;

const optionsSchema = {
	type: 'object',
	additionalProperties: false,
	properties: { continue_when_limited: { type: 'boolean' } },
} as const;

export const campaignInputSchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'name', 'audience' ],
	description:
		'A campaign sends one template (`template`) or launches an automation (`automation_id`): exactly one of the two (422 `template_or_automation` otherwise).',
	properties: {
		name: { type: 'string', minLength: 1, maxLength: 200 },
		audience: {
			type: 'object',
			description:
				'Audience reference understood by the site (lists, segments...).',
		},
		template: templateRefSchema,
		automation_id: {
			type: 'string',
			minLength: 1,
			maxLength: 64,
			pattern: '^[A-Za-z0-9_-]+$',
			description:
				'An active automation of the site whose trigger is `campaign` (422 `unknown_automation`, `automation_not_for_campaigns`, `automation_not_active`).',
		},
		start_at: { type: [ 'string', 'null' ], format: 'date-time' },
		options: optionsSchema,
	},
} as const;

const counterSchema = {
	type: 'object',
	required: [ 'total', 'automations', 'messages', 'interactions', 'skipped' ],
	properties: {
		total: { type: 'integer' },
		automations: {
			type: 'object',
			required: [
				'to_start',
				'in_progress',
				'completed',
				'failed',
				'unknown',
				'cancelled',
				'capped',
			],
			properties: {
				to_start: { type: 'integer' },
				in_progress: { type: 'integer' },
				completed: { type: 'integer' },
				failed: { type: 'integer' },
				unknown: { type: 'integer' },
				cancelled: { type: 'integer' },
				capped: { type: 'integer' },
			},
		},
		messages: {
			type: 'object',
			required: [ 'sent', 'delivered', 'read', 'failed' ],
			properties: {
				sent: { type: 'integer' },
				delivered: { type: 'integer' },
				read: { type: 'integer' },
				failed: { type: 'integer' },
			},
		},
		interactions: { type: 'integer' },
		skipped: {
			type: 'object',
			required: [ 'opted_out', 'duplicates', 'invalid' ],
			properties: {
				opted_out: { type: 'integer' },
				duplicates: { type: 'integer' },
				invalid: { type: 'integer' },
			},
		},
	},
} as const;

/** A running campaign that cannot send now: what it waits for, how many are left, when it resumes (ISO 8601 UTC). */
const waitingSchema = {
	type: [ 'object', 'null' ],
	required: [ 'reason', 'recipients', 'resumes_at' ],
	properties: {
		reason: { type: 'string', enum: [ 'daily_limit' ] },
		recipients: { type: 'integer' },
		resumes_at: { type: [ 'string', 'null' ] },
	},
} as const;

/** Per step id: how this campaign's runs went through the step (automations/views.ts `stepStats`). */
const stepStatsSchema = {
	type: 'object',
	required: [
		'entered',
		'waiting',
		'completed',
		'exited',
		'failed',
		'sent',
		'delivered',
		'read',
		'replied',
	],
	properties: {
		entered: { type: 'integer' },
		waiting: { type: 'integer' },
		completed: { type: 'integer' },
		exited: { type: 'integer' },
		failed: { type: 'integer' },
		sent: { type: 'integer' },
		delivered: { type: 'integer' },
		read: { type: 'integer' },
		replied: { type: 'integer' },
	},
} as const;

/** The automation a campaign launches: its runs by state and each step's numbers for this campaign's runs. */
const campaignAutomationSchema = {
	type: [ 'object', 'null' ],
	required: [ 'id', 'name', 'version', 'steps', 'runs', 'step_stats' ],
	properties: {
		id: { type: 'string' },
		name: { type: [ 'string', 'null' ] },
		version: { type: [ 'integer', 'null' ] },
		steps: {
			type: 'array',
			items: { type: 'object', additionalProperties: true },
		},
		runs: {
			type: 'object',
			required: [
				'to_start',
				'in_progress',
				'completed',
				'failed',
				'exited',
				'cancelled',
			],
			properties: {
				to_start: { type: 'integer' },
				in_progress: { type: 'integer' },
				completed: { type: 'integer' },
				failed: { type: 'integer' },
				exited: { type: 'integer' },
				cancelled: { type: 'integer' },
			},
		},
		step_stats: { type: 'object', additionalProperties: stepStatsSchema },
	},
} as const;

export const campaignSchema = {
	type: 'object',
	required: [
		'id',
		'name',
		'audience',
		'template',
		'automation',
		'start_at',
		'options',
		'state',
		'state_reason',
		'state_message',
		'source_campaign_id',
		'created_at',
		'updated_at',
		'started_at',
		'finished_at',
		'counters',
		'waiting',
	],
	properties: {
		id: { type: 'string' },
		name: { type: 'string' },
		audience: { type: 'object', additionalProperties: true },
		template: {
			type: [ 'object', 'null' ],
			description:
				'What a template campaign sends; null when it launches an automation.',
			required: [ 'name', 'language', 'components' ],
			properties: {
				name: { type: 'string' },
				language: { type: 'string' },
				components: { type: 'array', items: componentSchema },
			},
		},
		automation: campaignAutomationSchema,
		start_at: { type: [ 'string', 'null' ] },
		options: { type: 'object', additionalProperties: true },
		state: { $ref: 'CampaignState#' },
		state_reason: { type: [ 'string', 'null' ] },
		state_message: { type: [ 'string', 'null' ] },
		source_campaign_id: { type: [ 'string', 'null' ] },
		created_at: { type: 'string' },
		updated_at: { type: 'string' },
		started_at: { type: [ 'string', 'null' ] },
		finished_at: { type: [ 'string', 'null' ] },
		counters: counterSchema,
		waiting: waitingSchema,
	},
} as const;

export const statsSchema = {
	type: 'object',
	properties: {
		id: { type: 'string' },
		state: { $ref: 'CampaignState#' },
		counters: counterSchema,
	},
} as const;

export const recipientSchema = {
	type: 'object',
	properties: {
		id: { type: 'integer' },
		contact_id: { type: [ 'string', 'null' ] },
		phone: { type: 'string' },
		state: { $ref: 'RecipientState#' },
		attempts: { type: 'integer' },
		next_attempt_at: { type: [ 'string', 'null' ] },
		error_code: { type: [ 'integer', 'null' ] },
		error_reason: errorReasonSchema,
		retryable: { type: [ 'boolean', 'null' ] },
		wamid: { type: [ 'string', 'null' ] },
		message_status: messageStatusSchema,
		sent_at: { type: [ 'string', 'null' ] },
		updated_at: { type: 'string' },
	},
} as const;

export const idParams = {
	type: 'object',
	required: [ 'id' ],
	properties: {
		id: {
			type: 'string',
			minLength: 1,
			maxLength: 64,
			pattern: '^[A-Za-z0-9_-]+$',
		},
	},
} as const;
