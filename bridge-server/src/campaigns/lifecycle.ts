/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import type {
	CampaignState,
	CampaignUpdate,
	Database,
} from '../storage/schema.js';

/*
 * draft -> scheduled -> running <-> paused -> completed | cancelled | failed; scheduled -> scheduled (a new start
 * time). Every change of a campaign's state goes through `transitionCampaign` below, which refuses any change this
 * table does not allow, as a conditional UPDATE ... WHERE state IN (from states): two processes (or a click racing
 * the scheduler, or a webhook) cannot both make the same transition.
 */
export const TRANSITIONS: Record< CampaignState, readonly CampaignState[] > = {
	draft: [ 'scheduled', 'cancelled' ],
	scheduled: [ 'draft', 'scheduled', 'running', 'cancelled' ],
	running: [ 'paused', 'completed', 'cancelled', 'failed' ],
	paused: [ 'running', 'cancelled', 'failed' ],
	completed: [],
	cancelled: [],
	failed: [],
};

export const EDITABLE_STATES: readonly CampaignState[] = [
	'draft',
	'scheduled',
];
export const FINAL_STATES: readonly CampaignState[] = [
	'completed',
	'cancelled',
	'failed',
];

/** The states from which `to` can be reached. */
export function statesLeadingTo( to: CampaignState ): CampaignState[] {
	return ( Object.keys( TRANSITIONS ) as CampaignState[] ).filter( ( from ) =>
		TRANSITIONS[ from ].includes( to )
	);
}

export function canTransition(
	from: CampaignState,
	to: CampaignState
): boolean {
	return TRANSITIONS[ from ].includes( to );
}

export interface TransitionOptions {
	reason?: string | null;
	message?: string | null;
	startedAt?: number;
	finishedAt?: number;
	/** Other columns written with the change (e.g. `start_at` when scheduling). */
	set?: Omit< CampaignUpdate, 'state' | 'tenant_id' | 'id' >;
}

/**
 * The one way a campaign's state changes: from one of `from` (default: every state that may lead to `to`) to `to`,
 * only if the table above allows each of those changes (else it throws: a programming error), and only if the row is
 * still in one of `from`. Sets the reason and message (cleared when not given), `started_at` when asked and
 * `finished_at` on a final state. Returns whether this call made the change.
 */
export async function transitionCampaign(
	db: Kysely< Database > | Transaction< Database >,
	now: number,
	tenantId: string,
	id: string,
	to: CampaignState,
	options: TransitionOptions = {},
	from: readonly CampaignState[] = statesLeadingTo( to )
): Promise< boolean > {
	const illegal = from.filter( ( state ) => ! canTransition( state, to ) );
	if ( illegal.length > 0 || from.length === 0 ) {
		throw new Error(
			`A campaign cannot go from ${ illegal.join( ', ' ) || '(no state)' } to ${ to }.`
		);
	}
	const result = await db
		.updateTable( 'campaigns' )
		.set( {
			...options.set,
			state: to,
			state_reason: options.reason ?? null,
			state_message: options.message ?? null,
			updated_at: now,
			...( options.startedAt !== undefined
				? { started_at: options.startedAt }
				: {} ),
			...( FINAL_STATES.includes( to )
				? { finished_at: options.finishedAt ?? now }
				: {} ),
		} )
		.where( 'tenant_id', '=', tenantId )
		.where( 'id', '=', id )
		.where( 'state', 'in', from )
		.executeTakeFirst();
	return Number( result.numUpdatedRows ) === 1;
}
