/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from './dialect.js';
import { idIn, unindexed } from './lists.js';
import type { Database } from './schema.js';

/**
 * Runs (recipients) whose last step's message became final end: `active` -> `ended`. A campaign is a one-step
 * automation, so its run ends with its one message. Idempotent (an ended run stays ended); one statement.
 */
export async function endRuns(
	trx: Transaction< Database > | Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	now: number,
	runIds: readonly number[]
): Promise< void > {
	if ( runIds.length === 0 ) {
		return;
	}
	await trx
		.updateTable( 'recipients' )
		.set( { state: 'ended', updated_at: now } )
		.where( unindexed( dialect, 'tenant_id' ), '=', tenantId )
		.where( idIn( dialect, 'id', runIds ) )
		.where( 'state', '=', 'active' )
		.execute();
}
