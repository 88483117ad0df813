/**
 * External dependencies
 */
import type { FastifyPluginAsync } from 'fastify';

/**
 * Internal dependencies
 */
import type { AppDeps } from './deps.js';
import type { CampaignInput } from '../campaigns/campaign-service.js';
import { TemplateCatalog } from '../campaigns/templates.js';
import { WhatsAppApiError } from '../dispatch/messenger.js';
import type { CampaignState, Tenant } from '../storage/schema.js';
import type { SecretBox } from '../crypto/secret-box.js';
import {
	isTier,
	TIER_LIMITS,
	usesSandbox,
	phoneNumberIdTaken,
} from '../tenants/tenants.js';
import { statsRoutes } from '../stats/index.js';
import { privacyRoutes } from '../privacy/routes.js';
import { ownerRoutes } from './owner-routes.js';
import { ApiError } from './errors.js';
import {
	checkSiteUrl,
	SiteUrlError,
	STRICT_SITE_POLICY,
} from '../net/site-url.js';
import {
	campaignInputSchema,
	campaignSchema,
	errorResponses,
	idParams,
} from './schemas.js';

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

/** Whether new credentials keep the number and app secret whose webhooks were verified (a stored secret that cannot be opened does not). */
function sameWebhookCredentials(
	tenant: Tenant,
	phoneNumberId: string,
	appSecret: string,
	box: SecretBox
): boolean {
	if ( tenant.phone_number_id !== phoneNumberId || ! tenant.app_secret ) {
		return false;
	}
	try {
		return box.openString( tenant.app_secret ) === appSecret;
	} catch {
		return false;
	}
}

/**
 * Why the Cloud API refused credentials, as a stable error code the plugin turns into the owner's words (one code per
 * thing the owner can fix), from Meta's error code and the call that failed.
 *
 * @param error The failure of the phone number read (`step` 'phone') or of the templates list ('waba').
 * @param step  Which call failed.
 */
export function credentialsError(
	error: unknown,
	step: 'phone' | 'waba'
): ApiError {
	const code = error instanceof WhatsAppApiError ? error.code : undefined;
	const detail =
		error instanceof WhatsAppApiError
			? error.message
			: 'no answer from the Cloud API';
	let reason = 'whatsapp_credentials_rejected';
	if ( code === undefined ) {
		reason = 'whatsapp_unreachable';
	} else if ( code === 190 || code === 0 ) {
		reason = 'whatsapp_token_rejected';
	} else if ( code === 3 || code === 10 || ( code >= 200 && code <= 299 ) ) {
		reason = 'whatsapp_permission_missing';
	} else if ( code === 100 ) {
		reason =
			step === 'phone'
				? 'whatsapp_phone_number_id_unknown'
				: 'whatsapp_waba_id_unknown';
	}
	return new ApiError(
		422,
		reason,
		`The Cloud API did not accept these credentials (${ detail }); nothing was saved.`
	);
}

function phoneNumberConflict( phoneNumberId: string ): ApiError {
	return new ApiError(
		409,
		'phone_number_id_taken',
		`The WhatsApp number ${ phoneNumberId } is already connected to another shop on this bridge; one number can serve one shop only. Nothing was saved.`
	);
}

export const apiRoutes: FastifyPluginAsync< { deps: AppDeps } > = async (
	api,
	{ deps }
) => {
	const { campaigns, accounts, storage, clock, box } = deps;
	const db = storage.db;
	const catalog = new TemplateCatalog( db, deps.directory, accounts, clock );
	const security = [ { rondineSignature: [] } ];

	/**
	 * Reads the number (display number, verified name, quality, tier) and the account's templates with the given
	 * credentials, as the Cloud API answers them: what was typed works, or an ApiError says which part does not.
	 *
	 * @param account The credentials, as an account.
	 */
	const checkCredentials = async (
		account: Parameters< typeof deps.directory.phoneNumberInfo >[ 0 ]
	) => {
		let info;
		try {
			info = await deps.directory.phoneNumberInfo( account );
		} catch ( error ) {
			throw credentialsError( error, 'phone' );
		}
		try {
			await deps.directory.listTemplates( account );
		} catch ( error ) {
			throw credentialsError( error, 'waba' );
		}
		return info;
	};
	const credentialsBody = {
		phone_number_id: { type: 'string', pattern: '^[0-9]{1,30}$' },
		waba_id: { type: 'string', pattern: '^[0-9]{1,30}$' },
		access_token: { type: 'string', minLength: 10, maxLength: 1000 },
	} as const;
	const numberResponse = {
		phone_number_id: { type: 'string' },
		display_phone_number: { type: [ 'string', 'null' ] },
		verified_name: { type: [ 'string', 'null' ] },
		quality: { type: 'string' },
		messaging_limit_tier: { type: 'string' },
		throughput_mps: { type: 'integer' },
	} as const;

	api.post< {
		Body: {
			phone_number_id: string;
			waba_id: string;
			access_token: string;
		};
	} >(
		'/whatsapp/check',
		{
			schema: {
				summary:
					'Checks WhatsApp Cloud API credentials without saving them: the number as Meta shows it, or why not',
				security,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'phone_number_id', 'waba_id', 'access_token' ],
					properties: credentialsBody,
				},
				response: {
					200: { type: 'object', properties: numberResponse },
					...errorResponses,
				},
			},
		},
		async ( request ) => {
			const body = request.body;
			if (
				await phoneNumberIdTaken(
					db,
					body.phone_number_id,
					request.tenant.id
				)
			) {
				throw phoneNumberConflict( body.phone_number_id );
			}
			const info = await checkCredentials(
				accounts.candidate( {
					phoneNumberId: body.phone_number_id,
					wabaId: body.waba_id,
					accessToken: body.access_token,
				} )
			);
			return {
				phone_number_id: body.phone_number_id,
				display_phone_number: info.displayPhoneNumber ?? null,
				verified_name: info.verifiedName ?? null,
				quality: info.qualityRating ?? 'NA',
				messaging_limit_tier: isTier( info.messagingLimitTier )
					? info.messagingLimitTier
					: request.tenant.messaging_limit_tier,
				throughput_mps: info.throughputMps ?? 80,
			};
		}
	);

	api.get(
		'/status',
		{
			schema: {
				summary:
					'The tenant, its WhatsApp number, quality, tier, daily limit use and throughput',
				security,
				response: {
					200: {
						type: 'object',
						properties: {
							tenant: {
								type: 'object',
								properties: {
									id: { type: 'string' },
									name: { type: 'string' },
									site_rest_url: {
										type: [ 'string', 'null' ],
									},
									default_country: {
										type: [ 'string', 'null' ],
									},
									timezone: { type: [ 'string', 'null' ] },
								},
							},
							whatsapp: {
								type: 'object',
								properties: {
									mode: {
										type: 'string',
										enum: [ 'sandbox', 'live' ],
									},
									phone_number_id: { type: 'string' },
									display_phone_number: {
										type: [ 'string', 'null' ],
									},
									quality: { type: 'string' },
									messaging_limit_tier: { type: 'string' },
									throughput_mps: { type: 'integer' },
									halted_reason: {
										type: [ 'string', 'null' ],
									},
									webhooks_verified: { type: 'boolean' },
								},
							},
							daily_limit: {
								type: 'object',
								properties: {
									limit: { type: [ 'integer', 'null' ] },
									used: { type: 'integer' },
									remaining: { type: [ 'integer', 'null' ] },
									window_hours: { type: 'integer' },
								},
							},
						},
					},
					401: errorResponses[ 401 ],
				},
			},
		},
		async ( request ) => {
			const tenant = request.tenant;
			const limit = TIER_LIMITS[ tenant.messaging_limit_tier ];
			const used = await campaigns.usedInWindow( tenant.id );
			const finite = Number.isFinite( limit );
			return {
				tenant: {
					id: tenant.id,
					name: tenant.name,
					site_rest_url: tenant.site_rest_url,
					default_country: tenant.default_country,
					timezone: tenant.timezone,
				},
				whatsapp: {
					mode: usesSandbox( tenant ) ? 'sandbox' : 'live',
					phone_number_id: accounts.forTenant( tenant ).phoneNumberId,
					display_phone_number: tenant.display_phone_number,
					quality: tenant.quality,
					messaging_limit_tier: tenant.messaging_limit_tier,
					throughput_mps: tenant.throughput_mps,
					halted_reason: tenant.halted_reason,
					// False until a webhook signed with this tenant's app secret arrived (since its last credentials).
					webhooks_verified: tenant.webhooks_verified_at !== null,
				},
				daily_limit: {
					limit: finite ? limit : null,
					used,
					remaining: finite ? Math.max( 0, limit - used ) : null,
					window_hours: 24,
				},
			};
		}
	);

	api.put< {
		Body: { rest_url: string; default_country: string; timezone: string };
	} >(
		'/site',
		{
			schema: {
				summary: "The site's REST URL, default country and timezone",
				security,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [ 'rest_url', 'default_country', 'timezone' ],
					properties: {
						rest_url: {
							type: 'string',
							pattern: '^https?://',
							maxLength: 2000,
						},
						default_country: {
							type: 'string',
							pattern: '^[A-Z]{2}$',
						},
						timezone: {
							type: 'string',
							minLength: 1,
							maxLength: 64,
						},
						// Sent by the plugin (docs/ARCHITECTURE.md, PUT /v1/site body); informational.
						name: { type: 'string', maxLength: 200 },
						plugin_version: { type: 'string', maxLength: 50 },
					},
				},
				response: {
					200: {
						type: 'object',
						properties: {
							rest_url: { type: 'string' },
							default_country: { type: 'string' },
							timezone: { type: 'string' },
						},
					},
					...errorResponses,
				},
			},
		},
		async ( request ) => {
			const {
				rest_url: restUrl,
				default_country: country,
				timezone,
			} = request.body;
			try {
				new Intl.DateTimeFormat( 'en', { timeZone: timezone } );
			} catch {
				throw new ApiError(
					422,
					'invalid_timezone',
					`"${ timezone }" is not a known time zone.`
				);
			}
			try {
				await checkSiteUrl(
					restUrl,
					deps.edge?.site ?? STRICT_SITE_POLICY
				);
			} catch ( error ) {
				if ( error instanceof SiteUrlError ) {
					throw new ApiError(
						422,
						'invalid_site_url',
						error.message
					);
				}
				throw error;
			}
			const normalised = restUrl.endsWith( '/' )
				? restUrl
				: `${ restUrl }/`;
			await db
				.updateTable( 'tenants' )
				.set( {
					site_rest_url: normalised,
					default_country: country,
					timezone,
					updated_at: clock.now(),
				} )
				.where( 'id', '=', request.tenant.id )
				.execute();
			return { rest_url: normalised, default_country: country, timezone };
		}
	);

	api.put< {
		Body: {
			phone_number_id: string;
			waba_id: string;
			access_token: string;
			app_secret: string;
			verify_token?: string;
		};
	} >(
		'/whatsapp',
		{
			schema: {
				summary:
					'WhatsApp Cloud API credentials, checked against the Cloud API before they are saved',
				security,
				body: {
					type: 'object',
					additionalProperties: false,
					required: [
						'phone_number_id',
						'waba_id',
						'access_token',
						'app_secret',
					],
					properties: {
						phone_number_id: {
							type: 'string',
							pattern: '^[0-9]{1,30}$',
						},
						waba_id: { type: 'string', pattern: '^[0-9]{1,30}$' },
						access_token: {
							type: 'string',
							minLength: 10,
							maxLength: 1000,
						},
						app_secret: {
							type: 'string',
							minLength: 8,
							maxLength: 200,
						},
						verify_token: {
							type: 'string',
							minLength: 8,
							maxLength: 200,
						},
					},
				},
				response: {
					200: { type: 'object', properties: numberResponse },
					...errorResponses,
				},
			},
		},
		async ( request ) => {
			const body = request.body;
			// Webhooks are routed by phone number id: one number belongs to one tenant (checked before calling Meta).
			if (
				await phoneNumberIdTaken(
					db,
					body.phone_number_id,
					request.tenant.id
				)
			) {
				throw phoneNumberConflict( body.phone_number_id );
			}
			const account = accounts.candidate( {
				phoneNumberId: body.phone_number_id,
				wabaId: body.waba_id,
				accessToken: body.access_token,
			} );
			const info = await checkCredentials( account );
			const tier = isTier( info.messagingLimitTier )
				? info.messagingLimitTier
				: request.tenant.messaging_limit_tier;
			const values = {
				phone_number_id: body.phone_number_id,
				waba_id: body.waba_id,
				access_token: box.seal( body.access_token ),
				app_secret: box.seal( body.app_secret ),
				verify_token: body.verify_token ?? request.tenant.verify_token,
				display_phone_number: info.displayPhoneNumber ?? null,
				quality: info.qualityRating ?? 'NA',
				messaging_limit_tier: tier,
				throughput_mps: info.throughputMps ?? 80,
				halted_reason: null,
				// New credentials: unverified until a webhook signed with this app secret arrives.
				webhooks_verified_at: sameWebhookCredentials(
					request.tenant,
					body.phone_number_id,
					body.app_secret,
					box
				)
					? request.tenant.webhooks_verified_at
					: null,
				updated_at: clock.now(),
			};
			try {
				await db
					.updateTable( 'tenants' )
					.set( values )
					.where( 'id', '=', request.tenant.id )
					.execute();
			} catch ( error ) {
				// Another tenant saved the same number meanwhile: the unique index decides.
				if (
					await phoneNumberIdTaken(
						db,
						body.phone_number_id,
						request.tenant.id
					)
				) {
					throw phoneNumberConflict( body.phone_number_id );
				}
				throw error;
			}
			await catalog.forget( request.tenant.id );
			return {
				phone_number_id: values.phone_number_id,
				display_phone_number: values.display_phone_number,
				verified_name: info.verifiedName ?? null,
				quality: values.quality,
				messaging_limit_tier: values.messaging_limit_tier,
				throughput_mps: values.throughput_mps,
			};
		}
	);

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

	// Daily-limit forecast and "send a test to my phone" (src/http/owner-routes.ts).
	await api.register( ownerRoutes, { deps } );
	// Stats, drill-down, CSV export and interaction settings (src/stats).
	await api.register( statsRoutes, { deps } );
	// Consent changes, privacy export and erasure (src/privacy).
	await api.register( privacyRoutes, { deps } );
};
