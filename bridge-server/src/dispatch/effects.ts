/**
 * What an outcome batch decides beyond the rows (outcomes.ts returns it as Effects): a tenant halted by WhatsApp
 * (every running campaign paused), a campaign failed by a template fault, a campaign paused by a limit or by too many
 * failures in a row. Applied after the batch commits, each change through the campaigns' lifecycle; the lane forgets
 * the campaigns it must stop sending.
 */

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
import type { Database } from '../storage/schema.js';
import { haltTenant } from '../tenants/store.js';
import { classifyError } from '../whatsapp/errors.js';
import type { Lane } from './lane.js';
import type { Effects } from './outcomes.js';

export interface EffectsContext {
	db: Kysely< Database >;
	clock: Clock;
	campaigns: CampaignService;
	log: Logger;
	/** Definitive failures in a row that pause a campaign (DispatcherOptions.failuresToPause). */
	failuresToPause: number;
}

export async function applyEffects(
	ctx: EffectsContext,
	lane: Lane,
	effects: Effects
): Promise< void > {
	const tenantId = lane.tenant.id;
	if ( effects.halt ) {
		const halt = effects.halt;
		const reason = `${ halt.reason } (${ halt.code }): ${ halt.message }`;
		await ctx.db.transaction().execute( async ( trx ) => {
			await haltTenant( trx, tenantId, reason, ctx.clock.now() );
			const running = await trx
				.selectFrom( 'campaigns' )
				.select( 'id' )
				.where( 'tenant_id', '=', tenantId )
				.where( 'state', '=', 'running' )
				// Automation lanes stay running: the halted tenant sends nothing, and new credentials resume them.
				.where( 'id', 'not like', 'a:%' )
				.execute();
			for ( const { id } of running ) {
				await ctx.campaigns.transition(
					tenantId,
					id,
					'paused',
					{
						reason: 'tenant_halted',
						message: `Sending stopped by WhatsApp: ${ reason }`,
					},
					trx,
					[ 'running' ]
				);
			}
		} );
		lane.campaigns.clear();
		lane.campaignsChanged = true;
		ctx.log.error( { tenant: tenantId, reason }, 'tenant halted' );
	}
	// An automation's lane (`a:<id>`, src/automations) is never failed or paused as a whole: each failed message ends
	// its own run (send_failed), and nothing would resume a paused lane.
	for ( const id of [ ...effects.fail.keys(), ...effects.pause.keys() ] ) {
		if ( id.startsWith( 'a:' ) ) {
			effects.fail.delete( id );
			effects.pause.delete( id );
		}
		// A campaign that launches an automation sends several templates (one per step): a template WhatsApp refuses
		// fails the runs that reached it (send_failed, which "Retry failed" takes), not the whole campaign. It is still
		// paused by the limits and by too many failures in a row, and its owner resumes it.
		if ( lane.campaigns.get( id )?.launchesAutomation ) {
			effects.fail.delete( id );
		}
	}
	for ( const [ campaignId, effect ] of effects.fail ) {
		await ctx.db.transaction().execute( async ( trx ) => {
			if (
				await ctx.campaigns.transition(
					tenantId,
					campaignId,
					'failed',
					{
						reason: effect.reason,
						message: `WhatsApp refused the template (${ effect.code }): ${ effect.message }`,
					},
					trx
				)
			) {
				// Not started: they would fail the same way; retryable only if the error table says so.
				await ctx.campaigns.failWaiting(
					trx,
					tenantId,
					campaignId,
					effect.reason,
					effect.code,
					effect.code === null ||
						classifyError( effect.code ).retryable
				);
			}
		} );
		lane.campaigns.delete( campaignId );
		lane.campaignsChanged = true;
	}
	for ( const [ campaignId, effect ] of effects.pause ) {
		await pause(
			ctx,
			lane,
			campaignId,
			effect.reason,
			`WhatsApp limited this number (${ effect.code }): ${ effect.message }`
		);
	}
	for ( const [ campaignId, run ] of effects.failureRuns ) {
		const plan = lane.campaigns.get( campaignId );
		if ( ! plan || campaignId.startsWith( 'a:' ) ) {
			continue;
		}
		plan.failuresInRow = run.reset
			? run.failures
			: plan.failuresInRow + run.failures;
		if ( plan.failuresInRow >= ctx.failuresToPause ) {
			await pause(
				ctx,
				lane,
				campaignId,
				'too_many_failures',
				`${ plan.failuresInRow } sends failed in a row; the campaign was paused so someone can look.`
			);
		}
	}
}

async function pause(
	ctx: EffectsContext,
	lane: Lane,
	campaignId: string,
	reason: string,
	message: string
): Promise< void > {
	if (
		await ctx.campaigns.transition(
			lane.tenant.id,
			campaignId,
			'paused',
			{ reason, message },
			ctx.db,
			[ 'running' ]
		)
	) {
		ctx.log.warn(
			{ tenant: lane.tenant.id, campaign: campaignId, reason },
			'campaign paused'
		);
	}
	lane.campaigns.delete( campaignId );
	lane.campaignsChanged = true;
}
