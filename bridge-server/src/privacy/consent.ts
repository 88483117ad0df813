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

/*
 * Consent and privacy, bridge side (docs/ARCHITECTURE.md, "Consent and privacy"): the site pushes every consent change
 * and every erasure; the bridge keeps its opt-out list (`opt_outs`, checked at snapshot and again when a recipient is
 * claimed) and the time of the last change per phone (`marketing_preferences`, shared with WhatsApp's own STOP/resume
 * webhooks) so that the latest change wins whatever order they arrive in.
 */

export type ConsentState = 'revoked' | 'granted';

export const CONSENT_SOURCES = [
	'checkout',
	'my_account',
	'admin',
	'import',
	'whatsapp_stop',
	'whatsapp_resume',
	'erasure',
	'bulk',
] as const;

export interface ConsentEvent {
	phone: string;
	state: ConsentState;
	/** ms since the epoch. */
	at: number;
	source: string;
}

/**
 * Sources that are the shop's act, not the person's: the owner in wp-admin, a file the owner imported, a bulk seed.
 * A grant from one of them never lifts a stop the person made themselves (WhatsApp STOP or its button, My Account,
 * Meta's marketing preferences, an erasure): consent changes only by that person's act. The plugin refuses such a
 * grant first (ContactsController::update_item, Importer); this is the same rule where the opt-out list lives.
 */
export const OWNER_SOURCES: ReadonlySet< string > = new Set( [
	'admin',
	'import',
	'bulk',
] );

/** Source of the opt-out list entry an erasure leaves (the suppression list is the minimum kept to honour it). */
export const ERASURE_SOURCE = 'erasure';

/**
 * Applies the site's consent changes, latest first-come-last: an event older than what the bridge holds for that phone
 * is ignored (safe to retry and to deliver out of order); at the same instant a revocation wins. `revoked` puts the
 * phone on the tenant's opt-out list; `granted` takes it off only when newer than the revocation. The site is the
 * origin, so nothing goes back to it through the opt-out outbox. Answers how many events changed something.
 */
export async function applyConsentEvents(
	database: Kysely< Database >,
	tenantId: string,
	events: ConsentEvent[]
): Promise< number > {
	const db = withWebhookTables( database );
	// Oldest first, revocations after grants at the same instant: within one request, the latest also wins.
	const rank = ( state: ConsentState ) => ( state === 'revoked' ? 1 : 0 );
	const ordered = [ ...events ].sort(
		( a, b ) => a.at - b.at || rank( a.state ) - rank( b.state )
	);
	return db.transaction().execute( async ( trx ) => {
		if ( isPostgres( trx ) ) {
			// Two requests about the same tenant's phones must not interleave their read-then-write.
			await sql`select pg_advisory_xact_lock(hashtext(${ `rondine:consent:${ tenantId }` }))`.execute(
				trx
			);
		}
		let applied = 0;
		for ( const event of ordered ) {
			const value = event.state === 'revoked' ? 'stop' : 'resume';
			const known = await trx
				.selectFrom( 'marketing_preferences' )
				.select( [ 'value', 'changed_at', 'source' ] )
				.where( 'tenant_id', '=', tenantId )
				.where( 'phone', '=', event.phone )
				.executeTakeFirst();
			if ( known ) {
				const changedAt = Number( known.changed_at );
				if (
					changedAt > event.at ||
					( changedAt === event.at &&
						( known.value === value || known.value === 'stop' ) )
				) {
					continue;
				}
			}
			const listed = await trx
				.selectFrom( 'opt_outs' )
				.select( [ 'created_at', 'source' ] )
				.where( 'tenant_id', '=', tenantId )
				.where( 'phone', '=', event.phone )
				.executeTakeFirst();
			if (
				value === 'resume' &&
				OWNER_SOURCES.has( event.source ) &&
				( ( known?.value === 'stop' &&
					! OWNER_SOURCES.has( known.source ) ) ||
					( listed && ! OWNER_SOURCES.has( listed.source ) ) )
			) {
				// The person's own stop: only their own act lifts it.
				continue;
			}
			if (
				value === 'resume' &&
				listed &&
				Number( listed.created_at ) >= event.at
			) {
				// Older than (or as old as) the revocation on the list, e.g. one recorded before preferences were kept.
				continue;
			}
			await upsertPreference(
				trx,
				tenantId,
				event.phone,
				value,
				event.source,
				event.at
			);
			if ( value === 'stop' ) {
				if ( ! listed ) {
					await trx
						.insertInto( 'opt_outs' )
						.values( {
							tenant_id: tenantId,
							phone: event.phone,
							source: event.source,
							created_at: event.at,
							// The site told us: nothing to report back.
							reported: 1,
						} )
						.onConflict( ( oc ) =>
							oc.columns( [ 'tenant_id', 'phone' ] ).doNothing()
						)
						.execute();
				}
			} else if ( listed ) {
				await trx
					.deleteFrom( 'opt_outs' )
					.where( 'tenant_id', '=', tenantId )
					.where( 'phone', '=', event.phone )
					.execute();
			}
			applied += 1;
		}
		return applied;
	} );
}

async function upsertPreference(
	trx: Kysely< WebhooksDatabase >,
	tenantId: string,
	phone: string,
	value: 'stop' | 'resume',
	source: string,
	at: number
): Promise< void > {
	await trx
		.insertInto( 'marketing_preferences' )
		.values( {
			tenant_id: tenantId,
			phone,
			value,
			source,
			changed_at: at,
		} )
		.onConflict( ( oc ) =>
			oc.columns( [ 'tenant_id', 'phone' ] ).doUpdateSet( {
				value,
				source,
				changed_at: at,
			} )
		)
		.execute();
}

const iso = ( ms: number | string | null | undefined ) =>
	ms === null || ms === undefined
		? null
		: new Date( Number( ms ) ).toISOString();

export interface PrivacyExport {
	messages: Array< {
		phone: string;
		campaign_id: string;
		campaign_name: string;
		state: string;
		sent_at: string | null;
		delivered_at: string | null;
		read_at: string | null;
		failed_at: string | null;
		error: string | null;
	} >;
	inbound: Array< {
		phone: string;
		received_at: string | null;
		type: string;
		text: string | null;
	} >;
	opt_out: Array< {
		phone: string;
		state: ConsentState;
		changed_at: string | null;
		source: string;
	} >;
}

/** Everything the bridge holds about these phones, for this tenant only. */
export async function exportPhones(
	database: Kysely< Database >,
	tenantId: string,
	phones: string[]
): Promise< PrivacyExport > {
	const db = withWebhookTables( database );
	const dialect = isPostgres( db ) ? 'postgres' : 'sqlite';
	const messages = await db
		.selectFrom( 'messages as r' )
		.innerJoin( 'campaigns as c', ( join ) =>
			join
				.onRef( 'c.tenant_id', '=', 'r.tenant_id' )
				.onRef( 'c.id', '=', 'r.campaign_id' )
		)
		.select( [
			'r.phone',
			'r.campaign_id',
			'c.name as campaign_name',
			'r.state',
			'r.sent_at',
			'r.status_sent_at',
			'r.delivered_at',
			'r.read_at',
			'r.failed_at',
			'r.error_reason',
			'r.error_message',
		] )
		.where( 'r.tenant_id', '=', tenantId )
		.where( textIn( dialect, 'r.phone', phones ) )
		.orderBy( 'r.id' )
		.execute();
	const inbound = await db
		.selectFrom( 'inbound_messages' )
		.select( [ 'from_phone', 'received_at', 'type', 'text' ] )
		.where( 'tenant_id', '=', tenantId )
		.where( textIn( dialect, 'from_phone', phones ) )
		.orderBy( 'received_at' )
		.execute();
	const preferences = new Map(
		(
			await db
				.selectFrom( 'marketing_preferences' )
				.select( [ 'phone', 'value', 'source', 'changed_at' ] )
				.where( 'tenant_id', '=', tenantId )
				.where( textIn( dialect, 'phone', phones ) )
				.execute()
		).map( ( row ) => [ row.phone, row ] )
	);
	const listed = new Map(
		(
			await db
				.selectFrom( 'opt_outs' )
				.select( [ 'phone', 'source', 'created_at' ] )
				.where( 'tenant_id', '=', tenantId )
				.where( textIn( dialect, 'phone', phones ) )
				.execute()
		).map( ( row ) => [ row.phone, row ] )
	);
	const optOut: PrivacyExport[ 'opt_out' ] = [];
	for ( const phone of new Set( phones ) ) {
		const preference = preferences.get( phone );
		const entry = listed.get( phone );
		if ( entry ) {
			optOut.push( {
				phone,
				state: 'revoked',
				changed_at: iso(
					preference?.value === 'stop'
						? preference.changed_at
						: entry.created_at
				),
				source:
					preference?.value === 'stop'
						? preference.source
						: entry.source,
			} );
		} else if ( preference ) {
			optOut.push( {
				phone,
				state: 'granted',
				changed_at: iso( preference.changed_at ),
				source: preference.source,
			} );
		}
	}
	return {
		messages: messages.map( ( m ) => ( {
			phone: m.phone,
			campaign_id: m.campaign_id,
			campaign_name: m.campaign_name,
			state: m.state,
			sent_at: iso( m.status_sent_at ?? m.sent_at ),
			delivered_at: iso( m.delivered_at ),
			read_at: iso( m.read_at ),
			failed_at: iso( m.failed_at ),
			error: m.error_message ?? m.error_reason,
		} ) ),
		inbound: inbound.map( ( i ) => ( {
			phone: i.from_phone,
			received_at: iso( i.received_at ),
			type: i.type,
			text: i.text,
		} ) ),
		opt_out: optOut,
	};
}

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
 * @param body
 * @param needles
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
