/**
 * The run engine: a lease-held tick (one process at a time, like the scheduler; no in-memory timers: the due time is
 * on the run's row) that advances due runs, each in its own transaction, and ends the runs whose message failed.
 *
 * Exactly once per step: a run is taken by a conditional update on the (step, due_at) the tick read; a second tick
 * (or a reply) that read the same row finds it changed and skips it. The step's effects commit with the run's new
 * position (advance.ts), so a crash before the commit redoes the step from scratch and one after it never again.
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type { DialectName } from '../storage/dialect.js';
import { acquireLease, releaseLease } from '../storage/leases.js';
import type { Database } from '../storage/schema.js';
import { advanceRun, type DueRun } from './advance.js';
import { endAutomationRuns, exitEndedRun } from './exit.js';
import { queueOrderNotes } from './order-notes.js';
import type { Step } from './types.js';

export interface EngineOptions {
	/** How often due runs are looked for (a webhook-started run wakes the engine at once). */
	tickMs: number;
	/** Due runs taken per round. */
	batch: number;
	/**
	 * How long the engine's lease lasts without renewal. It bounds how long runs wait after a process dies holding it
	 * (another process takes over when it expires), so it is short and renewed between batches; two processes
	 * advancing at once would still be safe (each run is taken by a compare-and-set on its due time), only wasteful.
	 */
	leaseMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
	tickMs: 1_000,
	batch: 500,
	leaseMs: 10_000,
};

const LEASE = 'automations';

export class AutomationEngine {
	private timer: NodeJS.Timeout | undefined;
	private stopped = true;
	private running: Promise< void > | null = null;
	private again = false;
	private readonly steps = new Map< string, Step[] >();
	/** Failures older than this were looked at (endFailed); 0 after a boot. */
	private failuresSince = 0;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly dialect: DialectName,
		private readonly clock: Clock,
		private readonly workerId: string,
		private readonly log: Logger,
		private readonly options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
		/** Called when a tick queued messages (the dispatcher claims them at once). */
		private readonly onQueued: () => void = () => {}
	) {}

	start(): void {
		this.stopped = false;
		this.schedule( 0 );
	}

	async stop(): Promise< void > {
		this.stopped = true;
		clearTimeout( this.timer );
		await this.running;
		await releaseLease( this.db, LEASE, this.workerId ).catch( () => {} );
	}

	/** A run was started or answered: tick now rather than at the next interval. */
	wake(): void {
		if ( this.stopped ) {
			return;
		}
		if ( this.running ) {
			this.again = true;
			return;
		}
		this.schedule( 0 );
	}

	private schedule( ms: number ): void {
		clearTimeout( this.timer );
		if ( ! this.stopped ) {
			this.timer = setTimeout( () => void this.tick(), ms );
		}
	}

	/** One round that starts after this call (tests call it directly with an injected clock). */
	async tick(): Promise< void > {
		while ( this.running ) {
			await this.running;
		}
		this.running = this.round()
			.catch( ( error ) =>
				this.log.error( { err: error }, 'automation tick failed' )
			)
			.finally( () => {
				this.running = null;
				const again = this.again;
				this.again = false;
				this.schedule( again ? 0 : this.options.tickMs );
			} );
		return this.running;
	}

	private async round(): Promise< void > {
		if (
			! ( await acquireLease(
				this.db,
				LEASE,
				this.workerId,
				this.options.leaseMs
			) )
		) {
			return;
		}
		let advanced = 0;
		for ( let rounds = 0; rounds < 20; rounds++ ) {
			const n = await this.advanceDue();
			advanced += n;
			if (
				n < this.options.batch ||
				! ( await acquireLease(
					this.db,
					LEASE,
					this.workerId,
					this.options.leaseMs
				) )
			) {
				break;
			}
		}
		await this.endFailed();
		if ( advanced > 0 ) {
			this.onQueued();
		}
	}

	/** Advances the runs due now; answers how many were taken. */
	async advanceDue(): Promise< number > {
		const now = this.clock.now();
		const due = await this.db
			.selectFrom( 'automation_runs' )
			.select( [ 'run_id', 'step', 'due_at' ] )
			.where( 'ended_at', 'is', null )
			.where( 'due_at', 'is not', null )
			.where( 'due_at', '<=', now )
			.orderBy( 'due_at' )
			.orderBy( 'run_id' )
			.limit( this.options.batch )
			.execute();
		const zones = new Map< string, string >();
		for ( const row of due ) {
			await this.db.transaction().execute( async ( trx ) => {
				const taken = await trx
					.updateTable( 'automation_runs' )
					.set( { due_at: null } )
					.where( 'run_id', '=', row.run_id )
					.where( 'step', '=', row.step )
					.where( 'due_at', '=', row.due_at )
					.where( 'ended_at', 'is', null )
					.executeTakeFirst();
				if ( Number( taken.numUpdatedRows ) !== 1 ) {
					return;
				}
				const run = await trx
					.selectFrom( 'automation_runs as a' )
					.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
					.select( [
						'a.run_id',
						'a.tenant_id',
						'a.automation_id',
						'a.version',
						'a.step',
						'a.waiting',
						'a.event',
						'r.campaign_id',
						'r.phone',
						'r.contact_id',
						'r.variables',
					] )
					.where( 'a.run_id', '=', row.run_id )
					.executeTakeFirstOrThrow();
				let timeZone = zones.get( run.tenant_id );
				if ( timeZone === undefined ) {
					const tenant = await trx
						.selectFrom( 'tenants' )
						.select( 'timezone' )
						.where( 'id', '=', run.tenant_id )
						.executeTakeFirst();
					timeZone = validZone( tenant?.timezone );
					zones.set( run.tenant_id, timeZone );
				}
				await advanceRun(
					{
						trx,
						dialect: this.dialect,
						now,
						timeZone,
						steps: await this.stepsOf( trx, run ),
					},
					{ ...run, run_id: Number( run.run_id ) } as DueRun
				);
			} );
		}
		return due.length;
	}

	/**
	 * Runs whose message failed (send_failed) or was found opted out at claim (opted_out) end; a run that had already
	 * completed (its last step was the send) keeps its end time and takes the reason.
	 */
	async endFailed(): Promise< void > {
		const now = this.clock.now();
		// Failures written since the last look (the partial index of migration 0109), a minute's margin for a
		// transaction that took its time before committing; from the start after a boot.
		const since = this.failuresSince;
		const failed = await this.db
			.selectFrom( 'messages as m' )
			// CROSS JOIN: SQLite keeps the few new failures as the outer loop (it would scan every message otherwise).
			.crossJoin( 'automation_runs as a' )
			.whereRef( 'a.run_id', '=', 'm.run_id' )
			.where( 'm.updated_at', '>=', since )
			.select( [
				'a.run_id',
				'a.tenant_id',
				'a.ended_at',
				'm.step',
				'm.state',
				'm.error_reason',
				'm.error_message',
				'm.failed_at',
				'm.updated_at',
			] )
			.where( 'a.exit_reason', 'is', null )
			.where( 'm.state', 'in', [ 'failed', 'opted_out' ] )
			.limit( 1_000 )
			.execute();
		if ( failed.length < 1_000 ) {
			this.failuresSince = now - 60_000;
		}
		for ( const f of failed ) {
			await this.db.transaction().execute( async ( trx ) => {
				const reason =
					f.state === 'opted_out' ? 'opted_out' : 'send_failed';
				if ( reason === 'send_failed' ) {
					// A message refused at send time has no status webhook: its order's note says so here.
					await queueOrderNotes(
						trx,
						[
							{
								runId: Number( f.run_id ),
								step: f.step,
								status: 'failed',
								at: Number( f.failed_at ?? f.updated_at ),
								error: f.error_message ?? f.error_reason,
							},
						],
						now
					);
					await trx
						.updateTable( 'automation_history' )
						.set( {
							outcome: `failed:${ f.error_reason ?? 'error' }`,
						} )
						.where( 'run_id', '=', f.run_id )
						.where( 'step', '=', f.step )
						.execute();
				}
				if ( f.ended_at !== null ) {
					await exitEndedRun(
						trx,
						f.tenant_id,
						Number( f.run_id ),
						reason
					);
					return;
				}
				await endAutomationRuns(
					trx,
					this.dialect,
					f.tenant_id,
					[ Number( f.run_id ) ],
					reason,
					now
				);
			} );
		}
	}

	private async stepsOf(
		trx: Kysely< Database >,
		run: {
			tenant_id: string;
			automation_id: string;
			version: number;
		}
	): Promise< Step[] > {
		const key = `${ run.tenant_id }\u0000${ run.automation_id }\u0000${ run.version }`;
		let steps = this.steps.get( key );
		if ( ! steps ) {
			const row = await trx
				.selectFrom( 'automation_versions' )
				.select( 'steps' )
				.where( 'tenant_id', '=', run.tenant_id )
				.where( 'automation_id', '=', run.automation_id )
				.where( 'version', '=', run.version )
				.executeTakeFirstOrThrow();
			steps = JSON.parse( row.steps ) as Step[];
			if ( this.steps.size > 1_000 ) {
				this.steps.clear();
			}
			this.steps.set( key, steps );
		}
		return steps;
	}
}

function validZone( zone: string | null | undefined ): string {
	if ( zone ) {
		try {
			new Intl.DateTimeFormat( 'en-US', { timeZone: zone } );
			return zone;
		} catch {
			// An unknown zone: UTC below.
		}
	}
	return 'UTC';
}
