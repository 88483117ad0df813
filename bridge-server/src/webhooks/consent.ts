/**
 * Consent: a customer's marketing preference (stop / resume) from Meta's user_preferences, from a tap on an opt-out
 * quick reply (the tenant's payloads, or the defaults) and from error 131050, applied newest-wins into the tenant's
 * opt-out list and the outbox that tells the site (opt-out-reporter.ts delivers it).
 */

/**
 * Internal dependencies
 */
import type { UserPreferenceEvent } from '../whatsapp/webhook-types.js';
import { seconds, toE164, type Trx } from './apply-common.js';

export interface ConsentOptions {
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

export interface PreferenceChange {
	tenantId: string;
	phone: string;
	value: 'stop' | 'resume';
	source: string;
	at: number;
}

export async function optOutPayloads(
	trx: Trx,
	tenantIds: string[],
	options: ConsentOptions
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

export function collectPreference(
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
 */
export async function applyPreference(
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
