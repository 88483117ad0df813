/**
 * The automation routes (signed /v1/automations..., /v1/runs, /v1/events; contract: Bridge routes), tenant-scoped like
 * the campaign routes. Each is one call of the automations' store, views or events module.
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type { Storage } from '../storage/database.js';
import type { AutomationState } from '../storage/schema.js';
import { handleEvents, type AutomationEvent } from './events.js';
import { flushWake, noteRunsChanged } from './signal.js';
import {
	deleteAutomation,
	InvalidAutomation,
	putAutomation,
	setAutomationState,
} from './store.js';
import { DATE_FIELDS, type AutomationInput } from './types.js';
import { listAutomations, listRuns, viewAutomation } from './views.js';

export interface AutomationRoutesOptions {
	storage: Storage;
	clock: Clock;
}

const errorRef = { $ref: 'Error#' };
const errors = {
	400: errorRef,
	401: errorRef,
	404: errorRef,
	409: errorRef,
	422: {
		type: 'object',
		required: [ 'error' ],
		properties: {
			code: { type: 'string' },
			problems: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						step: { type: [ 'string', 'null' ] },
						code: { type: 'string' },
						message: { type: 'string' },
					},
				},
			},
			error: {
				type: 'object',
				required: [ 'code', 'message' ],
				properties: {
					code: { type: 'string' },
					message: { type: 'string' },
				},
			},
		},
	},
} as const;

const idParams = {
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

const anyObject = { type: 'object', additionalProperties: true } as const;

const definitionSchema = {
	type: 'object',
	additionalProperties: true,
	required: [ 'id', 'name', 'state', 'version', 'trigger', 'reentry' ],
	properties: {
		id: { type: 'string' },
		name: { type: 'string' },
		state: {
			type: 'string',
			enum: [ 'draft', 'active', 'paused', 'archived' ],
		},
		version: { type: 'integer' },
		trigger: anyObject,
		reentry: anyObject,
		exit_on: { type: 'array', items: { type: 'string' } },
		steps: { type: 'array', items: anyObject },
		step_stats: { type: 'object', additionalProperties: anyObject },
		runs: anyObject,
		created_at: { type: 'integer' },
		updated_at: { type: 'integer' },
	},
} as const;

const inputSchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'name', 'trigger', 'reentry', 'steps' ],
	properties: {
		name: { type: 'string', minLength: 1, maxLength: 200 },
		trigger: {
			type: 'object',
			required: [ 'type' ],
			properties: {
				type: {
					type: 'string',
					enum: [
						'keyword',
						'button',
						'event',
						'campaign',
						'tag',
						'list',
						'date',
					],
				},
				keyword: { type: 'string', minLength: 1, maxLength: 100 },
				payload: { type: 'string', minLength: 1, maxLength: 256 },
				event: { type: 'string', minLength: 1, maxLength: 100 },
				tag: { type: 'string', minLength: 1, maxLength: 100 },
				list_id: { type: 'integer', minimum: 1 },
				field: { type: 'string', enum: [ ...DATE_FIELDS ] },
				offset_days: { type: 'integer', minimum: -365, maximum: 3650 },
				time: {
					type: 'string',
					pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
				},
			},
			allOf: [
				{
					if: { properties: { type: { const: 'keyword' } } },
					then: { required: [ 'keyword' ] },
				},
				{
					if: { properties: { type: { const: 'button' } } },
					then: { required: [ 'payload' ] },
				},
				{
					if: { properties: { type: { const: 'event' } } },
					then: { required: [ 'event' ] },
				},
				{
					if: { properties: { type: { const: 'tag' } } },
					then: { required: [ 'tag' ] },
				},
				{
					if: { properties: { type: { const: 'list' } } },
					then: { required: [ 'list_id' ] },
				},
				{
					if: { properties: { type: { const: 'date' } } },
					then: { required: [ 'field', 'offset_days', 'time' ] },
				},
			],
		},
		reentry: {
			type: 'object',
			required: [ 'mode' ],
			properties: {
				mode: {
					type: 'string',
					enum: [ 'once', 'every_time', 'per_days' ],
				},
				days: { type: 'integer', minimum: 1, maximum: 3650 },
			},
			if: { properties: { mode: { const: 'per_days' } } },
			then: { required: [ 'days' ] },
		},
		exit_on: {
			type: 'array',
			maxItems: 20,
			items: { type: 'string', minLength: 1, maxLength: 100 },
		},
		steps: {
			type: 'array',
			minItems: 1,
			maxItems: 100,
			items: {
				type: 'object',
				required: [ 'id', 'type' ],
				properties: {
					id: { type: 'string', minLength: 1, maxLength: 64 },
					type: {
						type: 'string',
						enum: [
							'send_template',
							'send_text',
							'delay',
							'wait_reply',
							'condition',
							'tag',
							'list',
							'opt_out',
							'notify',
							'end',
						],
					},
				},
			},
		},
		running: { type: 'string', enum: [ 'finish', 'stop' ] },
	},
} as const;

const runsSchema = {
	type: 'object',
	required: [ 'runs' ],
	properties: { runs: { type: 'array', items: anyObject } },
} as const;

/** The contract's 422 body: `{ code: "invalid_automation", problems }` (with the API's usual `error`). */
async function orInvalid< T >(
	reply: FastifyReply,
	work: () => Promise< T >
): Promise< T | FastifyReply > {
	try {
		return await work();
	} catch ( error ) {
		if ( error instanceof InvalidAutomation ) {
			return reply.status( 422 ).send( {
				code: error.code,
				problems: error.problems,
				error: { code: error.code, message: error.message },
			} );
		}
		throw error;
	}
}

export const automationRoutes: FastifyPluginAsync<
	AutomationRoutesOptions
> = async ( api, { storage, clock } ) => {
	const security = [ { rondineSignature: [] } ];
	const { db, dialect } = storage;

	api.get(
		'/automations',
		{
			schema: {
				summary: 'Automations with their run counts',
				security,
				response: {
					200: {
						type: 'object',
						required: [ 'automations' ],
						properties: {
							automations: {
								type: 'array',
								items: definitionSchema,
							},
						},
					},
					...errors,
				},
			},
		},
		async ( request ) => ( {
			automations: await listAutomations( db, request.tenant.id ),
		} )
	);

	api.get< { Params: { id: string } } >(
		'/automations/:id',
		{
			schema: {
				summary: 'One automation with its steps and per-step numbers',
				security,
				params: idParams,
				response: { 200: definitionSchema, ...errors },
			},
		},
		async ( request ) =>
			viewAutomation( db, request.tenant.id, request.params.id )
	);

	api.put< { Params: { id: string }; Body: AutomationInput } >(
		'/automations/:id',
		{
			schema: {
				summary:
					'Create an automation (draft) or edit it; a steps change on an active or paused one makes a new version',
				security,
				params: idParams,
				body: inputSchema,
				response: {
					200: definitionSchema,
					201: definitionSchema,
					...errors,
				},
			},
		},
		async ( request, reply ) =>
			orInvalid( reply, async () => {
				const { created } = await putAutomation(
					db,
					dialect,
					request.tenant.id,
					request.params.id,
					request.body,
					clock.now()
				);
				return reply
					.status( created ? 201 : 200 )
					.send(
						await viewAutomation(
							db,
							request.tenant.id,
							request.params.id
						)
					);
			} )
	);

	api.post< {
		Params: { id: string };
		Body: { state: AutomationState };
	} >(
		'/automations/:id/state',
		{
			schema: {
				summary:
					'Activate, pause, archive (ends running runs) or return an automation to draft',
				security,
				params: idParams,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'state' ],
					properties: {
						state: {
							type: 'string',
							enum: [ 'draft', 'active', 'paused', 'archived' ],
						},
					},
				},
				response: { 200: definitionSchema, ...errors },
			},
		},
		async ( request, reply ) =>
			orInvalid( reply, async () => {
				await setAutomationState(
					db,
					dialect,
					request.tenant.id,
					request.params.id,
					request.body.state,
					clock.now()
				);
				return viewAutomation(
					db,
					request.tenant.id,
					request.params.id
				);
			} )
	);

	api.delete< { Params: { id: string } } >(
		'/automations/:id',
		{
			schema: {
				summary: 'Delete a draft or archived automation',
				security,
				params: idParams,
				response: { 204: { type: 'null' }, ...errors },
			},
		},
		async ( request, reply ) => {
			await deleteAutomation( db, request.tenant.id, request.params.id );
			return reply.status( 204 ).send();
		}
	);

	const runsQuery = {
		type: 'object',
		additionalProperties: false,
		properties: {
			phone: { type: 'string', pattern: '^\\+[1-9][0-9]{5,16}$' },
			state: { type: 'string', enum: [ 'active', 'ended' ] },
			limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
		},
	} as const;

	api.get< {
		Params: { id: string };
		Querystring: {
			phone?: string;
			state?: 'active' | 'ended';
			limit: number;
		};
	} >(
		'/automations/:id/runs',
		{
			schema: {
				summary:
					"An automation's runs with their history, newest first",
				security,
				params: idParams,
				querystring: runsQuery,
				response: { 200: runsSchema, ...errors },
			},
		},
		async ( request ) => {
			const { id } = await viewAutomation(
				db,
				request.tenant.id,
				request.params.id
			);
			return {
				runs: await listRuns( db, request.tenant.id, {
					automationId: id,
					...request.query,
				} ),
			};
		}
	);

	api.get< { Querystring: { phone: string; limit: number } } >(
		'/runs',
		{
			schema: {
				summary: "A contact's runs across automations",
				security,
				querystring: { ...runsQuery, required: [ 'phone' ] },
				response: { 200: runsSchema, ...errors },
			},
		},
		async ( request ) => ( {
			runs: await listRuns( db, request.tenant.id, request.query ),
		} )
	);

	const eventSchema = {
		type: 'object',
		additionalProperties: false,
		required: [ 'id', 'type', 'phone' ],
		properties: {
			id: { type: 'string', minLength: 1, maxLength: 200 },
			type: { type: 'string', minLength: 1, maxLength: 100 },
			phone: {
				type: 'string',
				pattern: '^\\+[1-9][0-9]{5,16}$',
			},
			contact_id: { type: 'string', maxLength: 64 },
			data: { type: 'object', additionalProperties: true },
		},
	} as const;

	api.post< { Body: AutomationEvent | { events: AutomationEvent[] } } >(
		'/events',
		{
			schema: {
				summary:
					'Events about phones (one, or a batch of up to 500 in order): start the automations they trigger, end the runs they are the goal of',
				security,
				body: {
					oneOf: [
						eventSchema,
						{
							type: 'object',
							additionalProperties: false,
							required: [ 'events' ],
							properties: {
								events: {
									type: 'array',
									minItems: 1,
									maxItems: 500,
									items: eventSchema,
								},
							},
						},
					],
				},
				response: {
					200: {
						type: 'object',
						required: [ 'started', 'exited', 'duplicates' ],
						properties: {
							started: { type: 'integer' },
							exited: { type: 'integer' },
							duplicates: {
								type: 'integer',
								description:
									'Events whose id was handled before: nothing done again',
							},
						},
					},
					...errors,
				},
			},
		},
		async ( request ) => {
			const body = request.body;
			const result = await handleEvents(
				db,
				dialect,
				request.tenant.id,
				'events' in body ? body.events : [ body ],
				clock.now()
			);
			if ( result.started > 0 ) {
				noteRunsChanged();
				flushWake();
			}
			return result;
		}
	);
};
