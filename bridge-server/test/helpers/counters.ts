/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';

/**
 * Internal dependencies
 */
import type { Database } from '../../src/storage/schema';

/**
 * What each of a campaign's counters must be, counted from the rows it summarises (src/storage/counters.ts):
 * automation counters from the messages' states, message counters from their merged statuses, interactions from the
 * runs. `opted_out` and `duplicates` also hold phones the snapshot dropped (never stored), so they are not counted here.
 * @param db
 * @param tenantId
 * @param campaignId
 */
export async function countersFromRows(
	db: Kysely< Database >,
	tenantId: string,
	campaignId: string
) {
	const n = ( expression: string ) =>
		sql< number >`sum(case when ${ sql.raw(
			expression
		) } then 1 else 0 end)`;
	const m = await db
		.selectFrom( 'messages' )
		.select( [
			n( "state in ('pending', 'retry')" ).as( 'to_start' ),
			n( "state = 'sending'" ).as( 'in_progress' ),
			n( "state = 'completed'" ).as( 'completed' ),
			n( "state = 'failed'" ).as( 'failed' ),
			n( "state = 'unknown'" ).as( 'unknown' ),
			n( "state = 'cancelled'" ).as( 'cancelled' ),
			n( "state = 'capped'" ).as( 'capped' ),
			n( "state = 'opted_out'" ).as( 'opted_out_at_claim' ),
			n( "state = 'failed' and error_reason = 'invalid_phone'" ).as(
				'invalid'
			),
			n( "message_status in ('sent', 'delivered', 'read')" ).as(
				'messages_sent'
			),
			n( "message_status in ('delivered', 'read')" ).as(
				'messages_delivered'
			),
			n( "message_status = 'read'" ).as( 'messages_read' ),
			n( "message_status = 'failed'" ).as( 'messages_failed' ),
		] )
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.executeTakeFirstOrThrow();
	const r = await db
		.selectFrom( 'recipients' )
		.select( [
			sql< number >`count(*)`.as( 'runs' ),
			n( 'interacted_at is not null' ).as( 'interactions' ),
		] )
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.executeTakeFirstOrThrow();
	const num = ( v: unknown ) => Number( v ?? 0 );
	return {
		// A run whose message was opted out at claim left `total` (as if the snapshot had dropped it).
		total: num( r.runs ) - num( m.opted_out_at_claim ),
		to_start: num( m.to_start ),
		in_progress: num( m.in_progress ),
		completed: num( m.completed ),
		failed: num( m.failed ),
		unknown: num( m.unknown ),
		cancelled: num( m.cancelled ),
		capped: num( m.capped ),
		invalid: num( m.invalid ),
		messages_sent: num( m.messages_sent ),
		messages_delivered: num( m.messages_delivered ),
		messages_read: num( m.messages_read ),
		messages_failed: num( m.messages_failed ),
		interactions: num( r.interactions ),
		optedOutAtClaim: num( m.opted_out_at_claim ),
	};
}

/**
 * Every counter of the campaign equals the COUNT of the rows it summarises (opted_out at least the opted-out
 * messages). Returns the counters.
 * @param db
 * @param tenantId
 * @param campaignId
 */
export async function expectCountersMatchRows(
	db: Kysely< Database >,
	tenantId: string,
	campaignId: string
) {
	const { optedOutAtClaim, ...counted } = await countersFromRows(
		db,
		tenantId,
		campaignId
	);
	const row = await db
		.selectFrom( 'campaign_counters' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.executeTakeFirstOrThrow();
	const stored = Object.fromEntries(
		Object.keys( counted ).map( ( key ) => [
			key,
			Number( row[ key as keyof typeof row ] ),
		] )
	);
	expect( stored, `counters of ${ campaignId }` ).toEqual( counted );
	// Run states agree with their messages: a run is active exactly while its (one) message may still be sent.
	const mismatched = await db
		.selectFrom( 'recipients as r' )
		.innerJoin( 'messages as m', 'm.run_id', 'r.id' )
		.select( [ 'r.id', 'r.state as run', 'm.state as message' ] )
		.where( 'r.tenant_id', '=', tenantId )
		.where( 'r.campaign_id', '=', campaignId )
		.where( ( eb ) =>
			eb.or( [
				eb.and( [
					eb( 'r.state', '=', 'active' ),
					eb( 'm.state', 'not in', [
						'pending',
						'retry',
						'sending',
					] ),
				] ),
				eb.and( [
					eb( 'r.state', '=', 'ended' ),
					eb( 'm.state', 'in', [ 'pending', 'retry', 'sending' ] ),
				] ),
			] )
		)
		.limit( 5 )
		.execute();
	expect( mismatched, `run states of ${ campaignId }` ).toEqual( [] );
	expect( Number( row.opted_out ) ).toBeGreaterThanOrEqual( optedOutAtClaim );
	return row;
}

/**
 * A campaign's run counters (`runs_*`, for a campaign that launches an automation or an automation's lane) equal the
 * COUNT of its runs by state, and its message counters the COUNT of its messages (every step's): the invariant of
 * storage/counters.ts for runs of several steps. Returns the stored counters.
 * @param db
 * @param tenantId
 * @param campaignId
 */
export async function expectRunCountersMatchRows(
	db: Kysely< Database >,
	tenantId: string,
	campaignId: string
) {
	const n = ( expression: string ) =>
		sql< number >`sum(case when ${ sql.raw(
			expression
		) } then 1 else 0 end)`;
	const runs = await db
		.selectFrom( 'recipients as r' )
		.leftJoin( 'automation_runs as a', 'a.run_id', 'r.id' )
		.select( [
			n(
				'a.run_id is not null and a.ended_at is null and a.waiting is null'
			).as( 'runs_to_start' ),
			n(
				'a.run_id is not null and a.ended_at is null and a.waiting is not null'
			).as( 'runs_in_progress' ),
			n( 'a.ended_at is not null and a.exit_reason is null' ).as(
				'runs_completed'
			),
			// An invalid number's run never starts (no automation_runs row): a failed run.
			n(
				"a.run_id is null or a.exit_reason in ('send_failed', 'campaign_failed')"
			).as( 'runs_failed' ),
			n( "a.exit_reason = 'campaign_cancelled'" ).as( 'runs_cancelled' ),
			n(
				"a.exit_reason not in ('send_failed', 'campaign_failed', 'campaign_cancelled')"
			).as( 'runs_exited' ),
		] )
		.where( 'r.tenant_id', '=', tenantId )
		.where( 'r.campaign_id', '=', campaignId )
		.executeTakeFirstOrThrow();
	const { optedOutAtClaim, ...messages } = await countersFromRows(
		db,
		tenantId,
		campaignId
	);
	const counted: Record< string, number > = { ...messages };
	for ( const [ key, value ] of Object.entries( runs ) ) {
		counted[ key ] = Number( value ?? 0 );
	}
	const row = await db
		.selectFrom( 'campaign_counters' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.where( 'campaign_id', '=', campaignId )
		.executeTakeFirstOrThrow();
	const stored = Object.fromEntries(
		Object.keys( counted ).map( ( key ) => [
			key,
			Number( row[ key as keyof typeof row ] ),
		] )
	);
	expect( stored, `counters of ${ campaignId }` ).toEqual( counted );
	expect( Number( row.opted_out ) ).toBeGreaterThanOrEqual( optedOutAtClaim );
	return row;
}
