/**
 * External dependencies
 */
import type { Kysely, Selectable } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database, RecipientState } from '../storage/schema.js';
import {
	withWebhookTables,
	type RecipientsWithWebhooksTable,
} from '../webhooks/schema.js';

export interface RecipientFilter {
	state?: RecipientState | undefined;
	/** A message status, or `none` for recipients whose message has no status (not sent). */
	message_status?: string | undefined;
	/** An error reason key (`not_on_whatsapp`, `daily_limit`, ...). */
	error?: string | undefined;
	interacted?: boolean | undefined;
}

const iso = ( ms: number | null ) =>
	ms === null ? null : new Date( ms ).toISOString();

type Row = Selectable< RecipientsWithWebhooksTable >;

export function recipientView( r: Row ) {
	return {
		id: Number( r.id ),
		contact_id: r.contact_id,
		phone: r.phone,
		state: r.state,
		attempts: r.attempts,
		next_attempt_at:
			r.state === 'pending' || r.state === 'retry'
				? iso( r.next_attempt_at )
				: null,
		error_code: r.error_code,
		error_reason: r.error_reason,
		error_message: r.error_message,
		retryable: r.retryable === null ? null : r.retryable === 1,
		retry_not_before: iso( r.retry_not_before ),
		wamid: r.wamid,
		message_status: r.message_status,
		sent_at: iso( r.sent_at ),
		delivered_at: iso( r.delivered_at ),
		read_at: iso( r.read_at ),
		failed_at: iso( r.failed_at ),
		interacted_at: iso( r.interacted_at ),
		interaction_payload: r.interaction_payload,
		updated_at: iso( r.updated_at ) as string,
	};
}

export type RecipientView = ReturnType< typeof recipientView >;

export const RECIPIENT_COLUMNS: Array< keyof RecipientView > = [
	'id',
	'contact_id',
	'phone',
	'state',
	'attempts',
	'next_attempt_at',
	'error_code',
	'error_reason',
	'error_message',
	'retryable',
	'retry_not_before',
	'wamid',
	'message_status',
	'sent_at',
	'delivered_at',
	'read_at',
	'failed_at',
	'interacted_at',
	'interaction_payload',
	'updated_at',
];

/**
 * One page of a campaign's recipients in id order (keyset: `after` is the last id seen), always within the tenant.
 * @param database
 * @param tenantId
 * @param campaignId
 * @param filter
 * @param after
 * @param limit
 */
export async function recipientsPage(
	database: Kysely< Database >,
	tenantId: string,
	campaignId: string,
	filter: RecipientFilter,
	after: number,
	limit: number
): Promise< Row[] > {
	const db = withWebhookTables( database );
	let query = db
		.selectFrom( 'recipients' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.where( 'id', '>', after );
	if ( filter.state ) {
		query = query.where( 'state', '=', filter.state );
	}
	if ( filter.message_status === 'none' ) {
		query = query.where( 'message_status', 'is', null );
	} else if ( filter.message_status ) {
		query = query.where(
			'message_status',
			'=',
			filter.message_status as Row[ 'message_status' ]
		);
	}
	if ( filter.error ) {
		query = query.where( 'error_reason', '=', filter.error );
	}
	if ( filter.interacted !== undefined ) {
		query = query.where(
			'interacted_at',
			filter.interacted ? 'is not' : 'is',
			null
		);
	}
	return query.orderBy( 'id' ).limit( limit ).execute();
}

/**
 * A CSV cell: always quoted; a text starting with = + - @ or a control character is prefixed with ' so that a
 * spreadsheet never runs it as a formula, except an E.164 phone number (+ and digits), which no spreadsheet evaluates.
 * @param value
 */
export function csvCell( value: unknown ): string {
	const text = value === null || value === undefined ? '' : String( value );
	const risky = /^[=+\-@\t\r]/.test( text ) && ! /^\+\d{4,15}$/.test( text );
	return `"${ ( risky ? `'${ text }` : text ).replace( /"/g, '""' ) }"`;
}

/**
 * Every recipient matching the filter as CSV lines (header first), read page by page so memory stays flat at any size.
 * @param database
 * @param tenantId
 * @param campaignId
 * @param filter
 * @param pageSize
 */
export async function* recipientsCsv(
	database: Kysely< Database >,
	tenantId: string,
	campaignId: string,
	filter: RecipientFilter,
	pageSize = 2000
): AsyncGenerator< string > {
	yield RECIPIENT_COLUMNS.join( ',' ) + '\r\n';
	let after = 0;
	for (;;) {
		const rows = await recipientsPage(
			database,
			tenantId,
			campaignId,
			filter,
			after,
			pageSize
		);
		if ( rows.length > 0 ) {
			yield rows
				.map( ( row ) => {
					const view = recipientView( row );
					return (
						RECIPIENT_COLUMNS.map( ( column ) =>
							csvCell( view[ column ] )
						).join( ',' ) + '\r\n'
					);
				} )
				.join( '' );
		}
		if ( rows.length < pageSize ) {
			return;
		}
		after = Number( ( rows[ rows.length - 1 ] as Row ).id );
	}
}

/**
 * What one phone was sent across the tenant's campaigns, newest first: the contact page's message history. Served by
 * the (tenant, phone, campaign) index.
 * @param database
 * @param tenantId
 * @param phone    E.164.
 * @param limit
 */
export async function recipientsOfPhone(
	database: Kysely< Database >,
	tenantId: string,
	phone: string,
	limit: number
) {
	const db = withWebhookTables( database );
	const rows = await db
		.selectFrom( 'recipients' )
		.innerJoin( 'campaigns', ( join ) =>
			join
				.onRef( 'campaigns.tenant_id', '=', 'recipients.tenant_id' )
				.onRef( 'campaigns.id', '=', 'recipients.campaign_id' )
		)
		.selectAll( 'recipients' )
		.select( [
			'campaigns.name as campaign_name',
			'campaigns.template_name as template_name',
		] )
		.where( 'recipients.tenant_id', '=', tenantId )
		.where( 'recipients.phone', '=', phone )
		.orderBy( 'recipients.updated_at', 'desc' )
		.orderBy( 'recipients.id', 'desc' )
		.limit( limit )
		.execute();
	return rows.map( ( row ) => ( {
		campaign_id: row.campaign_id,
		campaign_name: row.campaign_name,
		template_name: row.template_name,
		...recipientView( row ),
	} ) );
}
