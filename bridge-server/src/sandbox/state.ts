/**
 * The emulator's state, shared by its parts (accounts.ts, sends.ts, inbound.ts, waba-templates.ts, received.ts) and
 * held by the Sandbox (sandbox.ts): the accounts with what each phone got from them, the templates per WABA, the
 * special recipient lists and the webhook sender. In memory and bounded: one small record per recipient phone.
 */

/**
 * Internal dependencies
 */
import type { MessageTemplate } from '../whatsapp/client.js';
import type { SandboxConfig } from './config.js';
import type { TokenBucket } from './limits.js';
import type { WebhookSender, WebhookTarget } from './webhook-sender.js';

export interface AccountStats {
	accepted: number;
	/** Refusals by Meta error code. */
	errors: Record< string, number >;
	firstAcceptedAt: number | null;
	lastAcceptedAt: number | null;
	/** Most messages accepted within one wall-clock second. */
	peakPerSecond: number;
}

export interface Account extends WebhookTarget {
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
export interface PhoneRecord {
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

/** Everything the emulator remembers; the Sandbox owns it, its parts read and change it. */
export interface SandboxState {
	config: SandboxConfig;
	readonly accounts: Map< string, Account >;
	readonly templates: Map< string, MessageTemplate[] >;
	/** Phones that are not on WhatsApp, and those that stopped marketing (from the configuration, and inbound `stop`). */
	notOnWhatsApp: Set< string >;
	optedOut: Set< string >;
	/** Counter behind the 5xx fault's error codes. */
	serverErrors: number;
	readonly webhooks: WebhookSender;
	readonly now: () => number;
}

export class SandboxError extends Error {
	constructor(
		message: string,
		readonly statusCode = 400
	) {
		super( message );
	}
}

export function emptyStats(): AccountStats {
	return {
		accepted: 0,
		errors: {},
		firstAcceptedAt: null,
		lastAcceptedAt: null,
		peakPerSecond: 0,
	};
}
