/**
 * A send, as `POST /{version}/{phone-number-id}/messages` receives it: the faults asked for, Meta's checks and rates,
 * what the phone is counted as having received, and the status webhooks that follow an accepted message.
 */

/**
 * Internal dependencies
 */
import { parseJson } from '../net/json.js';
import { authorise } from './accounts.js';
import { pairRateAdmit } from './limits.js';
import { checkMessage } from './message-checks.js';
import { errors, type MetaErrorAnswer } from './meta-errors.js';
import type { Account, PhoneRecord, SandboxState } from './state.js';
import { statusTimeline } from './status-timeline.js';
import { nextMessageNumber, wamidOf } from './wamid.js';

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

const DAY_MS = 86_400_000;

function random(): number {
	return Math.random();
}

/**
 * A send, as `POST /{version}/{phone-number-id}/messages` receives it.
 *
 * @param state         The emulator's state.
 * @param version       Graph API version from the path.
 * @param phoneNumberId From the path.
 * @param token         Bearer token, or null.
 * @param rawBody       The request body as received.
 */
export function send(
	state: SandboxState,
	version: string,
	phoneNumberId: string,
	token: string | null,
	rawBody: string
): SendAnswer {
	const auth = authorise( state, phoneNumberId, token, 'POST' );
	if ( ! ( 'bucket' in auth ) ) {
		return { kind: 'error', answer: auth };
	}
	const account = auth;
	const { faults } = state.config;
	if ( faults.dropBeforeRate > 0 && random() < faults.dropBeforeRate ) {
		return { kind: 'drop' };
	}
	if ( faults.serverErrorRate > 0 && random() < faults.serverErrorRate ) {
		return refuse( account, errors.serverError( state.serverErrors++ ) );
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
		return refuse(
			account,
			errors.invalidParameter(
				'The request body is not a valid JSON object.'
			)
		);
	}
	const checked = checkMessage( body, {
		countryCode: account.countryCode,
		template: ( name, language ) =>
			state.templates
				.get( account.wabaId )
				?.find( ( t ) => t.name === name && t.language === language ),
	} );
	if ( 'answer' in checked ) {
		return refuse( account, checked.answer );
	}
	const now = state.now();
	if ( ! account.bucket.tryTake( now ) ) {
		return refuse( account, errors.throughput() );
	}
	let record = account.phones.get( checked.waId );
	if (
		checked.category === null &&
		( ! record || now - record.lastInboundAt > DAY_MS )
	) {
		return refuse( account, errors.reEngagement() );
	}
	const tat = pairRateAdmit(
		record?.tat ?? 0,
		now,
		state.config.pairIntervalMs,
		state.config.pairBurst
	);
	if ( tat === null ) {
		return refuse( account, errors.pairRate() );
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
	recordReceived( record, callback );
	record.lastMessage = messageNumber;
	record.tat = tat;
	countAccepted( account, now );
	scheduleStatuses(
		state,
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
	} else if ( faults.dropAfterRate > 0 && random() < faults.dropAfterRate ) {
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

function refuse( account: Account, answer: MetaErrorAnswer ): SendAnswer {
	const code = String( answer.body.error.code );
	account.stats.errors[ code ] = ( account.stats.errors[ code ] ?? 0 ) + 1;
	return { kind: 'error', answer };
}

function countAccepted( account: Account, now: number ): void {
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

function recordReceived( record: PhoneRecord, callback: string ): void {
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

function scheduleStatuses(
	state: SandboxState,
	account: Account,
	version: string,
	wamid: string,
	waId: string,
	callback: string,
	category: string | null,
	now: number
): void {
	const config = state.config.statuses;
	if ( ! config.enabled || ! account.webhookUrl ) {
		return;
	}
	const marketing = category === 'MARKETING';
	let failure: number | null = null;
	if ( state.notOnWhatsApp.has( waId ) ) {
		failure = 131026;
	} else if ( marketing && state.optedOut.has( waId ) ) {
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
		state.webhooks.schedule( account, status, dueAt );
	}
}
