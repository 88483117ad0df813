/**
 * `rondine/automations`: the automations as the plugin's proxy routes answer them (rondine/v1/automations…, forwarded
 * to the bridge's /v1/automations… of docs/design/automations-contract.md), like the campaigns of `rondine/admin`.
 */

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import type { APIFetchOptions } from '@wordpress/api-fetch';
import { createReduxStore, register } from '@wordpress/data';
import { __ } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { errorMessage } from '../store/actions';
import { NAMESPACE } from '../store/constants';
import type {
	Automation,
	AutomationInput,
	AutomationState,
	AutomationSummary,
	Problem,
	Run,
} from './types';

export const AUTOMATIONS_STORE = 'rondine/automations';

export const AUTOMATION_PATHS = {
	automations: `${ NAMESPACE }/automations`,
	runs: `${ NAMESPACE }/runs`,
} as const;

export interface AutomationsState {
	list: AutomationSummary[] | null;
	items: Record< string, Automation >;
	/** The bridge's last `invalid_automation` problems per automation (cleared by a save that passes). */
	problems: Record< string, Problem[] >;
}

const initial: AutomationsState = { list: null, items: {}, problems: {} };

const receiveAutomations = ( automations: AutomationSummary[] ) =>
	( { type: 'RECEIVE_AUTOMATIONS', automations } ) as const;

const receiveAutomation = ( automation: Automation ) =>
	( { type: 'RECEIVE_AUTOMATION', automation } ) as const;

const removeAutomation = ( id: string ) =>
	( { type: 'REMOVE_AUTOMATION', id } ) as const;

export const setProblems = ( id: string, problems: Problem[] ) =>
	( { type: 'SET_PROBLEMS', id, problems } ) as const;

type Action = ReturnType<
	| typeof receiveAutomations
	| typeof receiveAutomation
	| typeof removeAutomation
	| typeof setProblems
>;

/** The summary of a full definition, for the list. */
function summaryOf(
	automation: Automation,
	previous?: AutomationSummary
): AutomationSummary {
	return {
		id: automation.id,
		name: automation.name,
		state: automation.state,
		version: automation.version,
		trigger: automation.trigger,
		reentry: automation.reentry,
		exit_on: automation.exit_on,
		created_at: automation.created_at,
		updated_at: automation.updated_at,
		runs: previous?.runs ?? {
			active: 0,
			completed: 0,
			exited: 0,
			failed: 0,
		},
	};
}

export function reducer(
	state: AutomationsState = initial,
	action: Action
): AutomationsState {
	switch ( action.type ) {
		case 'RECEIVE_AUTOMATIONS':
			return { ...state, list: action.automations };
		case 'RECEIVE_AUTOMATION': {
			const { automation } = action;
			const previous = state.items[ automation.id ];
			let list = state.list;
			if ( list && list.some( ( item ) => item.id === automation.id ) ) {
				list = list.map( ( item ) =>
					item.id === automation.id
						? summaryOf( automation, item )
						: item
				);
			} else if ( list ) {
				list = [ summaryOf( automation ), ...list ];
			}
			return {
				...state,
				list,
				items: {
					...state.items,
					// A PUT's answer has no step_stats: keep the last ones read.
					[ automation.id ]: {
						...automation,
						step_stats:
							automation.step_stats ?? previous?.step_stats,
					},
				},
			};
		}
		case 'REMOVE_AUTOMATION': {
			const { [ action.id ]: _removed, ...items } = state.items;
			return {
				...state,
				items,
				list:
					state.list?.filter( ( item ) => item.id !== action.id ) ??
					null,
			};
		}
		case 'SET_PROBLEMS':
			return {
				...state,
				problems: { ...state.problems, [ action.id ]: action.problems },
			};
	}
	return state;
}

export const selectors = {
	getAutomations: ( state: AutomationsState ) => state.list,
	getAutomation: ( state: AutomationsState, id: string ): Automation | null =>
		state.items[ id ] ?? null,
	getProblems: ( state: AutomationsState, id: string ): Problem[] =>
		state.problems[ id ] ?? NO_PROBLEMS,
};

const NO_PROBLEMS: Problem[] = [];

/* The thunk arguments of @wordpress/data are not typed for a store that refers to itself. */
interface ThunkArgs {
	dispatch: any;
	registry: any;
}

/** The problems of a 422 `invalid_automation` as the plugin passes them on (in the error's data), or null. */
export function problemsOf( error: unknown ): Problem[] | null {
	const data = ( error as { data?: { problems?: unknown } } | undefined )
		?.data;
	if ( ! data || ! Array.isArray( data.problems ) ) {
		return null;
	}
	return data.problems.map( ( problem: Partial< Problem > ) => ( {
		step: typeof problem.step === 'string' ? problem.step : null,
		code: String( problem.code ?? '' ),
		message: String( problem.message ?? '' ),
	} ) );
}

const notice =
	( kind: 'error' | 'success', message: string ) =>
	( { registry }: ThunkArgs ) => {
		const notices = registry.dispatch( noticesStore );
		if ( kind === 'error' ) {
			notices.createErrorNotice( message, { id: 'rondine-error' } );
		} else {
			notices.createSuccessNotice( message, { type: 'snackbar' } );
		}
	};

/**
 * Runs a request; a failure becomes an error notice (and, for an invalid flow, the problems kept for the editor to
 * show on their steps) before it is rethrown for the form to keep the owner's input.
 */
async function request< T >(
	args: ThunkArgs,
	options: APIFetchOptions< true >,
	context: string,
	id?: string
): Promise< T > {
	try {
		const answer = await apiFetch< T >( options );
		if ( id ) {
			args.dispatch( setProblems( id, [] ) );
		}
		return answer;
	} catch ( error ) {
		const problems = problemsOf( error );
		if ( id && problems ) {
			args.dispatch( setProblems( id, problems ) );
		}
		args.dispatch(
			notice( 'error', `${ context }: ${ errorMessage( error ) }` )
		);
		throw error;
	}
}

export const actions = {
	receiveAutomations,
	receiveAutomation,
	setProblems,

	/** Reloads the list's numbers (the screen keeps them current while it is open). */
	refreshAutomations: () => async ( args: ThunkArgs ) => {
		const answer = await apiFetch< { automations?: AutomationSummary[] } >(
			{ path: AUTOMATION_PATHS.automations }
		);
		args.dispatch( receiveAutomations( answer.automations ?? [] ) );
	},

	/** Reloads one automation's state and per-step numbers; the owner's unsaved changes live in the editor, untouched. */
	refreshAutomation: ( id: string ) => async ( args: ThunkArgs ) => {
		args.dispatch(
			receiveAutomation(
				await apiFetch< Automation >( {
					path: `${ AUTOMATION_PATHS.automations }/${ id }`,
				} )
			)
		);
	},

	/** Creates (POST, the plugin picks the id) or saves (PUT) an automation. */
	saveAutomation:
		( input: AutomationInput, id?: string ) =>
		async ( args: ThunkArgs ) => {
			const saved = await request< Automation >(
				args,
				id
					? {
							path: `${ AUTOMATION_PATHS.automations }/${ id }`,
							method: 'PUT',
							data: input,
						}
					: {
							path: AUTOMATION_PATHS.automations,
							method: 'POST',
							data: input,
						},
				__( 'Automation not saved', 'rondine' ),
				id ?? 'new'
			);
			args.dispatch( receiveAutomation( saved ) );
			args.dispatch(
				notice( 'success', __( 'Automation saved.', 'rondine' ) )
			);
			return saved;
		},

	/** Activates, pauses, archives (or sets back to draft) an automation. */
	setAutomationState:
		( id: string, state: AutomationState ) => async ( args: ThunkArgs ) => {
			const saved = await request< Automation >(
				args,
				{
					path: `${ AUTOMATION_PATHS.automations }/${ id }/state`,
					method: 'POST',
					data: { state },
				},
				__( 'State not changed', 'rondine' ),
				id
			);
			args.dispatch( receiveAutomation( saved ) );
			const done: Record< AutomationState, string > = {
				active: __( 'Automation activated.', 'rondine' ),
				paused: __( 'Automation paused.', 'rondine' ),
				archived: __( 'Automation archived.', 'rondine' ),
				draft: __( 'Automation set back to draft.', 'rondine' ),
			};
			args.dispatch( notice( 'success', done[ state ] ) );
			return saved;
		},

	deleteAutomation: ( id: string ) => async ( args: ThunkArgs ) => {
		await request(
			args,
			{
				path: `${ AUTOMATION_PATHS.automations }/${ id }`,
				method: 'DELETE',
			},
			__( 'Automation not deleted', 'rondine' )
		);
		args.dispatch( removeAutomation( id ) );
		args.dispatch(
			notice( 'success', __( 'Automation deleted.', 'rondine' ) )
		);
	},

	/** An automation's runs (GET /automations/{id}/runs), newest first. */
	fetchRuns:
		(
			id: string,
			query: { phone?: string; state?: string; limit?: number } = {}
		) =>
		async ( args: ThunkArgs ) => {
			const answer = await request< { runs?: Run[] } >(
				args,
				{
					path: addQueryArgs(
						`${ AUTOMATION_PATHS.automations }/${ id }/runs`,
						query
					),
				},
				__( 'Runs not loaded', 'rondine' )
			);
			return answer.runs ?? [];
		},

	/** A contact's runs across automations (GET /runs?phone=). */
	fetchPhoneRuns: ( phone: string ) => async ( args: ThunkArgs ) => {
		const answer = await request< { runs?: Run[] } >(
			args,
			{ path: addQueryArgs( AUTOMATION_PATHS.runs, { phone } ) },
			__( 'Runs not loaded', 'rondine' )
		);
		return answer.runs ?? [];
	},
};

/*
 * Resolvers let a failure through (the selector's resolution fails): the screens say so where the data was wanted (the
 * list, the editor), and the chat button's picker stays hidden, instead of a notice for the whole screen on a site
 * whose bridge has no automations yet.
 */
export const resolvers = {
	getAutomations:
		() =>
		async ( { dispatch }: ThunkArgs ) => {
			const answer = await apiFetch< {
				automations?: AutomationSummary[];
			} >( { path: AUTOMATION_PATHS.automations } );
			dispatch( receiveAutomations( answer.automations ?? [] ) );
		},
	getAutomation:
		( id: string ) =>
		async ( { dispatch }: ThunkArgs ) => {
			dispatch(
				receiveAutomation(
					await apiFetch< Automation >( {
						path: `${ AUTOMATION_PATHS.automations }/${ id }`,
					} )
				)
			);
		},
};

export const automationsStoreConfig = {
	reducer,
	actions,
	selectors,
	resolvers,
};

export const automationsStore = createReduxStore(
	AUTOMATIONS_STORE,
	automationsStoreConfig
);

register( automationsStore );

declare module '@wordpress/data' {
	interface StoreRegistry {
		[ AUTOMATIONS_STORE ]: typeof automationsStore;
	}
}
