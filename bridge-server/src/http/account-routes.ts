/**
 * The tenant's own account (signed /v1 routes): its WhatsApp credentials, checked (POST /whatsapp/check) and saved
 * (PUT /whatsapp), its site (PUT /site), and its status (GET /status: number, quality, tier, daily limit use). The
 * tenant row is written through tenants/store.ts.
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
import type { SecretBox } from '../crypto/secret-box.js';
import type { TemplateCatalog } from '../campaigns/templates.js';
import type { WhatsAppDirectory } from '../dispatch/messenger.js';
import { usedInWindow } from '../dispatch/daily-limit.js';
import type { Database } from '../storage/schema.js';
import type { AccountResolver } from '../tenants/accounts.js';
import {
	phoneNumberIdTaken,
	setTenantCredentials,
	setTenantSite,
} from '../tenants/store.js';
import { isTier, TIER_LIMITS, usesSandbox } from '../tenants/tenants.js';
import {
	checkSiteUrl,
	SiteUrlError,
	type SitePolicy,
} from '../net/site-url.js';
import { ApiError } from './errors.js';
import {
	credentialsError,
	phoneNumberConflict,
	sameWebhookCredentials,
} from './credentials.js';
import { errorResponses } from './schemas.js';

export interface AccountRoutesOptions {
	db: Kysely< Database >;
	clock: Clock;
	box: SecretBox;
	accounts: AccountResolver;
	directory: WhatsAppDirectory;
	/** Forgotten when the credentials change (the templates are another account's). */
	catalog: TemplateCatalog;
	/** Which site URLs PUT /site accepts (strict unless a development setting opens it). */
	sitePolicy: SitePolicy;
}

export const accountRoutes: FastifyPluginAsync< AccountRoutesOptions > = async (
	api,
	{ db, clock, box, accounts, directory, catalog, sitePolicy }
) => {
	const security = [ { rondineSignature: [] } ];

	/**
	 * Reads the number (display number, verified name, quality, tier) and the account's templates with the given
	 * credentials, as the Cloud API answers them: what was typed works, or an ApiError says which part does not.
	 *
	 * @param account The credentials, as an account.
	 */
	const checkCredentials = async (
		account: Parameters< typeof directory.phoneNumberInfo >[ 0 ]
	) => {
		let info;
		try {
			info = await directory.phoneNumberInfo( account );
		} catch ( error ) {
			throw credentialsError( error, 'phone' );
		}
		try {
			await directory.listTemplates( account );
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
			const used = await usedInWindow( db, tenant.id, clock.now() );
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
				await checkSiteUrl( restUrl, sitePolicy );
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
			await setTenantSite(
				db,
				request.tenant.id,
				{
					site_rest_url: normalised,
					default_country: country,
					timezone,
				},
				clock.now()
			);
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
				await setTenantCredentials( db, request.tenant.id, values );
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
};
