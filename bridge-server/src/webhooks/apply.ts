/**
 * External dependencies
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Internal dependencies
 */
import { transitionCampaign } from '../campaigns/lifecycle.js';
import { isPostgres } from '../storage/dialect.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { isTier } from '../tenants/tenants.js';
import { classifyError } from '../whatsapp/errors.js';
import type {
	InboundMessageEvent,
	PhoneNumberQualityEvent,
	StatusEvent,
	TemplateCategoryEvent,
	TemplateStatusEvent,
	UserPreferenceEvent,
	WebhookEvent,
} from '../whatsapp/webhook-types.js';
import type { WebhooksDatabase } from './schema.js';
import {
	counterDelta,
	isMessageStatus,
	mergeStatus,
	type MessageState,
	type MessageStatus,
} from './status-merge.js';

/** One accepted webhook request: its raw body and its events, each already attributed to a tenant. */
export interface WebhookDelivery {
	/** Tenants the body speaks for (usually one); the raw body is stored once for each. */
	tenantIds: string[];
	body: string;
	events: Array< { tenantId: string; event: WebhookEvent } >;
	receivedAt: number;
}

export interface ApplyOptions {
	/** Quick-reply payloads that mean "stop promotions" when a tenant has set none (compared case-insensitively). */
	defaultOptOutPayloads: readonly string[];
}

export const DEFAULT_OPT_OUT_PAYLOADS: readonly string[] = [
	'STOP_PROMOTIONS',
	'Stop promotions',
	'Stop promozioni',
	'Unsubscribe',
	'Disiscriviti',
];

const DAY_MS = 86_400_000;
const CHUNK = 500;

type Trx = Kysely< WebhooksDatabase >;

/** A message (with its run's interaction, when looked up for a reply). */
interface RecipientRow {
	/** The message's id. */
	id: number;
	run_id: number;
	step: number;
	tenant_id: string;
	campaign_id: string;
	phone: string;
	wamid: string | null;
	message_status: MessageStatus | null;
	status_sent_at: number | null;
	delivered_at: number | null;
	read_at: number | null;
	failed_at: number | null;
	error_code: number | null;
	error_reason: string | null;
	error_message: string | null;
	retryable: number | null;
	retry_not_before: number | null;
	interacted_at: number | null;
}

interface CounterDelta {
	sent: number;
	delivered: number;
	read: number;
	failed: number;
	interactions: number;
}

interface PreferenceChange {
	tenantId: string;
	phone: string;
	value: 'stop' | 'resume';
	source: string;
	at: number;
}

interface TemplateFailure {
	tenantId: string;
	campaignId: string;
	reason: string;
}

function chunks< T >( items: T[], size = CHUNK ): T[][] {
	const out: T[][] = [];
	for ( let i = 0; i < items.length; i += size ) {
		out.push( items.slice( i, i + size ) );
	}
	return out;
}

/** Meta's `wa_id`/`from` are digits without "+"; the engine stores E.164 with "+". */
export function toE164( digits: string ): string {
	const clean = digits.replace( /[^\d]/g, '' );
	return clean ? `+${ clean }` : '';
}

function seconds( value: number ): number {
	return Math.round( value * 1000 );
}

/**
 * The message named by biz_opaque_callback_data: "<campaign id>:<run id>:<step>" as the dispatcher sets it, or
 * "<campaign id>:<recipient id>" (step 0) for messages sent before migration 0105.
 * @param data
 */
function parseCallback(
	data: string | null
): { campaignId: string; runId: number; step: number; key: string } | null {
	if ( ! data ) {
		return null;
	}
	const match =
		/^(.+):(\d{1,15}):(\d{1,4})$/.exec( data ) ??
		/^(.+):(\d{1,15})()$/.exec( data );
	if ( ! match ) {
		return null;
	}
	const runId = Number( match[ 2 ] );
	const step = Number( match[ 3 ] || 0 );
	return {
		campaignId: match[ 1 ] as string,
		runId,
		step,
		key: `${ runId }:${ step }`,
	};
}

function normalLanguage( language: string ): string {
	return language.replace( '-', '_' ).toLowerCase();
}

/**
 * Applies a group of deliveries inside the caller's transaction: stores each raw body, then merges statuses, records
 * replies and taps, opt-outs, tenant and template changes, and moves the campaign counters by exactly what changed.
 * Everything is idempotent: applying the same deliveries again changes nothing but the raw log.
 *
 * Work is done in a few set-wise statements per group (not per event), so a group of a thousand statuses costs about
 * what one costs: that is what makes group commit pay off.
 * @param trx
 * @param deliveries
 * @param options
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
	await markWebhooksVerified( trx, deliveries );
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
 * @param trx
 * @param deliveries
 */
async function markWebhooksVerified(
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
	await trx
		.updateTable( 'tenants' )
		.set( { webhooks_verified_at: at } )
		.where( 'id', 'in', [ ...tenantIds ] )
		.where( 'webhooks_verified_at', 'is', null )
		.execute();
}

const RECIPIENT_COLUMNS = [
	'id',
	'run_id',
	'step',
	'tenant_id',
	'campaign_id',
	'phone',
	'wamid',
	'message_status',
	'status_sent_at',
	'delivered_at',
	'read_at',
	'failed_at',
	'error_code',
	'error_reason',
	'error_message',
	'retryable',
	'retry_not_before',
] as const;

/** A message the business sent, as webhooks name it: the customer's WhatsApp id (digits) and the message's wamid. */
interface MessageKey {
	tenantId: string;
	waId: string;
	wamid: string;
}

/**
 * The messages these statuses or replies are about, locked on PostgreSQL (several bridge processes may apply
 * webhooks at once), always within each webhook's tenant:
 * - by the run and step the dispatcher put in biz_opaque_callback_data (which works even when a status overtakes the
 *   send answer that stores the wamid);
 * - else (replies and button taps, which carry no callback data) by the customer's number and the wamid: the number is
 *   `+` and the WhatsApp id, or the number Meta resolved into that id (`wa_id_aliases`), and the unique index on
 *   (tenant, phone, campaign) finds its few runs, whose messages the (run, step) index gives. No index on wamid: see
 *   migration 0102.
 * @param trx
 * @param keys
 * @param messages
 */
async function lockRecipients(
	trx: Trx,
	keys: Array< [ number, number ] >,
	messages: MessageKey[]
): Promise< RecipientRow[] > {
	const rows: RecipientRow[] = [];
	const pg = isPostgres( trx );
	const triples = await messagePhones( trx, messages );
	const columns = sql.join(
		RECIPIENT_COLUMNS.map( ( c ) => sql.ref( `m.${ c }` ) )
	);
	if ( ! pg ) {
		// SQLite: the keys bound as one JSON text, so the statement text is the same for every batch.
		if ( keys.length > 0 ) {
			// By (run, step): the unique index of migration 0105.
			const { rows: found } =
				await sql< RecipientRow >`SELECT ${ columns }, NULL AS interacted_at FROM json_each(${ JSON.stringify(
					keys
				) }) AS k CROSS JOIN messages AS m
				ON m.run_id = k.value ->> 0 AND m.step = k.value ->> 1
				ORDER BY m.id`.execute( trx );
			rows.push( ...found );
		}
		if ( triples.length > 0 ) {
			// CROSS JOIN: SQLite keeps the keys as the outer loop and probes the unique indexes for each.
			const { rows: found } =
				await sql< RecipientRow >`SELECT ${ columns }, r.interacted_at AS interacted_at FROM json_each(${ JSON.stringify(
					triples
				) }) AS k CROSS JOIN recipients AS r CROSS JOIN messages AS m
				ON r.tenant_id = k.value ->> 0 AND r.phone = k.value ->> 1 AND m.run_id = r.id AND m.wamid = k.value ->> 2
				ORDER BY m.id`.execute( trx );
			rows.push( ...found );
		}
		return rows;
	}
	for ( const part of chunks( keys ) ) {
		const { rows: found } =
			await sql< RecipientRow >`SELECT ${ columns }, NULL AS interacted_at FROM messages AS m
			JOIN unnest(cast(${ part.map( ( k ) => k[ 0 ] ) } as bigint[]), cast(${ part.map(
				( k ) => k[ 1 ]
			) } as integer[])) AS k(run_id, step)
			ON m.run_id = k.run_id AND m.step = k.step
			ORDER BY m.id FOR UPDATE OF m`.execute( trx );
		rows.push( ...found );
	}
	for ( const part of chunks( triples ) ) {
		const column = ( i: number ) => part.map( ( t ) => t[ i ] as string );
		const { rows: found } =
			await sql< RecipientRow >`SELECT ${ columns }, r.interacted_at AS interacted_at FROM recipients AS r
			JOIN unnest(cast(${ column( 0 ) } as text[]), cast(${ column(
				1
			) } as text[]), cast(${ column( 2 ) } as text[])) AS k(tenant_id, phone, wamid)
			ON r.tenant_id = k.tenant_id AND r.phone = k.phone
			JOIN messages AS m ON m.run_id = r.id AND m.wamid = k.wamid
			ORDER BY m.id FOR UPDATE OF m, r`.execute( trx );
		rows.push( ...found );
	}
	return rows;
}

/**
 * [tenant, phone, wamid] for each message: the number the WhatsApp id is, and any number Meta resolved into it.
 * @param trx
 * @param messages
 */
async function messagePhones(
	trx: Trx,
	messages: MessageKey[]
): Promise< Array< [ string, string, string ] > > {
	const usable = messages.filter( ( m ) => m.waId !== '' && m.wamid !== '' );
	if ( usable.length === 0 ) {
		return [];
	}
	const aliases = new Map< string, string[] >();
	const tenantIds = [ ...new Set( usable.map( ( m ) => m.tenantId ) ) ];
	for ( const part of chunks( [
		...new Set( usable.map( ( m ) => m.waId ) ),
	] ) ) {
		// Tenant first: the primary key (tenant_id, wa_id, phone) answers it.
		const found = await trx
			.selectFrom( 'wa_id_aliases' )
			.select( [ 'tenant_id', 'wa_id', 'phone' ] )
			.where( 'tenant_id', 'in', tenantIds )
			.where( 'wa_id', 'in', part )
			.execute();
		for ( const alias of found ) {
			const key = `${ alias.tenant_id }\u0000${ alias.wa_id }`;
			aliases.set( key, [
				...( aliases.get( key ) ?? [] ),
				alias.phone,
			] );
		}
	}
	const triples = new Map< string, [ string, string, string ] >();
	for ( const m of usable ) {
		for ( const phone of [
			`+${ m.waId }`,
			...( aliases.get( `${ m.tenantId }\u0000${ m.waId }` ) ?? [] ),
		] ) {
			triples.set( `${ m.tenantId }\u0000${ phone }\u0000${ m.wamid }`, [
				m.tenantId,
				phone,
				m.wamid,
			] );
		}
	}
	return [ ...triples.values() ];
}

/**
 * The status webhooks have established for a row, read from the milestone times this module owns: the engine writes
 * `message_status = accepted` when the send answer is stored, which can land after a faster status webhook, and the
 * merge must start from what was really seen or the counters would count that status twice.
 * @param row
 */
function mergedStatus( row: RecipientRow ): MessageStatus | null {
	if ( row.read_at !== null ) {
		return 'read';
	}
	if ( row.delivered_at !== null ) {
		return 'delivered';
	}
	if ( row.failed_at !== null ) {
		return 'failed';
	}
	if ( row.status_sent_at !== null ) {
		return 'sent';
	}
	return row.message_status === 'accepted' || row.message_status === null
		? row.message_status
		: null;
}

async function applyStatuses(
	trx: Trx,
	statuses: Array< { tenantId: string; event: StatusEvent } >,
	touch: ( tenantId: string, campaignId: string ) => CounterDelta,
	preferences: PreferenceChange[],
	templateFailures: TemplateFailure[],
	now: number
): Promise< void > {
	const usable = statuses.filter(
		( { event } ) => event.wamid !== '' && isMessageStatus( event.status )
	);
	const keys = new Map< string, [ number, number ] >();
	const messages: MessageKey[] = [];
	for ( const { tenantId, event } of usable ) {
		const callback = parseCallback( event.bizOpaqueCallbackData );
		if ( callback ) {
			keys.set( callback.key, [ callback.runId, callback.step ] );
		} else {
			messages.push( {
				tenantId,
				waId: event.recipientId,
				wamid: event.wamid,
			} );
		}
	}
	const rows = await lockRecipients( trx, [ ...keys.values() ], messages );
	const byKey = new Map< string, RecipientRow >();
	const byWamid = new Map< string, RecipientRow >();
	for ( const row of rows ) {
		byKey.set( `${ row.run_id }:${ row.step }`, row );
		if ( row.wamid ) {
			byWamid.set( `${ row.tenant_id }\u0000${ row.wamid }`, row );
		}
	}

	const original = new Map< number, RecipientRow >();
	const current = new Map< number, RecipientRow >();
	for ( const { tenantId, event } of usable ) {
		const callback = parseCallback( event.bizOpaqueCallbackData );
		let row: RecipientRow | undefined;
		if ( callback ) {
			const found = byKey.get( callback.key );
			const candidate = found
				? ( current.get( found.id ) ?? found )
				: undefined;
			// The callback data must agree with the tenant, the campaign and (once known) the wamid.
			if (
				candidate &&
				candidate.tenant_id === tenantId &&
				candidate.campaign_id === callback.campaignId &&
				( candidate.wamid === null || candidate.wamid === event.wamid )
			) {
				row = candidate;
			}
		} else {
			const found = byWamid.get( `${ tenantId }\u0000${ event.wamid }` );
			row = found ? ( current.get( found.id ) ?? found ) : undefined;
		}
		if ( ! row ) {
			// A message not sent by a campaign (or one deleted since): only the raw log keeps it.
			continue;
		}
		if ( ! original.has( row.id ) ) {
			original.set( row.id, row );
		}
		const before: MessageState = {
			status: mergedStatus( row ),
			sentAt: row.status_sent_at,
			deliveredAt: row.delivered_at,
			readAt: row.read_at,
			failedAt: row.failed_at,
		};
		const after = mergeStatus( before, {
			status: event.status as MessageStatus,
			timestamp: seconds( event.timestamp ) || now,
		} );
		if (
			after === before &&
			row.wamid !== null &&
			row.message_status === after.status
		) {
			continue;
		}
		const next: RecipientRow = {
			...row,
			wamid: row.wamid ?? event.wamid,
			message_status: after.status,
			status_sent_at: after.sentAt,
			delivered_at: after.deliveredAt,
			read_at: after.readAt,
			failed_at: after.failedAt,
		};
		if ( after.status === 'failed' && before.status !== 'failed' ) {
			const error = event.errors[ 0 ];
			const code = error?.code ?? 0;
			const known = error !== undefined;
			const classified = classifyError( code, error?.details );
			next.error_code = known ? code : null;
			next.error_reason = known ? classified.reason : 'unknown_error';
			next.error_message = error
				? ( error.title || error.message ).slice( 0, 500 )
				: null;
			next.retryable = classified.retryable ? 1 : 0;
			next.retry_not_before =
				classified.action === 'no_retry_24h'
					? ( after.failedAt ?? now ) + DAY_MS
					: null;
			if ( classified.action === 'opt_out' ) {
				preferences.push( {
					tenantId,
					phone: row.phone,
					value: 'stop',
					source: 'error_131050',
					at: after.failedAt ?? now,
				} );
			}
			if (
				classified.reason === 'template_paused' ||
				classified.reason === 'template_disabled'
			) {
				templateFailures.push( {
					tenantId,
					campaignId: row.campaign_id,
					reason: classified.reason,
				} );
			}
		} else if ( before.status === 'failed' && after.status !== 'failed' ) {
			// Delivered after all: the failure report was stale.
			next.error_code = null;
			next.error_reason = null;
			next.error_message = null;
			next.retryable = null;
			next.retry_not_before = null;
		}
		current.set( row.id, next );
	}

	const changed: RecipientRow[] = [];
	// Rows whose wamid and error columns stay as they were (a status moving forward, Meta's usual case).
	const milestonesOnly = new Set< number >();
	for ( const [ id, next ] of current ) {
		const first = original.get( id ) as RecipientRow;
		if (
			next.wamid === first.wamid &&
			next.error_code === first.error_code &&
			next.error_reason === first.error_reason &&
			next.error_message === first.error_message &&
			next.retryable === first.retryable &&
			next.retry_not_before === first.retry_not_before
		) {
			milestonesOnly.add( id );
		}
		const delta = counterDelta(
			mergedStatus( first ),
			next.message_status
		);
		const counter = touch( next.tenant_id, next.campaign_id );
		counter.sent += delta.sent;
		counter.delivered += delta.delivered;
		counter.read += delta.read;
		counter.failed += delta.failed;
		changed.push( next );
	}
	await updateRecipientStatuses( trx, changed, now, milestonesOnly );
}

function bigint( value: number | null ): RawBuilder< unknown > {
	return sql`CAST(${ value } AS BIGINT)`;
}

function text( value: string | null ): RawBuilder< unknown > {
	return sql`CAST(${ value } AS TEXT)`;
}

/**
 * One UPDATE ... FROM (VALUES ...) per chunk of rows, on both SQLite (>= 3.33) and PostgreSQL, instead of one
 * statement per recipient.
 * @param trx
 * @param rows
 * @param now
 */
async function updateRecipientStatuses(
	trx: Trx,
	rows: RecipientRow[],
	now: number,
	milestonesOnly: ReadonlySet< number >
): Promise< void > {
	if ( rows.length === 0 ) {
		return;
	}
	if ( ! isPostgres( trx ) ) {
		/*
		 * SQLite rewrites the entry of every index that holds a column named in SET, even when the value is the same:
		 * rows whose wamid and error columns do not change (nearly all) are updated without naming them, which spares
		 * the wamid and error-reason index entries.
		 */
		const narrow = rows.filter( ( r ) => milestonesOnly.has( r.id ) );
		if ( narrow.length > 0 ) {
			await sql`
				WITH v (id, message_status, status_sent_at, delivered_at, read_at, failed_at) AS (
					SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
					FROM json_each(${ JSON.stringify(
						narrow.map( ( r ) => [
							r.id,
							r.message_status,
							r.status_sent_at,
							r.delivered_at,
							r.read_at,
							r.failed_at,
						] )
					) })
				)
				UPDATE messages SET
					message_status = v.message_status,
					status_sent_at = v.status_sent_at,
					delivered_at = v.delivered_at,
					read_at = v.read_at,
					failed_at = v.failed_at,
					updated_at = ${ now }
				FROM v WHERE messages.id = v.id
			`.execute( trx );
			if ( narrow.length === rows.length ) {
				return;
			}
			rows = rows.filter( ( r ) => ! milestonesOnly.has( r.id ) );
		}
		// SQLite: one JSON text instead of twelve bound values per row (no query-builder nodes per value, and one
		// statement text for every batch, so it is prepared once); rows found by primary key.
		const json = JSON.stringify(
			rows.map( ( r ) => [
				r.id,
				r.wamid,
				r.message_status,
				r.status_sent_at,
				r.delivered_at,
				r.read_at,
				r.failed_at,
				r.error_code,
				r.error_reason,
				r.error_message,
				r.retryable,
				r.retry_not_before,
			] )
		);
		await sql`
			WITH v (id, wamid, message_status, status_sent_at, delivered_at, read_at, failed_at,
				error_code, error_reason, error_message, retryable, retry_not_before) AS (
				SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
					value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11
				FROM json_each(${ json })
			)
			UPDATE messages SET
				wamid = v.wamid,
				message_status = v.message_status,
				status_sent_at = v.status_sent_at,
				delivered_at = v.delivered_at,
				read_at = v.read_at,
				failed_at = v.failed_at,
				error_code = v.error_code,
				error_reason = v.error_reason,
				error_message = v.error_message,
				retryable = v.retryable,
				retry_not_before = v.retry_not_before,
				updated_at = ${ now }
			FROM v WHERE messages.id = v.id
		`.execute( trx );
		return;
	}
	for ( const part of chunks( rows, 400 ) ) {
		const values = sql.join(
			part.map(
				( r ) =>
					sql`(${ sql.join( [
						bigint( r.id ),
						text( r.wamid ),
						text( r.message_status ),
						bigint( r.status_sent_at ),
						bigint( r.delivered_at ),
						bigint( r.read_at ),
						bigint( r.failed_at ),
						bigint( r.error_code ),
						text( r.error_reason ),
						text( r.error_message ),
						bigint( r.retryable ),
						bigint( r.retry_not_before ),
					] ) })`
			)
		);
		await sql`
			WITH v (id, wamid, message_status, status_sent_at, delivered_at, read_at, failed_at,
				error_code, error_reason, error_message, retryable, retry_not_before) AS (VALUES ${ values })
			UPDATE messages SET
				wamid = v.wamid,
				message_status = v.message_status,
				status_sent_at = v.status_sent_at,
				delivered_at = v.delivered_at,
				read_at = v.read_at,
				failed_at = v.failed_at,
				error_code = v.error_code,
				error_reason = v.error_reason,
				error_message = v.error_message,
				retryable = v.retryable,
				retry_not_before = v.retry_not_before,
				updated_at = ${ bigint( now ) }
			FROM v WHERE messages.id = v.id
		`.execute( trx );
	}
}

async function optOutPayloads(
	trx: Trx,
	tenantIds: string[],
	options: ApplyOptions
): Promise< Map< string, Set< string > > > {
	const rows = await trx
		.selectFrom( 'interaction_settings' )
		.select( [ 'tenant_id', 'opt_out_payloads' ] )
		.where( 'tenant_id', 'in', tenantIds )
		.execute();
	const result = new Map< string, Set< string > >();
	for ( const tenantId of tenantIds ) {
		const row = rows.find( ( r ) => r.tenant_id === tenantId );
		let list: unknown = options.defaultOptOutPayloads;
		if ( row ) {
			try {
				list = JSON.parse( row.opt_out_payloads );
			} catch {
				// A broken setting falls back to the defaults.
			}
		}
		result.set(
			tenantId,
			new Set(
				( Array.isArray( list ) ? list : options.defaultOptOutPayloads )
					.filter( ( p ): p is string => typeof p === 'string' )
					.map( ( p ) => p.trim().toLowerCase() )
			)
		);
	}
	return result;
}

async function applyInbound(
	trx: Trx,
	inbound: Array< { tenantId: string; event: InboundMessageEvent } >,
	touch: ( tenantId: string, campaignId: string ) => CounterDelta,
	preferences: PreferenceChange[],
	options: ApplyOptions,
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

function collectPreference(
	tenantId: string,
	event: UserPreferenceEvent,
	preferences: PreferenceChange[]
): void {
	const phone = toE164( event.waId );
	const value = event.value.toLowerCase();
	// Only marketing preferences of a known phone: a business-scoped user id alone cannot be matched to a contact.
	if ( ! phone || ( value !== 'stop' && value !== 'resume' ) ) {
		return;
	}
	if ( event.category && event.category !== 'marketing_messages' ) {
		return;
	}
	preferences.push( {
		tenantId,
		phone,
		value,
		source: 'user_preferences',
		at: seconds( event.timestamp ),
	} );
}

/**
 * A stop or resume, applied only when newer than what is known for the phone (a redelivered old "stop" must not undo
 * a later "resume"), into the tenant's opt-out list and the outbox that tells the site.
 * @param trx
 * @param change
 * @param now
 */
async function applyPreference(
	trx: Trx,
	change: PreferenceChange,
	now: number
): Promise< void > {
	const at = change.at || now;
	const known = await trx
		.selectFrom( 'marketing_preferences' )
		.select( [ 'value', 'changed_at' ] )
		.where( 'tenant_id', '=', change.tenantId )
		.where( 'phone', '=', change.phone )
		.executeTakeFirst();
	if (
		known &&
		( known.changed_at > at ||
			( known.changed_at === at && known.value === change.value ) )
	) {
		return;
	}
	if ( known ) {
		await trx
			.updateTable( 'marketing_preferences' )
			.set( {
				value: change.value,
				source: change.source,
				changed_at: at,
			} )
			.where( 'tenant_id', '=', change.tenantId )
			.where( 'phone', '=', change.phone )
			.execute();
	} else {
		await trx
			.insertInto( 'marketing_preferences' )
			.values( {
				tenant_id: change.tenantId,
				phone: change.phone,
				value: change.value,
				source: change.source,
				changed_at: at,
			} )
			.execute();
	}
	if ( known?.value === change.value ) {
		return;
	}
	if ( change.value === 'stop' ) {
		await trx
			.insertInto( 'opt_outs' )
			.values( {
				tenant_id: change.tenantId,
				phone: change.phone,
				source: change.source,
				created_at: at,
				reported: 0,
			} )
			.onConflict( ( oc ) =>
				oc.columns( [ 'tenant_id', 'phone' ] ).doNothing()
			)
			.execute();
	} else {
		await trx
			.deleteFrom( 'opt_outs' )
			.where( 'tenant_id', '=', change.tenantId )
			.where( 'phone', '=', change.phone )
			.execute();
	}
	await trx
		.insertInto( 'opt_out_outbox' )
		.values( {
			tenant_id: change.tenantId,
			phone: change.phone,
			action: change.value,
			source: change.source,
			at,
			delivered_at: null,
			last_error: null,
		} )
		.execute();
}

async function applyQuality(
	trx: Trx,
	tenantId: string,
	event: PhoneNumberQualityEvent,
	now: number
): Promise< void > {
	const set: {
		messaging_limit_tier?: 'TIER_250';
		throughput_mps?: number;
		quality?: string;
		updated_at: number;
	} = {
		updated_at: now,
	};
	if ( event.currentLimit && isTier( event.currentLimit ) ) {
		set.messaging_limit_tier = event.currentLimit as 'TIER_250';
	}
	const kind = event.event.toUpperCase();
	if ( kind === 'THROUGHPUT_UPGRADE' ) {
		// Meta's automatic upgrade takes a number from 80 to 1,000 messages per second.
		set.throughput_mps = 1000;
	} else if ( kind === 'FLAGGED' ) {
		set.quality = 'RED';
	} else if ( kind === 'UNFLAGGED' ) {
		set.quality = 'GREEN';
	}
	await trx
		.updateTable( 'tenants' )
		.set( set )
		.where( 'id', '=', tenantId )
		.execute();
}

async function applyTemplateStatus(
	trx: Trx,
	tenantId: string,
	event: TemplateStatusEvent,
	now: number
): Promise< void > {
	const status = event.event.toUpperCase();
	await updateCachedTemplate( trx, tenantId, event, ( template ) => {
		template.status = status;
	} );
	if ( status !== 'PAUSED' && status !== 'DISABLED' ) {
		return;
	}
	const running = await trx
		.selectFrom( 'campaigns' )
		.select( [ 'id', 'template_language' ] )
		.where( 'tenant_id', '=', tenantId )
		.where( 'template_name', '=', event.name )
		.where( 'state', '=', 'running' )
		.execute();
	for ( const campaign of running ) {
		if (
			event.language &&
			normalLanguage( campaign.template_language ) !==
				normalLanguage( event.language )
		) {
			continue;
		}
		await pauseCampaign(
			trx,
			tenantId,
			campaign.id,
			status === 'PAUSED' ? 'template_paused' : 'template_disabled',
			now
		);
	}
}

async function applyTemplateCategory(
	trx: Trx,
	tenantId: string,
	event: TemplateCategoryEvent
): Promise< void > {
	if ( event.newCategory ) {
		await updateCachedTemplate( trx, tenantId, event, ( template ) => {
			template.category = event.newCategory;
		} );
	}
}

/**
 * Edits the tenant's cached template list in place, so a paused template stops being offered at once, and marks the
 * cache stale so that the next read fetches the full truth from the Cloud API.
 * @param trx
 * @param tenantId
 * @param event
 * @param event.name
 * @param event.language
 * @param event.templateId
 * @param edit
 */
async function updateCachedTemplate(
	trx: Trx,
	tenantId: string,
	event: { name: string; language: string; templateId: string },
	edit: ( template: Record< string, unknown > ) => void
): Promise< void > {
	const cache = await trx
		.selectFrom( 'templates_cache' )
		.select( 'templates' )
		.where( 'tenant_id', '=', tenantId )
		.executeTakeFirst();
	if ( ! cache ) {
		return;
	}
	let templates: unknown;
	try {
		templates = JSON.parse( cache.templates );
	} catch {
		templates = null;
	}
	if ( Array.isArray( templates ) ) {
		for ( const template of templates as Array<
			Record< string, unknown >
		> ) {
			const sameId =
				event.templateId !== '' &&
				String( template.id ?? '' ) === event.templateId;
			const sameName =
				template.name === event.name &&
				( ! event.language ||
					normalLanguage( String( template.language ?? '' ) ) ===
						normalLanguage( event.language ) );
			if ( sameId || sameName ) {
				edit( template );
			}
		}
	}
	await trx
		.updateTable( 'templates_cache' )
		.set( {
			templates: Array.isArray( templates )
				? JSON.stringify( templates )
				: cache.templates,
			fetched_at: 0,
		} )
		.where( 'tenant_id', '=', tenantId )
		.execute();
}

async function pauseCampaign(
	trx: Trx,
	tenantId: string,
	campaignId: string,
	reason: string,
	now: number
): Promise< void > {
	const message =
		reason === 'template_disabled'
			? 'WhatsApp disabled the template of this campaign.'
			: 'WhatsApp paused the template of this campaign because of its quality.';
	// Through the lifecycle's transition table, like every change of a campaign's state: only a running campaign.
	await transitionCampaign(
		trx,
		now,
		tenantId,
		campaignId,
		'paused',
		{ reason, message },
		[ 'running' ]
	);
}
