/**
 * Internal dependencies
 */
import type { CampaignState } from '../storage/schema.js';

/*
 * draft -> scheduled -> running <-> paused -> completed | cancelled | failed.
 * Every change is a conditional UPDATE ... WHERE state IN (from states): two processes (or a click racing the
 * scheduler) cannot both make the same transition.
 */
export const TRANSITIONS: Record< CampaignState, readonly CampaignState[] > = {
	draft: [ 'scheduled', 'cancelled' ],
	scheduled: [ 'draft', 'running', 'cancelled' ],
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
