/**
 * External dependencies
 */
import type { FastifyBaseLogger } from 'fastify';

/**
 * Internal dependencies
 */
import { SiteClient } from '../audience/site-client.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Storage } from '../storage/database.js';
import { withWebhookTables } from './schema.js';

export const OPT_OUTS_ROUTE = 'rondine/v1/bridge/opt-outs';

export interface OptOutReporterOptions {
	storage: Storage;
	box: SecretBox;
	clock: Clock;
	log?: Pick< FastifyBaseLogger, 'warn' >;
	site?: SiteClient;
	/** How often the outbox is looked at. */
	intervalMs?: number;
	/** Events per request to a site. */
	batchSize?: number;
	/** Sites called at once in one sweep (each tenant's own events stay in order, one request at a time). */
	concurrency?: number;
}

/** Delay before retry n (1-based): 10 s, 20 s, 40 s ... capped at one hour; retried for as long as it takes. */
export function outboxRetryDelayMs( attempts: number ): number {
	return Math.min( 3_600_000, 10_000 * 2 ** Math.max( 0, attempts - 1 ) );
}

/**
 * Tells each site about opt-outs and resumes learnt from WhatsApp (docs/ARCHITECTURE.md, bridge -> site
 * `/rondine/v1/bridge/opt-outs`). Reads a durable outbox written in the same transaction as the webhook that caused the
 * change, so nothing is lost if the site is down or the bridge restarts; each tenant's events go in order, and a tenant
 * whose site fails waits with backoff without holding the others back.
 */
export class OptOutReporter {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise< number > | null = null;
	/** The tenant served last (round-robin between sweeps). */
	private lastTenant = '';
	private readonly site: SiteClient;

	constructor( private readonly options: OptOutReporterOptions ) {
		this.site = options.site ?? new SiteClient( options.clock, 15_000 );
	}

	start(): void {
		if ( this.timer ) {
			return;
		}
		this.timer = setInterval( () => {
			void this.runOnce().catch( ( error ) =>
				this.options.log?.warn(
					{ err: error },
					'opt-out report failed'
				)
			);
		}, this.options.intervalMs ?? 2_000 );
		this.timer.unref();
	}

	stop(): void {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
	}

	/** One pass over the due outbox; resolves with the number of events the sites accepted. */
	runOnce(): Promise< number > {
		if ( ! this.running ) {
			this.running = this.pass().finally( () => ( this.running = null ) );
		}
		return this.running;
	}

	/**
	 * One sweep serves every tenant with due events, several sites at once: a slow or failing site holds only its own
	 * tenant back. Tenants are taken in turn from the one after the last served, so with more tenants than one sweep
	 * reaches, none is always last.
	 */
	private async pass(): Promise< number > {
		const db = withWebhookTables( this.options.storage.db );
		const now = this.options.clock.now();
		const due = (
			await db
				.selectFrom( 'opt_out_outbox' )
				.select( 'tenant_id' )
				.distinct()
				.where( 'delivered_at', 'is', null )
				.where( 'next_attempt_at', '<=', now )
				.execute()
		)
			.map( ( row ) => row.tenant_id )
			.sort();
		const start = due.findIndex( ( id ) => id > this.lastTenant );
		const queue =
			start <= 0
				? due
				: [ ...due.slice( start ), ...due.slice( 0, start ) ];
		let delivered = 0;
		const worker = async () => {
			for (
				let tenantId = queue.shift();
				tenantId !== undefined;
				tenantId = queue.shift()
			) {
				this.lastTenant = tenantId;
				// Awaited before adding: `delivered += await ...` would read the sum before other workers add to it.
				const sent = await this.reportTenant( tenantId, now ).catch(
					( error: unknown ) => {
						this.options.log?.warn(
							{ err: error, tenantId },
							'opt-out report failed'
						);
						return 0;
					}
				);
				delivered += sent;
			}
		};
		await Promise.all(
			Array.from(
				{
					length: Math.max(
						1,
						Math.min( this.options.concurrency ?? 8, queue.length )
					),
				},
				worker
			)
		);
		return delivered;
	}

	private async reportTenant(
		tenantId: string,
		now: number
	): Promise< number > {
		const db = withWebhookTables( this.options.storage.db );
		const tenant = await db
			.selectFrom( 'tenants' )
			.select( [ 'id', 'secret', 'site_rest_url' ] )
			.where( 'id', '=', tenantId )
			.executeTakeFirst();
		const rows = await db
			.selectFrom( 'opt_out_outbox' )
			.selectAll()
			.where( 'tenant_id', '=', tenantId )
			.where( 'delivered_at', 'is', null )
			.orderBy( 'id' )
			.limit( this.options.batchSize ?? 500 )
			.execute();
		if ( rows.length === 0 ) {
			return 0;
		}
		const ids = rows.map( ( row ) => row.id );
		try {
			if ( ! tenant?.site_rest_url ) {
				throw new Error(
					'the site has not told the bridge its REST URL yet'
				);
			}
			await this.site.post(
				{
					siteId: tenant.id,
					secret: this.options.box.open( tenant.secret ),
					restUrl: tenant.site_rest_url,
				},
				OPT_OUTS_ROUTE,
				{
					events: rows.map( ( row ) => ( {
						phone: row.phone,
						action: row.action,
						source: row.source,
						at: new Date( row.at ).toISOString(),
					} ) ),
				}
			);
		} catch ( error ) {
			const attempts = ( rows[ 0 ]?.attempts ?? 0 ) + 1;
			await db
				.updateTable( 'opt_out_outbox' )
				.set( {
					attempts,
					next_attempt_at: now + outboxRetryDelayMs( attempts ),
					last_error: ( error instanceof Error
						? error.message
						: String( error )
					).slice( 0, 500 ),
				} )
				.where( 'id', 'in', ids )
				.execute();
			this.options.log?.warn(
				{ tenantId, attempts },
				'the site did not take the opt-outs; will retry'
			);
			return 0;
		}
		await db.transaction().execute( async ( trx ) => {
			await trx
				.updateTable( 'opt_out_outbox' )
				.set( { delivered_at: now, last_error: null } )
				.where( 'id', 'in', ids )
				.execute();
			// The engine's opt-out list remembers whether the site was told.
			const stops = rows
				.filter( ( row ) => row.action === 'stop' )
				.map( ( row ) => row.phone );
			if ( stops.length > 0 ) {
				await trx
					.updateTable( 'opt_outs' )
					.set( { reported: 1 } )
					.where( 'tenant_id', '=', tenantId )
					.where( 'phone', 'in', stops )
					.execute();
			}
		} );
		return rows.length;
	}
}
