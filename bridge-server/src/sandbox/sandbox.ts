/**
 * The emulator, independent of HTTP: the Sandbox holds its state (state.ts) and answers through its parts, one concept
 * each: accounts and tiers (accounts.ts), sends and their answers (sends.ts), simulated customers (inbound.ts), a WABA's
 * templates (waba-templates.ts), what phones received and the counters (received.ts); status webhooks are delivered by
 * webhook-sender.ts. index.ts serves it over HTTP. State is in memory and bounded: one small record per recipient
 * phone (counts, last message id, pair-rate time), no per-message history.
 */

/**
 * Internal dependencies
 */
import {
	accountCredentials,
	ensureAccount,
	phoneNumber,
	type SandboxAccountInput,
} from './accounts.js';
import {
	applyConfigPatch,
	DEFAULT_CONFIG,
	type SandboxConfig,
	type SandboxConfigPatch,
} from './config.js';
import { inbound, type InboundInput } from './inbound.js';
import {
	received,
	receivedSummary,
	reset,
	stats,
	type ReceivedSummary,
} from './received.js';
import { send, type SendAnswer } from './sends.js';
import type { SandboxState } from './state.js';
import { listTemplates, setTemplateStatus } from './waba-templates.js';
import { WebhookSender } from './webhook-sender.js';

export { TIERS, type SandboxAccountInput } from './accounts.js';
export type { InboundInput } from './inbound.js';
export type { ReceivedSummary } from './received.js';
export type { SendAnswer } from './sends.js';
export { SandboxError } from './state.js';

export class Sandbox {
	private readonly state: SandboxState;

	private faultTimers = new Set< NodeJS.Timeout >();

	readonly webhooks: WebhookSender;

	constructor(
		patch: SandboxConfigPatch = {},
		now: () => number = Date.now
	) {
		this.webhooks = new WebhookSender(
			() => this.state.config.statuses,
			now
		);
		this.state = {
			config: applyConfigPatch( DEFAULT_CONFIG, patch ),
			accounts: new Map(),
			templates: new Map(),
			notOnWhatsApp: new Set(),
			optedOut: new Set(),
			serverErrors: 0,
			webhooks: this.webhooks,
			now,
		};
		this.applyLists();
	}

	get config(): SandboxConfig {
		return this.state.config;
	}

	/**
	 * Change the configuration; a wrong patch throws a ConfigError and changes nothing.
	 *
	 * @param patch What to change.
	 */
	configure( patch: unknown ): SandboxConfig {
		this.state.config = applyConfigPatch( this.state.config, patch );
		this.applyLists();
		return this.state.config;
	}

	/**
	 * The token and app secret of a number's account, if it has one (accounts.ts).
	 *
	 * @param phoneNumberId The number.
	 */
	accountCredentials(
		phoneNumberId: string
	): { token: string; appSecret: string } | null {
		return accountCredentials( this.state, phoneNumberId );
	}

	/**
	 * Create the account for a number, or update the given fields of an existing one (accounts.ts).
	 *
	 * @param input The account.
	 */
	ensureAccount( input: SandboxAccountInput ): void {
		ensureAccount( this.state, input );
	}

	/**
	 * A send, as `POST /{version}/{phone-number-id}/messages` receives it (sends.ts).
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
		return send( this.state, version, phoneNumberId, token, rawBody );
	}

	/**
	 * Simulate a customer's message, button tap or marketing preference (inbound.ts).
	 *
	 * @param input What the customer does.
	 */
	inbound(
		input: InboundInput
	): Promise< { webhookStatus: number | null; messageId: string | null } > {
		return inbound( this.state, input );
	}

	/**
	 * Change a template's status and send the status update webhook (waba-templates.ts).
	 *
	 * @param wabaId   The WABA.
	 * @param name     Template name.
	 * @param language Template language.
	 * @param status   The new status (`APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, ...).
	 */
	setTemplateStatus(
		wabaId: string,
		name: string,
		language: string,
		status: string
	): Promise< void > {
		return setTemplateStatus( this.state, wabaId, name, language, status );
	}

	/**
	 * One page of a WABA's templates, in Meta's paging shape (waba-templates.ts).
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
	): ReturnType< typeof listTemplates > {
		return listTemplates(
			this.state,
			wabaId,
			token,
			limit,
			after,
			pageUrl,
			filter
		);
	}

	/**
	 * `GET /{phone-number-id}` (accounts.ts).
	 *
	 * @param phoneNumberId From the path.
	 * @param token         Bearer token, or null.
	 * @param fields        The `fields` query parameter, or null.
	 */
	phoneNumber(
		phoneNumberId: string,
		token: string | null,
		fields: string | null
	): ReturnType< typeof phoneNumber > {
		return phoneNumber( this.state, phoneNumberId, token, fields );
	}

	/**
	 * What a phone received, over every business number (received.ts).
	 *
	 * @param phone The phone, `+` and separators allowed.
	 */
	received( phone: string ): ReceivedSummary {
		return received( this.state, phone );
	}

	/**
	 * Every phone's count at a glance (received.ts).
	 *
	 * @param callbackPrefix Only messages whose callback data starts with this (e.g. a campaign id).
	 */
	receivedSummary(
		callbackPrefix = ''
	): ReturnType< typeof receivedSummary > {
		return receivedSummary( this.state, callbackPrefix );
	}

	stats(): Record< string, unknown > {
		return stats( this.state );
	}

	/** Forget what phones received and the counters; accounts, templates and configuration stay. */
	reset(): void {
		reset( this.state );
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
		this.state.notOnWhatsApp = new Set( this.state.config.notOnWhatsApp );
		this.state.optedOut = new Set( this.state.config.optedOut );
	}
}
