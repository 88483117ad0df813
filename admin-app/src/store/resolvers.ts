/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { PATHS } from './constants';
import {
	fetchContacts,
	fetchRecipients,
	receiveAudienceFields,
	receiveCampaign,
	receiveCampaignStats,
	receiveCampaigns,
	receiveLists,
	receiveSegments,
	receiveSettings,
	receiveStatus,
	receiveTags,
	receiveTemplates,
	reportError,
} from './actions';
import type { ThunkArgs } from './actions';
import type {
	AudienceFields,
	Campaign,
	CampaignStats,
	ContactList,
	ContactsQuery,
	RecipientsQuery,
	Segment,
	Settings,
	Status,
	Tag,
	Template,
} from './types';

/**
 * Fetches `path` and hands the answer to `receive`; a failure becomes an
 * error notice with the server's message and leaves the state as it was.
 */
function resolveWith< T >( path: string, receive: ( data: T ) => unknown ) {
	return async ( { dispatch }: ThunkArgs ) => {
		try {
			dispatch( receive( await apiFetch< T >( { path } ) ) );
		} catch ( error ) {
			dispatch( reportError( error ) );
			throw error;
		}
	};
}

export const getStatus = () =>
	resolveWith< Status >( PATHS.status, receiveStatus );

export const getSettings = () =>
	resolveWith< Settings >( PATHS.settings, receiveSettings );

/** The bridge pages campaigns by 200 at most; the list wants them all. */
const CAMPAIGNS_PAGE = 200;
/** Pages asked for at once: the bridge answers each in a few ms, the round trips are what costs. */
const PARALLEL_PAGES = 5;

export const getCampaigns =
	() =>
	async ( { dispatch }: ThunkArgs ) => {
		const all: Campaign[] = [];
		const page = ( offset: number ) =>
			apiFetch< { campaigns?: Campaign[] } >( {
				path: addQueryArgs( PATHS.campaigns, {
					limit: CAMPAIGNS_PAGE,
					offset,
				} ),
			} ).then( ( answer ) => answer.campaigns ?? [] );
		try {
			for (
				let offset = 0;
				;
				offset += CAMPAIGNS_PAGE * PARALLEL_PAGES
			) {
				const pages = await Promise.all(
					Array.from( { length: PARALLEL_PAGES }, ( _, i ) =>
						page( offset + i * CAMPAIGNS_PAGE )
					)
				);
				const short = pages.findIndex(
					( campaigns ) => campaigns.length < CAMPAIGNS_PAGE
				);
				for ( const campaigns of short === -1
					? pages
					: pages.slice( 0, short + 1 ) ) {
					all.push( ...campaigns );
				}
				if ( short !== -1 ) {
					break;
				}
			}
		} catch ( error ) {
			dispatch( reportError( error ) );
			throw error;
		}
		dispatch( receiveCampaigns( all ) );
	};

export const getCampaign = ( id: string ) =>
	resolveWith< Campaign >( `${ PATHS.campaigns }/${ id }`, receiveCampaign );

export const getCampaignStats = ( id: string ) =>
	resolveWith< CampaignStats >(
		`${ PATHS.campaigns }/${ id }/stats`,
		( stats ) => receiveCampaignStats( id, stats )
	);

export const getCampaignRecipients =
	( id: string, query: RecipientsQuery = {} ) =>
	async ( { dispatch }: ThunkArgs ) => {
		await dispatch( fetchRecipients( id, query ) );
	};

export const getTemplates = () =>
	resolveWith< { templates?: Template[] } >( PATHS.templates, ( response ) =>
		receiveTemplates( response.templates ?? [] )
	);

export const getApprovedTemplates =
	() =>
	async ( { resolveSelect }: ThunkArgs ) => {
		await resolveSelect.getTemplates();
	};

export const getSegments = () =>
	resolveWith< Segment[] >( PATHS.segments, receiveSegments );

export const getLists = () =>
	resolveWith< ContactList[] >( PATHS.lists, receiveLists );

export const getTags = () => resolveWith< Tag[] >( PATHS.tags, receiveTags );

export const getAudienceFields = () =>
	resolveWith< AudienceFields >(
		PATHS.audienceFields,
		receiveAudienceFields
	);

export const getContacts =
	( query: ContactsQuery = {} ) =>
	async ( { dispatch }: ThunkArgs ) => {
		await dispatch( fetchContacts( query ) );
	};

export const getRecentCampaigns =
	() =>
	async ( { resolveSelect }: ThunkArgs ) => {
		await resolveSelect.getCampaigns();
	};
