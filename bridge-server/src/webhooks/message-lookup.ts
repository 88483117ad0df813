/**
 * Finding the messages a webhook is about: by the run and step of the callback data, or by the customer's number (and
 * the numbers Meta resolved into that WhatsApp id) and the wamid, locked on PostgreSQL. Used by the status owner
 * (message-statuses.ts) and the inbound owner (inbound.ts).
 */

/**
 * External dependencies
 */
import { sql } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../storage/dialect.js';
import { chunks, type Trx } from './apply-common.js';
import type { MessageStatus } from './status-merge.js';

/** A message (with its run's interaction, when looked up for a reply). */
export interface RecipientRow {
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
export interface MessageKey {
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
 */
export async function lockRecipients(
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
