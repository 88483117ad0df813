/**
 * Signed /v1 routes that help the owner before a campaign runs (issue 13, defects 5 and 7):
 *
 * - POST /v1/forecast: what the daily limit will do with a campaign's recipients at its start time, computed by the
 *   dispatcher's own rules (dispatch/daily-limit.ts), phones already reached in the window included;
 * - POST /v1/test-message: the campaign's template, filled, sent to one phone (the owner's) through the Cloud API or
 *   the emulator, outside every campaign and its counters.
 */

/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';

/**
 * Internal dependencies
 */
import type { AppDeps } from './deps.js';
import type { MappedComponent } from '../campaigns/template-mapping.js';
import {
	dailyWindow,
	forecastDaily,
	phonesInWindow,
} from '../dispatch/daily-limit.js';
import { compileTemplateBody } from '../dispatch/message-body.js';
import { ApiError } from './errors.js';
import { isPostgres } from '../storage/dialect.js';
import { errorResponses, templateRefSchema } from './schemas.js';

/** Test sends per tenant in a 10-minute window: each is a real, billed message. */
const TEST_SENDS_PER_WINDOW = 10;
const TEST_WINDOW_MS = 10 * 60_000;

const E164 = '^\\+[1-9][0-9]{6,14}$';

/** What these routes use of the API's dependencies. */
export type OwnerRoutesOptions = Pick<
	AppDeps,
	'campaigns' | 'accounts' | 'storage' | 'clock' | 'messenger'
>;

export const ownerRoutes: FastifyPluginAsync< OwnerRoutesOptions > = async (
	api,
	deps
) => {
	const { campaigns, accounts, storage, clock } = deps;
	const db = storage.db;
	const security = [ { rondineSignature: [] } ];

	api.post< {
		Body: {
			phones: string[];
			recipients?: number;
			start_at?: string | null;
			taken?: number;
		};
	} >(
		'/forecast',
		{
			schema: {
				summary:
					"The daily limit's effect on a campaign's recipients at its start: the dispatcher's computation, phones already reached in the 24 h window included",
				security,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'phones' ],
					properties: {
						phones: {
							type: 'array',
							maxItems: 200_000,
							items: { type: 'string', pattern: E164 },
						},
						recipients: { type: 'integer', minimum: 0 },
						start_at: {
							type: [ 'string', 'null' ],
							format: 'date-time',
						},
						taken: { type: 'integer', minimum: 0 },
					},
				},
				response: {
					200: {
						type: 'object',
						required: [
							'limit',
							'recipients',
							'already_in_window',
							'free',
							'taken',
							'fits',
							'over',
							'frees_at',
						],
						properties: {
							limit: { type: [ 'integer', 'null' ] },
							recipients: { type: 'integer' },
							already_in_window: { type: 'integer' },
							free: { type: 'integer' },
							taken: { type: 'integer' },
							fits: { type: 'integer' },
							over: { type: 'integer' },
							frees_at: { type: [ 'string', 'null' ] },
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => {
			const now = clock.now();
			const start = request.body.start_at
				? Math.max( now, Date.parse( request.body.start_at ) )
				: now;
			const phones = [ ...new Set( request.body.phones ) ];
			const window = await dailyWindow(
				db,
				request.tenant.id,
				request.tenant.messaging_limit_tier,
				start
			);
			const already = await phonesInWindow(
				db,
				storage.dialect,
				request.tenant.id,
				phones,
				start
			);
			const result = forecastDaily(
				window,
				Math.max( phones.length, request.body.recipients ?? 0 ),
				already,
				request.body.taken ?? 0
			);
			// JSON has no Infinity: an unlimited tier frees everything.
			return {
				...result,
				free: Number.isFinite( result.free )
					? result.free
					: result.recipients,
			};
		}
	);

	api.post< {
		Body: {
			to: string;
			template: {
				name: string;
				language: string;
				components: MappedComponent[];
			};
			variables?: Record< string, string >;
		};
	} >(
		'/test-message',
		{
			schema: {
				summary:
					"Send the campaign's template, filled, to one phone (the owner's), outside every campaign and its counters",
				security,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'to', 'template' ],
					properties: {
						to: { type: 'string', pattern: E164 },
						template: templateRefSchema,
						variables: {
							type: 'object',
							maxProperties: 50,
							additionalProperties: {
								type: 'string',
								maxLength: 1024,
							},
						},
					},
				},
				response: {
					200: {
						type: 'object',
						properties: {
							to: { type: 'string' },
							wamid: { type: 'string' },
						},
					},
					...errorResponses,
					429: errorResponses[ 400 ],
					502: errorResponses[ 400 ],
				},
			},
		},
		async ( request ) => {
			const tenant = request.tenant;
			const { to, template } = request.body;
			if ( ! deps.messenger ) {
				throw new ApiError(
					409,
					'test_unavailable',
					'This bridge does not send messages.'
				);
			}
			if ( tenant.halted_reason ) {
				throw new ApiError(
					409,
					'tenant_halted',
					`Sending is stopped for this WhatsApp account (${ tenant.halted_reason }); update the credentials first.`
				);
			}
			// The same checks as a campaign: approved template, every variable and media header filled.
			await campaigns.checkTemplate( tenant, {
				name: 'test',
				audience: {},
				template,
			} );
			const optedOut = await db
				.selectFrom( 'opt_outs' )
				.select( 'phone' )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'phone', '=', to )
				.executeTakeFirst();
			if ( optedOut ) {
				throw new ApiError(
					422,
					'opted_out',
					`${ to } has stopped marketing messages from this shop; it cannot receive a test.`
				);
			}
			const now = clock.now();
			// Counted in the database, so a restart or another bridge process does not reset it (a row is kept even
			// when WhatsApp refuses the message: the attempt counts).
			const allowed = await db.transaction().execute( async ( trx ) => {
				if ( isPostgres( trx ) ) {
					await sql`select pg_advisory_xact_lock(hashtext(${ `rondine:test-sends:${ tenant.id }` }))`.execute(
						trx
					);
				}
				await trx
					.deleteFrom( 'test_sends' )
					.where( 'tenant_id', '=', tenant.id )
					.where( 'sent_at', '<=', now - TEST_WINDOW_MS )
					.execute();
				const { count } = await trx
					.selectFrom( 'test_sends' )
					.select( ( eb ) =>
						eb.fn.countAll< number >().as( 'count' )
					)
					.where( 'tenant_id', '=', tenant.id )
					.executeTakeFirstOrThrow();
				if ( Number( count ) >= TEST_SENDS_PER_WINDOW ) {
					return false;
				}
				await trx
					.insertInto( 'test_sends' )
					.values( { tenant_id: tenant.id, phone: to, sent_at: now } )
					.execute();
				return true;
			} );
			if ( ! allowed ) {
				throw new ApiError(
					429,
					'too_many_tests',
					`At most ${ TEST_SENDS_PER_WINDOW } test messages in 10 minutes; try again in a few minutes.`
				);
			}
			const variables: Record< string, string > = Object.create( null );
			for ( const [ key, value ] of Object.entries(
				request.body.variables ?? {}
			) ) {
				variables[ key ] = value;
			}
			const body = compileTemplateBody(
				template.name,
				template.language,
				template.components
			)( to, variables, 'rondine-test' );
			const outcome = await deps.messenger.send(
				await accounts.prepare( tenant ),
				{ to, bizOpaqueCallbackData: 'rondine-test', body }
			);
			if ( outcome.kind !== 'accepted' ) {
				const detail =
					outcome.kind === 'error'
						? `${ outcome.message } (${ outcome.code })`
						: outcome.reason;
				throw new ApiError(
					502,
					'test_not_sent',
					`WhatsApp did not accept the test message: ${ detail }`
				);
			}
			// A real message: it takes its unit of the daily limit like any other (outside every campaign's counters).
			await db
				.insertInto( 'send_log' )
				.values( {
					tenant_id: tenant.id,
					phone: to,
					last_sent_at: now,
				} )
				.onConflict( ( oc ) =>
					oc
						.columns( [ 'tenant_id', 'phone' ] )
						.doUpdateSet( { last_sent_at: now } )
				)
				.execute();
			return { to, wamid: outcome.wamid };
		}
	);
};
