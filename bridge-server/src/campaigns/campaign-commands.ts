/**
 * The write side of campaigns as the owner drives it (create/edit, delete, schedule, pause, resume, cancel, "retry
 * failed"): validation (template, start time) and the refusals the owner reads; state changes go through
 * ./lifecycle.ts, counters through storage/counters.ts. Answers with the campaign's view (./campaign-views.ts).
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type { Clock } from '../clock.js';
import { DomainError } from '../errors.js';
import type {
	Campaign,
	CampaignState,
	Database,
	Tenant,
} from '../storage/schema.js';
import { createCounters } from '../storage/counters.js';
import {
	EDITABLE_STATES,
	FINAL_STATES,
	statesLeadingTo,
	transitionCampaign,
	type TransitionOptions,
} from './lifecycle.js';
import { mappingProblem, type MappedComponent } from './template-mapping.js';
import { STRICT_SITE_POLICY, type SitePolicy } from '../net/site-url.js';
import { cancelWaiting } from '../dispatch/release.js';
import {
	campaignAutomation,
	endCampaignRuns,
} from '../automations/campaign-runs.js';
import { isPostgres } from '../storage/dialect.js';
import type { TemplateCatalog } from './templates.js';
import type {
	CampaignOptions,
	CampaignView,
	CampaignViews,
} from './campaign-views.js';

/** What a template campaign sends. */
export interface CampaignTemplate {
	name: string;
	language: string;
	components: MappedComponent[];
}

/** A campaign sends either one template (`template`) or launches an automation (`automation_id`), not both. */
export interface CampaignInput {
	name: string;
	audience: Record< string, unknown >;
	template?: CampaignTemplate;
	/** An active automation of the site started by campaigns (trigger `campaign`). */
	automation_id?: string;
	/** ISO 8601; null or absent for a draft without a time. */
	start_at?: string | null;
	options?: CampaignOptions;
}

/** What a stored campaign sends, as the input that created it gave it. */
function sendsOf(
	campaign: Campaign
): Pick< CampaignInput, 'template' | 'automation_id' > {
	return campaign.automation_id !== null
		? { automation_id: campaign.automation_id }
		: {
				template: {
					name: campaign.template_name,
					language: campaign.template_language,
					components: JSON.parse( campaign.template_components ),
				},
			};
}

/** A campaign in a state where this action is not possible: 409 and a sentence the owner understands. */
function conflict( campaign: Campaign, action: string ): DomainError {
	return new DomainError(
		'conflict',
		'invalid_state',
		`This campaign is ${ campaign.state }; it cannot be ${ action }.`
	);
}

/** Campaign commands for the API and the engine. Every query is scoped by tenant id. */
export class CampaignCommands {
	constructor(
		private readonly db: Kysely< Database >,
		private readonly clock: Clock,
		private readonly templates: TemplateCatalog,
		private readonly views: CampaignViews,
		/** Which media links a campaign may give (the site URL policy: strict unless a development setting opens it). */
		private readonly mediaPolicy: SitePolicy = STRICT_SITE_POLICY
	) {}

	private find( tenantId: string, id: string ) {
		return this.views.find( tenantId, id );
	}

	private require( tenantId: string, id: string ) {
		return this.views.require( tenantId, id );
	}

	private view( tenantId: string, id: string ) {
		return this.views.view( tenantId, id );
	}

	async checkTemplate(
		tenant: Tenant,
		input: Pick< CampaignInput, 'template' >
	): Promise< void > {
		if ( ! input.template ) {
			throw new DomainError(
				'unprocessable',
				'template_or_automation',
				'Choose what the campaign sends: a template or an automation.'
			);
		}
		const template = await this.templates.find(
			tenant,
			input.template.name,
			input.template.language
		);
		if ( ! template ) {
			throw new DomainError(
				'unprocessable',
				'unknown_template',
				`There is no template "${ input.template.name }" in language ${ input.template.language } on this WhatsApp account.`
			);
		}
		if ( template.status !== 'APPROVED' ) {
			throw new DomainError(
				'unprocessable',
				'template_not_approved',
				`The template "${ template.name }" is ${ template.status }: only APPROVED templates can be sent.`
			);
		}
		const problem = mappingProblem(
			template,
			input.template.components,
			this.mediaPolicy
		);
		if ( problem ) {
			throw new DomainError(
				'unprocessable',
				'template_mapping',
				problem
			);
		}
	}

	/**
	 * What the campaign sends is sendable: its template (checkTemplate), or the automation it launches (one of the
	 * site's, active, started by campaigns: automations/campaign-runs.ts). Exactly one of the two.
	 */
	private async checkWhatItSends(
		tenant: Tenant,
		input: Pick< CampaignInput, 'template' | 'automation_id' >
	): Promise< void > {
		if ( input.automation_id !== undefined ) {
			if ( input.template !== undefined ) {
				throw new DomainError(
					'unprocessable',
					'template_or_automation',
					'A campaign sends a template or launches an automation, not both.'
				);
			}
			await campaignAutomation( this.db, tenant.id, input.automation_id );
			return;
		}
		await this.checkTemplate( tenant, input );
	}

	private parseStart(
		value: string | null | undefined,
		required: boolean
	): number | null {
		if ( value === undefined || value === null ) {
			if ( required ) {
				throw new DomainError(
					'unprocessable',
					'start_required',
					'A scheduled campaign needs a start time.'
				);
			}
			return null;
		}
		const ms = Date.parse( value );
		if ( Number.isNaN( ms ) ) {
			throw new DomainError(
				'unprocessable',
				'invalid_start',
				`"${ value }" is not a date and time.`
			);
		}
		return ms;
	}

	/** A start more than a minute ago is refused rather than silently sent now: the owner meant another time. */
	private checkFuture( startAt: number ): void {
		if ( startAt < this.clock.now() - 60_000 ) {
			throw new DomainError(
				'unprocessable',
				'start_in_past',
				`The start time ${ new Date( startAt ).toISOString() } is in the past; choose a time from now on.`
			);
		}
	}

	/** Create, or edit while draft/scheduled. A scheduled campaign stays scheduled (with its new start time). */
	async put(
		tenant: Tenant,
		id: string,
		input: CampaignInput
	): Promise< { view: CampaignView; created: boolean } > {
		const existing = await this.find( tenant.id, id );
		if ( existing && ! EDITABLE_STATES.includes( existing.state ) ) {
			throw conflict(
				existing,
				'edited (only draft and scheduled campaigns can be edited)'
			);
		}
		const startAt = this.parseStart(
			input.start_at,
			existing?.state === 'scheduled'
		);
		if ( startAt !== null ) {
			this.checkFuture( startAt );
		}
		await this.checkWhatItSends( tenant, input );
		const now = this.clock.now();
		const values = {
			name: input.name,
			audience: JSON.stringify( input.audience ),
			template_name: input.template?.name ?? '',
			template_language: input.template?.language ?? '',
			template_components: JSON.stringify(
				input.template?.components ?? []
			),
			automation_id: input.automation_id ?? null,
			start_at: startAt,
			options: JSON.stringify( input.options ?? {} ),
			updated_at: now,
		};
		if ( existing ) {
			const result = await this.db
				.updateTable( 'campaigns' )
				.set( values )
				.where( 'tenant_id', '=', tenant.id )
				.where( 'id', '=', id )
				.where( 'state', 'in', EDITABLE_STATES )
				.executeTakeFirst();
			if ( Number( result.numUpdatedRows ) !== 1 ) {
				throw conflict(
					await this.require( tenant.id, id ),
					'edited (it has started)'
				);
			}
			return { view: await this.view( tenant.id, id ), created: false };
		}
		await this.db.transaction().execute( async ( trx ) => {
			await trx
				.insertInto( 'campaigns' )
				.values( {
					...values,
					tenant_id: tenant.id,
					id,
					state: 'draft',
					state_reason: null,
					state_message: null,
					audience_done: 0,
					audience_cursor: null,
					snapshot_attempts: 0,
					next_snapshot_at: null,
					source_campaign_id: null,
					created_at: now,
					started_at: null,
					finished_at: null,
				} )
				.execute();
			await createCounters( trx, tenant.id, id );
		} );
		return { view: await this.view( tenant.id, id ), created: true };
	}

	async remove( tenant: Tenant, id: string ): Promise< void > {
		const campaign = await this.require( tenant.id, id );
		if ( ! EDITABLE_STATES.includes( campaign.state ) ) {
			throw conflict(
				campaign,
				'deleted (only draft and scheduled campaigns can be deleted; cancel it instead)'
			);
		}
		const result = await this.db
			.deleteFrom( 'campaigns' )
			.where( 'tenant_id', '=', tenant.id )
			.where( 'id', '=', id )
			.where( 'state', 'in', EDITABLE_STATES )
			.executeTakeFirst();
		if ( Number( result.numDeletedRows ) !== 1 ) {
			throw conflict(
				await this.require( tenant.id, id ),
				'deleted (it has started)'
			);
		}
	}

	/**
	 * Conditional state change: only from the states that lead to `to`, and only if the row is still in `from`.
	 * Returns whether this call made the change.
	 */
	async transition(
		tenantId: string,
		id: string,
		to: CampaignState,
		options: TransitionOptions = {},
		db: Kysely< Database > | Transaction< Database > = this.db,
		from: readonly CampaignState[] = statesLeadingTo( to )
	): Promise< boolean > {
		return transitionCampaign(
			db,
			this.clock.now(),
			tenantId,
			id,
			to,
			options,
			from
		);
	}

	async schedule(
		tenant: Tenant,
		id: string,
		startAtIso: string | null | undefined
	): Promise< CampaignView > {
		const campaign = await this.require( tenant.id, id );
		if ( campaign.state !== 'draft' && campaign.state !== 'scheduled' ) {
			throw conflict( campaign, 'scheduled' );
		}
		// No time given: the one saved with the campaign, or now.
		const startAt =
			this.parseStart( startAtIso, false ) ??
			campaign.start_at ??
			this.clock.now();
		this.checkFuture( startAt );
		// The template may have changed since the campaign was saved (a media header added, paused), or the automation
		// (paused, archived): a campaign that cannot send is refused here, before any send.
		await this.checkWhatItSends( tenant, sendsOf( campaign ) );
		if (
			! ( await this.transition(
				tenant.id,
				id,
				'scheduled',
				{ set: { start_at: startAt } },
				this.db,
				[ 'draft', 'scheduled' ]
			) )
		) {
			throw conflict( await this.require( tenant.id, id ), 'scheduled' );
		}
		return this.view( tenant.id, id );
	}

	async pause( tenant: Tenant, id: string ): Promise< CampaignView > {
		const campaign = await this.require( tenant.id, id );
		if (
			! ( await this.transition(
				tenant.id,
				id,
				'paused',
				{ reason: 'paused_by_owner' },
				this.db,
				[ 'running' ]
			) )
		) {
			throw conflict(
				campaign,
				'paused (only a running campaign can be paused)'
			);
		}
		return this.view( tenant.id, id );
	}

	async resume( tenant: Tenant, id: string ): Promise< CampaignView > {
		const campaign = await this.require( tenant.id, id );
		if ( tenant.halted_reason ) {
			throw new DomainError(
				'conflict',
				'tenant_halted',
				`Sending is stopped for this WhatsApp account (${ tenant.halted_reason }); update the credentials first.`
			);
		}
		// Runs still to start (the audience is still being taken) start only from an active automation.
		if ( campaign.automation_id !== null && campaign.audience_done === 0 ) {
			await campaignAutomation(
				this.db,
				tenant.id,
				campaign.automation_id
			);
		}
		if (
			! ( await this.transition( tenant.id, id, 'running', {}, this.db, [
				'paused',
			] ) )
		) {
			throw conflict(
				campaign,
				'resumed (only a paused campaign can be resumed)'
			);
		}
		return this.view( tenant.id, id );
	}

	async cancel( tenant: Tenant, id: string ): Promise< CampaignView > {
		const campaign = await this.require( tenant.id, id );
		const done = await this.db.transaction().execute( async ( trx ) => {
			if (
				! ( await this.transition(
					tenant.id,
					id,
					'cancelled',
					{ reason: 'cancelled_by_owner' },
					trx
				) )
			) {
				return false;
			}
			// An automation's runs end (`campaign_cancelled`) with their messages not sent yet; then whatever else the
			// campaign had not sent.
			await endCampaignRuns(
				trx,
				isPostgres( trx ) ? 'postgres' : 'sqlite',
				tenant.id,
				id,
				'campaign_cancelled',
				this.clock.now()
			);
			await cancelWaiting( trx, this.clock.now(), tenant.id, id );
			return true;
		} );
		if ( ! done ) {
			throw conflict( campaign, 'cancelled' );
		}
		return this.view( tenant.id, id );
	}

	/** "Retry failed": a new draft, identical, whose audience is the retryable failed recipients of this one. */
	async retryFailed(
		tenant: Tenant,
		id: string,
		newId: string,
		name: string | undefined,
		nameFormat?: string
	): Promise< CampaignView > {
		const source = await this.require( tenant.id, id );
		if (
			! FINAL_STATES.includes( source.state ) &&
			source.state !== 'paused'
		) {
			throw conflict(
				source,
				'retried while it is still sending (pause or wait for it to finish)'
			);
		}
		if ( await this.find( tenant.id, newId ) ) {
			throw new DomainError(
				'conflict',
				'campaign_exists',
				`A campaign with id ${ newId } already exists.`
			);
		}
		const now = this.clock.now();
		const retryName =
			name ?? ( await this.retryName( tenant.id, source, nameFormat ) );
		await this.db.transaction().execute( async ( trx ) => {
			await trx
				.insertInto( 'campaigns' )
				.values( {
					tenant_id: tenant.id,
					id: newId,
					name: retryName,
					audience: source.audience,
					template_name: source.template_name,
					template_language: source.template_language,
					template_components: source.template_components,
					// Its runs start again where their source runs failed, each on the version it ran.
					automation_id: source.automation_id,
					automation_version: source.automation_version,
					start_at: null,
					options: source.options,
					state: 'draft',
					state_reason: null,
					state_message: null,
					audience_done: 0,
					audience_cursor: null,
					snapshot_attempts: 0,
					next_snapshot_at: null,
					source_campaign_id: source.id,
					created_at: now,
					updated_at: now,
					started_at: null,
					finished_at: null,
				} )
				.execute();
			await createCounters( trx, tenant.id, newId );
		} );
		return this.view( tenant.id, newId );
	}

	/**
	 * "<first campaign's name> (retry n)": n counts the retries already made from the same first campaign, so a retry of
	 * a retry and a second retry of the same campaign each get their own number. `format` is the site's translation
	 * ("%1$s (riprova %2$d)"); English otherwise.
	 */
	private async retryName(
		tenantId: string,
		source: Campaign,
		format: string | undefined
	): Promise< string > {
		const family = await this.db
			.selectFrom( 'campaigns' )
			.select( [ 'id', 'name', 'source_campaign_id' ] )
			.where( 'tenant_id', '=', tenantId )
			.where( 'source_campaign_id', 'is not', null )
			.execute();
		const parent = new Map(
			family.map( ( c ) => [ c.id, c.source_campaign_id as string ] )
		);
		const rootOf = ( campaignId: string ) => {
			let at = campaignId;
			for ( let hops = 0; hops < 1000 && parent.has( at ); hops++ ) {
				at = parent.get( at ) as string;
			}
			return at;
		};
		const root = rootOf( source.id );
		const rootName =
			root === source.id
				? source.name
				: ( ( await this.find( tenantId, root ) )?.name ??
					source.name );
		const n = family.filter( ( c ) => rootOf( c.id ) === root ).length + 1;
		const pattern =
			format && format.includes( '%1$s' ) && format.includes( '%2$d' )
				? format
				: '%1$s (retry %2$d)';
		// Replacer functions: a name with "$&" in it is inserted as written.
		return pattern
			.replace( '%2$d', () => String( n ) )
			.replace( '%1$s', () => rootName )
			.slice( 0, 200 );
	}
}
