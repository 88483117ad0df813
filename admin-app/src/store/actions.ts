/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import type { APIFetchOptions } from '@wordpress/api-fetch';
import { __, sprintf } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import type { ApiForecast } from './api';
import { PATHS, STORE_NAME } from './constants';
import { queryKey } from './query-key';
import type {
	ApiError,
	AudienceChoice,
	AudienceChoiceKind,
	AudienceCount,
	AudienceCountRequest,
	AudienceFields,
	Campaign,
	CampaignAction,
	CampaignAudience,
	CampaignInput,
	CampaignStats,
	ContactList,
	ContactsPage,
	ContactsQuery,
	ImportReport,
	ImportRequest,
	RecipientsPage,
	RecipientsQuery,
	Segment,
	Settings,
	SettingsInput,
	Status,
	Tag,
	Template,
	WhatsAppCredentials,
} from './types';

/* -------------------------------------------------------------------------
 * Plain actions
 * ---------------------------------------------------------------------- */

export const receiveStatus = ( status: Status ) =>
	( { type: 'RECEIVE_STATUS', status } ) as const;

export const receiveSettings = ( settings: Settings ) =>
	( { type: 'RECEIVE_SETTINGS', settings } ) as const;

export const receiveCampaigns = ( campaigns: Campaign[] ) =>
	( {
		type: 'RECEIVE_CAMPAIGNS',
		campaigns,
	} ) as const;

export const receiveCampaign = ( campaign: Campaign ) =>
	( {
		type: 'RECEIVE_CAMPAIGN',
		campaign,
	} ) as const;

export const removeCampaign = ( id: string ) =>
	( { type: 'REMOVE_CAMPAIGN', id } ) as const;

export const receiveCampaignStats = ( id: string, stats: CampaignStats ) =>
	( {
		type: 'RECEIVE_CAMPAIGN_STATS',
		id,
		stats,
	} ) as const;

export const receiveRecipients = ( key: string, page: RecipientsPage ) =>
	( { type: 'RECEIVE_RECIPIENTS', key, page } ) as const;

export const receiveTemplates = ( templates: Template[] ) =>
	( { type: 'RECEIVE_TEMPLATES', templates } ) as const;

export const receiveSegments = ( segments: Segment[] ) =>
	( { type: 'RECEIVE_SEGMENTS', segments } ) as const;

export const receiveSegment = ( segment: Segment ) =>
	( { type: 'RECEIVE_SEGMENT', segment } ) as const;

export const removeSegment = ( id: number ) =>
	( { type: 'REMOVE_SEGMENT', id } ) as const;

export const receiveLists = ( lists: ContactList[] ) =>
	( { type: 'RECEIVE_LISTS', lists } ) as const;

export const receiveList = ( list: ContactList ) =>
	( { type: 'RECEIVE_LIST', list } ) as const;

export const removeList = ( id: number ) =>
	( { type: 'REMOVE_LIST', id } ) as const;

export const receiveAudienceFields = ( fields: AudienceFields ) =>
	( { type: 'RECEIVE_AUDIENCE_FIELDS', fields } ) as const;

export const receiveContacts = ( key: string, page: ContactsPage ) =>
	( { type: 'RECEIVE_CONTACTS', key, page } ) as const;

export const receiveTags = ( tags: Tag[] ) =>
	( { type: 'RECEIVE_TAGS', tags } ) as const;

export const receiveTag = ( tag: Tag ) =>
	( { type: 'RECEIVE_TAG', tag } ) as const;

export const removeTag = ( id: number ) =>
	( { type: 'REMOVE_TAG', id } ) as const;

export type Action = ReturnType<
	| typeof receiveStatus
	| typeof receiveSettings
	| typeof receiveCampaigns
	| typeof receiveCampaign
	| typeof removeCampaign
	| typeof receiveCampaignStats
	| typeof receiveRecipients
	| typeof receiveTemplates
	| typeof receiveSegments
	| typeof receiveSegment
	| typeof removeSegment
	| typeof receiveLists
	| typeof receiveList
	| typeof removeList
	| typeof receiveAudienceFields
	| typeof receiveContacts
	| typeof receiveTags
	| typeof receiveTag
	| typeof removeTag
>;

/* -------------------------------------------------------------------------
 * Thunks
 * ---------------------------------------------------------------------- */

/* The thunk arguments of @wordpress/data are not typed for a store that refers to itself. */
export interface ThunkArgs {
	dispatch: any;
	select: any;
	resolveSelect: any;
	registry: any;
}

/**
 * The message to show for a failed request: the server's own message when
 * it sent one (WordPress REST errors and the bridge errors the plugin passes
 * on both carry `message`), otherwise a generic one.
 */
export function errorMessage( error: unknown ): string {
	const apiError = error as ApiError | undefined;
	if (
		apiError &&
		typeof apiError.message === 'string' &&
		apiError.message
	) {
		return apiError.message;
	}
	return __( 'The request failed. Please try again.', 'rondine' );
}

/**
 * Shows a failed request as an error notice, then rethrows so that the
 * caller (a form) can keep the user's input and stay where it is.
 */
export const reportError =
	( error: unknown, context?: string ) =>
	( { registry }: ThunkArgs ) => {
		const message = errorMessage( error );
		registry.dispatch( noticesStore ).createErrorNotice(
			context
				? sprintf(
						/* translators: 1: what failed, 2: the server's error message. */
						__( '%1$s: %2$s', 'rondine' ),
						context,
						message
					)
				: message,
			{ id: 'rondine-error' }
		);
	};

const success =
	( message: string ) =>
	( { registry }: ThunkArgs ) => {
		registry
			.dispatch( noticesStore )
			.createSuccessNotice( message, { type: 'snackbar' } );
	};

/** Runs a request and turns a failure into an error notice before rethrowing. */
async function request< T >(
	args: ThunkArgs,
	options: APIFetchOptions< true >,
	context?: string
): Promise< T > {
	try {
		return await apiFetch< T >( options );
	} catch ( error ) {
		args.dispatch( reportError( error, context ) );
		throw error;
	}
}

export const refreshStatus = () => async ( args: ThunkArgs ) => {
	const status = await request< Status >( args, { path: PATHS.status } );
	args.dispatch( receiveStatus( status ) );
	return status;
};

export const saveSettings =
	( settings: SettingsInput ) => async ( args: ThunkArgs ) => {
		const saved = await request< Settings >(
			args,
			{ path: PATHS.settings, method: 'POST', data: settings },
			__( 'Settings not saved', 'rondine' )
		);
		args.dispatch( receiveSettings( saved ) );
		args.dispatch( success( __( 'Settings saved.', 'rondine' ) ) );
		// The connection may have changed: the dashboard must read it again.
		args.registry
			.dispatch( STORE_NAME )
			.invalidateResolution( 'getStatus', [] );
		return saved;
	};

/** Forgets the bridge connection (the bridge keeps the tenant; a new code reconnects). */
export const disconnectBridge = () => async ( args: ThunkArgs ) => {
	const settings = await request< Settings >(
		args,
		{ path: `${ PATHS.settings }/connection`, method: 'DELETE' },
		__( 'Not disconnected', 'rondine' )
	);
	args.dispatch( receiveSettings( settings ) );
	args.dispatch(
		success( __( 'Disconnected from the bridge.', 'rondine' ) )
	);
	args.registry
		.dispatch( STORE_NAME )
		.invalidateResolution( 'getStatus', [] );
	return settings;
};

export const saveWhatsAppCredentials =
	( credentials: WhatsAppCredentials ) => async ( args: ThunkArgs ) => {
		const result = await request< Record< string, unknown > >(
			args,
			{ path: PATHS.whatsapp, method: 'PUT', data: credentials },
			__( 'WhatsApp credentials not saved', 'rondine' )
		);
		args.dispatch(
			success(
				__( 'WhatsApp credentials saved on the bridge.', 'rondine' )
			)
		);
		args.registry
			.dispatch( STORE_NAME )
			.invalidateResolution( 'getStatus', [] );
		return result;
	};

export const syncTemplates = () => async ( args: ThunkArgs ) => {
	const { templates = [] } = await request< { templates?: Template[] } >(
		args,
		{ path: addQueryArgs( PATHS.templates, { refresh: 1 } ) },
		__( 'Templates not synced', 'rondine' )
	);
	args.dispatch( receiveTemplates( templates ) );
	args.dispatch( success( __( 'Templates synced.', 'rondine' ) ) );
	return templates;
};

/**
 * Saves the campaign (the bridge keeps a scheduled campaign scheduled, with
 * its new start time), then schedules it when asked to.
 */
export const saveCampaign =
	( campaign: CampaignInput ) => async ( args: ThunkArgs ) => {
		const { id, schedule, ...data } = campaign;
		let saved = await request< Campaign >(
			args,
			id
				? { path: `${ PATHS.campaigns }/${ id }`, method: 'PUT', data }
				: { path: PATHS.campaigns, method: 'POST', data },
			__( 'Campaign not saved', 'rondine' )
		);
		args.dispatch( receiveCampaign( saved ) );
		if ( schedule && saved.state !== 'scheduled' ) {
			saved = await request< Campaign >(
				args,
				{
					path: `${ PATHS.campaigns }/${ saved.id }/schedule`,
					method: 'POST',
					data: { start_at: data.start_at },
				},
				__( 'Campaign saved as draft but not scheduled', 'rondine' )
			);
			args.dispatch( receiveCampaign( saved ) );
		}
		args.dispatch(
			success(
				saved.state === 'scheduled'
					? __( 'Campaign scheduled.', 'rondine' )
					: __( 'Campaign saved as draft.', 'rondine' )
			)
		);
		return saved;
	};

export const deleteCampaign = ( id: string ) => async ( args: ThunkArgs ) => {
	await request(
		args,
		{ path: `${ PATHS.campaigns }/${ id }`, method: 'DELETE' },
		__( 'Campaign not deleted', 'rondine' )
	);
	args.dispatch( removeCampaign( id ) );
	args.dispatch( success( __( 'Campaign deleted.', 'rondine' ) ) );
};

const ACTION_DONE: Record< CampaignAction, () => string > = {
	schedule: () => __( 'Campaign scheduled.', 'rondine' ),
	pause: () => __( 'Campaign paused.', 'rondine' ),
	resume: () => __( 'Campaign resumed.', 'rondine' ),
	cancel: () => __( 'Campaign cancelled.', 'rondine' ),
	duplicate: () => __( 'Campaign duplicated as a new draft.', 'rondine' ),
	'retry-failed': () =>
		__( 'A new draft with the failed recipients was created.', 'rondine' ),
};

/**
 * Runs a lifecycle operation. `duplicate` and `retry-failed` answer with the
 * new draft, which is returned so that the caller can open it.
 */
export const runCampaignAction =
	( id: string, action: CampaignAction ) => async ( args: ThunkArgs ) => {
		const campaign = await request< Campaign >(
			args,
			{
				path: `${ PATHS.campaigns }/${ id }/${ action }`,
				method: 'POST',
			},
			__( 'Campaign not changed', 'rondine' )
		);
		args.dispatch( receiveCampaign( campaign ) );
		args.dispatch( success( ACTION_DONE[ action ]() ) );
		if ( action === 'duplicate' || action === 'retry-failed' ) {
			// The original changed too (its list position, a retry link).
			args.registry
				.dispatch( STORE_NAME )
				.invalidateResolution( 'getCampaigns', [] );
		}
		return campaign;
	};

export const refreshCampaign = ( id: string ) => async ( args: ThunkArgs ) => {
	const [ campaign, stats ] = await Promise.all( [
		apiFetch< Campaign >( { path: `${ PATHS.campaigns }/${ id }` } ),
		apiFetch< CampaignStats >( {
			path: `${ PATHS.campaigns }/${ id }/stats`,
		} ),
	] );
	args.dispatch( receiveCampaign( campaign ) );
	args.dispatch( receiveCampaignStats( id, stats ) );
};

/**
 * WordPress collections answer an array and give the total in the
 * `X-WP-Total` header.
 */
async function requestPage< T >(
	args: ThunkArgs,
	path: string
): Promise< { items: T[]; total: number } > {
	let response: Response;
	try {
		response = await apiFetch< Response, false >( { path, parse: false } );
	} catch ( error ) {
		// With `parse: false` a failed request rejects with the raw response.
		const body =
			error instanceof Object && 'json' in error
				? await ( error as Response ).json().catch( () => error )
				: error;
		args.dispatch( reportError( body ) );
		throw body;
	}
	const body = ( await response.json() ) as T[] | { items?: T[] };
	const items = Array.isArray( body ) ? body : ( body.items ?? [] );
	const total = Number(
		response.headers.get( 'X-WP-Total' ) ?? items.length
	);
	return { items, total: Number.isFinite( total ) ? total : items.length };
}

export const fetchRecipients =
	( id: string, query: RecipientsQuery = {} ) =>
	async ( args: ThunkArgs ) => {
		const page = await request< RecipientsPage >( args, {
			path: addQueryArgs(
				`${ PATHS.campaigns }/${ id }/recipients`,
				query as Record< string, unknown >
			),
		} );
		args.dispatch(
			receiveRecipients(
				queryKey( id, query as Record< string, unknown > ),
				page
			)
		);
		return page;
	};

export const countAudience =
	( audience: AudienceCountRequest ) => async ( args: ThunkArgs ) =>
		request< AudienceCount >(
			args,
			{ path: PATHS.audienceCount, method: 'POST', data: audience },
			__( 'Audience not counted', 'rondine' )
		);

/**
 * The newest campaigns read again (the list keeps live campaigns current: a campaign starting, waiting for the daily
 * window, finishing). No notice on failure: the next tick tries again.
 */
export const refreshCampaigns = () => async ( args: ThunkArgs ) => {
	const answer = await apiFetch< { campaigns: Campaign[] } >( {
		path: addQueryArgs( PATHS.campaigns, { limit: 200, offset: 0 } ),
	} );
	for ( const campaign of answer.campaigns ) {
		args.dispatch( receiveCampaign( campaign ) );
	}
};

/** The bridge's daily-limit forecast of an audience at a start time (the dispatcher's own computation). */
export type DailyForecast = ApiForecast;

export const forecastCampaign =
	( data: {
		audience: CampaignAudience;
		start_at: string | null;
		taken: number;
	} ) =>
	async () =>
		apiFetch< DailyForecast >( {
			path: `${ PATHS.campaigns }/forecast`,
			method: 'POST',
			data,
		} );

/** "Send a test to my phone": the template, filled, through the bridge, outside every campaign. */
export const sendTestMessage =
	( data: {
		to: string;
		template: CampaignInput[ 'template' ];
		variables: Record< string, string >;
	} ) =>
	async ( args: ThunkArgs ) => {
		const sent = await request< { to: string } >(
			args,
			{ path: `${ PATHS.campaigns }/test-message`, method: 'POST', data },
			__( 'Test not sent', 'rondine' )
		);
		args.dispatch(
			success(
				sprintf(
					/* translators: %s: phone number. */
					__( 'Test sent to %s.', 'rondine' ),
					sent.to
				)
			)
		);
		return sent;
	};

export const saveSegment =
	( segment: Omit< Segment, 'id' > & { id?: number } ) =>
	async ( args: ThunkArgs ) => {
		const { id, ...data } = segment;
		const saved = await request< Segment >(
			args,
			id
				? { path: `${ PATHS.segments }/${ id }`, method: 'PUT', data }
				: { path: PATHS.segments, method: 'POST', data },
			__( 'Segment not saved', 'rondine' )
		);
		args.dispatch( receiveSegment( saved ) );
		args.dispatch( success( __( 'Segment saved.', 'rondine' ) ) );
		return saved;
	};

export const deleteSegment = ( id: number ) => async ( args: ThunkArgs ) => {
	await request(
		args,
		{ path: `${ PATHS.segments }/${ id }`, method: 'DELETE' },
		__( 'Segment not deleted', 'rondine' )
	);
	args.dispatch( removeSegment( id ) );
	args.dispatch( success( __( 'Segment deleted.', 'rondine' ) ) );
};

export const saveList =
	( list: Omit< ContactList, 'id' > & { id?: number } ) =>
	async ( args: ThunkArgs ) => {
		const { id, ...data } = list;
		const saved = await request< ContactList >(
			args,
			id
				? { path: `${ PATHS.lists }/${ id }`, method: 'PUT', data }
				: { path: PATHS.lists, method: 'POST', data },
			__( 'List not saved', 'rondine' )
		);
		args.dispatch( receiveList( saved ) );
		return saved;
	};

export const deleteList = ( id: number ) => async ( args: ThunkArgs ) => {
	await request(
		args,
		{ path: `${ PATHS.lists }/${ id }`, method: 'DELETE' },
		__( 'List not deleted', 'rondine' )
	);
	args.dispatch( removeList( id ) );
	args.dispatch( success( __( 'List deleted.', 'rondine' ) ) );
};

/**
 * Uploads a CSV into a list. The report (imported rows, rejected rows with
 * the reason) is returned for the import screen to show in full.
 */
export const importList =
	( listId: number, importRequest: ImportRequest ) =>
	async ( args: ThunkArgs ) => {
		const body = new window.FormData();
		body.append( 'file', importRequest.file );
		for ( const [ field, header ] of Object.entries(
			importRequest.mapping
		) ) {
			body.append( `mapping[${ field }]`, header );
		}
		body.append( 'consent_mode', importRequest.consent_mode );
		if ( importRequest.attestation ) {
			body.append( 'attestation', '1' );
		}
		if ( importRequest.default_country ) {
			body.append( 'default_country', importRequest.default_country );
		}
		const report = await request< ImportReport >(
			args,
			{
				path: `${ PATHS.lists }/${ listId }/import`,
				method: 'POST',
				body,
			},
			__( 'Import failed', 'rondine' )
		);
		// The list's size changed.
		args.registry
			.dispatch( STORE_NAME )
			.invalidateResolution( 'getLists', [] );
		return report;
	};

export const fetchContacts =
	( query: ContactsQuery = {} ) =>
	async ( args: ThunkArgs ) => {
		const page = await requestPage< ContactsPage[ 'items' ][ number ] >(
			args,
			addQueryArgs( PATHS.contacts, query as Record< string, unknown > )
		);
		args.dispatch(
			receiveContacts(
				queryKey( 'contacts', query as Record< string, unknown > ),
				page
			)
		);
		return page;
	};

/** Creates a tag (a name that exists already gives that tag back). */
export const createTag = ( name: string ) => async ( args: ThunkArgs ) => {
	const tag = await request< Tag >(
		args,
		{ path: PATHS.tags, method: 'POST', data: { name } },
		__( 'Tag not created', 'rondine' )
	);
	args.dispatch( receiveTag( tag ) );
	args.dispatch( success( __( 'Tag created.', 'rondine' ) ) );
	return tag;
};

export const renameTag =
	( id: number, name: string ) => async ( args: ThunkArgs ) => {
		const tag = await request< Tag >(
			args,
			{ path: `${ PATHS.tags }/${ id }`, method: 'PUT', data: { name } },
			__( 'Tag not renamed', 'rondine' )
		);
		args.dispatch( receiveTag( tag ) );
		args.dispatch( success( __( 'Tag renamed.', 'rondine' ) ) );
		return tag;
	};

/** Deletes a tag; the plugin takes it off every contact that had it. */
export const deleteTag = ( id: number ) => async ( args: ThunkArgs ) => {
	await request(
		args,
		{ path: `${ PATHS.tags }/${ id }`, method: 'DELETE' },
		__( 'Tag not deleted', 'rondine' )
	);
	args.dispatch( removeTag( id ) );
	args.dispatch( success( __( 'Tag deleted.', 'rondine' ) ) );
};

const CHOICE_PATHS: Record< AudienceChoiceKind, string > = {
	products: PATHS.audienceProducts,
	categories: PATHS.audienceCategories,
	tags: PATHS.tags,
};

/** How many matches a picker shows while the owner types. */
const CHOICES_SHOWN = 20;

/**
 * Products, categories or tags whose name contains `search`, for the
 * segment builder's pickers (not kept in the store: each keystroke asks).
 */
export const searchAudienceChoices =
	( kind: AudienceChoiceKind, search: string ) => async ( args: ThunkArgs ) =>
		request< AudienceChoice[] >( args, {
			path: addQueryArgs( CHOICE_PATHS[ kind ], {
				search,
				per_page: CHOICES_SHOWN,
			} ),
		} );

/**
 * The names of the ids a saved segment holds (ids that no longer exist are
 * left out of the answer).
 */
export const resolveAudienceChoices =
	( kind: AudienceChoiceKind, ids: number[] ) => async ( args: ThunkArgs ) =>
		ids.length
			? request< AudienceChoice[] >( args, {
					// `include` answers every id asked (a filter holds at most 500); no paging.
					path: addQueryArgs( CHOICE_PATHS[ kind ], {
						include: ids.join( ',' ),
					} ),
				} )
			: [];

/** The bridge answers at most this many campaigns per request. */
const CAMPAIGNS_PER_STATE = 200;

/**
 * The campaigns in these states, read fresh from the bridge (one request
 * per state) and not kept in the store: the campaign editor's forecast
 * needs what is scheduled or running now, whoever scheduled it.
 */
export const fetchCampaignsInStates =
	( states: Campaign[ 'state' ][] ) => async ( args: ThunkArgs ) => {
		const pages = await Promise.all(
			states.map( ( state ) =>
				request< { campaigns: Campaign[] } >( args, {
					path: addQueryArgs( PATHS.campaigns, {
						state,
						limit: CAMPAIGNS_PER_STATE,
					} ),
				} )
			)
		);
		return pages.flatMap( ( page ) => page.campaigns );
	};
