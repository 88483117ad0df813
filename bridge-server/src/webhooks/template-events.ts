/**
 * Template events: Meta's template status and category changes edited into the tenant's cached template list (marked
 * stale), and the campaigns a paused or disabled template stops (from a template status event or from a send that
 * failed with template_paused / template_disabled), paused through the lifecycle's `transitionCampaign`.
 */

/**
 * Internal dependencies
 */
import { transitionCampaign } from '../campaigns/lifecycle.js';
import type {
	TemplateCategoryEvent,
	TemplateStatusEvent,
} from '../whatsapp/webhook-types.js';
import type { Trx } from './apply-common.js';

export interface TemplateFailure {
	tenantId: string;
	campaignId: string;
	reason: string;
}

function normalLanguage( language: string ): string {
	return language.replace( '-', '_' ).toLowerCase();
}

export async function applyTemplateStatus(
	trx: Trx,
	tenantId: string,
	event: TemplateStatusEvent,
	now: number
): Promise< void > {
	const status = event.event.toUpperCase();
	await updateCachedTemplate( trx, tenantId, event, ( template ) => {
		template.status = status;
	} );
	if ( status !== 'PAUSED' && status !== 'DISABLED' ) {
		return;
	}
	const running = await trx
		.selectFrom( 'campaigns' )
		.select( [ 'id', 'template_language' ] )
		.where( 'tenant_id', '=', tenantId )
		.where( 'template_name', '=', event.name )
		.where( 'state', '=', 'running' )
		.execute();
	for ( const campaign of running ) {
		if (
			event.language &&
			normalLanguage( campaign.template_language ) !==
				normalLanguage( event.language )
		) {
			continue;
		}
		await pauseCampaign(
			trx,
			tenantId,
			campaign.id,
			status === 'PAUSED' ? 'template_paused' : 'template_disabled',
			now
		);
	}
}

export async function applyTemplateCategory(
	trx: Trx,
	tenantId: string,
	event: TemplateCategoryEvent
): Promise< void > {
	if ( event.newCategory ) {
		await updateCachedTemplate( trx, tenantId, event, ( template ) => {
			template.category = event.newCategory;
		} );
	}
}

/**
 * Edits the tenant's cached template list in place, so a paused template stops being offered at once, and marks the
 * cache stale so that the next read fetches the full truth from the Cloud API.
 */
async function updateCachedTemplate(
	trx: Trx,
	tenantId: string,
	event: { name: string; language: string; templateId: string },
	edit: ( template: Record< string, unknown > ) => void
): Promise< void > {
	const cache = await trx
		.selectFrom( 'templates_cache' )
		.select( 'templates' )
		.where( 'tenant_id', '=', tenantId )
		.executeTakeFirst();
	if ( ! cache ) {
		return;
	}
	let templates: unknown;
	try {
		templates = JSON.parse( cache.templates );
	} catch {
		templates = null;
	}
	if ( Array.isArray( templates ) ) {
		for ( const template of templates as Array<
			Record< string, unknown >
		> ) {
			const sameId =
				event.templateId !== '' &&
				String( template.id ?? '' ) === event.templateId;
			const sameName =
				template.name === event.name &&
				( ! event.language ||
					normalLanguage( String( template.language ?? '' ) ) ===
						normalLanguage( event.language ) );
			if ( sameId || sameName ) {
				edit( template );
			}
		}
	}
	await trx
		.updateTable( 'templates_cache' )
		.set( {
			templates: Array.isArray( templates )
				? JSON.stringify( templates )
				: cache.templates,
			fetched_at: 0,
		} )
		.where( 'tenant_id', '=', tenantId )
		.execute();
}

export async function pauseCampaign(
	trx: Trx,
	tenantId: string,
	campaignId: string,
	reason: string,
	now: number
): Promise< void > {
	const message =
		reason === 'template_disabled'
			? 'WhatsApp disabled the template of this campaign.'
			: 'WhatsApp paused the template of this campaign because of its quality.';
	// Through the lifecycle's transition table, like every change of a campaign's state: only a running campaign.
	await transitionCampaign(
		trx,
		now,
		tenantId,
		campaignId,
		'paused',
		{ reason, message },
		[ 'running' ]
	);
}
