/**
 * External dependencies
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * Internal dependencies
 */
import type { CampaignService } from '../campaigns/campaign-service.js';
import type { Clock } from '../clock.js';
import type { DialectName } from '../storage/dialect.js';
import {
	heartbeat,
	liveWorkers,
	removeWorker,
	WORKER_HEARTBEAT_MS,
} from '../storage/leases.js';
import type { Database } from '../storage/schema.js';
import type { AccountResolver } from '../tenants/accounts.js';
import {
	claimRecipients,
	pruneSendLog,
	type ClaimedRecipient,
} from './claim.js';
import { compileTemplateBody, v2BodyWriter } from './message-body.js';
import type { Messenger } from './messenger.js';
import { applyEffects, type EffectsContext } from './effects.js';
import type { CampaignPlan, Lane } from './lane.js';
import { applyOutcomes } from './outcomes.js';
import { releaseClaimed } from './release.js';
import { AdaptiveRate } from './rate.js';

export interface DispatcherOptions {
	/** Share of the number's throughput aimed at (a little under it, so jitter does not hit the limit). */
	rateFactor: number;
	/** Seconds of sending claimed at once: small, because claimed-but-unsent recipients of a crash become unknown. */
	claimSeconds: number;
	/** Definitive failures in a row that pause a campaign. */
	failuresToPause: number;
	/** How often outcomes are written (or when this many are waiting). */
	flushMs: number;
	flushSize: number;
	/** How often running campaigns and tenants are re-read (pause, resume, new credentials). */
	refreshMs: number;
	/** Several processes share one database (PostgreSQL): divide each number's throughput among live workers. */
	shareThroughput: boolean;
	/**
	 * Shortest wait between two sending rounds: the pace's tokens accumulate meanwhile (its burst is 50 ms) and go out
	 * together, instead of one timer per message (1,000 a second at 1,000 mps).
	 */
	sendTickMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
	rateFactor: 0.985,
	claimSeconds: 0.25,
	failuresToPause: 50,
	flushMs: 100,
	flushSize: 250,
	refreshMs: 250,
	shareThroughput: false,
	sendTickMs: 5,
};

/**
 * Sends the recipients of running campaigns, per business number, under its throughput, the pair rate and the daily
 * limit, at most once (claim commits `sending` before any request). Depends only on the store (Kysely) and a
 * Messenger.
 */
export class Dispatcher {
	private readonly lanes = new Map< string, Lane >();
	private timer: NodeJS.Timeout | undefined;
	private stopped = true;
	private lastRefresh = 0;
	private lastHeartbeat = 0;
	private lastPrune = 0;
	private workers = 1;
	private refreshing: Promise< void > | null = null;
	private readonly effectsContext: EffectsContext;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly dialect: DialectName,
		private readonly clock: Clock,
		private readonly messenger: Messenger,
		private readonly accounts: AccountResolver,
		private readonly campaigns: CampaignService,
		readonly workerId: string,
		private readonly log: Logger,
		private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS
	) {
		this.effectsContext = {
			db,
			clock,
			campaigns,
			log,
			failuresToPause: options.failuresToPause,
		};
	}

	async start(): Promise< void > {
		await heartbeat( this.db, this.workerId );
		this.lastHeartbeat = Date.now();
		this.stopped = false;
		this.schedule( 0 );
	}

	/** Stops claiming, puts back what was claimed and not sent, waits for requests in flight and writes their outcome. */
	async stop(): Promise< void > {
		this.stopped = true;
		clearTimeout( this.timer );
		await this.refreshing;
		for ( const lane of this.lanes.values() ) {
			while ( lane.claiming ) {
				await sleep( 5 );
			}
			const unsent = lane.queue.splice( 0 );
			await releaseClaimed(
				this.db,
				this.clock,
				lane.tenant.id,
				this.workerId,
				unsent
			);
			while ( lane.inFlight > 0 || lane.flushing ) {
				await sleep( 5 );
				if ( ! lane.flushing && lane.settled.length > 0 ) {
					this.flush( lane );
				}
			}
			this.flush( lane );
			await lane.flushing;
		}
		await removeWorker( this.db, this.workerId );
	}

	/**
	 * New work was queued (an automation's run was started by a webhook): re-read the lanes and claim now instead of at
	 * the next refresh or idle check.
	 */
	wake(): void {
		if ( this.stopped ) {
			return;
		}
		this.lastRefresh = 0;
		for ( const lane of this.lanes.values() ) {
			for ( const plan of lane.campaigns.values() ) {
				plan.idleUntil = 0;
			}
		}
		clearTimeout( this.timer );
		this.schedule( 0 );
	}

	private schedule( ms: number ): void {
		if ( ! this.stopped ) {
			this.timer = setTimeout( () => this.loop(), ms );
		}
	}

	private loop(): void {
		const now = performance.now();
		if (
			now - this.lastRefresh >= this.options.refreshMs &&
			! this.refreshing
		) {
			this.lastRefresh = now;
			this.refreshing = this.refresh()
				.catch( ( error ) =>
					this.log.error(
						{ err: error },
						'dispatcher refresh failed'
					)
				)
				.finally( () => {
					this.refreshing = null;
				} );
		}
		let wait = 25;
		for ( const lane of this.lanes.values() ) {
			wait = Math.min( wait, this.pump( lane ) );
			if ( lane.settled.length > 0 && ! lane.flushing ) {
				if (
					lane.settled.length >= this.options.flushSize ||
					now - lane.lastFlush >= this.options.flushMs
				) {
					this.flush( lane );
				} else {
					wait = Math.min( wait, this.options.flushMs );
				}
			}
		}
		this.schedule( Math.max( 1, wait ) );
	}

	/** Re-reads running campaigns and their tenants; keeps the heartbeat and the worker count. */
	private async refresh(): Promise< void > {
		const wall = Date.now();
		if ( wall - this.lastHeartbeat >= WORKER_HEARTBEAT_MS ) {
			this.lastHeartbeat = wall;
			await heartbeat( this.db, this.workerId );
			if ( this.options.shareThroughput ) {
				this.workers = Math.max(
					1,
					( await liveWorkers( this.db ) ).length
				);
			}
		}
		if ( wall - this.lastPrune > 60_000 ) {
			this.lastPrune = wall;
			await pruneSendLog( this.db, this.clock.now() );
		}
		const rows = await this.db
			.selectFrom( 'campaigns as c' )
			.innerJoin( 'tenants as t', 't.id', 'c.tenant_id' )
			.select( [
				'c.tenant_id',
				'c.id',
				'c.template_name',
				'c.template_language',
				'c.template_components',
				'c.options',
				'c.automation_id',
			] )
			.where( 'c.state', '=', 'running' )
			.where( 't.halted_reason', 'is', null )
			.execute();
		const byTenant = new Map< string, typeof rows >();
		for ( const row of rows ) {
			byTenant.set( row.tenant_id, [
				...( byTenant.get( row.tenant_id ) ?? [] ),
				row,
			] );
		}
		const tenants =
			byTenant.size === 0 && this.lanes.size === 0
				? []
				: await this.db
						.selectFrom( 'tenants' )
						.selectAll()
						.where( 'id', 'in', [
							...new Set( [
								...byTenant.keys(),
								...this.lanes.keys(),
							] ),
						] )
						.execute();
		for ( const tenant of tenants ) {
			const running = byTenant.get( tenant.id ) ?? [];
			let lane = this.lanes.get( tenant.id );
			const target =
				( tenant.throughput_mps * this.options.rateFactor ) /
				this.workers;
			if ( ! lane ) {
				if ( running.length === 0 ) {
					continue;
				}
				lane = {
					tenant,
					account: await this.accounts.prepare( tenant ),
					rate: new AdaptiveRate( target ),
					campaigns: new Map(),
					order: [],
					next: 0,
					queue: [],
					campaignsChanged: false,
					inFlight: 0,
					claiming: false,
					settled: [],
					flushing: null,
					lastFlush: performance.now(),
					latencyMs: 100,
				};
				this.lanes.set( tenant.id, lane );
			}
			lane.tenant = tenant;
			lane.account = await this.accounts.prepare( tenant );
			lane.rate.setBase( target );
			const keep = new Map< string, CampaignPlan >();
			for ( const row of running ) {
				const existing = lane.campaigns.get( row.id );
				keep.set(
					row.id,
					existing ?? {
						id: row.id,
						// An automation's lane (`a:<id>`) and a campaign that launches an automation send each message's stored
						// request (body v2).
						body:
							row.id.startsWith( 'a:' ) ||
							row.automation_id !== null
								? v2BodyWriter
								: compileTemplateBody(
										row.template_name,
										row.template_language,
										JSON.parse( row.template_components )
									),
						launchesAutomation: row.automation_id !== null,
						continueWhenLimited: Boolean(
							JSON.parse( row.options ).continue_when_limited
						),
						idleUntil: 0,
						failuresInRow: 0,
					}
				);
			}
			lane.campaigns = keep;
			lane.campaignsChanged = true;
			lane.order = [ ...keep.keys() ];
			if (
				keep.size === 0 &&
				lane.queue.length === 0 &&
				lane.inFlight === 0 &&
				lane.settled.length === 0 &&
				! lane.flushing
			) {
				this.lanes.delete( tenant.id );
			}
		}
	}

	/** Sends what the pace allows, claims more when the queue runs low; answers ms until it wants to run again. */
	private pump( lane: Lane ): number {
		// Recipients of a campaign paused or cancelled meanwhile go back unsent (checked when the campaigns changed).
		if ( lane.campaignsChanged ) {
			lane.campaignsChanged = false;
			const unsent = lane.queue.filter(
				( item ) => ! lane.campaigns.has( item.campaignId )
			);
			if ( unsent.length > 0 ) {
				lane.queue = lane.queue.filter( ( item ) =>
					lane.campaigns.has( item.campaignId )
				);
				void releaseClaimed(
					this.db,
					this.clock,
					lane.tenant.id,
					this.workerId,
					unsent
				).catch( ( error ) =>
					this.log.error( { err: error }, 'release failed' )
				);
			}
		}
		const rate = lane.rate.currentRate;
		const maxInFlight = Math.min(
			2_000,
			Math.max( 8, Math.ceil( ( rate * lane.latencyMs * 2 ) / 1000 ) + 8 )
		);
		const room = Math.min( lane.queue.length, maxInFlight - lane.inFlight );
		if ( room > 0 ) {
			const granted = lane.rate.take( room );
			for ( let i = 0; i < granted; i++ ) {
				this.send( lane, lane.queue.shift() as ClaimedRecipient );
			}
		}
		const batch = Math.max(
			5,
			Math.ceil( rate * this.options.claimSeconds )
		);
		if (
			! lane.claiming &&
			lane.queue.length < batch / 2 &&
			lane.campaigns.size > 0 &&
			! this.stopped
		) {
			void this.claim( lane, batch - lane.queue.length );
		}
		return lane.queue.length > 0
			? Math.max( this.options.sendTickMs, lane.rate.waitMs() )
			: 10;
	}

	private async claim( lane: Lane, wanted: number ): Promise< void > {
		lane.claiming = true;
		try {
			const now = performance.now();
			for (
				let tried = 0;
				tried < lane.order.length && wanted > 0;
				tried++
			) {
				const id = lane.order[
					lane.next++ % lane.order.length
				] as string;
				const plan = lane.campaigns.get( id );
				if ( ! plan || plan.idleUntil > now ) {
					continue;
				}
				const result = await claimRecipients(
					this.db,
					this.dialect,
					this.clock,
					lane.tenant,
					id,
					plan.continueWhenLimited,
					wanted,
					this.workerId
				);
				// A batch that was all opted out: there may be more due right behind it.
				if ( result.claimed.length === 0 && result.optedOut === 0 ) {
					plan.idleUntil = now + 200;
				}
				if ( this.stopped || ! lane.campaigns.has( id ) ) {
					await releaseClaimed(
						this.db,
						this.clock,
						lane.tenant.id,
						this.workerId,
						result.claimed
					);
					continue;
				}
				lane.queue.push( ...result.claimed );
				wanted -= result.claimed.length;
			}
		} catch ( error ) {
			this.log.error(
				{ err: error, tenant: lane.tenant.id },
				'claim failed'
			);
		} finally {
			lane.claiming = false;
		}
	}

	private send( lane: Lane, item: ClaimedRecipient ): void {
		const plan = lane.campaigns.get( item.campaignId ) as CampaignPlan;
		lane.inFlight += 1;
		const started = performance.now();
		// Names the message: campaign, run and step (webhooks also accept `<campaign>:<run>`, step 0, sent before 0105).
		const callback = `${ item.campaignId }:${ item.runId }:${ item.step }`;
		this.messenger
			.send( lane.account, {
				to: item.phone,
				bizOpaqueCallbackData: callback,
				body: plan.body(
					item.phone,
					JSON.parse( item.variables ),
					callback
				),
			} )
			.catch( ( error: unknown ) => ( {
				kind: 'unknown' as const,
				reason: `messenger error: ${ error instanceof Error ? error.message : String( error ) }`,
			} ) )
			.then( ( outcome ) => {
				lane.latencyMs =
					lane.latencyMs * 0.9 +
					( performance.now() - started ) * 0.1;
				if ( outcome.kind === 'error' && outcome.code === 130429 ) {
					lane.rate.throttled();
				}
				lane.inFlight -= 1;
				lane.settled.push( { item, outcome } );
			} );
	}

	private flush( lane: Lane ): void {
		if ( lane.flushing || lane.settled.length === 0 ) {
			return;
		}
		const batch = lane.settled.splice( 0 );
		lane.lastFlush = performance.now();
		lane.flushing = applyOutcomes(
			this.db,
			this.clock,
			lane.tenant.id,
			this.workerId,
			batch
		)
			.then( ( effects ) =>
				applyEffects( this.effectsContext, lane, effects )
			)
			.catch( ( error ) => {
				// Not written: keep them for the next flush rather than lose what was sent.
				lane.settled.unshift( ...batch );
				this.log.error(
					{ err: error, tenant: lane.tenant.id },
					'writing send outcomes failed'
				);
			} )
			.finally( () => {
				lane.flushing = null;
			} );
	}

	/** For tests and benchmarks. */
	get inFlight(): number {
		let n = 0;
		for ( const lane of this.lanes.values() ) {
			n += lane.inFlight + lane.queue.length;
		}
		return n;
	}
}

function sleep( ms: number ): Promise< void > {
	return new Promise( ( resolve ) => setTimeout( resolve, ms ) );
}
