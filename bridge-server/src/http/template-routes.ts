/**
 * GET /v1/templates: the message templates of the tenant's WhatsApp account, as the catalog (campaigns/templates.ts)
 * reads and caches them, each marked sendable or not.
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';

/**
 * Internal dependencies
 */
import type { TemplateCatalog } from '../campaigns/templates.js';
import { ApiError } from './errors.js';
import { errorResponses } from './schemas.js';

/** A component of a Meta message template, as the Cloud API answers it (other members pass as they are). */
const templateComponentSchema = {
	type: 'object',
	additionalProperties: true,
	required: [ 'type' ],
	properties: {
		type: { type: 'string' },
		format: { type: 'string' },
		text: { type: 'string' },
		buttons: {
			type: 'array',
			items: {
				type: 'object',
				additionalProperties: true,
				properties: {
					type: { type: 'string' },
					text: { type: 'string' },
					url: { type: 'string' },
					phone_number: { type: 'string' },
				},
			},
		},
	},
} as const;

export interface TemplateRoutesOptions {
	catalog: TemplateCatalog;
}

export const templateRoutes: FastifyPluginAsync<
	TemplateRoutesOptions
> = async ( api, { catalog } ) => {
	const security = [ { rondineSignature: [] } ];

	api.get< { Querystring: { refresh?: boolean } } >(
		'/templates',
		{
			schema: {
				summary:
					'Message templates of the WhatsApp account; only APPROVED ones are sendable',
				security,
				querystring: {
					type: 'object',
					properties: { refresh: { type: 'boolean' } },
				},
				response: {
					200: {
						type: 'object',
						required: [ 'templates' ],
						properties: {
							templates: {
								type: 'array',
								items: {
									type: 'object',
									required: [
										'name',
										'language',
										'status',
										'category',
										'sendable',
										'components',
									],
									properties: {
										id: { type: 'string' },
										name: { type: 'string' },
										language: { type: 'string' },
										status: { type: 'string' },
										category: { type: 'string' },
										sendable: { type: 'boolean' },
										// Meta's: NAMED templates use {{first_name}} placeholders, POSITIONAL ones {{1}}.
										parameter_format: { type: 'string' },
										rejected_reason: {
											type: [ 'string', 'null' ],
										},
										components: {
											type: 'array',
											items: templateComponentSchema,
										},
									},
								},
							},
						},
					},
					...errorResponses,
					502: errorResponses[ 400 ],
				},
			},
		},
		async ( request ) => {
			try {
				const templates = await catalog.list(
					request.tenant,
					request.query.refresh === true
				);
				return {
					templates: templates.map( ( t ) => ( {
						...t,
						sendable: t.status === 'APPROVED',
					} ) ),
				};
			} catch ( error ) {
				throw new ApiError(
					502,
					'whatsapp_unavailable',
					`Could not read the templates from the Cloud API: ${ error instanceof Error ? error.message : error }`
				);
			}
		}
	);
};
