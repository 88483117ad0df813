/**
 * The tenant's sending policy (signed /v1 route; docs/design/automations-contract.md "Sending policy"): quiet hours in
 * the recipient's local time and the marketing frequency cap, for campaigns and automations alike. Stored on the
 * tenant row through tenants/store.ts; applied when messages are claimed (src/dispatch/claim.ts).
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import {
	MAX_CAP_DAYS,
	MAX_CAP_MESSAGES,
	policyColumns,
	policyOf,
	TIME_PATTERN,
	type SendingPolicy,
} from '../dispatch/policy.js';
import type { Database } from '../storage/schema.js';
import { setTenantSendingPolicy } from '../tenants/store.js';
import { ApiError } from './errors.js';
import { errorResponses } from './schemas.js';

export interface PolicyRoutesOptions {
	db: Kysely< Database >;
	clock: Clock;
}

const time = {
	type: 'string',
	pattern: TIME_PATTERN,
	description: 'HH:MM, 24-hour, in the recipient’s local time',
} as const;

export const sendingPolicySchema = {
	type: 'object',
	additionalProperties: false,
	required: [ 'quiet_hours', 'frequency_cap' ],
	properties: {
		quiet_hours: {
			type: 'object',
			additionalProperties: false,
			required: [ 'enabled', 'start', 'end' ],
			description:
				'No message is sent from `start` to `end` (spanning midnight when start > end), in the recipient’s local time (from the phone’s country); a message due then waits for `end`',
			properties: {
				enabled: { type: 'boolean' },
				start: time,
				end: time,
			},
		},
		frequency_cap: {
			type: 'object',
			additionalProperties: false,
			required: [ 'enabled', 'max_messages', 'days', 'when_capped' ],
			description:
				'At most `max_messages` MARKETING messages per phone in the last `days` days, across campaigns and automations (UTILITY and AUTHENTICATION exempt)',
			properties: {
				enabled: { type: 'boolean' },
				max_messages: {
					type: 'integer',
					minimum: 1,
					maximum: MAX_CAP_MESSAGES,
				},
				days: { type: 'integer', minimum: 1, maximum: MAX_CAP_DAYS },
				when_capped: { type: 'string', enum: [ 'postpone', 'skip' ] },
			},
		},
	},
} as const;

export const policyRoutes: FastifyPluginAsync< PolicyRoutesOptions > = async (
	api,
	{ db, clock }
) => {
	const security = [ { rondineSignature: [] } ];

	api.get(
		'/sending-policy',
		{
			schema: {
				summary:
					'The sending policy: quiet hours (recipient’s local time) and the marketing frequency cap',
				security,
				response: { 200: sendingPolicySchema, ...errorResponses },
			},
		},
		async ( request ) => policyOf( request.tenant )
	);

	api.put< { Body: SendingPolicy } >(
		'/sending-policy',
		{
			schema: {
				summary:
					'Sets the sending policy; messages already waiting keep their due time and are checked again when claimed',
				security,
				body: sendingPolicySchema,
				response: { 200: sendingPolicySchema, ...errorResponses },
			},
		},
		async ( request ) => {
			const policy = request.body;
			if ( policy.quiet_hours.start === policy.quiet_hours.end ) {
				throw new ApiError(
					400,
					'invalid_quiet_hours',
					'Quiet hours must start and end at different times.'
				);
			}
			const columns = policyColumns( policy );
			await setTenantSendingPolicy(
				db,
				request.tenant.id,
				columns,
				clock.now()
			);
			return policyOf( { ...request.tenant, ...columns } );
		}
	);
};
