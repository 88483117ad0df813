/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../storage/dialect.js';
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

export async function upsertPreference(
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
