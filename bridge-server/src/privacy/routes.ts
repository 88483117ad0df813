/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';

/**
 * Internal dependencies
 */
import type { AppDeps } from '../http/deps.js';
import { ApiError } from '../http/errors.js';
import { errorResponses } from '../http/schemas.js';
import {
	applyConsentEvents,
	CONSENT_SOURCES,
	type ConsentState,
} from './consent.js';
import { erasePhones } from './erasure.js';
import { exportPhones } from './export.js';

/** E.164 with "+": the form the plugin sends and the bridge stores. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

const phoneSchema = { type: 'string', pattern: E164_PATTERN } as const;
const phonesBody = {
	type: 'object',
	additionalProperties: false,
	required: [ 'phones' ],
	properties: {
		phones: {
			type: 'array',
			minItems: 1,
			maxItems: 20,
			items: phoneSchema,
		},
	},
} as const;
const nullableTime = { type: [ 'string', 'null' ] } as const;

export const consentBodySchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'events' ],
	properties: {
		events: {
			type: 'array',
			minItems: 1,
			maxItems: 500,
			items: {
				type: 'object',
				additionalProperties: false,
				required: [ 'phone', 'state', 'at', 'source' ],
				properties: {
					phone: phoneSchema,
					state: { type: 'string', enum: [ 'revoked', 'granted' ] },
					at: { type: 'string', format: 'date-time' },
					source: { type: 'string', enum: [ ...CONSENT_SOURCES ] },
				},
			},
		},
	},
} as const;

export const exportResponseSchema = {
	type: 'object',
	properties: {
		messages: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					phone: { type: 'string' },
					campaign_id: { type: 'string' },
					campaign_name: { type: 'string' },
					state: { type: 'string' },
					sent_at: nullableTime,
					delivered_at: nullableTime,
					read_at: nullableTime,
					failed_at: nullableTime,
					error: nullableTime,
				},
			},
		},
		inbound: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					phone: { type: 'string' },
					received_at: nullableTime,
					type: { type: 'string' },
					text: nullableTime,
				},
			},
		},
		opt_out: {
			type: 'array',
			items: {
				type: 'object',
				properties: {
					phone: { type: 'string' },
					state: { type: 'string', enum: [ 'revoked', 'granted' ] },
					changed_at: nullableTime,
					source: { type: 'string' },
				},
			},
		},
	},
} as const;

interface ConsentBody {
	events: Array< {
		phone: string;
		state: ConsentState;
		at: string;
		source: string;
	} >;
}

/**
 * Signed site -> bridge routes of the consent and privacy contract (docs/ARCHITECTURE.md): consent changes, export and
 * erasure of what the bridge holds about a phone. Everything is scoped to the calling tenant.
 */
export type PrivacyRoutesOptions = Pick< AppDeps, 'storage' | 'clock' >;

export const privacyRoutes: FastifyPluginAsync< PrivacyRoutesOptions > = async (
	api,
	deps
) => {
	const db = deps.storage.db;
	const security = [ { rondineSignature: [] } ];

	api.post< { Body: ConsentBody } >(
		'/consent',
		{
			schema: {
				summary:
					'Consent changes from the site (revoked/granted per phone); the latest change per phone wins',
				security,
				body: consentBodySchema,
				response: {
					200: {
						type: 'object',
						properties: { applied: { type: 'integer' } },
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => {
			const events = request.body.events.map( ( event ) => {
				const at = Date.parse( event.at );
				if ( ! Number.isFinite( at ) ) {
					throw new ApiError(
						400,
						'invalid_request',
						`"${ event.at }" is not a date-time.`
					);
				}
				return { ...event, at };
			} );
			return {
				applied: await applyConsentEvents(
					db,
					request.tenant.id,
					events
				),
			};
		}
	);

	api.post< { Body: { phones: string[] } } >(
		'/privacy/export',
		{
			schema: {
				summary:
					'Everything the bridge holds about these phones: messages, replies, consent',
				security,
				body: phonesBody,
				response: { 200: exportResponseSchema, ...errorResponses },
			},
		},
		async ( request ) =>
			exportPhones( db, request.tenant.id, request.body.phones )
	);

	api.post< { Body: { phones: string[] } } >(
		'/privacy/erase',
		{
			schema: {
				summary:
					'Erase what the bridge holds about these phones; they stay on the opt-out list (source "erasure")',
				security,
				body: phonesBody,
				response: {
					200: {
						type: 'object',
						properties: {
							erased: {
								type: 'object',
								properties: {
									messages: { type: 'integer' },
									inbound: { type: 'integer' },
									webhook_events: { type: 'integer' },
								},
							},
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => ( {
			erased: await erasePhones(
				db,
				request.tenant.id,
				request.body.phones,
				deps.clock.now()
			),
		} )
	);
};
