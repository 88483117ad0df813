/**
 * The emulator's business accounts: creating and updating one (tiers, throughput, the quality update webhook Meta
 * sends when they change), authorising a call by its Bearer token, and `GET /{phone-number-id}`.
 */

/**
 * External dependencies
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Internal dependencies
 */
import { phoneDigits } from './config.js';
import { TokenBucket } from './limits.js';
import { errors, type MetaErrorAnswer } from './meta-errors.js';
import {
	emptyStats,
	SandboxError,
	type Account,
	type SandboxState,
} from './state.js';
import { defaultTemplates } from './templates.js';
import { changePayload } from './webhook-sender.js';

export interface SandboxAccountInput {
	/** The bridge tenant this account stands in for (shown in stats only). */
	tenantId?: string;
	phoneNumberId: string;
	wabaId: string;
	/** The Bearer token sends must carry. */
	token: string;
	/** Signs the webhooks (X-Hub-Signature-256). */
	appSecret: string;
	/** Where status and inbound webhooks go; null or absent: none are sent. */
	webhookUrl?: string | null;
	/** Messages per second for this number (Meta: 80 by default, up to 1,000). */
	throughputMps?: number;
	/** Messaging limit tier, `TIER_250` ... `TIER_UNLIMITED`. */
	tier?: string;
	/** E.164 display number; its country code is what Meta prefixes to a `to` without `+`. */
	displayPhoneNumber?: string;
	verifiedName?: string;
	/** `GREEN`, `YELLOW`, `RED` or `NA`. */
	qualityRating?: string;
}

/** Messaging limit tiers, lowest first. */
export const TIERS = [
	'TIER_50',
	'TIER_250',
	'TIER_2K',
	'TIER_10K',
	'TIER_100K',
	'TIER_UNLIMITED',
];

/**
 * The `phone_number_quality_update` event Meta would send for a change of tier or throughput, or null.
 *
 * @param account               The account before the change.
 * @param account.throughputMps Its throughput.
 * @param account.tier          Its tier.
 * @param throughput            The new throughput.
 * @param tier                  The new tier, if given.
 */
function limitEvent(
	account: { throughputMps: number; tier: string },
	throughput: number,
	tier: string | undefined
): string | null {
	if ( account.throughputMps <= 80 && throughput > 80 ) {
		return 'THROUGHPUT_UPGRADE';
	}
	if ( tier === undefined || tier === account.tier ) {
		return null;
	}
	return TIERS.indexOf( tier ) > TIERS.indexOf( account.tier )
		? 'UPGRADE'
		: 'DOWNGRADE';
}

function countryCodeOf( display: string ): string {
	const parsed = parsePhoneNumberFromString( display );
	return parsed?.countryCallingCode ?? phoneDigits( display ).slice( 0, 2 );
}

/**
 * The token and app secret of a number's account, if it has one (the control API checks them before an update).
 *
 * @param state         The emulator's state.
 * @param phoneNumberId The number.
 */
export function accountCredentials(
	state: SandboxState,
	phoneNumberId: string
): { token: string; appSecret: string } | null {
	const account = state.accounts.get( phoneNumberId );
	return account
		? { token: account.token, appSecret: account.appSecret }
		: null;
}

/**
 * Create the account for a number, or update the given fields of an existing one (counts are kept).
 *
 * @param state The emulator's state.
 * @param input The account.
 */
export function ensureAccount(
	state: SandboxState,
	input: SandboxAccountInput
): void {
	for ( const key of [
		'phoneNumberId',
		'wabaId',
		'token',
		'appSecret',
	] as const ) {
		if ( typeof input[ key ] !== 'string' || input[ key ] === '' ) {
			throw new SandboxError( `${ key } is required.` );
		}
	}
	const existing = state.accounts.get( input.phoneNumberId );
	const throughput =
		input.throughputMps ??
		existing?.throughputMps ??
		state.config.defaultThroughputMps;
	if ( typeof throughput !== 'number' || ! ( throughput > 0 ) ) {
		throw new SandboxError( 'throughputMps must be more than 0.' );
	}
	if (
		input.webhookUrl !== undefined &&
		input.webhookUrl !== null &&
		( typeof input.webhookUrl !== 'string' ||
			! /^https?:\/\/[^/]/.test( input.webhookUrl ) )
	) {
		throw new SandboxError( 'webhookUrl must be an http(s) URL or null.' );
	}
	if ( input.tier !== undefined && ! TIERS.includes( input.tier ) ) {
		throw new SandboxError(
			`tier must be one of ${ TIERS.join( ', ' ) }.`
		);
	}
	const display = input.displayPhoneNumber ?? '+39 02 8088 1234';
	const now = state.now();
	const capacity = Math.max( 1, throughput * state.config.burstSeconds );
	if ( existing ) {
		const event = limitEvent( existing, throughput, input.tier );
		Object.assign( existing, {
			wabaId: input.wabaId,
			token: input.token,
			appSecret: input.appSecret,
			webhookUrl:
				input.webhookUrl === undefined
					? existing.webhookUrl
					: input.webhookUrl,
			tenantId: input.tenantId ?? existing.tenantId,
			throughputMps: throughput,
			tier: input.tier ?? existing.tier,
			displayPhoneNumber:
				input.displayPhoneNumber ?? existing.displayPhoneNumber,
			countryCode: countryCodeOf(
				input.displayPhoneNumber ?? existing.displayPhoneNumber
			),
			verifiedName: input.verifiedName ?? existing.verifiedName,
			qualityRating: input.qualityRating ?? existing.qualityRating,
		} );
		existing.bucket.setRate( throughput, capacity, now );
		if ( event ) {
			// As Meta does when a number's limit or throughput changes.
			void state.webhooks.postNow(
				existing,
				changePayload( existing, 'phone_number_quality_update', {
					display_phone_number: phoneDigits(
						existing.displayPhoneNumber
					),
					event,
					current_limit: existing.tier,
				} )
			);
		}
	} else {
		state.accounts.set( input.phoneNumberId, {
			tenantId: input.tenantId ?? '',
			phoneNumberId: input.phoneNumberId,
			wabaId: input.wabaId,
			token: input.token,
			appSecret: input.appSecret,
			webhookUrl: input.webhookUrl ?? null,
			throughputMps: throughput,
			tier: input.tier ?? 'TIER_250',
			displayPhoneNumber: display,
			countryCode: countryCodeOf( display ),
			verifiedName: input.verifiedName ?? 'Rondine Sandbox',
			qualityRating: input.qualityRating ?? 'GREEN',
			bucket: new TokenBucket( throughput, capacity, now ),
			stats: emptyStats(),
			phones: new Map(),
			currentSecond: 0,
			currentSecondCount: 0,
		} );
	}
	if ( ! state.templates.has( input.wabaId ) ) {
		state.templates.set( input.wabaId, defaultTemplates() );
	}
}

/**
 * Whether the Bearer token is any account's token.
 *
 * @param state The emulator's state.
 * @param token The token sent.
 */
function tokenKnown( state: SandboxState, token: string | null ): boolean {
	if ( ! token ) {
		return false;
	}
	for ( const account of state.accounts.values() ) {
		if ( account.token === token ) {
			return true;
		}
	}
	return false;
}

/**
 * Authorise a call on an object (phone number id or WABA id): the token must be that object's account's.
 *
 * @param state    The emulator's state.
 * @param objectId The id in the path.
 * @param token    The Bearer token, or null.
 * @param method   HTTP method, for Meta's wording.
 */
export function authorise(
	state: SandboxState,
	objectId: string,
	token: string | null,
	method: string
): Account | MetaErrorAnswer {
	const account =
		state.accounts.get( objectId ) ??
		[ ...state.accounts.values() ].find(
			( a ) => a.wabaId === objectId && a.token === token
		);
	if ( account && token === account.token ) {
		return account;
	}
	if ( account || ! tokenKnown( state, token ) ) {
		return errors.invalidToken();
	}
	return errors.unknownObject( objectId, method );
}

/**
 * `GET /{phone-number-id}`: the number's fields, the requested ones or Meta's defaults.
 *
 * @param state         The emulator's state.
 * @param phoneNumberId From the path.
 * @param token         Bearer token, or null.
 * @param fields        The `fields` query parameter, or null.
 */
export function phoneNumber(
	state: SandboxState,
	phoneNumberId: string,
	token: string | null,
	fields: string | null
): { answer: MetaErrorAnswer } | { body: Record< string, unknown > } {
	const auth = authorise( state, phoneNumberId, token, 'GET' );
	if ( ! ( 'bucket' in auth ) ) {
		return { answer: auth };
	}
	const all: Record< string, unknown > = {
		display_phone_number: auth.displayPhoneNumber,
		verified_name: auth.verifiedName,
		quality_rating: auth.qualityRating,
		throughput: {
			level: auth.throughputMps > 80 ? 'HIGH' : 'STANDARD',
		},
		whatsapp_business_manager_messaging_limit: auth.tier,
		messaging_limit_tier: auth.tier,
		code_verification_status: 'VERIFIED',
		name_status: 'APPROVED',
		platform_type: 'CLOUD_API',
	};
	const wanted = fields
		? fields
				.split( ',' )
				.map( ( f ) => f.trim() )
				.filter( Boolean )
		: [ 'display_phone_number', 'verified_name', 'quality_rating' ];
	const body: Record< string, unknown > = {};
	for ( const name of wanted ) {
		if ( ! ( name in all ) ) {
			return {
				answer: errors.invalidParameter(
					`Tried accessing nonexisting field (${ name }) on node type (WhatsAppBusinessPhoneNumber)`
				),
			};
		}
		body[ name ] = all[ name ];
	}
	body.id = auth.phoneNumberId;
	return { body };
}
