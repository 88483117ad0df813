/**
 * Campaigns that launch an automation (docs/design/automations-contract.md, "Campaigns that launch an automation"):
 * which automation a campaign may pick, the contact fields its steps read (what the audience snapshot keeps of each
 * contact), the runs its snapshot starts (one per recipient, pinned to a version, due at once), the runs a "Retry
 * failed" takes again, and the ending of every run of a campaign cancelled or failed as a whole.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { referencedFields } from '../campaigns/template-mapping.js';
import { DomainError } from '../errors.js';
import { applyCounterDeltas } from '../storage/counters.js';
import type { DialectName } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { retryableFailed } from '../stats/retry-failed.js';
import { withWebhookTables } from '../webhooks/schema.js';
import { endAutomationRuns } from './exit.js';
import { findAutomation, stepsOf, type AutomationRow } from './store.js';
import type { Step } from './types.js';

type Db = Kysely< Database > | Transaction< Database >;

/**
 * The automation a campaign launches: one of the tenant's, active, started by campaigns. Throws the refusal the owner
 * reads otherwise (422 `unknown_automation`, `automation_not_active`, `automation_not_for_campaigns`).
 *
 * @param db           Database.
 * @param tenantId     Tenant.
 * @param automationId The automation's id.
 */
export async function campaignAutomation(
	db: Db,
	tenantId: string,
	automationId: string
): Promise< AutomationRow > {
	const automation = await findAutomation( db, tenantId, automationId );
	if ( ! automation ) {
		throw new DomainError(
			'unprocessable',
			'unknown_automation',
			`There is no automation ${ automationId } on this site.`
		);
	}
	if ( automation.trigger_type !== 'campaign' ) {
		throw new DomainError(
			'unprocessable',
			'automation_not_for_campaigns',
			`The automation "${ automation.name }" is not started by campaigns: choose "Started by a campaign" as its trigger.`
		);
	}
	if ( automation.state !== 'active' ) {
		throw new DomainError(
			'unprocessable',
			'automation_not_active',
			`The automation "${ automation.name }" is ${ automation.state }: activate it first.`
		);
	}
	return automation;
}

/** Contact fields a flow reads: template fields, `{field}` in texts, `contact.<field>` in conditions, tags. */
export function automationFields( steps: readonly Step[] ): string[] {
	const fields = new Set< string >();
	const placeholders = ( text: string ) => {
		for ( const match of text.matchAll( /\{([\w.-]+)\}/g ) ) {
			const key = match[ 1 ] as string;
			if ( ! key.startsWith( 'event.' ) ) {
				fields.add( key );
			}
		}
	};
	for ( const step of steps ) {
		switch ( step.type ) {
			case 'send_template':
				referencedFields( step.template.components ?? [] ).forEach(
					( f ) => fields.add( f )
				);
				break;
			case 'send_text':
				placeholders( step.text ?? '' );
				if ( typeof step.when_closed === 'object' ) {
					referencedFields(
						step.when_closed.template.components ?? []
					).forEach( ( f ) => fields.add( f ) );
				}
				break;
			case 'condition':
				for ( const rule of [
					...( step.if?.all ?? [] ),
					...( step.if?.any ?? [] ),
				] ) {
					if ( rule.op === 'has_tag' ) {
						fields.add( 'tags' );
					} else if ( rule.field?.startsWith( 'contact.' ) ) {
						fields.add( rule.field.slice( 'contact.'.length ) );
					}
				}
				break;
			case 'notify':
				placeholders( `${ step.subject } ${ step.text }` );
				break;
			default:
				break;
		}
	}
	return [ ...fields ];
}

/** The steps of the version a campaign's runs are pinned to (its current one before the first page is stored). */
export async function campaignSteps(
	db: Db,
	tenantId: string,
	automation: Pick< AutomationRow, 'id' | 'version' >,
	pinned: number | null
): Promise< Step[] > {
	return stepsOf( db, tenantId, automation.id, pinned ?? automation.version );
}

/** Where a run of the snapshot starts: step 0 of the pinned version, or for a retry its source run's failed step. */
export interface RunStartPoint {
	version: number;
	step: number;
	/** JSON of the trigger data (`{}` for a campaign). */
	event: string;
}

/**
 * Starts one run per recipient row the snapshot just stored (valid numbers), due now, not started yet (the engine's
 * next tick takes them), and counts them in `runs_to_start`.
 *
 * @param trx          The snapshot's transaction.
 * @param tenantId     Tenant.
 * @param campaignId   Campaign.
 * @param automationId The automation.
 * @param runs         Recipient ids with where each starts.
 * @param now          Clock ms.
 */
export async function startCampaignRuns(
	trx: Transaction< Database >,
	tenantId: string,
	campaignId: string,
	automationId: string,
	runs: ReadonlyArray< { runId: number; start: RunStartPoint } >,
	now: number
): Promise< void > {
	if ( runs.length === 0 ) {
		return;
	}
	// 500 rows x 11 columns stays far below SQLite's 32,766 bound values.
	for ( let i = 0; i < runs.length; i += 500 ) {
		await trx
			.insertInto( 'automation_runs' )
			.values(
				runs.slice( i, i + 500 ).map( ( { runId, start } ) => ( {
					run_id: runId,
					tenant_id: tenantId,
					automation_id: automationId,
					version: start.version,
					step: start.step,
					due_at: now,
					waiting: null,
					event: start.event,
					exit_reason: null,
					started_at: now,
					ended_at: null,
				} ) )
			)
			.execute();
	}
	await applyCounterDeltas( trx, tenantId, campaignId, {
		runs_to_start: runs.length,
	} );
}

/**
 * Ends every run of this campaign not ended yet (`campaign_cancelled` when the owner cancels it, `campaign_failed`
 * when it fails as a whole); their messages not sent yet are cancelled (exit.ts). Answers how many ended.
 *
 * @param trx        The caller's transaction.
 * @param dialect    Dialect.
 * @param tenantId   Tenant.
 * @param campaignId Campaign.
 * @param reason     Exit reason.
 * @param now        Clock ms.
 */
export async function endCampaignRuns(
	trx: Transaction< Database >,
	dialect: DialectName,
	tenantId: string,
	campaignId: string,
	reason: 'campaign_cancelled' | 'campaign_failed',
	now: number
): Promise< number > {
	const campaign = await trx
		.selectFrom( 'campaigns' )
		.select( 'automation_id' )
		.where( 'tenant_id', '=', tenantId )
		.where( 'id', '=', campaignId )
		.executeTakeFirst();
	if ( ! campaign || campaign.automation_id === null ) {
		return 0; // A template campaign: no runs of an automation.
	}
	let ended = 0;
	for (;;) {
		const open = await trx
			.selectFrom( 'recipients as r' )
			.innerJoin( 'automation_runs as a', 'a.run_id', 'r.id' )
			.select( 'r.id' )
			.where( 'r.tenant_id', '=', tenantId )
			.where( 'r.campaign_id', '=', campaignId )
			.where( 'a.ended_at', 'is', null )
			.limit( 5_000 )
			.execute();
		if ( open.length === 0 ) {
			return ended;
		}
		ended += (
			await endAutomationRuns(
				trx,
				dialect,
				tenantId,
				open.map( ( r ) => Number( r.id ) ),
				reason,
				now
			)
		).length;
	}
}

export interface RetryableRun {
	id: number;
	contact_id: string | null;
	phone: string;
	variables: string;
	start: RunStartPoint;
}

/**
 * One page (by run id) of the runs a "Retry failed" of `campaignId` takes again: runs that ended `send_failed` whose
 * failed message the error table marks retryable (stats/retry-failed.ts, the same rule as a template campaign's).
 * Each starts again at the step whose message failed, on the version it ran, with its contact values and trigger data.
 *
 * @param database   Database.
 * @param tenantId   Tenant.
 * @param campaignId The source campaign.
 * @param now        Clock ms (Meta's per-user marketing limit waits 24 hours).
 * @param after      Last run id of the previous page.
 * @param limit      Page size.
 */
export async function retryableRuns(
	database: Kysely< Database >,
	tenantId: string,
	campaignId: string,
	now: number,
	after: number,
	limit: number
): Promise< RetryableRun[] > {
	const rows = await withWebhookTables( database )
		.selectFrom( 'messages' )
		.innerJoin( 'recipients', 'recipients.id', 'messages.run_id' )
		.innerJoin(
			'automation_runs',
			'automation_runs.run_id',
			'messages.run_id'
		)
		.select( [
			'recipients.id',
			'recipients.contact_id',
			'recipients.phone',
			'recipients.variables',
			'automation_runs.version',
			'automation_runs.event',
			'messages.step',
		] )
		.where( 'messages.tenant_id', '=', tenantId )
		.where( 'messages.campaign_id', '=', campaignId )
		.where( 'messages.run_id', '>', after )
		.where( 'automation_runs.exit_reason', '=', 'send_failed' )
		.where( ( eb ) => retryableFailed( eb, now ) )
		.orderBy( 'messages.run_id' )
		.orderBy( 'messages.step' )
		.limit( limit )
		.execute();
	const seen = new Set< number >();
	const out: RetryableRun[] = [];
	for ( const row of rows ) {
		// A run ends at its first failure: one failed message each (the first, should there ever be two).
		if ( seen.has( Number( row.id ) ) ) {
			continue;
		}
		seen.add( Number( row.id ) );
		out.push( {
			id: Number( row.id ),
			contact_id: row.contact_id,
			phone: row.phone,
			variables: row.variables,
			start: {
				version: row.version,
				step: row.step,
				event: row.event,
			},
		} );
	}
	return out;
}
