/**
 * Editing a flow: steps are an ordered list (the first is the entry) that point at each other by id.
 */

/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { AutomationInput, Step, StepType } from './types';

/** The most buttons WhatsApp shows on an interactive message. */
export const MAX_BUTTONS = 3;

/** The members of a step that name another step. */
export function targets( step: Step ): Array< string | null > {
	switch ( step.type ) {
		case 'wait_reply':
			return [
				...step.branches.map( ( branch ) => branch.next ),
				step.no_reply,
			];
		case 'condition':
			return [ step.then, step.else ];
		case 'end':
			return [];
		default:
			return [ step.next ];
	}
}

/** A step with every reference to `from` replaced by `to`. */
export function retarget( step: Step, from: string, to: string | null ): Step {
	const swap = ( id: string | null ) => ( id === from ? to : id );
	switch ( step.type ) {
		case 'wait_reply':
			return {
				...step,
				branches: step.branches.map( ( branch ) => ( {
					...branch,
					next: swap( branch.next ),
				} ) ),
				no_reply: swap( step.no_reply ),
			};
		case 'condition':
			return {
				...step,
				then: swap( step.then ),
				else: swap( step.else ),
			};
		case 'end':
			return step;
		default:
			return { ...step, next: swap( step.next ) };
	}
}

/** Whether a step goes on to one next step (not a branch, not the end). */
export function isLinear(
	step: Step
): step is Extract< Step, { next: string | null } > {
	return (
		step.type !== 'wait_reply' &&
		step.type !== 'condition' &&
		step.type !== 'end'
	);
}

/** An id not used by any step: s1, s2, … */
export function freshId( steps: Step[] ): string {
	const used = new Set( steps.map( ( step ) => step.id ) );
	let n = steps.length + 1;
	while ( used.has( `s${ n }` ) ) {
		n++;
	}
	return `s${ n }`;
}

/** A new step of a type with its defaults. */
export function newStep( type: StepType, id: string ): Step {
	switch ( type ) {
		case 'send_template':
			return { id, type, template: null, next: null };
		case 'send_text':
			return {
				id,
				type,
				text: '',
				buttons: [],
				when_closed: 'skip',
				next: null,
			};
		case 'delay':
			return {
				id,
				type,
				delay: { kind: 'duration', minutes: 1440 },
				next: null,
			};
		case 'wait_reply':
			return {
				id,
				type,
				timeout_minutes: 1440,
				branches: [ { when: { any: true }, next: null } ],
				no_reply: null,
			};
		case 'condition':
			return {
				id,
				type,
				if: {
					all: [ { field: 'contact.country', op: 'eq', value: '' } ],
				},
				then: null,
				else: null,
			};
		case 'tag':
			return { id, type, add: [], remove: [], next: null };
		case 'list':
			return { id, type, add: [], remove: [], next: null };
		case 'opt_out':
			return { id, type, next: null };
		case 'notify':
			return { id, type, subject: '', text: '', next: null };
		case 'end':
			return { id, type };
	}
}

/**
 * Inserts a new step after `index` (-1: first). A linear step before it now leads to the new step, which leads
 * where that step led: adding a step in a chain keeps the chain.
 */
export function insertStep(
	steps: Step[],
	index: number,
	type: StepType
): { steps: Step[]; id: string } {
	const id = freshId( steps );
	let step = newStep( type, id );
	const before = index >= 0 ? steps[ index ] : undefined;
	const result = [ ...steps ];
	if ( before && isLinear( before ) ) {
		if ( isLinear( step ) ) {
			step = { ...step, next: before.next };
		}
		result[ index ] = { ...before, next: id };
	} else if ( index < 0 && steps[ 0 ] && isLinear( step ) ) {
		// A new entry leads to the old one.
		step = { ...step, next: steps[ 0 ].id };
	}
	result.splice( index + 1, 0, step );
	return { steps: result, id };
}

/** Removes a step; what led to it now leads where it led (or ends the run when it branched). */
export function removeStep( steps: Step[], id: string ): Step[] {
	const removed = steps.find( ( step ) => step.id === id );
	if ( ! removed ) {
		return steps;
	}
	const onward = isLinear( removed ) ? removed.next : null;
	return steps
		.filter( ( step ) => step.id !== id )
		.map( ( step ) => retarget( step, id, onward === id ? null : onward ) );
}

/**
 * Moves the step at `index` up (-1) or down (+1). Steps that led to the card below them (or ended the run as the last
 * card) keep doing so after the move, so a chain follows the order on screen; jumps elsewhere and branches keep their
 * targets.
 */
export function moveStep(
	steps: Step[],
	index: number,
	direction: -1 | 1
): Step[] {
	const other = index + direction;
	if ( other < 0 || other >= steps.length ) {
		return steps;
	}
	// A step falls through when it leads to the card below it, or ends the run as the last card.
	const fallsThrough = steps.map(
		( step, i ) =>
			isLinear( step ) && step.next === ( steps[ i + 1 ]?.id ?? null )
	);
	const result = [ ...steps ];
	[ result[ index ], result[ other ] ] = [
		result[ other ]!,
		result[ index ]!,
	];
	const moved = [ ...fallsThrough ];
	[ moved[ index ], moved[ other ] ] = [ moved[ other ]!, moved[ index ]! ];
	return result.map( ( step, i ) =>
		isLinear( step ) && moved[ i ]
			? { ...step, next: result[ i + 1 ]?.id ?? null }
			: step
	);
}

/** Steps that no path from the entry reaches (the bridge refuses them with `unreachable_step`). */
export function unreachable( steps: Step[] ): string[] {
	const byId = new Map( steps.map( ( step ) => [ step.id, step ] ) );
	const seen = new Set< string >();
	const queue = steps[ 0 ] ? [ steps[ 0 ].id ] : [];
	while ( queue.length ) {
		const id = queue.shift()!;
		const step = byId.get( id );
		if ( ! step || seen.has( id ) ) {
			continue;
		}
		seen.add( id );
		for ( const target of targets( step ) ) {
			if ( target ) {
				queue.push( target );
			}
		}
	}
	return steps
		.filter( ( step ) => ! seen.has( step.id ) )
		.map( ( step ) => step.id );
}

/** The buttons a wait_reply can branch on: those of the send_text steps that lead to it. */
export function buttonsBefore(
	steps: Step[],
	id: string
): Array< { id: string; title: string } > {
	const found: Array< { id: string; title: string } > = [];
	for ( const step of steps ) {
		if ( step.type === 'send_text' && step.next === id ) {
			for ( const button of step.buttons ) {
				if ( ! found.some( ( b ) => b.id === button.id ) ) {
					found.push( button );
				}
			}
		}
	}
	return found;
}

/**
 * Whether a free-form message follows a wait of a day or more (or until a date or weekday), after which the contact's
 * 24-hour window is likely closed (the bridge's `free_form_after_delay`).
 */
export function freeFormAfterLongDelay( steps: Step[], id: string ): boolean {
	return steps.some(
		( step ) =>
			step.type === 'delay' &&
			step.next === id &&
			( step.delay.kind !== 'duration' || step.delay.minutes >= 1440 )
	);
}

export type StarterKey =
	'welcome' | 'keyword' | 'reminder' | 'birthday' | 'order_shipped';

/** The ready-made starting points offered when creating an automation. */
export function starter( key: StarterKey | 'blank' ): AutomationInput {
	const base = {
		reentry: { mode: 'once' } as const,
		exit_on: [],
	};
	switch ( key ) {
		case 'welcome':
			return {
				...base,
				name: __( 'Welcome after opt-in', 'rondine' ),
				trigger: { type: 'event', event: 'contact.opted_in' },
				steps: [
					{
						id: 's1',
						type: 'send_template',
						template: null,
						next: null,
					},
				],
			};
		case 'keyword':
			return {
				...base,
				name: __( 'Keyword auto-reply', 'rondine' ),
				trigger: { type: 'keyword', keyword: 'INFO' },
				reentry: { mode: 'every_time' },
				steps: [
					{
						id: 's1',
						type: 'send_text',
						text: __(
							'Hi {first_name}! How can we help you?',
							'rondine'
						),
						buttons: [
							{ id: 'ORDER', title: __( 'My order', 'rondine' ) },
							{
								id: 'PRODUCTS',
								title: __( 'Products', 'rondine' ),
							},
						],
						when_closed: 'skip',
						next: 's2',
					},
					{
						id: 's2',
						type: 'wait_reply',
						timeout_minutes: 1440,
						branches: [
							{ when: { button: 'ORDER' }, next: 's3' },
							{ when: { button: 'PRODUCTS' }, next: 's4' },
						],
						no_reply: null,
					},
					{
						id: 's3',
						type: 'notify',
						subject: __(
							'A customer asks about an order',
							'rondine'
						),
						text: __(
							'A customer tapped "My order" on WhatsApp: write back to them.',
							'rondine'
						),
						next: null,
					},
					{
						id: 's4',
						type: 'send_text',
						text: __(
							'Our latest products are on our website: write to us here if you need help choosing.',
							'rondine'
						),
						buttons: [],
						when_closed: 'skip',
						next: null,
					},
				],
			};
		case 'reminder':
			return {
				...base,
				name: __( 'No answer in 24 hours: reminder', 'rondine' ),
				trigger: { type: 'campaign' },
				steps: [
					{
						id: 's1',
						type: 'send_template',
						template: null,
						next: 's2',
					},
					{
						id: 's2',
						type: 'wait_reply',
						timeout_minutes: 1440,
						branches: [ { when: { any: true }, next: null } ],
						no_reply: 's3',
					},
					{
						id: 's3',
						type: 'send_template',
						template: null,
						next: null,
					},
				],
			};
		case 'birthday':
			return {
				...base,
				name: __( 'Birthday wishes', 'rondine' ),
				trigger: {
					type: 'date',
					field: 'birthday',
					offset_days: 0,
					time: '09:00',
				},
				reentry: { mode: 'per_days', days: 300 },
				steps: [
					{
						id: 's1',
						type: 'send_template',
						template: null,
						next: null,
					},
				],
			};
		case 'order_shipped':
			// Every order once (the site keys each status change by order): a customer's next order is told too.
			return {
				...base,
				name: __( 'Order shipped', 'rondine' ),
				trigger: { type: 'event', event: 'order.status.completed' },
				reentry: { mode: 'every_time' },
				steps: [
					{
						id: 's1',
						type: 'send_template',
						template: null,
						next: null,
					},
				],
			};
		case 'blank':
			return {
				...base,
				name: '',
				trigger: { type: 'keyword', keyword: '' },
				steps: [ newStep( 'send_text', 's1' ) ],
			};
	}
}
