/**
 * What the automation routes answer: definitions with their run counts, per-step numbers and runs with their history.
 * Every number is a COUNT of rows (automation_runs, automation_history, messages), never a stored counter.
 */

/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { Database } from '../storage/schema.js';
import { requireAutomation, stepsOf, type AutomationRow } from './store.js';
import type { Step } from './types.js';

export interface RunCounts {
	active: number;
	completed: number;
	exited: number;
	failed: number;
}

export interface StepStats {
	entered: number;
	waiting: number;
	completed: number;
	exited: number;
	failed: number;
	sent: number;
	delivered: number;
	read: number;
	replied: number;
}

function definition( row: AutomationRow ) {
	return {
		id: row.id,
		name: row.name,
		state: row.state,
		version: row.version,
		trigger: JSON.parse( row.trigger ),
		reentry: JSON.parse( row.reentry ),
		exit_on: JSON.parse( row.exit_on ),
		created_at: Number( row.created_at ),
		updated_at: Number( row.updated_at ),
	};
}

/** Runs of each automation of the tenant by state (active, completed, exited, failed = exited with send_failed). */
async function runCounts(
	db: Kysely< Database >,
	tenantId: string,
	automationId?: string
): Promise< Map< string, RunCounts > > {
	let query = db
		.selectFrom( 'automation_runs' )
		.select( ( eb ) => [
			'automation_id',
			eb.fn.countAll< number >().as( 'n' ),
			sql< string >`case when ended_at is null then 'active' when exit_reason is null then 'completed' when exit_reason = 'send_failed' then 'failed' else 'exited' end`.as(
				'kind'
			),
		] )
		.where( 'tenant_id', '=', tenantId )
		.groupBy( [ 'automation_id', 'kind' ] );
	if ( automationId ) {
		query = query.where( 'automation_id', '=', automationId );
	}
	const out = new Map< string, RunCounts >();
	for ( const row of await query.execute() ) {
		const counts = out.get( row.automation_id ) ?? {
			active: 0,
			completed: 0,
			exited: 0,
			failed: 0,
		};
		counts[ row.kind as keyof RunCounts ] = Number( row.n );
		out.set( row.automation_id, counts );
	}
	return out;
}

export async function listAutomations(
	db: Kysely< Database >,
	tenantId: string
) {
	const rows = await db
		.selectFrom( 'automations' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.orderBy( 'created_at', 'desc' )
		.orderBy( 'id' )
		.execute();
	const counts = await runCounts( db, tenantId );
	return rows.map( ( row ) => ( {
		...definition( row ),
		runs: counts.get( row.id ) ?? {
			active: 0,
			completed: 0,
			exited: 0,
			failed: 0,
		},
	} ) );
}

/**
 * Per-step numbers by step id (over every version): entered, waiting, completed (a reply completes too), exited,
 * failed, and the step's messages sent, delivered, read, replied. Every step of `steps` is listed, even at zero.
 *
 * @param db           Database.
 * @param tenantId     Tenant.
 * @param automationId Automation.
 * @param steps        The steps to list.
 * @param campaignId   Only the runs this campaign started (its recipients), else every run of the automation.
 */
export async function stepStats(
	db: Kysely< Database >,
	tenantId: string,
	automationId: string,
	steps: readonly Step[],
	campaignId?: string
): Promise< Record< string, StepStats > > {
	const stats: Record< string, StepStats > = {};
	const statsOf = ( stepId: string ) =>
		( stats[ stepId ] ??= {
			entered: 0,
			waiting: 0,
			completed: 0,
			exited: 0,
			failed: 0,
			sent: 0,
			delivered: 0,
			read: 0,
			replied: 0,
		} );
	for ( const step of steps ) {
		statsOf( step.id );
	}
	let history = db
		.selectFrom( 'automation_history as h' )
		.select( ( eb ) => [
			'h.step_id',
			eb.fn.countAll< number >().as( 'n' ),
			sql< string >`case when h.left_at is null then 'waiting' when h.outcome like 'exited:%' then 'exited' when h.outcome like 'failed:%' then 'failed' when h.outcome like 'replied:%' then 'replied' else 'completed' end`.as(
				'kind'
			),
		] )
		.where( 'h.tenant_id', '=', tenantId )
		.where( 'h.automation_id', '=', automationId )
		.groupBy( [ 'h.step_id', 'kind' ] );
	let messages = db
		.selectFrom( 'automation_history as h' )
		.innerJoin( 'messages as m', ( join ) =>
			join
				.onRef( 'm.run_id', '=', 'h.run_id' )
				.onRef( 'm.step', '=', 'h.step' )
		)
		.select( ( eb ) => [
			'h.step_id',
			eb.fn
				.sum< number >(
					sql`case when m.state = 'completed' then 1 else 0 end`
				)
				.as( 'sent' ),
			eb.fn
				.sum< number >(
					sql`case when m.message_status in ('delivered', 'read') then 1 else 0 end`
				)
				.as( 'delivered' ),
			eb.fn
				.sum< number >(
					sql`case when m.message_status = 'read' then 1 else 0 end`
				)
				.as( 'read' ),
		] )
		.where( 'h.tenant_id', '=', tenantId )
		.where( 'h.automation_id', '=', automationId )
		.groupBy( 'h.step_id' );
	if ( campaignId !== undefined ) {
		// The campaign's runs are its recipients rows (index on tenant, campaign, phone).
		const runs = db
			.selectFrom( 'recipients as r' )
			.select( 'r.id' )
			.where( 'r.tenant_id', '=', tenantId )
			.where( 'r.campaign_id', '=', campaignId );
		history = history.where( 'h.run_id', 'in', runs );
		messages = messages.where( 'h.run_id', 'in', runs );
	}
	for ( const h of await history.execute() ) {
		const s = statsOf( h.step_id );
		const n = Number( h.n );
		s.entered += n;
		if ( h.kind === 'replied' ) {
			// A reply completes the step too.
			s.replied += n;
			s.completed += n;
		} else {
			s[ h.kind as 'waiting' | 'exited' | 'failed' | 'completed' ] += n;
		}
	}
	for ( const m of await messages.execute() ) {
		const s = statsOf( m.step_id );
		s.sent = Number( m.sent ?? 0 );
		s.delivered = Number( m.delivered ?? 0 );
		s.read = Number( m.read ?? 0 );
	}
	return stats;
}

/** One definition with its current steps and per-step numbers (over every version, by step id). */
export async function viewAutomation(
	db: Kysely< Database >,
	tenantId: string,
	id: string
) {
	const row = await requireAutomation( db, tenantId, id );
	const steps = await stepsOf( db, tenantId, id, row.version );
	return {
		...definition( row ),
		steps,
		step_stats: await stepStats( db, tenantId, id, steps ),
	};
}

export interface RunFilter {
	automationId?: string;
	phone?: string;
	state?: 'active' | 'ended';
	limit: number;
}

/** Runs with their history, newest first. */
export async function listRuns(
	db: Kysely< Database >,
	tenantId: string,
	filter: RunFilter
) {
	let query = db
		.selectFrom( 'automation_runs as a' )
		.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
		.select( [
			'a.run_id',
			'a.automation_id',
			'a.version',
			'a.step',
			'a.started_at',
			'a.ended_at',
			'a.exit_reason',
			'a.waiting',
			'r.phone',
			'r.contact_id',
		] )
		.where( 'a.tenant_id', '=', tenantId )
		.orderBy( 'a.run_id', 'desc' )
		.limit( filter.limit );
	if ( filter.automationId ) {
		query = query.where( 'a.automation_id', '=', filter.automationId );
	}
	if ( filter.phone ) {
		query = query.where( 'r.phone', '=', filter.phone );
	}
	if ( filter.state === 'active' ) {
		query = query.where( 'a.ended_at', 'is', null );
	} else if ( filter.state === 'ended' ) {
		query = query.where( 'a.ended_at', 'is not', null );
	}
	const runs = await query.execute();
	const ids = runs.map( ( r ) => Number( r.run_id ) );
	const history =
		ids.length === 0
			? []
			: await db
					.selectFrom( 'automation_history' )
					.select( [
						'run_id',
						'step',
						'step_id',
						'entered_at',
						'left_at',
						'outcome',
					] )
					.where( 'run_id', 'in', ids )
					.orderBy( 'id' )
					.execute();
	const byRun = new Map< number, typeof history >();
	for ( const h of history ) {
		const list = byRun.get( Number( h.run_id ) ) ?? [];
		list.push( h );
		byRun.set( Number( h.run_id ), list );
	}
	return runs.map( ( r ) => ( {
		id: Number( r.run_id ),
		automation_id: r.automation_id,
		phone: r.phone,
		contact_id: r.contact_id,
		version: r.version,
		state: r.ended_at === null ? 'active' : 'ended',
		step: r.step,
		waiting: r.waiting,
		started_at: Number( r.started_at ),
		ended_at: r.ended_at === null ? null : Number( r.ended_at ),
		exit_reason: r.exit_reason,
		history: ( byRun.get( Number( r.run_id ) ) ?? [] ).map( ( h ) => ( {
			step: h.step,
			step_id: h.step_id,
			entered_at: Number( h.entered_at ),
			left_at: h.left_at === null ? null : Number( h.left_at ),
			outcome: h.outcome,
		} ) ),
	} ) );
}
