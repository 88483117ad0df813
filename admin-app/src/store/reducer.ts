/**
 * WordPress dependencies
 */
import { combineReducers } from '@wordpress/data';

/**
 * Internal dependencies
 */
import type {
	AudienceFields,
	Campaign,
	CampaignStats,
	ContactList,
	ContactsPage,
	RecipientsPage,
	Segment,
	Settings,
	Status,
	Tag,
	Template,
} from './types';
import type { Action } from './actions';

export function status( state: Status | null = null, action: Action ) {
	return action.type === 'RECEIVE_STATUS' ? action.status : state;
}

export function settings( state: Settings | null = null, action: Action ) {
	return action.type === 'RECEIVE_SETTINGS' ? action.settings : state;
}

export interface CampaignsState {
	byId: Record< string, Campaign >;
	/** Ids in the order the list route returned them; null until fetched. */
	list: string[] | null;
}

export function campaigns(
	state: CampaignsState = { byId: {}, list: null },
	action: Action
): CampaignsState {
	switch ( action.type ) {
		case 'RECEIVE_CAMPAIGNS': {
			const byId = { ...state.byId };
			for ( const campaign of action.campaigns ) {
				byId[ campaign.id ] = campaign;
			}
			return {
				byId,
				list: action.campaigns.map( ( campaign ) => campaign.id ),
			};
		}
		case 'RECEIVE_CAMPAIGN': {
			const { campaign } = action;
			const known = state.list?.includes( campaign.id ) ?? true;
			return {
				byId: { ...state.byId, [ campaign.id ]: campaign },
				list:
					known || ! state.list
						? state.list
						: [ campaign.id, ...state.list ],
			};
		}
		case 'REMOVE_CAMPAIGN': {
			const { [ action.id ]: removed, ...byId } = state.byId;
			return {
				byId,
				list: state.list?.filter( ( id ) => id !== action.id ) ?? null,
			};
		}
	}
	return state;
}

export function campaignStats(
	state: Record< string, CampaignStats > = {},
	action: Action
) {
	if ( action.type === 'RECEIVE_CAMPAIGN_STATS' ) {
		return { ...state, [ action.id ]: action.stats };
	}
	return state;
}

export function recipients(
	state: Record< string, RecipientsPage > = {},
	action: Action
) {
	if ( action.type === 'RECEIVE_RECIPIENTS' ) {
		return { ...state, [ action.key ]: action.page };
	}
	return state;
}

export function templates( state: Template[] | null = null, action: Action ) {
	return action.type === 'RECEIVE_TEMPLATES' ? action.templates : state;
}

function upsert< T extends { id: number } >( items: T[] | null, item: T ) {
	if ( ! items ) {
		return [ item ];
	}
	const index = items.findIndex( ( existing ) => existing.id === item.id );
	if ( index === -1 ) {
		return [ ...items, item ];
	}
	const next = [ ...items ];
	next[ index ] = item;
	return next;
}

export function segments( state: Segment[] | null = null, action: Action ) {
	switch ( action.type ) {
		case 'RECEIVE_SEGMENTS':
			return action.segments;
		case 'RECEIVE_SEGMENT':
			return upsert( state, action.segment );
		case 'REMOVE_SEGMENT':
			return (
				state?.filter( ( segment ) => segment.id !== action.id ) ?? null
			);
	}
	return state;
}

export function lists( state: ContactList[] | null = null, action: Action ) {
	switch ( action.type ) {
		case 'RECEIVE_LISTS':
			return action.lists;
		case 'RECEIVE_LIST':
			return upsert( state, action.list );
		case 'REMOVE_LIST':
			return state?.filter( ( list ) => list.id !== action.id ) ?? null;
	}
	return state;
}

export function audienceFields(
	state: AudienceFields | null = null,
	action: Action
) {
	return action.type === 'RECEIVE_AUDIENCE_FIELDS' ? action.fields : state;
}

export function contacts(
	state: Record< string, ContactsPage > = {},
	action: Action
) {
	if ( action.type === 'RECEIVE_CONTACTS' ) {
		return { ...state, [ action.key ]: action.page };
	}
	if (
		action.type === 'RECEIVE_LIST' ||
		action.type === 'REMOVE_LIST' ||
		action.type === 'RECEIVE_TAG' ||
		action.type === 'REMOVE_TAG'
	) {
		// List membership or tag names changed: every cached contacts page may be stale.
		return {};
	}
	return state;
}

/** Tags by name, as the plugin orders them. */
export function tags( state: Tag[] | null = null, action: Action ) {
	switch ( action.type ) {
		case 'RECEIVE_TAGS':
			return action.tags;
		case 'RECEIVE_TAG':
			return [
				...( state ?? [] ).filter(
					( tag ) => tag.id !== action.tag.id
				),
				action.tag,
			].sort( ( a, b ) => a.name.localeCompare( b.name ) || a.id - b.id );
		case 'REMOVE_TAG':
			return state?.filter( ( tag ) => tag.id !== action.id ) ?? null;
	}
	return state;
}

const reducer = combineReducers( {
	status,
	settings,
	campaigns,
	campaignStats,
	recipients,
	templates,
	segments,
	lists,
	audienceFields,
	contacts,
	tags,
} );

export type State = ReturnType< typeof reducer >;

export default reducer;
