/**
 * What the owners of one webhook apply share: the transaction they all write in, the chunking of set-wise statements,
 * Meta's numbers and times as the engine stores them, and the campaign counter delta the status and inbound owners add
 * to (the orchestrator, apply.ts, writes the sum once per campaign).
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { WebhooksDatabase } from './schema.js';

const CHUNK = 500;

export type Trx = Kysely< WebhooksDatabase >;

export interface CounterDelta {
	sent: number;
	delivered: number;
	read: number;
	failed: number;
	interactions: number;
}

export function chunks< T >( items: T[], size = CHUNK ): T[][] {
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

export function seconds( value: number ): number {
	return Math.round( value * 1000 );
}
