/**
 * A person's erasure, bridge side: what this tenant's data holds about some phones removed or anonymised, stored
 * webhook bodies rewritten without them (scrubBody), and the phones kept on the opt-out list with source `erasure`
 * (`POST /v1/privacy/erase`, privacy/routes.ts). Consent changes themselves are in consent.ts.
 */

/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { textIn } from '../storage/lists.js';
import { endRuns } from '../storage/runs.js';
import type { Database } from '../storage/schema.js';
import {
	withWebhookTables,
	type WebhooksDatabase,
} from '../webhooks/schema.js';
import { ERASURE_SOURCE, upsertPreference } from './consent.js';

export interface ErasureResult {
	messages: number;
	inbound: number;
	webhook_events: number;
}

/** What replaces an erased identifier in stored webhook bodies. */
export const ERASED = 'erased';

/**
 * Removes or anonymises everything this tenant's data holds about these phones, and keeps them on the opt-out list
 * with source `erasure` (a suppression list is the minimum kept to honour an erasure: without it, the next campaign
 * from the site's audience, or a "Retry failed", could message the person again):
 * - recipients (runs) and their messages: phone replaced by "erased:<run id>", variables, body, contact id, wamid, reply
 *   payload and error text cleared (the rows stay so the campaign's counters still add up); messages not sent yet
 *   become `opted_out`;
 * - inbound messages from them deleted; raw webhook bodies that name them rewritten without their number, WhatsApp id,
 *   profile name and message content; WhatsApp id aliases, daily-limit log entries and unsent opt-out reports deleted.
 */
export async function erasePhones(
	database: Kysely< Database >,
	tenantId: string,
	phones: string[],
	now: number
): Promise< ErasureResult > {
	const db = withWebhookTables( database );
	const dialect = isPostgres( db ) ? 'postgres' : 'sqlite';
	const unique = [ ...new Set( phones ) ];
	const digits = unique.map( ( p ) => p.replace( /\D/g, '' ) );
	return db.transaction().execute( async ( trx ) => {
		// Not sent yet: never will be (as the claim-time opt-out check would do), counters moved alike.
		const waiting = await trx
			.selectFrom( 'messages' )
			.select( [ 'id', 'run_id', 'campaign_id' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.where( 'state', 'in', [ 'pending', 'retry' ] )
			.execute();
		const byCampaign = new Map< string, number[] >();
		for ( const row of waiting ) {
			byCampaign.set( row.campaign_id, [
				...( byCampaign.get( row.campaign_id ) ?? [] ),
				Number( row.id ),
			] );
		}
		await endRuns(
			trx,
			dialect,
			tenantId,
			now,
			waiting.map( ( row ) => Number( row.run_id ) )
		);
		for ( const [ campaignId, ids ] of byCampaign ) {
			await trx
				.updateTable( 'messages' )
				.set( {
					state: 'opted_out',
					error_code: null,
					error_reason: 'opted_out',
					retryable: 0,
					updated_at: now,
				} )
				.where( 'tenant_id', '=', tenantId )
				.where( 'id', 'in', ids )
				.execute();
			await applyCounterDeltas( trx, tenantId, campaignId, {
				total: -ids.length,
				to_start: -ids.length,
				opted_out: ids.length,
			} );
		}
		const erasedPhone =
			dialect === 'postgres'
				? sql< string >`'erased:' || cast(id as text)`
				: sql< string >`'erased:' || id`;
		const erasedRun =
			dialect === 'postgres'
				? sql< string >`'erased:' || cast(run_id as text)`
				: sql< string >`'erased:' || run_id`;
		await trx
			.updateTable( 'messages' )
			.set( {
				phone: erasedRun,
				body: '{}',
				wamid: null,
				error_message: null,
				updated_at: now,
			} )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.execute();
		const recipients = await trx
			.updateTable( 'recipients' )
			.set( {
				phone: erasedPhone,
				variables: '{}',
				contact_id: null,
				interaction_payload: null,
				updated_at: now,
			} )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.executeTakeFirst();

		const userIds = (
			await trx
				.selectFrom( 'inbound_messages' )
				.select( 'from_user_id' )
				.distinct()
				.where( 'tenant_id', '=', tenantId )
				.where( textIn( dialect, 'from_phone', unique ) )
				.execute()
		)
			.map( ( row ) => row.from_user_id )
			.filter( ( id ) => id !== '' );
		const inbound = await trx
			.deleteFrom( 'inbound_messages' )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'from_phone', unique ) )
			.executeTakeFirst();

		const webhookEvents = await scrubWebhookBodies(
			trx,
			tenantId,
			digits,
			userIds
		);

		await trx
			.deleteFrom( 'wa_id_aliases' )
			.where( 'tenant_id', '=', tenantId )
			.where( ( eb ) =>
				eb.or( [
					textIn( dialect, 'phone', unique ),
					textIn( dialect, 'wa_id', digits ),
				] )
			)
			.execute();
		await trx
			.deleteFrom( 'send_log' )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.execute();
		// The frequency cap's count of marketing sends names the phone too (dispatch/claim.ts writes it).
		await trx
			.deleteFrom( 'marketing_sends' )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.execute();
		await trx
			.deleteFrom( 'opt_out_outbox' )
			.where( 'tenant_id', '=', tenantId )
			.where( textIn( dialect, 'phone', unique ) )
			.execute();
		for ( const phone of unique ) {
			await upsertPreference(
				trx,
				tenantId,
				phone,
				'stop',
				ERASURE_SOURCE,
				now
			);
			await trx
				.insertInto( 'opt_outs' )
				.values( {
					tenant_id: tenantId,
					phone,
					source: ERASURE_SOURCE,
					created_at: now,
					reported: 1,
				} )
				.onConflict( ( oc ) =>
					oc.columns( [ 'tenant_id', 'phone' ] ).doUpdateSet( {
						source: ERASURE_SOURCE,
						created_at: now,
					} )
				)
				.execute();
		}
		return {
			messages: Number( recipients.numUpdatedRows ),
			inbound: Number( inbound.numDeletedRows ),
			webhook_events: webhookEvents,
		};
	} );
}

/** Rewrites this tenant's stored webhook bodies that name these numbers (digits) or WhatsApp user ids; answers how many. */
async function scrubWebhookBodies(
	trx: Kysely< WebhooksDatabase >,
	tenantId: string,
	digits: string[],
	userIds: string[]
): Promise< number > {
	// Phone digits are 7 or more; a WhatsApp user id shorter than 6 characters would match unrelated text.
	const needles = [
		...digits.filter( ( n ) => n.length >= 7 ),
		...userIds.filter( ( n ) => n.length >= 6 ),
	];
	if ( needles.length === 0 ) {
		return 0;
	}
	let changed = 0;
	let after = 0;
	for (;;) {
		const rows = await trx
			.selectFrom( 'webhook_events' )
			.select( [ 'id', 'body' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '>', after )
			.where( ( eb ) =>
				eb.or(
					needles.map( ( needle ) =>
						eb( 'body', 'like', `%${ needle }%` )
					)
				)
			)
			.orderBy( 'id' )
			.limit( 500 )
			.execute();
		for ( const row of rows ) {
			const body = scrubBody( row.body, needles );
			if ( body !== row.body ) {
				await trx
					.updateTable( 'webhook_events' )
					.set( { body } )
					.where( 'id', '=', row.id )
					.execute();
				changed += 1;
			}
		}
		const last = rows.at( -1 );
		if ( rows.length < 500 || ! last ) {
			return changed;
		}
		after = Number( last.id );
	}
}

/** Fields that identify the person an object of a WhatsApp webhook is about. */
const IDENTITY_FIELDS = [
	'wa_id',
	'from',
	'recipient_id',
	'user_id',
	'from_user_id',
];

/**
 * A webhook body without the person: an object naming them (a contact, a message from them, a status to them) loses
 * every identifying field and its content; whatever still mentions the number (say, in another message's text) is
 * replaced too.
 */
export function scrubBody( body: string, needles: string[] ): string {
	const set = new Set( needles );
	const names = ( value: unknown ) =>
		typeof value === 'string' && set.has( value.replace( /^\+/, '' ) );
	const walk = ( node: unknown ): unknown => {
		if ( Array.isArray( node ) ) {
			return node.map( walk );
		}
		if ( node === null || typeof node !== 'object' ) {
			return node;
		}
		const record = node as Record< string, unknown >;
		if ( IDENTITY_FIELDS.some( ( field ) => names( record[ field ] ) ) ) {
			// Keep only what says what happened, never who or what was written.
			const kept: Record< string, unknown > = {};
			for ( const key of [ 'id', 'timestamp', 'type', 'status' ] ) {
				if ( Object.hasOwn( record, key ) ) {
					kept[ key ] = record[ key ];
				}
			}
			for ( const field of IDENTITY_FIELDS ) {
				if ( Object.hasOwn( record, field ) ) {
					kept[ field ] = ERASED;
				}
			}
			return kept;
		}
		const out: Record< string, unknown > = {};
		for ( const [ key, value ] of Object.entries( record ) ) {
			out[ key ] = walk( value );
		}
		return out;
	};
	let text: string;
	try {
		text = JSON.stringify( walk( JSON.parse( body ) ) );
	} catch {
		text = body;
	}
	for ( const needle of needles ) {
		text = text.split( needle ).join( ERASED );
	}
	return text;
}
