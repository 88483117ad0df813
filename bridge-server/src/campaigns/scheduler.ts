/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * Internal dependencies
 */
import {
	AudienceRejected,
	AutomationUnavailable,
	type AudienceSnapshot,
} from '../audience/snapshot.js';
import type { Clock } from '../clock.js';
import { acquireLease, liveWorkers, releaseLease } from '../storage/leases.js';
import { applyCounterDeltas } from '../storage/counters.js';
import { isPostgres } from '../storage/dialect.js';
import { endRuns } from '../storage/runs.js';
import type { Campaign, Database } from '../storage/schema.js';
import { findTenant } from '../tenants/store.js';
import type { CampaignService } from './campaign-service.js';

export interface SchedulerOptions {
	/** How often due campaigns are looked for; a start happens within this (plus a query) of its time. */
	tickMs: number;
	leaseTtlMs: number;
	/**
	 * SQLite is one process by design: at boot, whatever another (dead) process left in `sending` is `unknown` at once.
	 * On PostgreSQL, only after its worker stopped its heartbeat.
	 */
	singleProcess: boolean;
	/** Audience snapshots in progress at once, over all tenants (at most one per tenant). */
	maxSnapshots: number;
	/** Pages one snapshot reads before it gives its slot back (the next tenant in turn may take it). */
	pagesPerTurn: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
	tickMs: 200,
	leaseTtlMs: 5_000,
	singleProcess: true,
	maxSnapshots: 4,
	pagesPerTurn: 20,
};

const LEASE = 'scheduler';

/**
 * Durable scheduler: everything it does is derived from the database on each tick (start due campaigns, take audience
 * snapshots, complete finished campaigns, settle recipients of dead workers), so a start missed while the bridge was
 * down happens at the first tick after boot, and the conditional state change makes it happen once.
 * Only the holder of the "scheduler" lease runs it.
 */
export class Scheduler {
	private timer: NodeJS.Timeout | undefined;
	private running = false;
	private stopped = false;
	/** Tenants whose snapshot is in progress (one each). */
	private snapshotting = new Set< string >();
	/** The tenant served last: the next turn starts after it (round-robin). */
	private lastSnapshotTenant = '';
	/** At the last tick, some tenant with an audience to take found no free slot. */
	private tenantsWaiting = false;
	private recoveredAtBoot = false;
	private lastRecovery = 0;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly campaigns: CampaignService,
		private readonly snapshot: AudienceSnapshot,
		private readonly clock: Clock,
		private readonly workerId: string,
		private readonly log: Logger,
		private readonly options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS
	) {}

	start(): void {
		this.stopped = false;
		const loop = async () => {
			await this.tick().catch( ( error ) =>
				this.log.error( { err: error }, 'scheduler tick failed' )
			);
			if ( ! this.stopped ) {
				this.timer = setTimeout( loop, this.options.tickMs );
			}
		};
		void loop();
	}

	async stop(): Promise< void > {
		this.stopped = true;
		clearTimeout( this.timer );
		while ( this.running || this.snapshotting.size > 0 ) {
			await new Promise( ( resolve ) => setTimeout( resolve, 20 ) );
		}
		await releaseLease( this.db, LEASE, this.workerId ).catch(
			() => undefined
		);
	}

	/** One pass; public so tests with an injected clock can drive it. */
	async tick(): Promise< void > {
		if ( this.running ) {
			return;
		}
		this.running = true;
		try {
			if (
				! ( await acquireLease(
					this.db,
					LEASE,
					this.workerId,
					this.options.leaseTtlMs
				) )
			) {
				return;
			}
			await this.recoverOrphans();
			await this.startDue();
			await this.snapshotRunning();
			await this.completeFinished();
		} finally {
			this.running = false;
		}
	}

	private async startDue(): Promise< void > {
		const now = this.clock.now();
		const due = await this.db
			.selectFrom( 'campaigns' )
			.select( [ 'tenant_id', 'id' ] )
			.where( 'state', '=', 'scheduled' )
			.where( 'start_at', '<=', now )
			.orderBy( 'start_at' )
			.limit( 100 )
			.execute();
		for ( const campaign of due ) {
			if (
				await this.campaigns.transition(
					campaign.tenant_id,
					campaign.id,
					'running',
					{ startedAt: now },
					this.db,
					[ 'scheduled' ]
				)
			) {
				this.log.info(
					{ tenant: campaign.tenant_id, campaign: campaign.id },
					'campaign started'
				);
			}
		}
	}

	/**
	 * Audience snapshots, fairly between tenants: at most one in progress per tenant (its other campaigns wait their
	 * turn), at most `maxSnapshots` in all, and free slots go round-robin to the tenants after the one served last. A
	 * snapshot reads `pagesPerTurn` pages and gives its slot back, so one tenant's huge audience never blocks another's.
	 */
	private async snapshotRunning(): Promise< void > {
		const free = this.options.maxSnapshots - this.snapshotting.size;
		const now = this.clock.now();
		// Small rows (no audience or template): the oldest waiting campaign of each tenant is picked below.
		const waiting = await this.db
			.selectFrom( 'campaigns' )
			.select( [ 'tenant_id', 'id' ] )
			.where( 'state', '=', 'running' )
			.where( 'audience_done', '=', 0 )
			// Automation lanes (`a:<id>`, src/automations) have no audience and never complete.
			.where( 'id', 'not like', 'a:%' )
			.where( ( eb ) =>
				eb.or( [
					eb( 'next_snapshot_at', 'is', null ),
					eb( 'next_snapshot_at', '<=', now ),
				] )
			)
			.orderBy( 'started_at' )
			.orderBy( 'id' )
			.limit( 10_000 )
			.execute();
		const firstByTenant = new Map< string, string >();
		for ( const row of waiting ) {
			if (
				! this.snapshotting.has( row.tenant_id ) &&
				! firstByTenant.has( row.tenant_id )
			) {
				firstByTenant.set( row.tenant_id, row.id );
			}
		}
		const tenants = [ ...firstByTenant.keys() ].sort();
		const start = tenants.findIndex( ( t ) => t > this.lastSnapshotTenant );
		const turn =
			start <= 0
				? tenants
				: [ ...tenants.slice( start ), ...tenants.slice( 0, start ) ];
		// Snapshots in progress give their slot back after their turn only when another tenant is waiting for one.
		this.tenantsWaiting = turn.length > Math.max( 0, free );
		for ( const tenantId of turn.slice( 0, Math.max( 0, free ) ) ) {
			const campaign = await this.db
				.selectFrom( 'campaigns' )
				.selectAll()
				.where( 'tenant_id', '=', tenantId )
				.where( 'id', '=', firstByTenant.get( tenantId ) as string )
				.executeTakeFirst();
			if ( ! campaign ) {
				continue;
			}
			this.lastSnapshotTenant = tenantId;
			this.snapshotting.add( tenantId );
			void this.runSnapshot( campaign ).finally( () =>
				this.snapshotting.delete( tenantId )
			);
		}
	}

	private async runSnapshot( campaign: Campaign ): Promise< void > {
		const tenant = await findTenant( this.db, campaign.tenant_id );
		if ( ! tenant ) {
			return;
		}
		try {
			let pages = 0;
			while (
				! this.stopped &&
				( await this.snapshot.step( tenant, campaign ) ) === 'more' &&
				( ++pages < this.options.pagesPerTurn || ! this.tenantsWaiting )
			) {
				// Page after page; each one is committed with its cursor. After its turn, the slot goes back if another
				// tenant waits for one.
			}
		} catch ( error ) {
			if ( error instanceof AutomationUnavailable ) {
				// Nothing is lost: the owner activates the automation and resumes the campaign, which goes on from here.
				this.log.warn(
					{ campaign: campaign.id, reason: error.code },
					'automation unavailable: campaign paused'
				);
				await this.campaigns.transition(
					campaign.tenant_id,
					campaign.id,
					'paused',
					{ reason: error.code, message: error.message },
					this.db,
					[ 'running' ]
				);
				return;
			}
			if ( error instanceof AudienceRejected ) {
				this.log.warn(
					{ campaign: campaign.id, reason: error.reason },
					'audience rejected'
				);
				await this.db.transaction().execute( async ( trx ) => {
					if (
						await this.campaigns.transition(
							campaign.tenant_id,
							campaign.id,
							'failed',
							{ reason: error.reason, message: error.message },
							trx
						)
					) {
						await this.campaigns.failWaiting(
							trx,
							campaign.tenant_id,
							campaign.id,
							'campaign_failed',
							null,
							true
						);
					}
				} );
				return;
			}
			const reason =
				error instanceof Error ? error.message : String( error );
			const attempts = campaign.snapshot_attempts + 1;
			const next = this.snapshot.nextAttemptAt( attempts );
			this.log.warn(
				{ campaign: campaign.id, attempts, reason },
				'audience snapshot failed'
			);
			if ( next === null ) {
				await this.db.transaction().execute( async ( trx ) => {
					if (
						await this.campaigns.transition(
							campaign.tenant_id,
							campaign.id,
							'failed',
							{
								reason: 'site_unreachable',
								message: `The audience could not be read from the site: ${ reason }`,
							},
							trx
						)
					) {
						await this.campaigns.failWaiting(
							trx,
							campaign.tenant_id,
							campaign.id,
							'campaign_failed',
							null,
							true
						);
					}
				} );
				return;
			}
			await this.db
				.updateTable( 'campaigns' )
				.set( {
					snapshot_attempts: attempts,
					next_snapshot_at: next,
					state_message: `Retrying: ${ reason }`,
				} )
				.where( 'tenant_id', '=', campaign.tenant_id )
				.where( 'id', '=', campaign.id )
				.execute();
		}
	}

	private async completeFinished(): Promise< void > {
		const finished = await this.db
			.selectFrom( 'campaigns as c' )
			.innerJoin( 'campaign_counters as k', ( join ) =>
				join
					.onRef( 'k.tenant_id', '=', 'c.tenant_id' )
					.onRef( 'k.campaign_id', '=', 'c.id' )
			)
			.select( [ 'c.tenant_id', 'c.id' ] )
			.where( 'c.state', '=', 'running' )
			.where( 'c.audience_done', '=', 1 )
			.where( 'c.id', 'not like', 'a:%' )
			.where( 'k.to_start', '=', 0 )
			.where( 'k.in_progress', '=', 0 )
			// A campaign that launches an automation completes when its last run has ended (always 0 for templates).
			.where( 'k.runs_to_start', '=', 0 )
			.where( 'k.runs_in_progress', '=', 0 )
			.execute();
		for ( const campaign of finished ) {
			if (
				await this.campaigns.transition(
					campaign.tenant_id,
					campaign.id,
					'completed',
					{ reason: 'all_recipients_done' },
					this.db,
					[ 'running' ]
				)
			) {
				this.log.info(
					{ tenant: campaign.tenant_id, campaign: campaign.id },
					'campaign completed'
				);
			}
		}
	}

	/**
	 * Recipients left in `sending` by a process that died: their request may or may not have reached WhatsApp, so they
	 * become `unknown` (reported, never re-sent automatically).
	 */
	async recoverOrphans(): Promise< number > {
		const now = Date.now();
		const immediate = this.options.singleProcess && ! this.recoveredAtBoot;
		if ( ! immediate && now - this.lastRecovery < 2_000 ) {
			return 0;
		}
		this.lastRecovery = now;
		this.recoveredAtBoot = true;
		const live = this.options.singleProcess
			? [ this.workerId ]
			: await liveWorkers( this.db );
		if ( ! live.includes( this.workerId ) ) {
			live.push( this.workerId );
		}
		return this.db.transaction().execute( async ( trx ) => {
			// Only the messages being sent, through the partial index of migration 0105: `state = 'sending'` is a literal
			// (SQLite uses a partial index only then), and the campaigns are grouped here, not by a GROUP BY that SQLite
			// would answer by scanning a whole (tenant, campaign) index in order.
			const claimed = await trx
				.selectFrom( 'messages' )
				.select( [ 'tenant_id', 'campaign_id' ] )
				.where( sql< boolean >`state = 'sending'` )
				.where( ( eb ) =>
					eb.or( [
						eb( 'claimed_by', 'is', null ),
						eb( 'claimed_by', 'not in', live ),
					] )
				)
				.execute();
			const orphans = new Map<
				string,
				{ tenant_id: string; campaign_id: string }
			>();
			for ( const row of claimed ) {
				orphans.set( `${ row.tenant_id }\n${ row.campaign_id }`, row );
			}
			let total = 0;
			for ( const group of orphans.values() ) {
				const ended = await trx
					.updateTable( 'messages' )
					.set( {
						state: 'unknown',
						error_reason: 'interrupted',
						retryable: 0,
						updated_at: this.clock.now(),
					} )
					.where( 'tenant_id', '=', group.tenant_id )
					.where( 'campaign_id', '=', group.campaign_id )
					.where( sql< boolean >`state = 'sending'` )
					.where( ( eb ) =>
						eb.or( [
							eb( 'claimed_by', 'is', null ),
							eb( 'claimed_by', 'not in', live ),
						] )
					)
					.returning( 'run_id' )
					.execute();
				const n = ended.length;
				await endRuns(
					trx,
					isPostgres( trx ) ? 'postgres' : 'sqlite',
					group.tenant_id,
					this.clock.now(),
					ended.map( ( r ) => Number( r.run_id ) )
				);
				total += n;
				await applyCounterDeltas(
					trx,
					group.tenant_id,
					group.campaign_id,
					{
						in_progress: -n,
						unknown: n,
					}
				);
			}
			if ( total > 0 ) {
				this.log.warn(
					{ recipients: total },
					'recipients of a stopped process marked unknown'
				);
			}
			return total;
		} );
	}
}
