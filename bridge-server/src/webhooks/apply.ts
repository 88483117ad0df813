/**
 * Applying webhooks: the orchestrator. Stores each delivery's raw body (and marks its tenants' webhooks verified), sorts
 * its events and routes each to its owner: statuses to message-statuses.ts, inbound messages and taps to inbound.ts,
 * preferences to consent.ts, phone quality to account-quality.ts, template changes to template-events.ts; then applies
 * the preference changes and template pauses they collected and moves the campaign counters once per campaign.
 */

/**
 * External dependencies
 */
import { sql } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { markWebhooksVerified } from '../tenants/store.js';
import type {
	InboundMessageEvent,
	StatusEvent,
	WebhookEvent,
} from '../whatsapp/webhook-types.js';
import { applyQuality } from './account-quality.js';
import { chunks, type CounterDelta, type Trx } from './apply-common.js';
import {
	applyPreference,
	collectPreference,
	type ConsentOptions,
	type PreferenceChange,
} from './consent.js';
import { applyInbound } from './inbound.js';
import { applyStatuses } from './message-statuses.js';
import {
	applyTemplateCategory,
	applyTemplateStatus,
	pauseCampaign,
	type TemplateFailure,
} from './template-events.js';

// Re-exported for bench/webhooks-apply.mjs, which loads apply.js from any build's dist (A/B against older builds); the
// list itself is the consent owner's (consent.ts), where the bridge's own modules import it from.
export { DEFAULT_OPT_OUT_PAYLOADS } from './consent.js';

/** One accepted webhook request: its raw body and its events, each already attributed to a tenant. */
export interface WebhookDelivery {
	/** Tenants the body speaks for (usually one); the raw body is stored once for each. */
	tenantIds: string[];
	body: string;
	events: Array< { tenantId: string; event: WebhookEvent } >;
	receivedAt: number;
}

/** What applying needs beyond the deliveries: the consent owner's settings (the default opt-out payloads). */
export type ApplyOptions = ConsentOptions;

/**
 * Applies a group of deliveries inside the caller's transaction: stores each raw body, then merges statuses, records
 * replies and taps, opt-outs, tenant and template changes, and moves the campaign counters by exactly what changed.
 * Everything is idempotent: applying the same deliveries again changes nothing but the raw log.
 *
 * Work is done in a few set-wise statements per group (not per event), so a group of a thousand statuses costs about
 * what one costs: that is what makes group commit pay off.
 */
export async function applyDeliveries(
	trx: Trx,
	deliveries: WebhookDelivery[],
	options: ApplyOptions,
	/** False when the raw bodies are already stored (a replay of unapplied events). */
	store = true
): Promise< void > {
	const now = deliveries.reduce(
		( max, d ) => Math.max( max, d.receivedAt ),
		0
	);
	if ( store ) {
		await storeRaw( trx, deliveries );
	}

	const statuses: Array< { tenantId: string; event: StatusEvent } > = [];
	const inbound: Array< { tenantId: string; event: InboundMessageEvent } > =
		[];
	const others: Array< { tenantId: string; event: WebhookEvent } > = [];
	for ( const delivery of deliveries ) {
		for ( const item of delivery.events ) {
			if ( item.event.kind === 'status' ) {
				statuses.push(
					item as { tenantId: string; event: StatusEvent }
				);
			} else if ( item.event.kind === 'message' ) {
				inbound.push(
					item as { tenantId: string; event: InboundMessageEvent }
				);
			} else {
				others.push( item );
			}
		}
	}

	const counters = new Map< string, CounterDelta >();
	const preferences: PreferenceChange[] = [];
	const templateFailures: TemplateFailure[] = [];
	const touch = ( tenantId: string, campaignId: string ): CounterDelta => {
		const key = `${ tenantId }\u0000${ campaignId }`;
		let delta = counters.get( key );
		if ( ! delta ) {
			delta = {
				sent: 0,
				delivered: 0,
				read: 0,
				failed: 0,
				interactions: 0,
			};
			counters.set( key, delta );
		}
		return delta;
	};

	if ( statuses.length > 0 ) {
		await applyStatuses(
			trx,
			statuses,
			touch,
			preferences,
			templateFailures,
			now
		);
	}
	if ( inbound.length > 0 ) {
		await applyInbound( trx, inbound, touch, preferences, options, now );
	}
	for ( const { tenantId, event } of others ) {
		switch ( event.kind ) {
			case 'user_preference':
				collectPreference( tenantId, event, preferences );
				break;
			case 'phone_number_quality_update':
				await applyQuality( trx, tenantId, event, now );
				break;
			case 'message_template_status_update':
				await applyTemplateStatus( trx, tenantId, event, now );
				break;
			case 'template_category_update':
				await applyTemplateCategory( trx, tenantId, event );
				break;
			default:
				// Unknown changes are kept in the raw log only.
				break;
		}
	}
	for ( const change of preferences ) {
		await applyPreference( trx, change, now );
	}
	for ( const failure of templateFailures ) {
		await pauseCampaign(
			trx,
			failure.tenantId,
			failure.campaignId,
			failure.reason,
			now
		);
	}
	for ( const [ key, delta ] of counters ) {
		const [ tenantId, campaignId ] = key.split( '\u0000' ) as [
			string,
			string,
		];
		if (
			delta.sent ||
			delta.delivered ||
			delta.read ||
			delta.failed ||
			delta.interactions
		) {
			await applyCounterDeltas( trx, tenantId, campaignId, {
				messages_sent: delta.sent,
				messages_delivered: delta.delivered,
				messages_read: delta.read,
				messages_failed: delta.failed,
				interactions: delta.interactions,
			} );
		}
	}
}

export async function storeRaw(
	trx: Trx,
	deliveries: WebhookDelivery[],
	applyError?: string
): Promise< void > {
	const rows = deliveries.flatMap( ( delivery ) =>
		delivery.tenantIds.map( ( tenantId ) => ( {
			tenant_id: tenantId,
			received_at: delivery.receivedAt,
			body: delivery.body,
			applied: applyError ? 0 : 1,
			apply_error: applyError ?? null,
		} ) )
	);
	await markVerified( trx, deliveries );
	if ( ! isPostgres( trx ) ) {
		// SQLite: one statement whose text never changes (prepared once), the rows bound as one JSON text.
		await sql`INSERT INTO webhook_events (tenant_id, received_at, body, applied, apply_error)
			SELECT value ->> 0, value ->> 1, value ->> 2, ${ applyError ? 0 : 1 }, ${ applyError ?? null }
			FROM json_each(${ JSON.stringify(
				rows.map( ( r ) => [ r.tenant_id, r.received_at, r.body ] )
			) })`.execute( trx );
		return;
	}
	for ( const part of chunks( rows, 400 ) ) {
		await trx.insertInto( 'webhook_events' ).values( part ).execute();
	}
}

/**
 * Every delivery stored here passed the signature check with the app secret of each tenant it names: the first one
 * marks those tenants' webhooks verified (status `webhooks_verified`). Tenants already verified are not written.
 */
async function markVerified(
	trx: Trx,
	deliveries: WebhookDelivery[]
): Promise< void > {
	const tenantIds = new Set< string >();
	let at = 0;
	for ( const delivery of deliveries ) {
		for ( const id of delivery.tenantIds ) {
			tenantIds.add( id );
		}
		at = Math.max( at, delivery.receivedAt );
	}
	if ( tenantIds.size === 0 ) {
		return;
	}
	await markWebhooksVerified( trx, [ ...tenantIds ], at );
}
