/**
 * Posts the contact actions automation runs asked for (tag, list, notify) to each site, from the durable outbox
 * `contact_actions` written in the run's transaction (advance.ts), as the opt-out reporter does for opt-outs:
 * `POST {site}/rondine/v1/bridge/contact-actions` `{ actions: [...] }` -> `{ applied: [ids] }`. Actions the site did not
 * list as applied, or all of them when the call failed, are retried with backoff (10 s doubling, capped at one hour);
 * the site applies each action once by its id, so a retry after a lost answer is harmless.
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * Internal dependencies
 */
import type { SiteClient } from '../audience/site-client.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../storage/schema.js';
import { outboxRetryDelayMs } from '../webhooks/opt-out-reporter.js';

export const CONTACT_ACTIONS_ROUTE = 'rondine/v1/bridge/contact-actions';

export class ContactActionReporter {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise< number > | null = null;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly box: SecretBox,
		private readonly clock: Clock,
		private readonly site: SiteClient,
		private readonly log: Pick< Logger, 'warn' >,
		private readonly options: { intervalMs: number; batchSize: number } = {
			intervalMs: 2_000,
			batchSize: 200,
		}
	) {}

	start(): void {
		if ( this.timer ) {
			return;
		}
		this.timer = setInterval(
			() => void this.runOnce(),
			this.options.intervalMs
		);
		this.timer.unref();
	}

	async stop(): Promise< void > {
		if ( this.timer ) {
			clearInterval( this.timer );
			this.timer = null;
		}
		await this.running;
	}

	/** One pass over the due outbox; resolves with the number of actions the sites applied. */
	runOnce(): Promise< number > {
		if ( ! this.running ) {
			this.running = this.pass()
				.catch( ( error ) => {
					this.log.warn(
						{ err: error },
						'contact actions report failed'
					);
					return 0;
				} )
				.finally( () => ( this.running = null ) );
		}
		return this.running;
	}

	private async pass(): Promise< number > {
		const now = this.clock.now();
		const tenants = (
			await this.db
				.selectFrom( 'contact_actions' )
				.select( 'tenant_id' )
				.distinct()
				.where( 'reported_at', 'is', null )
				.where( 'next_attempt_at', '<=', now )
				.execute()
		).map( ( row ) => row.tenant_id );
		let applied = 0;
		for ( const tenantId of tenants ) {
			applied += await this.reportTenant( tenantId, now );
		}
		return applied;
	}

	private async reportTenant(
		tenantId: string,
		now: number
	): Promise< number > {
		const tenant = await this.db
			.selectFrom( 'tenants' )
			.select( [ 'id', 'secret', 'site_rest_url' ] )
			.where( 'id', '=', tenantId )
			.executeTakeFirst();
		const rows = await this.db
			.selectFrom( 'contact_actions' )
			.select( [ 'id', 'action', 'attempts' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'reported_at', 'is', null )
			.where( 'next_attempt_at', '<=', now )
			.orderBy( 'created_at' )
			.orderBy( 'id' )
			.limit( this.options.batchSize )
			.execute();
		if ( rows.length === 0 ) {
			return 0;
		}
		let appliedIds = new Set< string >();
		try {
			if ( ! tenant?.site_rest_url ) {
				throw new Error(
					'the site has not told the bridge its REST URL yet'
				);
			}
			const answer = await this.site.post< { applied?: unknown } >(
				{
					siteId: tenant.id,
					secret: this.box.open( tenant.secret ),
					restUrl: tenant.site_rest_url,
				},
				CONTACT_ACTIONS_ROUTE,
				{ actions: rows.map( ( row ) => JSON.parse( row.action ) ) }
			);
			appliedIds = new Set(
				Array.isArray( answer?.applied )
					? answer.applied.filter(
							( id ): id is string => typeof id === 'string'
						)
					: []
			);
		} catch ( error ) {
			this.log.warn(
				{ err: error, tenantId },
				'the site did not take the contact actions; will retry'
			);
		}
		const done = rows.filter( ( row ) => appliedIds.has( row.id ) );
		const retry = rows.filter( ( row ) => ! appliedIds.has( row.id ) );
		if ( done.length > 0 ) {
			await this.db
				.updateTable( 'contact_actions' )
				.set( { reported_at: now } )
				.where( 'tenant_id', '=', tenantId )
				.where(
					'id',
					'in',
					done.map( ( row ) => row.id )
				)
				.execute();
		}
		for ( const row of retry ) {
			const attempts = row.attempts + 1;
			await this.db
				.updateTable( 'contact_actions' )
				.set( {
					attempts,
					next_attempt_at: now + outboxRetryDelayMs( attempts ),
				} )
				.where( 'id', '=', row.id )
				.execute();
		}
		return done.length;
	}
}
