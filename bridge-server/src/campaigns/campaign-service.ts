/**
 * The campaigns as the API and the engine use them, in one object: the views (./campaign-views.ts), the commands
 * (./campaign-commands.ts) and the shared SQL (./campaign-store.ts) behind the same methods as before the split
 * (issue 15, item 3), so that app.ts, the scheduler and the dispatcher keep one `CampaignService`.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import type {
	Campaign,
	CampaignCounters,
	CampaignState,
	Database,
	Tenant,
	Tier,
} from '../storage/schema.js';
import { statesLeadingTo, type TransitionOptions } from './lifecycle.js';
import { STRICT_SITE_POLICY, type SitePolicy } from '../net/site-url.js';
import type { TemplateCatalog } from './templates.js';
import { failWaitingMessages } from './campaign-store.js';
import { CampaignCommands, type CampaignInput } from './campaign-commands.js';
import { CampaignViews, type CampaignView } from './campaign-views.js';

export type { CampaignInput } from './campaign-commands.js';
export {
	campaignView,
	counterView,
	type CampaignOptions,
	type CampaignView,
	type CounterView,
	type Waiting,
} from './campaign-views.js';
export type { TransitionOptions } from './lifecycle.js';

/**
 * Campaign lifecycle for the API and the engine. Every query is scoped by tenant id.
 */
export class CampaignService {
	readonly views: CampaignViews;
	readonly commands: CampaignCommands;

	constructor(
		private readonly db: Kysely< Database >,
		private readonly clock: Clock,
		templates: TemplateCatalog,
		/** Which media links a campaign may give (the site URL policy: strict unless a development setting opens it). */
		mediaPolicy: SitePolicy = STRICT_SITE_POLICY,
		tiers: ( tenantId: string ) => Promise< Tier | undefined > = async () =>
			undefined
	) {
		this.views = new CampaignViews( db, clock, tiers );
		this.commands = new CampaignCommands(
			db,
			clock,
			templates,
			this.views,
			mediaPolicy
		);
	}

	// The read side (./campaign-views.ts).

	find(
		tenantId: string,
		id: string,
		db: Kysely< Database > = this.db
	): Promise< Campaign | undefined > {
		return this.views.find( tenantId, id, db );
	}

	require( tenantId: string, id: string ): Promise< Campaign > {
		return this.views.require( tenantId, id );
	}

	view( tenantId: string, id: string ): Promise< CampaignView > {
		return this.views.view( tenantId, id );
	}

	counters(
		tenantId: string,
		id: string
	): Promise< CampaignCounters | undefined > {
		return this.views.counters( tenantId, id );
	}

	list(
		tenantId: string,
		state: CampaignState | undefined,
		limit: number,
		offset: number
	): Promise< CampaignView[] > {
		return this.views.list( tenantId, state, limit, offset );
	}

	// The owner's commands (./campaign-commands.ts).

	checkTemplate( tenant: Tenant, input: CampaignInput ): Promise< void > {
		return this.commands.checkTemplate( tenant, input );
	}

	put(
		tenant: Tenant,
		id: string,
		input: CampaignInput
	): Promise< { view: CampaignView; created: boolean } > {
		return this.commands.put( tenant, id, input );
	}

	remove( tenant: Tenant, id: string ): Promise< void > {
		return this.commands.remove( tenant, id );
	}

	/**
	 * Conditional state change: only from the states that lead to `to`, and only if the row is still in `from`.
	 * Returns whether this call made the change.
	 */
	transition(
		tenantId: string,
		id: string,
		to: CampaignState,
		options: TransitionOptions = {},
		db: Kysely< Database > | Transaction< Database > = this.db,
		from: readonly CampaignState[] = statesLeadingTo( to )
	): Promise< boolean > {
		return this.commands.transition( tenantId, id, to, options, db, from );
	}

	schedule(
		tenant: Tenant,
		id: string,
		startAtIso: string | null | undefined
	): Promise< CampaignView > {
		return this.commands.schedule( tenant, id, startAtIso );
	}

	pause( tenant: Tenant, id: string ): Promise< CampaignView > {
		return this.commands.pause( tenant, id );
	}

	resume( tenant: Tenant, id: string ): Promise< CampaignView > {
		return this.commands.resume( tenant, id );
	}

	cancel( tenant: Tenant, id: string ): Promise< CampaignView > {
		return this.commands.cancel( tenant, id );
	}

	retryFailed(
		tenant: Tenant,
		id: string,
		newId: string,
		name: string | undefined,
		nameFormat?: string
	): Promise< CampaignView > {
		return this.commands.retryFailed( tenant, id, newId, name, nameFormat );
	}

	// The engine's (scheduler, dispatcher).

	/**
	 * Messages not started yet (pending/retry) fail with `reason` (their runs end), counters moved in the same transaction.
	 * Used when a campaign is cancelled or fails as a whole; those already sending finish normally.
	 */
	failWaiting(
		trx: Transaction< Database >,
		tenantId: string,
		campaignId: string,
		reason: string,
		code: number | null,
		retryable: boolean
	): Promise< number > {
		return failWaitingMessages(
			trx,
			this.clock.now(),
			tenantId,
			campaignId,
			reason,
			code,
			retryable
		);
	}
}
