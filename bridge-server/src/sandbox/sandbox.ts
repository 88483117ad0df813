/**
 * The emulator's state and rules, independent of HTTP: accounts, templates, the two rates, what each phone received,
 * and the status webhooks that follow each accepted message. State is in memory and bounded: one small record per
 * recipient phone (counts, last message id, pair-rate time), no per-message history.
 */

/**
 * External dependencies
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Internal dependencies
 */
import { parseJson } from '../net/json.js';
import type { MessageTemplate } from '../whatsapp/client.js';
import {
	applyConfigPatch,
	DEFAULT_CONFIG,
	phoneDigits,
	type SandboxConfig,
	type SandboxConfigPatch,
} from './config.js';
import { TokenBucket, pairRateAdmit } from './limits.js';
import { checkMessage } from './message-checks.js';
import { errors, type MetaErrorAnswer } from './meta-errors.js';
import { statusTimeline } from './status-timeline.js';
import { defaultTemplates } from './templates.js';
import { newWamid, nextMessageNumber, wamidOf } from './wamid.js';
import {
	changePayload,
	WebhookSender,
	type WebhookTarget,
} from './webhook-sender.js';

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

interface AccountStats {
	accepted: number;
	/** Refusals by Meta error code. */
	errors: Record< string, number >;
	firstAcceptedAt: number | null;
	lastAcceptedAt: number | null;
	/** Most messages accepted within one wall-clock second. */
	peakPerSecond: number;
}

interface Account extends WebhookTarget {
	tenantId: string;
	token: string;
	throughputMps: number;
	tier: string;
	verifiedName: string;
	qualityRating: string;
	/** Calling code of the business number, digits. */
	countryCode: string;
	bucket: TokenBucket;
	stats: AccountStats;
	/** What each recipient (by wa_id) got from this number. */
	phones: Map< string, PhoneRecord >;
	currentSecond: number;
	currentSecondCount: number;
}

/** What one phone got from one business number. */
interface PhoneRecord {
	/** Messages accepted for this phone. */
	count: number;
	/** `biz_opaque_callback_data` of the first message, and counts of every one when there were several. */
	firstCallback: string | null;
	callbacks: Map< string, number > | null;
	/** Number of the last message sent to this phone (its wamid is derived from it), 0 for none. */
	lastMessage: number;
	/** Pair rate: theoretical arrival time of the next message. */
	tat: number;
	/** Last inbound message, for the 24 h customer-service window. */
	lastInboundAt: number;
}

export type SendAnswer =
	| {
			kind: 'accepted';
			body: {
				messaging_product: 'whatsapp';
				contacts: Array< { input: string; wa_id: string } >;
				messages: Array< { id: string } >;
			};
			/** A fault asks to keep the connection without answering, or to cut it, after accepting. */
			fault: 'timeout' | 'drop' | null;
	  }
	| { kind: 'error'; answer: MetaErrorAnswer }
	| { kind: 'drop' };

export interface ReceivedSummary {
	phone: string;
	/** Messages accepted for this phone, over every business number. */
	count: number;
	/** Counts per `biz_opaque_callback_data`. */
	callbacks: Record< string, number >;
	lastWamid: string | null;
}

export interface InboundInput {
	phoneNumberId: string;
	from: string;
	/** `text` (optionally a reply), `button` (template quick reply), `interactive`, or a marketing `stop` / `resume`. */
	kind: 'text' | 'button' | 'interactive' | 'stop' | 'resume';
	text?: string;
	payload?: string;
	title?: string;
	/** The business message replied to; defaults to the last one sent to this phone for replies and buttons. */
	contextWamid?: string | null;
	name?: string;
}

export class SandboxError extends Error {
	constructor(
		message: string,
		readonly statusCode = 400
	) {
		super( message );
	}
}

const DAY_MS = 86_400_000;

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

function random(): number {
	return Math.random();
}

function emptyStats(): AccountStats {
	return {
		accepted: 0,
		errors: {},
		firstAcceptedAt: null,
		lastAcceptedAt: null,
		peakPerSecond: 0,
	};
}

function countryCodeOf( display: string ): string {
	const parsed = parsePhoneNumberFromString( display );
	return parsed?.countryCallingCode ?? phoneDigits( display ).slice( 0, 2 );
}

export class Sandbox {
	private configValue: SandboxConfig;

	private readonly accounts = new Map< string, Account >();

	private readonly templates = new Map< string, MessageTemplate[] >();

	private notOnWhatsApp = new Set< string >();

	private optedOut = new Set< string >();

	private serverErrors = 0;

	private faultTimers = new Set< NodeJS.Timeout >();

	readonly webhooks: WebhookSender;

	constructor(
		patch: SandboxConfigPatch = {},
		private readonly now: () => number = Date.now
	) {
		this.configValue = applyConfigPatch( DEFAULT_CONFIG, patch );
		this.applyLists();
		this.webhooks = new WebhookSender(
			() => this.configValue.statuses,
			now
		);
	}

	get config(): SandboxConfig {
		return this.configValue;
	}

	/**
	 * Change the configuration; a wrong patch throws a ConfigError and changes nothing.
	 *
	 * @param patch What to change.
	 */
	configure( patch: unknown ): SandboxConfig {
		this.configValue = applyConfigPatch( this.configValue, patch );
		this.applyLists();
		return this.configValue;
	}

	/**
	 * The token and app secret of a number's account, if it has one (the control API checks them before an update).
	 *
	 * @param phoneNumberId The number.
	 */
	accountCredentials(
		phoneNumberId: string
	): { token: string; appSecret: string } | null {
		const account = this.accounts.get( phoneNumberId );
		return account
			? { token: account.token, appSecret: account.appSecret }
			: null;
	}

	/**
	 * Create the account for a number, or update the given fields of an existing one (counts are kept).
	 *
	 * @param input The account.
	 */
	ensureAccount( input: SandboxAccountInput ): void {
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
		const existing = this.accounts.get( input.phoneNumberId );
		const throughput =
			input.throughputMps ??
			existing?.throughputMps ??
			this.configValue.defaultThroughputMps;
		if ( typeof throughput !== 'number' || ! ( throughput > 0 ) ) {
			throw new SandboxError( 'throughputMps must be more than 0.' );
		}
		if (
			input.webhookUrl !== undefined &&
			input.webhookUrl !== null &&
			( typeof input.webhookUrl !== 'string' ||
				! /^https?:\/\/[^/]/.test( input.webhookUrl ) )
		) {
			throw new SandboxError(
				'webhookUrl must be an http(s) URL or null.'
			);
		}
		if ( input.tier !== undefined && ! TIERS.includes( input.tier ) ) {
			throw new SandboxError(
				`tier must be one of ${ TIERS.join( ', ' ) }.`
			);
		}
		const display = input.displayPhoneNumber ?? '+39 02 8088 1234';
		const now = this.now();
		const capacity = Math.max(
			1,
			throughput * this.configValue.burstSeconds
		);
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
				void this.webhooks.postNow(
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
			this.accounts.set( input.phoneNumberId, {
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
		if ( ! this.templates.has( input.wabaId ) ) {
			this.templates.set( input.wabaId, defaultTemplates() );
		}
	}

	/**
	 * Whether the Bearer token is any account's token.
	 *
	 * @param token The token sent.
	 */
	private tokenKnown( token: string | null ): boolean {
		if ( ! token ) {
			return false;
		}
		for ( const account of this.accounts.values() ) {
			if ( account.token === token ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Authorise a call on an object (phone number id or WABA id): the token must be that object's account's.
	 *
	 * @param objectId The id in the path.
	 * @param token    The Bearer token, or null.
	 * @param method   HTTP method, for Meta's wording.
	 */
	private authorise(
		objectId: string,
		token: string | null,
		method: string
	): Account | MetaErrorAnswer {
		const account =
			this.accounts.get( objectId ) ??
			[ ...this.accounts.values() ].find(
				( a ) => a.wabaId === objectId && a.token === token
			);
		if ( account && token === account.token ) {
			return account;
		}
		if ( account || ! this.tokenKnown( token ) ) {
			return errors.invalidToken();
		}
		return errors.unknownObject( objectId, method );
	}

	/**
	 * A send, as `POST /{version}/{phone-number-id}/messages` receives it.
	 *
	 * @param version       Graph API version from the path.
	 * @param phoneNumberId From the path.
	 * @param token         Bearer token, or null.
	 * @param rawBody       The request body as received.
	 */
	send(
		version: string,
		phoneNumberId: string,
		token: string | null,
		rawBody: string
	): SendAnswer {
		const auth = this.authorise( phoneNumberId, token, 'POST' );
		if ( ! ( 'bucket' in auth ) ) {
			return { kind: 'error', answer: auth };
		}
		const account = auth;
		const { faults } = this.configValue;
		if ( faults.dropBeforeRate > 0 && random() < faults.dropBeforeRate ) {
			return { kind: 'drop' };
		}
		if ( faults.serverErrorRate > 0 && random() < faults.serverErrorRate ) {
			return this.refuse(
				account,
				errors.serverError( this.serverErrors++ )
			);
		}
		let body: Record< string, unknown >;
		try {
			const parsed: unknown = parseJson( rawBody );
			if (
				typeof parsed !== 'object' ||
				parsed === null ||
				Array.isArray( parsed )
			) {
				throw new Error( 'not an object' );
			}
			body = parsed as Record< string, unknown >;
		} catch {
			return this.refuse(
				account,
				errors.invalidParameter(
					'The request body is not a valid JSON object.'
				)
			);
		}
		const checked = checkMessage( body, {
			countryCode: account.countryCode,
			template: ( name, language ) =>
				this.templates
					.get( account.wabaId )
					?.find(
						( t ) => t.name === name && t.language === language
					),
		} );
		if ( 'answer' in checked ) {
			return this.refuse( account, checked.answer );
		}
		const now = this.now();
		if ( ! account.bucket.tryTake( now ) ) {
			return this.refuse( account, errors.throughput() );
		}
		let record = account.phones.get( checked.waId );
		if (
			checked.category === null &&
			( ! record || now - record.lastInboundAt > DAY_MS )
		) {
			return this.refuse( account, errors.reEngagement() );
		}
		const tat = pairRateAdmit(
			record?.tat ?? 0,
			now,
			this.configValue.pairIntervalMs,
			this.configValue.pairBurst
		);
		if ( tat === null ) {
			return this.refuse( account, errors.pairRate() );
		}
		const messageNumber = nextMessageNumber();
		const wamid = wamidOf( checked.waId, messageNumber );
		const callback =
			typeof body.biz_opaque_callback_data === 'string'
				? body.biz_opaque_callback_data
				: '';
		if ( ! record ) {
			record = {
				count: 0,
				firstCallback: null,
				callbacks: null,
				lastMessage: 0,
				tat: 0,
				lastInboundAt: -Infinity,
			};
			account.phones.set( checked.waId, record );
		}
		this.recordReceived( record, callback );
		record.lastMessage = messageNumber;
		record.tat = tat;
		this.countAccepted( account, now );
		this.scheduleStatuses(
			account,
			version,
			wamid,
			checked.waId,
			callback,
			checked.category,
			now
		);
		let fault: 'timeout' | 'drop' | null = null;
		if ( faults.timeoutRate > 0 && random() < faults.timeoutRate ) {
			fault = 'timeout';
		} else if (
			faults.dropAfterRate > 0 &&
			random() < faults.dropAfterRate
		) {
			fault = 'drop';
		}
		return {
			kind: 'accepted',
			fault,
			body: {
				messaging_product: 'whatsapp',
				contacts: [ { input: checked.input, wa_id: checked.waId } ],
				messages: [ { id: wamid } ],
			},
		};
	}

	private refuse( account: Account, answer: MetaErrorAnswer ): SendAnswer {
		const code = String( answer.body.error.code );
		account.stats.errors[ code ] =
			( account.stats.errors[ code ] ?? 0 ) + 1;
		return { kind: 'error', answer };
	}

	private countAccepted( account: Account, now: number ): void {
		const stats = account.stats;
		stats.accepted++;
		stats.firstAcceptedAt ??= now;
		stats.lastAcceptedAt = now;
		const second = Math.floor( now / 1000 );
		if ( second !== account.currentSecond ) {
			account.currentSecond = second;
			account.currentSecondCount = 0;
		}
		account.currentSecondCount++;
		stats.peakPerSecond = Math.max(
			stats.peakPerSecond,
			account.currentSecondCount
		);
	}

	private recordReceived( record: PhoneRecord, callback: string ): void {
		record.count++;
		if ( record.count === 1 ) {
			record.firstCallback = callback;
			return;
		}
		if ( ! record.callbacks ) {
			record.callbacks = new Map( [ [ record.firstCallback ?? '', 1 ] ] );
		}
		record.callbacks.set(
			callback,
			( record.callbacks.get( callback ) ?? 0 ) + 1
		);
	}

	private scheduleStatuses(
		account: Account,
		version: string,
		wamid: string,
		waId: string,
		callback: string,
		category: string | null,
		now: number
	): void {
		const config = this.configValue.statuses;
		if ( ! config.enabled || ! account.webhookUrl ) {
			return;
		}
		const marketing = category === 'MARKETING';
		let failure: number | null = null;
		if ( this.notOnWhatsApp.has( waId ) ) {
			failure = 131026;
		} else if ( marketing && this.optedOut.has( waId ) ) {
			failure = 131050;
		} else if ( marketing && random() < config.marketingLimitRate ) {
			failure = 131049;
		}
		const message = { wamid, waId, callback, category, version, failure };
		for ( const [ dueAt, status ] of statusTimeline(
			message,
			config,
			now,
			random
		) ) {
			this.webhooks.schedule( account, status, dueAt );
		}
	}

	/**
	 * Simulate a customer's message, button tap or marketing preference, sent to the account's webhook now.
	 *
	 * @param input What the customer does.
	 * @return The webhook receiver's HTTP status (null when it did not answer) and the inbound message id.
	 */
	async inbound(
		input: InboundInput
	): Promise< { webhookStatus: number | null; messageId: string | null } > {
		const account = this.accounts.get( input.phoneNumberId );
		if ( ! account ) {
			throw new SandboxError(
				'No sandbox account has this phoneNumberId.',
				404
			);
		}
		const from = phoneDigits( String( input.from ?? '' ) );
		if ( from.length < 6 ) {
			throw new SandboxError( 'from must be a phone number.' );
		}
		const now = this.now();
		const timestamp = Math.floor( now / 1000 );
		const metadata = {
			display_phone_number: phoneDigits( account.displayPhoneNumber ),
			phone_number_id: account.phoneNumberId,
		};
		if ( input.kind === 'stop' || input.kind === 'resume' ) {
			if ( input.kind === 'stop' ) {
				this.optedOut.add( from );
			} else {
				this.optedOut.delete( from );
			}
			this.configValue.optedOut = [ ...this.optedOut ];
			const webhookStatus = await this.webhooks.postNow(
				account,
				changePayload( account, 'user_preferences', {
					messaging_product: 'whatsapp',
					metadata,
					contacts: [ { wa_id: from } ],
					user_preferences: [
						{
							wa_id: from,
							detail: `User requested to ${ input.kind } marketing messages`,
							category: 'marketing_messages',
							value: input.kind,
							timestamp,
						},
					],
				} )
			);
			return { webhookStatus, messageId: null };
		}
		const record = account.phones.get( from );
		let contextId = input.contextWamid ?? null;
		if (
			input.contextWamid === undefined &&
			record &&
			record.lastMessage > 0
		) {
			contextId = wamidOf( from, record.lastMessage );
		}
		if ( input.kind !== 'text' && ! contextId ) {
			throw new SandboxError(
				'A button tap answers a message: this phone was sent none, and no contextWamid was given.'
			);
		}
		const messageId = newWamid( from );
		const message: Record< string, unknown > = {
			from,
			id: messageId,
			timestamp: String( timestamp ),
		};
		if ( contextId ) {
			message.context = {
				from: metadata.display_phone_number,
				id: contextId,
			};
		}
		if ( input.kind === 'text' ) {
			message.type = 'text';
			message.text = { body: input.text ?? '' };
		} else if ( input.kind === 'button' ) {
			const payload = input.payload ?? input.text ?? '';
			message.type = 'button';
			message.button = { payload, text: input.text ?? payload };
		} else if ( input.kind === 'interactive' ) {
			message.type = 'interactive';
			message.interactive = {
				type: 'button_reply',
				button_reply: {
					id: input.payload ?? '',
					title: input.title ?? input.payload ?? '',
				},
			};
		} else {
			throw new SandboxError(
				'kind must be text, button, interactive, stop or resume.'
			);
		}
		if ( record ) {
			record.lastInboundAt = now;
		} else {
			account.phones.set( from, {
				count: 0,
				firstCallback: null,
				callbacks: null,
				lastMessage: 0,
				tat: 0,
				lastInboundAt: now,
			} );
		}
		const webhookStatus = await this.webhooks.postNow(
			account,
			changePayload( account, 'messages', {
				messaging_product: 'whatsapp',
				metadata,
				contacts: [
					{
						profile: { name: input.name ?? 'Sandbox Customer' },
						wa_id: from,
					},
				],
				messages: [ message ],
			} )
		);
		return { webhookStatus, messageId };
	}

	/**
	 * Change a template's status (as Meta's review or quality system would) and send the status update webhook.
	 *
	 * @param wabaId   The WABA.
	 * @param name     Template name.
	 * @param language Template language.
	 * @param status   The new status (`APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, ...).
	 */
	async setTemplateStatus(
		wabaId: string,
		name: string,
		language: string,
		status: string
	): Promise< void > {
		const template = this.templates
			.get( wabaId )
			?.find( ( t ) => t.name === name && t.language === language );
		if ( ! template ) {
			throw new SandboxError( 'No such template for this WABA.', 404 );
		}
		if ( ! /^[A-Z_]+$/.test( status ) ) {
			throw new SandboxError(
				'status must be an upper-case template status such as PAUSED.'
			);
		}
		template.status = status;
		const account = [ ...this.accounts.values() ].find(
			( a ) => a.wabaId === wabaId
		);
		if ( account ) {
			await this.webhooks.postNow(
				account,
				changePayload( account, 'message_template_status_update', {
					event: status,
					message_template_id: Number( template.id ),
					message_template_name: template.name,
					message_template_language: template.language,
					reason: 'NONE',
					message_template_category: template.category,
				} )
			);
		}
	}

	/**
	 * One page of a WABA's templates, in Meta's paging shape.
	 *
	 * @param wabaId          From the path.
	 * @param token           Bearer token, or null.
	 * @param limit           Page size.
	 * @param after           Cursor from the previous page.
	 * @param pageUrl         The URL of this request, to build `paging.next`.
	 * @param filter          Meta's filters.
	 * @param filter.name     Template name.
	 * @param filter.status   Template status.
	 * @param filter.language Template language.
	 */
	listTemplates(
		wabaId: string,
		token: string | null,
		limit: number,
		after: string | null,
		pageUrl: URL,
		filter: { name?: string; status?: string; language?: string } = {}
	): { answer: MetaErrorAnswer } | { body: unknown } {
		const auth = this.authorise( wabaId, token, 'GET' );
		if ( ! ( 'bucket' in auth ) ) {
			return { answer: auth };
		}
		const start = after === null ? 0 : decodeCursor( after );
		if ( start === null ) {
			return {
				answer: errors.invalidParameter( 'Invalid after cursor.' ),
			};
		}
		const all = ( this.templates.get( auth.wabaId ) ?? [] ).filter(
			( t ) =>
				( ! filter.name || t.name === filter.name ) &&
				( ! filter.status || t.status === filter.status ) &&
				( ! filter.language || t.language === filter.language )
		);
		const size = Math.min( Math.max( 1, limit || 25 ), 100 );
		const page = all.slice( start, start + size );
		const cursors = {
			before: encodeCursor( start ),
			after: encodeCursor( start + Math.max( 0, page.length - 1 ) + 1 ),
		};
		const paging: Record< string, unknown > = { cursors };
		if ( start + size < all.length ) {
			const next = new URL( pageUrl );
			next.searchParams.set( 'after', cursors.after );
			next.searchParams.set( 'limit', String( size ) );
			paging.next = next.toString();
		}
		return { body: { data: page, paging } };
	}

	/**
	 * `GET /{phone-number-id}`: the number's fields, the requested ones or Meta's defaults.
	 *
	 * @param phoneNumberId From the path.
	 * @param token         Bearer token, or null.
	 * @param fields        The `fields` query parameter, or null.
	 */
	phoneNumber(
		phoneNumberId: string,
		token: string | null,
		fields: string | null
	): { answer: MetaErrorAnswer } | { body: Record< string, unknown > } {
		const auth = this.authorise( phoneNumberId, token, 'GET' );
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

	/**
	 * What a phone received, over every business number.
	 *
	 * @param phone The phone, `+` and separators allowed.
	 */
	received( phone: string ): ReceivedSummary {
		const digits = phoneDigits( phone );
		const callbacks: Record< string, number > = {};
		let count = 0;
		let lastWamid: string | null = null;
		for ( const account of this.accounts.values() ) {
			const record = account.phones.get( digits );
			if ( ! record || record.count === 0 ) {
				continue;
			}
			count += record.count;
			lastWamid = wamidOf( digits, record.lastMessage );
			if ( record.callbacks ) {
				for ( const [ data, n ] of record.callbacks ) {
					callbacks[ data ] = ( callbacks[ data ] ?? 0 ) + n;
				}
			} else {
				const data = record.firstCallback ?? '';
				callbacks[ data ] = ( callbacks[ data ] ?? 0 ) + record.count;
			}
		}
		return { phone: digits, count, callbacks, lastWamid };
	}

	/**
	 * Every phone's count at a glance: how many phones got anything, and which got the same message twice.
	 *
	 * @param callbackPrefix Only messages whose callback data starts with this (e.g. a campaign id).
	 */
	receivedSummary( callbackPrefix = '' ): {
		phones: number;
		messages: number;
		/** Phones that got more than one message (with the prefix). */
		phonesWithSeveral: number;
		/** (phone, callback data) pairs received more than once: a duplicate send. */
		duplicates: number;
		examples: Array< { phone: string; callback: string; count: number } >;
	} {
		let phones = 0;
		let messages = 0;
		let phonesWithSeveral = 0;
		let duplicates = 0;
		const examples: Array< {
			phone: string;
			callback: string;
			count: number;
		} > = [];
		const records = function* ( accounts: Iterable< Account > ) {
			for ( const account of accounts ) {
				yield* account.phones;
			}
		};
		for ( const [ phone, record ] of records( this.accounts.values() ) ) {
			let entries: Array< [ string, number ] > = [];
			if ( record.callbacks ) {
				entries = [ ...record.callbacks ];
			} else if ( record.count > 0 ) {
				entries = [ [ record.firstCallback ?? '', record.count ] ];
			}
			let own = 0;
			for ( const [ callback, n ] of entries ) {
				if ( ! callback.startsWith( callbackPrefix ) ) {
					continue;
				}
				own += n;
				if ( n > 1 ) {
					duplicates++;
					if ( examples.length < 20 ) {
						examples.push( {
							phone,
							callback,
							count: n,
						} );
					}
				}
			}
			if ( own > 0 ) {
				phones++;
				messages += own;
				if ( own > 1 ) {
					phonesWithSeveral++;
				}
			}
		}
		return { phones, messages, phonesWithSeveral, duplicates, examples };
	}

	stats(): Record< string, unknown > {
		const accounts: Record< string, unknown > = {};
		let accepted = 0;
		const errorsByCode: Record< string, number > = {};
		for ( const account of this.accounts.values() ) {
			accepted += account.stats.accepted;
			for ( const [ code, n ] of Object.entries(
				account.stats.errors
			) ) {
				errorsByCode[ code ] = ( errorsByCode[ code ] ?? 0 ) + n;
			}
			accounts[ account.phoneNumberId ] = {
				tenantId: account.tenantId,
				wabaId: account.wabaId,
				throughputMps: account.throughputMps,
				tier: account.tier,
				...account.stats,
			};
		}
		return {
			accepted,
			errors: errorsByCode,
			phones: [ ...this.accounts.values() ].reduce(
				( n, account ) => n + account.phones.size,
				0
			),
			webhooks: this.webhooks.snapshot(),
			accounts,
		};
	}

	/** Forget what phones received and the counters; accounts, templates and configuration stay. */
	reset(): void {
		for ( const account of this.accounts.values() ) {
			account.phones.clear();
			account.stats = emptyStats();
			account.currentSecondCount = 0;
		}
		Object.assign( this.webhooks.stats, {
			delivered: 0,
			statusesDelivered: 0,
			failedAttempts: 0,
			dropped: 0,
		} );
	}

	/**
	 * Keep a fault's connection for a while, then cut it; forgotten on close.
	 *
	 * @param ms     How long.
	 * @param action What to do then.
	 */
	hold( ms: number, action: () => void ): void {
		const timer = setTimeout( () => {
			this.faultTimers.delete( timer );
			action();
		}, ms );
		this.faultTimers.add( timer );
	}

	async close(): Promise< void > {
		for ( const timer of this.faultTimers ) {
			clearTimeout( timer );
		}
		this.faultTimers.clear();
		await this.webhooks.close();
	}

	private applyLists(): void {
		this.notOnWhatsApp = new Set( this.configValue.notOnWhatsApp );
		this.optedOut = new Set( this.configValue.optedOut );
	}
}

function encodeCursor( offset: number ): string {
	return Buffer.from( `o:${ offset }` ).toString( 'base64url' );
}

function decodeCursor( cursor: string ): number | null {
	const match = Buffer.from( cursor, 'base64url' )
		.toString()
		.match( /^o:(\d+)$/ );
	return match ? Number( match[ 1 ] ) : null;
}
