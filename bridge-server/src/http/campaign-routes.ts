/**
 * The campaign routes (signed /v1/campaigns...): list, read, create/edit, delete, schedule, pause, resume, cancel and
 * "retry failed", each one call of CampaignService (campaigns/campaign-service.ts); its DomainErrors become HTTP
 * answers in the API's error handler (http/errors.ts).
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';

/**
 * Internal dependencies
 */
import type {
	CampaignInput,
	CampaignService,
} from '../campaigns/campaign-service.js';
import type { CampaignState } from '../storage/schema.js';
import {
	campaignInputSchema,
	campaignSchema,
	errorResponses,
	idParams,
} from './schemas.js';

export interface CampaignRoutesOptions {
	campaigns: CampaignService;
}

export const campaignRoutes: FastifyPluginAsync<
	CampaignRoutesOptions
> = async ( api, { campaigns } ) => {
	const security = [ { rondineSignature: [] } ];

	api.get< {
		Querystring: { state?: CampaignState; limit: number; offset: number };
	} >(
		'/campaigns',
		{
			schema: {
				summary:
					'Campaigns with their states and counters, newest first',
				security,
				querystring: {
					type: 'object',
					additionalProperties: false,
					properties: {
						state: { $ref: 'CampaignState#' },
						limit: {
							type: 'integer',
							minimum: 1,
							maximum: 200,
							default: 50,
						},
						offset: { type: 'integer', minimum: 0, default: 0 },
					},
				},
				response: {
					200: {
						type: 'object',
						required: [ 'campaigns' ],
						properties: {
							campaigns: { type: 'array', items: campaignSchema },
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => ( {
			campaigns: await campaigns.list(
				request.tenant.id,
				request.query.state,
				request.query.limit,
				request.query.offset
			),
		} )
	);

	api.get< { Params: { id: string } } >(
		'/campaigns/:id',
		{
			schema: {
				summary: 'One campaign',
				security,
				params: idParams,
				response: { 200: campaignSchema, ...errorResponses },
			},
		},
		async ( request ) =>
			campaigns.view( request.tenant.id, request.params.id )
	);

	api.put< { Params: { id: string }; Body: CampaignInput } >(
		'/campaigns/:id',
		{
			schema: {
				summary:
					'Create a campaign (as a draft) or edit it while draft or scheduled',
				security,
				params: idParams,
				body: campaignInputSchema,
				response: {
					200: campaignSchema,
					201: campaignSchema,
					...errorResponses,
				},
			},
		},
		async ( request, reply ) => {
			const { view, created } = await campaigns.put(
				request.tenant,
				request.params.id,
				request.body
			);
			return reply.status( created ? 201 : 200 ).send( view );
		}
	);

	api.delete< { Params: { id: string } } >(
		'/campaigns/:id',
		{
			schema: {
				summary: 'Delete a draft or scheduled campaign',
				security,
				params: idParams,
				response: { 204: { type: 'null' }, ...errorResponses },
			},
		},
		async ( request, reply ) => {
			await campaigns.remove( request.tenant, request.params.id );
			return reply.status( 204 ).send();
		}
	);

	api.post< {
		Params: { id: string };
		Body: { start_at?: string | null } | undefined;
	} >(
		'/campaigns/:id/schedule',
		{
			schema: {
				summary:
					'Schedule at start_at (or the saved start time, or now)',
				security,
				params: idParams,
				body: {
					type: [ 'object', 'null' ],
					additionalProperties: false,
					properties: {
						start_at: {
							type: [ 'string', 'null' ],
							format: 'date-time',
						},
					},
				},
				response: { 200: campaignSchema, ...errorResponses },
			},
		},
		async ( request ) =>
			campaigns.schedule(
				request.tenant,
				request.params.id,
				request.body?.start_at
			)
	);

	for ( const action of [ 'pause', 'resume', 'cancel' ] as const ) {
		api.post< { Params: { id: string } } >(
			`/campaigns/:id/${ action }`,
			{
				schema: {
					summary: `${ action[ 0 ]?.toUpperCase() }${ action.slice( 1 ) } the campaign`,
					security,
					params: idParams,
					response: { 200: campaignSchema, ...errorResponses },
				},
			},
			async ( request ) =>
				campaigns[ action ]( request.tenant, request.params.id )
		);
	}

	api.post< {
		Params: { id: string };
		Body: { id: string; name?: string; name_format?: string };
	} >(
		'/campaigns/:id/retry-failed',
		{
			schema: {
				summary:
					'A new draft campaign whose audience is the retryable failed recipients of this one',
				security,
				params: idParams,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'id' ],
					properties: {
						id: idParams.properties.id,
						name: { type: 'string', minLength: 1, maxLength: 200 },
						// The site's translation of "%1$s (retry %2$d)" (first campaign's name, retry number).
						name_format: {
							type: 'string',
							minLength: 8,
							maxLength: 100,
						},
					},
				},
				response: { 201: campaignSchema, ...errorResponses },
			},
		},
		async ( request, reply ) =>
			reply
				.status( 201 )
				.send(
					await campaigns.retryFailed(
						request.tenant,
						request.params.id,
						request.body.id,
						request.body.name,
						request.body.name_format
					)
				)
	);
};
