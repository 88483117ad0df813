/**
 * The status webhooks that follow one accepted message, as Meta sends them: `sent`, then maybe `delivered` and `read`
 * (or one `failed`), with pricing (and the conversation before v24), optionally duplicated and shuffled in time.
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';

/**
 * Internal dependencies
 */
import type { StatusWebhookConfig } from './config.js';
import { statusError } from './meta-errors.js';

export interface AcceptedMessage {
	wamid: string;
	waId: string;
	/** `biz_opaque_callback_data`, empty when none was sent. */
	callback: string;
	/** The template's category, null for a free-form message. */
	category: string | null;
	/** Graph API version the message was sent with. */
	version: string;
	/** The code of a failed status to send instead of delivery (131026, 131050, 131049), or null. */
	failure: number | null;
}

const DAY_MS = 86_400_000;

const CONVERSATION_PREFIX = randomBytes( 8 ).toString( 'hex' );
let conversations = 0;

/** A 32-hex-digit conversation id like Meta's, unique in this process, without reading the entropy pool per message. */
function conversationId(): string {
	conversations++;
	return (
		CONVERSATION_PREFIX + conversations.toString( 16 ).padStart( 16, '0' )
	);
}

function versionNumber( version: string ): number {
	return Number( version.replace( /^v/, '' ) ) || 0;
}

/**
 * When each status of a message is due, and what it says.
 *
 * @param message The accepted message.
 * @param config  Delays, probabilities, duplicates and disorder.
 * @param now     When it was accepted, in ms.
 * @param random  A source of [0, 1) numbers.
 * @return Pairs of due time (ms) and `statuses[]` item, duplicates included.
 */
export function statusTimeline(
	message: AcceptedMessage,
	config: StatusWebhookConfig,
	now: number,
	random: () => number
): Array< [ number, Record< string, unknown > ] > {
	const { wamid, waId, callback, category, version, failure } = message;
	const finish = ( status: Record< string, unknown > ) => {
		const full: Record< string, unknown > = {
			id: wamid,
			...status,
			recipient_id: waId,
		};
		if ( callback !== '' ) {
			full.biz_opaque_callback_data = callback;
		}
		return full;
	};
	const timeline: Array< [ number, Record< string, unknown > ] > = [];
	const at = ( delay: number ) =>
		String( Math.floor( ( now + delay ) / 1000 ) );
	if ( failure !== null ) {
		timeline.push( [
			config.sentDelayMs,
			finish( {
				status: 'failed',
				timestamp: at( config.sentDelayMs ),
				errors: [ statusError( failure ) ],
			} ),
		] );
	} else {
		const pricingCategory = ( category ?? 'service' ).toLowerCase();
		const billed: Record< string, unknown > = {
			pricing: {
				billable: category !== null,
				pricing_model: 'PMP',
				type: category === null ? 'free_customer_service' : 'regular',
				category: pricingCategory,
			},
		};
		if ( versionNumber( version ) < 24 ) {
			// Conversation objects are gone from v24 on.
			billed.conversation = {
				id: conversationId(),
				expiration_timestamp: String(
					Math.floor( ( now + DAY_MS ) / 1000 )
				),
				origin: { type: pricingCategory },
			};
		}
		timeline.push( [
			config.sentDelayMs,
			finish( {
				status: 'sent',
				timestamp: at( config.sentDelayMs ),
				...billed,
			} ),
		] );
		if ( random() < config.deliveredRate ) {
			timeline.push( [
				config.deliveredDelayMs,
				finish( {
					status: 'delivered',
					timestamp: at( config.deliveredDelayMs ),
					...billed,
				} ),
			] );
			if ( random() < config.readRate ) {
				timeline.push( [
					config.readDelayMs,
					finish( {
						status: 'read',
						timestamp: at( config.readDelayMs ),
					} ),
				] );
			}
		}
	}
	if ( timeline.length > 1 && random() < config.outOfOrderRate ) {
		// Deliver the same statuses at shuffled times: a read before its delivered, a late sent.
		const delays = timeline.map( ( [ delay ] ) => delay ).reverse();
		timeline.forEach(
			( item, i ) => ( item[ 0 ] = delays[ i ] ?? item[ 0 ] )
		);
	}
	const due: Array< [ number, Record< string, unknown > ] > = [];
	for ( const [ delay, status ] of timeline ) {
		due.push( [ now + delay, status ] );
		if ( config.duplicateRate > 0 && random() < config.duplicateRate ) {
			due.push( [
				now + delay + Math.floor( random() * 1_000 ),
				status,
			] );
		}
	}
	return due;
}
