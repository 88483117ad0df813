/**
 * The stats routes (signed /v1, http layer): a campaign's counters, progress and failures, its recipients (pages and
 * CSV), one phone's history, and the interaction settings. The queries are beside it: failures.ts, recipients.ts,
 * progress.ts, interaction-settings.ts; this file is the routes and their response schemas.
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';
import { Readable } from 'node:stream';

/**
 * Internal dependencies
 */
import { MESSAGE_STATUSES, RECIPIENT_STATES } from '../http/contract.js';
import type { AppDeps } from '../http/deps.js';
import {
	campaignSchema,
	errorReasonSchema,
	errorResponses,
	messageStatusSchema,
	idParams,
	statsSchema,
} from '../http/schemas.js';
import type { RecipientState } from '../storage/schema.js';
import { failureReasons } from './failures.js';
import { optOutPayloads, setOptOutPayloads } from './interaction-settings.js';
import { percentages, progress } from './progress.js';
import {
	csvCell,
	RECIPIENT_COLUMNS,
	recipientsCsv,
	recipientsOfPhone,
	recipientsPage,
	recipientView,
	type RecipientFilter,
} from './recipients.js';

// The filter also takes "none": recipients whose message was never sent.
const MESSAGE_STATUS_FILTER = [ ...MESSAGE_STATUSES, 'none' ];

const percentSchema = { type: 'number', minimum: 0, maximum: 100 } as const;
const nullableString = { type: [ 'string', 'null' ] } as const;

const statsResponse = {
	type: 'object',
	required: [
		'id',
		'state',
		'state_reason',
		'state_message',
		'counters',
		'percentages',
		'waiting',
		'progress',
		'failures',
	],
	properties: {
		...statsSchema.properties,
		state_reason: nullableString,
		state_message: nullableString,
		waiting: campaignSchema.properties.waiting,
		percentages: {
			type: 'object',
			properties: {
				automations: {
					type: 'object',
					properties: {
						to_start: percentSchema,
						in_progress: percentSchema,
						completed: percentSchema,
						failed: percentSchema,
						unknown: percentSchema,
						cancelled: percentSchema,
						capped: percentSchema,
					},
				},
				messages: {
					type: 'object',
					properties: {
						sent: percentSchema,
						delivered: percentSchema,
						read: percentSchema,
						failed: percentSchema,
					},
				},
				interactions: percentSchema,
			},
		},
		progress: {
			type: 'object',
			required: [
				'done',
				'cancelled',
				'remaining',
				'rate_per_second',
				'eta_seconds',
				'estimated_end_at',
			],
			properties: {
				done: { type: 'integer' },
				cancelled: { type: 'integer' },
				remaining: { type: 'integer' },
				rate_per_second: { type: [ 'number', 'null' ] },
				eta_seconds: { type: [ 'integer', 'null' ] },
				estimated_end_at: nullableString,
			},
		},
		failures: {
			type: 'array',
			description:
				'Failed recipients by reason, and whether "Retry failed" takes them (the error table decides)',
			items: {
				type: 'object',
				required: [ 'reason', 'code', 'count', 'retryable' ],
				properties: {
					reason: errorReasonSchema,
					code: { type: [ 'integer', 'null' ] },
					count: { type: 'integer' },
					retryable: { type: 'boolean' },
				},
			},
		},
	},
} as const;

const recipientViewSchema = {
	type: 'object',
	required: RECIPIENT_COLUMNS,
	properties: Object.fromEntries(
		RECIPIENT_COLUMNS.map( ( column ) => {
			if ( column === 'id' || column === 'attempts' ) {
				return [ column, { type: 'integer' } ];
			}
			if ( column === 'error_code' ) {
				return [ column, { type: [ 'integer', 'null' ] } ];
			}
			if ( column === 'retryable' ) {
				return [ column, { type: [ 'boolean', 'null' ] } ];
			}
			if ( column === 'state' ) {
				return [ column, { $ref: 'RecipientState#' } ];
			}
			if ( column === 'message_status' ) {
				return [ column, messageStatusSchema ];
			}
			if ( column === 'error_reason' ) {
				return [ column, errorReasonSchema ];
			}
			return [
				column,
				column === 'phone' || column === 'updated_at'
					? { type: 'string' }
					: nullableString,
			];
		} )
	),
};

interface RecipientsQuery {
	state?: RecipientState;
	message_status?: string;
	error?: string;
	interacted?: boolean;
	after?: number;
	limit?: number;
	format?: 'json' | 'csv';
}

/**
 * Campaign stats and drill-down (signed /v1 routes, registered inside the API scope): counters with percentages and
 * live progress, recipients by page with filters, CSV export of everything that matches, and the tenant's
 * interaction settings. Every query is scoped to the calling tenant.
 */
export type StatsRoutesOptions = Pick<
	AppDeps,
	'campaigns' | 'storage' | 'clock'
>;

export const statsRoutes: FastifyPluginAsync< StatsRoutesOptions > = async (
	api,
	{ campaigns, storage, clock }
) => {
	const security = [ { rondineSignature: [] } ];

	api.get< { Params: { id: string } } >(
		'/campaigns/:id/stats',
		{
			schema: {
				summary:
					'Counters with percentages and live progress (O(1) whatever the campaign size)',
				security,
				params: idParams,
				response: { 200: statsResponse, ...errorResponses },
			},
		},
		async ( request ) => {
			const campaign = await campaigns.require(
				request.tenant.id,
				request.params.id
			);
			const view = await campaigns.view(
				request.tenant.id,
				request.params.id
			);
			const live = progress(
				view.counters,
				view.state,
				campaign.started_at,
				clock.now()
			);
			return {
				id: view.id,
				state: view.state,
				state_reason: view.state_reason,
				state_message: view.state_message,
				counters: view.counters,
				percentages: percentages( view.counters ),
				waiting: view.waiting,
				// Waiting for the daily window: no "about 2 s left", the campaign resumes when the window frees.
				progress: view.waiting
					? { ...live, eta_seconds: null, estimated_end_at: null }
					: live,
				failures: await failureReasons(
					storage.db,
					request.tenant.id,
					request.params.id,
					clock.now()
				),
			};
		}
	);

	api.get< { Params: { id: string }; Querystring: RecipientsQuery } >(
		'/campaigns/:id/recipients',
		{
			schema: {
				summary:
					'Recipients for drill-down, in id order (keyset paging with `after`), filtered by state, message status, ' +
					'error or interaction; `?format=csv` or `Accept: text/csv` exports every match as CSV',
				security,
				params: idParams,
				querystring: {
					type: 'object',
					additionalProperties: false,
					properties: {
						state: { type: 'string', enum: RECIPIENT_STATES },
						message_status: {
							type: 'string',
							enum: MESSAGE_STATUS_FILTER,
						},
						error: {
							type: 'string',
							minLength: 1,
							maxLength: 64,
							pattern: '^[a-z0-9_]+$',
						},
						interacted: { type: 'boolean' },
						after: { type: 'integer', minimum: 0 },
						// JSON pages default to 100; a CSV without a limit exports every match.
						limit: { type: 'integer', minimum: 1, maximum: 5000 },
						format: { type: 'string', enum: [ 'json', 'csv' ] },
					},
				},
				response: {
					200: {
						type: 'object',
						required: [ 'recipients', 'next_after' ],
						properties: {
							recipients: {
								type: 'array',
								items: recipientViewSchema,
							},
							next_after: { type: [ 'integer', 'null' ] },
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request, reply ) => {
			const tenantId = request.tenant.id;
			const campaignId = request.params.id;
			await campaigns.require( tenantId, campaignId );
			const {
				state,
				message_status: messageStatus,
				error,
				interacted,
				after,
				limit,
				format,
			} = request.query;
			const filter: RecipientFilter = {
				state,
				message_status: messageStatus,
				error,
				interacted,
			};
			const wantsCsv =
				format === 'csv' ||
				( format !== 'json' &&
					/\btext\/csv\b/.test(
						String( request.headers.accept ?? '' )
					) );
			if ( wantsCsv && limit !== undefined ) {
				const rows = await recipientsPage(
					storage.db,
					tenantId,
					campaignId,
					filter,
					after ?? 0,
					limit
				);
				const last = rows.at( -1 );
				if ( rows.length === limit && last ) {
					reply.header( 'x-next-after', String( last.id ) );
				}
				const lines = [
					RECIPIENT_COLUMNS.join( ',' ),
					...rows.map( ( row ) => {
						const view = recipientView( row );
						return RECIPIENT_COLUMNS.map( ( column ) =>
							csvCell( view[ column ] )
						).join( ',' );
					} ),
				];
				return reply
					.type( 'text/csv; charset=utf-8' )
					.serializer( ( payload: unknown ) => payload as string )
					.send( lines.join( '\r\n' ) + '\r\n' );
			}
			if ( wantsCsv ) {
				return reply
					.type( 'text/csv; charset=utf-8' )
					.header(
						'content-disposition',
						`attachment; filename="campaign-${ campaignId }-recipients.csv"`
					)
					.serializer( ( payload: unknown ) => payload as string )
					.send(
						Readable.from(
							recipientsCsv(
								storage.db,
								tenantId,
								campaignId,
								filter
							)
						)
					);
			}
			const pageSize = limit ?? 100;
			const rows = await recipientsPage(
				storage.db,
				tenantId,
				campaignId,
				filter,
				after ?? 0,
				pageSize
			);
			const last = rows.at( -1 );
			return {
				recipients: rows.map( recipientView ),
				next_after:
					rows.length === pageSize && last ? Number( last.id ) : null,
			};
		}
	);

	api.get< { Querystring: { phone: string; limit?: number } } >(
		'/recipients',
		{
			schema: {
				summary:
					"One phone's messages across the tenant's campaigns, newest first (the contact page's history)",
				security,
				querystring: {
					type: 'object',
					additionalProperties: false,
					required: [ 'phone' ],
					properties: {
						phone: {
							type: 'string',
							pattern: '^\\+[1-9][0-9]{3,14}$',
						},
						limit: {
							type: 'integer',
							minimum: 1,
							maximum: 100,
							default: 50,
						},
					},
				},
				response: {
					200: {
						type: 'object',
						required: [ 'messages' ],
						properties: {
							messages: {
								type: 'array',
								items: {
									type: 'object',
									required: [
										'campaign_id',
										'campaign_name',
										'template_name',
										...RECIPIENT_COLUMNS,
									],
									properties: {
										campaign_id: { type: 'string' },
										campaign_name: { type: 'string' },
										template_name: { type: 'string' },
										...recipientViewSchema.properties,
									},
								},
							},
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => ( {
			messages: await recipientsOfPhone(
				storage.db,
				request.tenant.id,
				request.query.phone,
				request.query.limit ?? 50
			),
		} )
	);

	const settingsSchema = {
		type: 'object',
		additionalProperties: false,
		required: [ 'opt_out_payloads' ],
		properties: {
			opt_out_payloads: {
				type: 'array',
				maxItems: 50,
				items: { type: 'string', minLength: 1, maxLength: 256 },
			},
		},
	} as const;

	api.get(
		'/settings/interactions',
		{
			schema: {
				summary:
					'Quick-reply payloads or button texts that opt a contact out of promotions',
				security,
				response: { 200: settingsSchema, ...errorResponses },
			},
		},
		async ( request ) => ( {
			opt_out_payloads: await optOutPayloads(
				storage.db,
				request.tenant.id
			),
		} )
	);

	api.put< { Body: { opt_out_payloads: string[] } } >(
		'/settings/interactions',
		{
			schema: {
				summary:
					'Set the quick-reply payloads or button texts that opt a contact out of promotions',
				security,
				body: settingsSchema,
				response: { 200: settingsSchema, ...errorResponses },
			},
		},
		async ( request ) => ( {
			opt_out_payloads: await setOptOutPayloads(
				storage.db,
				request.tenant.id,
				request.body.opt_out_payloads,
				clock.now()
			),
		} )
	);
};
