/**
 * External dependencies
 */
import type { Kysely, Selectable } from 'kysely';

/**
 * Internal dependencies
 */
import type {
	Database,
	MessagesTable,
	RecipientState,
	RecipientsTable,
} from '../storage/schema.js';
import { withWebhookTables } from '../webhooks/schema.js';

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

/**
 * A recipient as the API shows it: the run (id, contact, interaction) with its campaign step's message (state,
 * attempts, wamid, statuses, error). A campaign is a one-step automation: step 0.
 */
type Row = Omit< Selectable< MessagesTable >, 'id' | 'updated_at' > &
	Pick<
		Selectable< RecipientsTable >,
		'id' | 'contact_id' | 'interacted_at' | 'interaction_payload'
	> & { updated_at: number; run_updated_at: number };

const ROW_COLUMNS = [
	'r.id as id',
	'r.contact_id as contact_id',
	'r.interacted_at as interacted_at',
	'r.interaction_payload as interaction_payload',
	'r.updated_at as run_updated_at',
	'm.tenant_id as tenant_id',
	'm.campaign_id as campaign_id',
	'm.run_id as run_id',
	'm.step as step',
	'm.phone as phone',
	'm.body as body',
	'm.state as state',
	'm.attempts as attempts',
	'm.next_attempt_at as next_attempt_at',
	'm.claimed_by as claimed_by',
	'm.claimed_at as claimed_at',
	'm.sent_at as sent_at',
	'm.wamid as wamid',
	'm.message_status as message_status',
	'm.status_sent_at as status_sent_at',
	'm.delivered_at as delivered_at',
	'm.read_at as read_at',
	'm.failed_at as failed_at',
	'm.error_code as error_code',
	'm.error_reason as error_reason',
	'm.error_message as error_message',
	'm.retryable as retryable',
	'm.retry_not_before as retry_not_before',
	'm.updated_at as updated_at',
] as const;

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
		updated_at: iso(
			Math.max( Number( r.updated_at ), Number( r.run_updated_at ) )
		) as string,
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
		.selectFrom( 'messages as m' )
		.innerJoin( 'recipients as r', 'r.id', 'm.run_id' )
		.select( ROW_COLUMNS )
		.where( 'm.tenant_id', '=', tenantId )
		.where( 'm.campaign_id', '=', campaignId )
		.where( 'm.step', '=', 0 )
		.where( 'm.run_id', '>', after );
	if ( filter.state ) {
		query = query.where( 'm.state', '=', filter.state );
	}
	if ( filter.message_status === 'none' ) {
		query = query.where( 'm.message_status', 'is', null );
	} else if ( filter.message_status ) {
		query = query.where(
			'm.message_status',
			'=',
			filter.message_status as Row[ 'message_status' ]
		);
	}
	if ( filter.error ) {
		query = query.where( 'm.error_reason', '=', filter.error );
	}
	if ( filter.interacted !== undefined ) {
		query = query.where(
			'r.interacted_at',
			filter.interacted ? 'is not' : 'is',
			null
		);
	}
	return ( await query
		.orderBy( 'm.run_id' )
		.limit( limit )
		.execute() ) as unknown as Row[];
}

/**
 * A CSV cell: always quoted; a text starting with = + - @ or a control character is prefixed with ' so that a
 * spreadsheet never runs it as a formula, except an E.164 phone number (+ and digits), which no spreadsheet evaluates.
 */
export function csvCell( value: unknown ): string {
	const text = value === null || value === undefined ? '' : String( value );
	const risky = /^[=+\-@\t\r]/.test( text ) && ! /^\+\d{4,15}$/.test( text );
	return `"${ ( risky ? `'${ text }` : text ).replace( /"/g, '""' ) }"`;
}

/**
 * Every recipient matching the filter as CSV lines (header first), read page by page so memory stays flat at any size.
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
 * the (tenant, phone, campaign) index. The phone is E.164.
 */
export async function recipientsOfPhone(
	database: Kysely< Database >,
	tenantId: string,
	phone: string,
	limit: number
) {
	const db = withWebhookTables( database );
	const rows = ( await db
		.selectFrom( 'recipients as r' )
		.innerJoin( 'messages as m', 'm.run_id', 'r.id' )
		.innerJoin( 'campaigns', ( join ) =>
			join
				.onRef( 'campaigns.tenant_id', '=', 'r.tenant_id' )
				.onRef( 'campaigns.id', '=', 'r.campaign_id' )
		)
		.select( ROW_COLUMNS )
		.select( [
			'campaigns.name as campaign_name',
			'campaigns.template_name as template_name',
		] )
		.where( 'r.tenant_id', '=', tenantId )
		.where( 'r.phone', '=', phone )
		.orderBy( 'm.updated_at', 'desc' )
		.orderBy( 'm.id', 'desc' )
		.limit( limit )
		.execute() ) as unknown as Array<
		Row & { campaign_name: string; template_name: string }
	>;
	return rows.map( ( row ) => ( {
		campaign_id: row.campaign_id,
		campaign_name: row.campaign_name,
		template_name: row.template_name,
		...recipientView( row ),
	} ) );
}
