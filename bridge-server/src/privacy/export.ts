/**
 * A person's data export, bridge side: everything this tenant's data holds about some phones (their messages,
 * inbound messages, opt-out entry and last marketing preference), for the site's privacy export
 * (`POST /v1/privacy/export`, privacy/routes.ts).
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../storage/dialect.js';
import { textIn } from '../storage/lists.js';
import type { Database } from '../storage/schema.js';
import { withWebhookTables } from '../webhooks/schema.js';
import type { ConsentState } from './consent.js';

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
