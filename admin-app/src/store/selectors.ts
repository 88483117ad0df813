/**
 * WordPress dependencies
 */
import { createSelector } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { EDITABLE_STATES } from './constants';
import { queryKey } from './query-key';
import type { State } from './reducer';
import type {
	Campaign,
	ContactsQuery,
	RecipientsQuery,
	Template,
} from './types';

export const getStatus = ( state: State ) => state.status;

export const getSettings = ( state: State ) => state.settings;

export const getCampaigns = createSelector(
	( state: State ): Campaign[] | null =>
		state.campaigns.list?.flatMap( ( id ) => {
			const campaign = state.campaigns.byId[ id ];
			return campaign ? [ campaign ] : [];
		} ) ?? null,
	( state: State ) => [ state.campaigns ]
);

export const getCampaign = ( state: State, id: string ): Campaign | null =>
	state.campaigns.byId[ id ] ?? null;

export const getCampaignStats = ( state: State, id: string ) =>
	state.campaignStats[ id ] ?? null;

export const getCampaignRecipients = (
	state: State,
	id: string,
	query: RecipientsQuery = {}
) =>
	state.recipients[ queryKey( id, query as Record< string, unknown > ) ] ??
	null;

/** Whether the owner may still edit or delete the campaign. */
export const isCampaignEditable = ( state: State, id: string ) => {
	const campaign = state.campaigns.byId[ id ];
	return (
		!! campaign &&
		( EDITABLE_STATES as readonly string[] ).includes( campaign.state )
	);
};

/** The most recently started (or created) campaigns, newest first. */
export const getRecentCampaigns = createSelector(
	( state: State, limit: number = 5 ): Campaign[] => {
		const all = getCampaigns( state ) ?? [];
		const when = ( campaign: Campaign ) =>
			campaign.start_at ??
			campaign.updated_at ??
			campaign.created_at ??
			'';
		return [ ...all ]
			.sort( ( a, b ) => when( b ).localeCompare( when( a ) ) )
			.slice( 0, limit );
	},
	( state: State ) => [ state.campaigns ]
);

export const getTemplates = ( state: State ) => state.templates;

/** Only APPROVED templates can be sent, so only those are offered. */
export const getApprovedTemplates = createSelector(
	( state: State ): Template[] | null =>
		state.templates?.filter(
			( template ) => template.status.toUpperCase() === 'APPROVED'
		) ?? null,
	( state: State ) => [ state.templates ]
);

export const getSegments = ( state: State ) => state.segments;

export const getLists = ( state: State ) => state.lists;

export const getAudienceFields = ( state: State ) => state.audienceFields;

export const getTags = ( state: State ) => state.tags;

export const getContacts = ( state: State, query: ContactsQuery = {} ) =>
	state.contacts[
		queryKey( 'contacts', query as Record< string, unknown > )
	] ?? null;

/**
 * What the owner should look at now: paused campaigns, rejected templates,
 * a missing or broken bridge connection, an expired WhatsApp token.
 */
export interface Attention {
	id: string;
	kind:
		| 'bridge-not-connected'
		| 'bridge-unreachable'
		| 'sending-halted'
		| 'campaign-paused'
		| 'template-rejected'
		| 'daily-limit-reached'
		| 'campaign-failed'
		| 'campaign-waiting'
		| 'template-paused';
	level: 'error' | 'warning';
	/** The campaign or template concerned, or the bridge's error message. */
	detail?: string;
	campaignId?: string;
	/** "name|language" of the template concerned (its link opens it). */
	templateKey?: string;
	/** Campaign waiting for the daily limit: recipients left and when it resumes. */
	waiting?: Campaign[ 'waiting' ];
}

export const getAttentionItems = createSelector(
	( state: State ): Attention[] => {
		const items: Attention[] = [];
		const { status } = state;
		if ( status && ! status.bridge.connected ) {
			items.push( {
				id: 'bridge-not-connected',
				level: 'error',
				kind: 'bridge-not-connected',
			} );
		} else if ( status && status.bridge.reachable === false ) {
			items.push( {
				id: 'bridge-unreachable',
				level: 'error',
				kind: 'bridge-unreachable',
				detail: status.bridge.error?.message ?? undefined,
			} );
		}
		const halted = status?.bridge.status?.whatsapp?.halted_reason;
		if ( halted ) {
			items.push( {
				id: 'sending-halted',
				level: 'error',
				kind: 'sending-halted',
				detail: halted,
			} );
		}
		const daily = status?.bridge.status?.daily_limit;
		if (
			daily &&
			typeof daily.limit === 'number' &&
			daily.remaining === 0
		) {
			items.push( {
				id: 'daily-limit-reached',
				level: 'warning',
				kind: 'daily-limit-reached',
			} );
		}
		for ( const campaign of getCampaigns( state ) ?? [] ) {
			if ( campaign.waiting ) {
				items.push( {
					id: `waiting-${ campaign.id }`,
					level: 'warning',
					kind: 'campaign-waiting',
					detail: campaign.name,
					campaignId: campaign.id,
					waiting: campaign.waiting,
				} );
			}
			if ( campaign.state === 'failed' ) {
				items.push( {
					id: `failed-${ campaign.id }`,
					level: 'error',
					kind: 'campaign-failed',
					detail: campaign.name,
					campaignId: campaign.id,
				} );
			}
			if ( campaign.state === 'paused' ) {
				items.push( {
					id: `paused-${ campaign.id }`,
					level: 'warning',
					kind: 'campaign-paused',
					detail: campaign.name,
					campaignId: campaign.id,
				} );
			}
		}
		for ( const template of state.templates ?? [] ) {
			if (
				[ 'PAUSED', 'DISABLED' ].includes(
					template.status.toUpperCase()
				)
			) {
				items.push( {
					id: `paused-${ template.name }-${ template.language }`,
					level: 'warning',
					kind: 'template-paused',
					detail: template.name,
					templateKey: `${ template.name }|${ template.language }`,
				} );
			}
			if ( template.status.toUpperCase() === 'REJECTED' ) {
				items.push( {
					id: `rejected-${ template.name }-${ template.language }`,
					level: 'warning',
					kind: 'template-rejected',
					templateKey: `${ template.name }|${ template.language }`,
					detail: template.rejected_reason
						? `${ template.name } (${ template.rejected_reason })`
						: template.name,
				} );
			}
		}
		return items;
	},
	( state: State ) => [ state.status, state.campaigns, state.templates ]
);
