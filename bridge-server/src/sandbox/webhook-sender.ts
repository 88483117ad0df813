/**
 * Delivery of the emulator's signed webhooks, cheap at 1,000 messages per second: statuses wait in time buckets
 * (one array per 10 ms slot), one interval timer collects the due ones, groups them per account into batches and
 * posts them with a bounded number of requests in flight. No timer per message.
 */

/**
 * External dependencies
 */
import { Agent, request } from 'undici';

/**
 * Internal dependencies
 */
import { signWebhook } from '../whatsapp/webhook-signature.js';
import type { StatusWebhookConfig } from './config.js';

/** Where an account's webhooks go and how they are signed. */
export interface WebhookTarget {
	webhookUrl: string | null;
	appSecret: string;
	wabaId: string;
	phoneNumberId: string;
	displayPhoneNumber: string;
}

interface Delivery {
	target: WebhookTarget;
	body: Buffer;
	statuses: number;
	attempts: number;
	/** Told the answer of the first attempt (inbound simulations wait for it). */
	onFirstAnswer?: ( status: number | null ) => void;
}

export interface WebhookStats {
	/** Requests answered 200. */
	delivered: number;
	/** Statuses inside those requests. */
	statusesDelivered: number;
	/** Attempts answered otherwise or not at all. */
	failedAttempts: number;
	/** Requests given up after the last attempt. */
	dropped: number;
	/** Statuses waiting for their time or for a request slot. */
	pending: number;
}

const SLOT_MS = 10;

export class WebhookSender {
	private readonly slots = new Map<
		number,
		Array< [ WebhookTarget, unknown ] >
	>();

	private readonly retries = new Map< number, Delivery[] >();

	private readonly ready: Delivery[] = [];

	private inFlight = 0;

	private pendingStatuses = 0;

	private timer: NodeJS.Timeout | null = null;

	private timerInterval = 0;

	private closed = false;

	private readonly agent = new Agent( {
		connections: 32,
		keepAliveTimeout: 10_000,
	} );

	readonly stats = {
		delivered: 0,
		statusesDelivered: 0,
		failedAttempts: 0,
		dropped: 0,
	};

	constructor(
		private readonly config: () => StatusWebhookConfig,
		private readonly now: () => number = Date.now
	) {}

	snapshot(): WebhookStats {
		return {
			...this.stats,
			pending:
				this.pendingStatuses +
				this.ready.reduce( ( n, d ) => n + d.statuses, 0 ),
		};
	}

	/**
	 * Post one status object at a given time, batched with the others due then.
	 *
	 * @param target Where to.
	 * @param status The `statuses[]` item.
	 * @param dueAt  When, in ms.
	 */
	schedule( target: WebhookTarget, status: unknown, dueAt: number ): void {
		if ( this.closed || ! target.webhookUrl ) {
			return;
		}
		const slot = Math.ceil( dueAt / SLOT_MS );
		let list = this.slots.get( slot );
		if ( ! list ) {
			list = [];
			this.slots.set( slot, list );
		}
		list.push( [ target, status ] );
		this.pendingStatuses++;
		this.ensureTimer();
	}

	/**
	 * Post a whole webhook body now (inbound messages, preferences, template updates), with the same retries.
	 *
	 * @param target Where to.
	 * @param body   The payload object.
	 * @return The receiver's HTTP status on the first attempt, or null when it did not answer.
	 */
	postNow( target: WebhookTarget, body: unknown ): Promise< number | null > {
		if ( this.closed || ! target.webhookUrl ) {
			return Promise.resolve( null );
		}
		return new Promise( ( resolve ) => {
			this.ready.unshift( {
				target,
				body: Buffer.from( JSON.stringify( body ) ),
				statuses: 0,
				attempts: 0,
				onFirstAnswer: resolve,
			} );
			this.pump();
		} );
	}

	async close(): Promise< void > {
		this.closed = true;
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
		this.slots.clear();
		this.retries.clear();
		for ( const delivery of this.ready.splice( 0 ) ) {
			delivery.onFirstAnswer?.( null );
		}
		await this.agent.destroy();
	}

	private ensureTimer(): void {
		const interval = this.config().flushIntervalMs;
		if ( this.timer && this.timerInterval === interval ) {
			return;
		}
		if ( this.timer ) {
			clearInterval( this.timer );
		}
		this.timerInterval = interval;
		this.timer = setInterval( () => this.flush(), interval );
		this.timer.unref();
	}

	private flush(): void {
		const nowSlot = Math.floor( this.now() / SLOT_MS );
		const due = new Map< WebhookTarget, unknown[] >();
		// Oldest first, so that a late flush (a busy event loop) still posts statuses in their time order.
		const dueSlots = [ ...this.slots.keys() ]
			.filter( ( slot ) => slot <= nowSlot )
			.sort( ( a, b ) => a - b );
		for ( const slot of dueSlots ) {
			const list = this.slots.get( slot ) ?? [];
			this.slots.delete( slot );
			for ( const [ target, status ] of list ) {
				let statuses = due.get( target );
				if ( ! statuses ) {
					statuses = [];
					due.set( target, statuses );
				}
				statuses.push( status );
			}
			this.pendingStatuses -= list.length;
		}
		const { batchSize } = this.config();
		for ( const [ target, statuses ] of due ) {
			for ( let i = 0; i < statuses.length; i += batchSize ) {
				const batch = statuses.slice( i, i + batchSize );
				this.ready.push( {
					target,
					body: Buffer.from(
						JSON.stringify( statusPayload( target, batch ) )
					),
					statuses: batch.length,
					attempts: 0,
				} );
			}
		}
		for ( const [ slot, list ] of this.retries ) {
			if ( slot <= nowSlot ) {
				this.retries.delete( slot );
				this.ready.push( ...list );
			}
		}
		this.pump();
		if (
			this.slots.size === 0 &&
			this.retries.size === 0 &&
			this.ready.length === 0 &&
			this.inFlight === 0 &&
			this.timer
		) {
			clearInterval( this.timer );
			this.timer = null;
		}
	}

	private pump(): void {
		const { concurrency } = this.config();
		while ( this.inFlight < concurrency && this.ready.length > 0 ) {
			const delivery = this.ready.shift() as Delivery;
			this.inFlight++;
			void this.deliver( delivery ).finally( () => {
				this.inFlight--;
				this.pump();
			} );
		}
	}

	private async deliver( delivery: Delivery ): Promise< void > {
		const { timeoutMs, maxAttempts, retryBaseMs } = this.config();
		delivery.attempts++;
		let status: number | null = null;
		try {
			const answer = await request(
				delivery.target.webhookUrl as string,
				{
					method: 'POST',
					dispatcher: this.agent,
					headersTimeout: timeoutMs,
					bodyTimeout: timeoutMs,
					headers: {
						'content-type': 'application/json',
						'user-agent': 'facebookexternalua',
						'x-hub-signature-256': signWebhook(
							delivery.target.appSecret,
							delivery.body
						),
					},
					body: delivery.body,
				}
			);
			status = answer.statusCode;
			await answer.body.dump();
		} catch {
			status = null;
		}
		if ( delivery.onFirstAnswer ) {
			delivery.onFirstAnswer( status );
			delete delivery.onFirstAnswer;
		}
		// Meta retries anything but a 200, and so does the emulator.
		if ( status === 200 ) {
			this.stats.delivered++;
			this.stats.statusesDelivered += delivery.statuses;
			return;
		}
		this.stats.failedAttempts++;
		if ( this.closed || delivery.attempts >= maxAttempts ) {
			this.stats.dropped++;
			return;
		}
		const delay = retryBaseMs * 2 ** ( delivery.attempts - 1 );
		const slot = Math.ceil( ( this.now() + delay ) / SLOT_MS );
		const list = this.retries.get( slot ) ?? [];
		list.push( delivery );
		this.retries.set( slot, list );
		this.ensureTimer();
	}
}

/**
 * A status webhook body, as Meta sends it: one entry for the WABA, one change for the number, its statuses.
 *
 * @param target   The account.
 * @param statuses The `statuses[]` items.
 */
export function statusPayload(
	target: WebhookTarget,
	statuses: unknown[]
): unknown {
	return changePayload( target, 'messages', {
		messaging_product: 'whatsapp',
		metadata: {
			display_phone_number: target.displayPhoneNumber,
			phone_number_id: target.phoneNumberId,
		},
		statuses,
	} );
}

/**
 * Any WhatsApp Business Account webhook body with one change.
 *
 * @param target The account.
 * @param field  The change field (`messages`, `user_preferences`, ...).
 * @param value  The change value.
 */
export function changePayload(
	target: WebhookTarget,
	field: string,
	value: unknown
): unknown {
	// Account-level updates carry the entry's time; message and preference webhooks do not (as in Meta's examples).
	const accountLevel = field !== 'messages' && field !== 'user_preferences';
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: target.wabaId,
				...( accountLevel
					? { time: Math.floor( Date.now() / 1000 ) }
					: {} ),
				changes: [ { value, field } ],
			},
		],
	};
}
