/**
 * Inbound messages and interactions: every message a customer sends is recorded once (deduplicated by Meta's id); a
 * reply or a button / quick-reply tap on a campaign message marks its run interacted (counted once per run); a tap
 * whose payload or label is one of the tenant's opt-out payloads becomes a "stop" for the consent owner.
 */

/**
 * Internal dependencies
 */
import type { InboundMessageEvent } from '../whatsapp/webhook-types.js';
import {
	chunks,
	seconds,
	toE164,
	type CounterDelta,
	type Trx,
} from './apply-common.js';
import {
	optOutPayloads,
	type ConsentOptions,
	type PreferenceChange,
} from './consent.js';
import { lockRecipients, type MessageKey } from './message-lookup.js';
import {
	applyInboundToAutomations,
	type InboundForAutomations,
} from '../automations/inbound-triggers.js';
import type { Database } from '../storage/schema.js';
import { isPostgres } from '../storage/dialect.js';
import type { Kysely } from 'kysely';

export async function applyInbound(
	trx: Trx,
	inbound: Array< { tenantId: string; event: InboundMessageEvent } >,
	touch: ( tenantId: string, campaignId: string ) => CounterDelta,
	preferences: PreferenceChange[],
	options: ConsentOptions,
	now: number
): Promise< void > {
	const usable = inbound.filter( ( { event } ) => event.id !== '' );
	const replies: MessageKey[] = [];
	for ( const { tenantId, event } of usable ) {
		if ( event.contextId ) {
			replies.push( {
				tenantId,
				waId: event.from,
				wamid: event.contextId,
			} );
		}
	}
	const recipients =
		replies.length > 0 ? await lockRecipients( trx, [], replies ) : [];
	// Replies are about the run (an interaction counts once per run, whichever of its messages was answered).
	const byWamid = new Map(
		recipients.map( ( r ) => [ `${ r.tenant_id }\u0000${ r.wamid }`, r ] )
	);

	// Dedupe by Meta's message id: only the first copy of a message is acted on.
	const fresh = new Set< string >();
	for ( const part of chunks( usable, 200 ) ) {
		const rows = part.map( ( { tenantId, event } ) => {
			const recipient = event.contextId
				? byWamid.get( `${ tenantId }\u0000${ event.contextId }` )
				: undefined;
			return {
				tenant_id: tenantId,
				message_id: event.id,
				from_phone: toE164( event.from ),
				from_user_id: event.fromUserId,
				type: event.type || 'unknown',
				context_wamid: event.contextId,
				payload: event.button?.payload ?? event.interactive?.id ?? null,
				text:
					(
						event.button?.text ??
						event.interactive?.title ??
						event.text ??
						''
					).slice( 0, 1000 ) || null,
				campaign_id: recipient?.campaign_id ?? null,
				recipient_id: recipient?.run_id ?? null,
				sent_at: seconds( event.timestamp ) || now,
				received_at: now,
			};
		} );
		const inserted = await trx
			.insertInto( 'inbound_messages' )
			.values( rows )
			.onConflict( ( oc ) =>
				oc.columns( [ 'tenant_id', 'message_id' ] ).doNothing()
			)
			.returning( [ 'tenant_id', 'message_id' ] )
			.execute();
		for ( const row of inserted ) {
			fresh.add( `${ row.tenant_id }\u0000${ row.message_id }` );
		}
	}

	const payloads = await optOutPayloads(
		trx,
		[ ...new Set( usable.map( ( u ) => u.tenantId ) ) ],
		options
	);
	const interacted = new Map<
		number,
		{ at: number; payload: string | null }
	>();
	const forAutomations: InboundForAutomations[] = [];
	for ( const { tenantId, event } of usable ) {
		const key = `${ tenantId }\u0000${ event.id }`;
		if ( ! fresh.has( key ) ) {
			continue;
		}
		fresh.delete( key );
		const recipient = event.contextId
			? byWamid.get( `${ tenantId }\u0000${ event.contextId }` )
			: undefined;
		const payload = event.button?.payload ?? event.interactive?.id ?? null;
		const label = event.button?.text ?? event.interactive?.title ?? null;
		forAutomations.push( {
			tenantId,
			phone: recipient?.phone ?? toE164( event.from ),
			payload,
			title: label,
			text: event.text ?? null,
			runId: recipient?.run_id ?? null,
		} );
		if (
			recipient &&
			recipient.interacted_at === null &&
			! interacted.has( recipient.run_id )
		) {
			interacted.set( recipient.run_id, {
				at: seconds( event.timestamp ) || now,
				payload: payload ?? label ?? event.type,
			} );
			touch( tenantId, recipient.campaign_id ).interactions += 1;
		}
		const stops = payloads.get( tenantId );
		const tapped = [ payload, label ]
			.filter( ( p ): p is string => !! p )
			.map( ( p ) => p.trim().toLowerCase() );
		if ( stops && tapped.some( ( p ) => stops.has( p ) ) ) {
			const phone = recipient?.phone ?? toE164( event.from );
			if ( phone ) {
				preferences.push( {
					tenantId,
					phone,
					value: 'stop',
					source: 'stop_button',
					at: seconds( event.timestamp ) || now,
				} );
			}
		}
	}
	// Automations: replies to waiting runs, button and keyword triggers (src/automations), in this transaction.
	await applyInboundToAutomations(
		trx as unknown as Kysely< Database >,
		isPostgres( trx ) ? 'postgres' : 'sqlite',
		forAutomations,
		now
	);
	for ( const [ id, { at, payload } ] of interacted ) {
		await trx
			.updateTable( 'recipients' )
			.set( {
				interacted_at: at,
				interaction_payload: payload,
				updated_at: now,
			} )
			.where( 'id', '=', id )
			.where( 'interacted_at', 'is', null )
			.execute();
	}
}
