/**
 * Checks an automation's flow before it is stored or activated (contract: PUT 422 `invalid_automation`).
 */

/**
 * Internal dependencies
 */
import { nextsOf, type Step, type TemplateRef } from './types.js';

export interface Problem {
	step: string | null;
	code:
		| 'unreachable_step'
		| 'unknown_next'
		| 'missing_template'
		| 'free_form_after_delay'
		| 'too_many_buttons'
		| 'bad_button'
		| 'text_too_long'
		| 'empty_text'
		| 'bad_delay'
		| 'bad_condition';
	message: string;
}

const OPS = new Set( [
	'eq',
	'neq',
	'contains',
	'gt',
	'lt',
	'exists',
	'has_tag',
] );

function templateOk( template: TemplateRef | undefined ): boolean {
	return (
		!! template &&
		typeof template.name === 'string' &&
		template.name.trim() !== '' &&
		typeof template.language === 'string' &&
		template.language.trim() !== ''
	);
}

function delayProblem( step: Extract< Step, { type: 'delay' } > ): boolean {
	const d = step.delay;
	switch ( d?.kind ) {
		case 'duration':
			return ! ( Number.isInteger( d.minutes ) && d.minutes > 0 );
		case 'until':
			return ! /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test( d.at ?? '' );
		case 'weekday':
			return ! (
				Number.isInteger( d.weekday ) &&
				d.weekday >= 1 &&
				d.weekday <= 7 &&
				/^([01]\d|2[0-3]):[0-5]\d$/.test( d.time ?? '' )
			);
		default:
			return true;
	}
}

/** Every problem of the flow (empty: valid). */
export function validateSteps( steps: Step[] ): Problem[] {
	const problems: Problem[] = [];
	const ids = new Map( steps.map( ( s ) => [ s.id, s ] ) );
	for ( const step of steps ) {
		for ( const next of nextsOf( step ) ) {
			if ( next !== null && next !== undefined && ! ids.has( next ) ) {
				problems.push( {
					step: step.id,
					code: 'unknown_next',
					message: `Step ${ step.id } goes to ${ next }, which does not exist.`,
				} );
			}
		}
		if ( step.type === 'send_template' && ! templateOk( step.template ) ) {
			problems.push( {
				step: step.id,
				code: 'missing_template',
				message: 'Choose a template.',
			} );
		}
		if ( step.type === 'send_text' ) {
			if ( ( step.text ?? '' ).trim() === '' ) {
				problems.push( {
					step: step.id,
					code: 'empty_text',
					message: 'The text is empty.',
				} );
			}
			const buttons = step.buttons ?? [];
			if ( buttons.length > 3 ) {
				problems.push( {
					step: step.id,
					code: 'too_many_buttons',
					message: 'At most 3 buttons.',
				} );
			}
			// Meta's limits on reply buttons (131009 otherwise): a title of 1 to 20 characters, titles and ids unique.
			const titles = buttons.map( ( b ) => ( b.title ?? '' ).trim() );
			const buttonIds = buttons.map( ( b ) => b.id ?? '' );
			if (
				titles.some( ( t ) => t === '' || [ ...t ].length > 20 ) ||
				buttonIds.some( ( id ) => id === '' || id.length > 256 ) ||
				new Set( titles ).size !== titles.length ||
				new Set( buttonIds ).size !== buttonIds.length
			) {
				problems.push( {
					step: step.id,
					code: 'bad_button',
					message:
						'Each button needs its own title of 1 to 20 characters.',
				} );
			}
			// A placeholder can lengthen the text; the limit is checked on the text as written.
			if (
				[ ...( step.text ?? '' ) ].length >
				( buttons.length > 0 ? 1024 : 4096 )
			) {
				problems.push( {
					step: step.id,
					code: 'text_too_long',
					message:
						buttons.length > 0
							? 'A message with buttons holds at most 1,024 characters.'
							: 'A message holds at most 4,096 characters.',
				} );
			}
			if (
				typeof step.when_closed === 'object' &&
				! templateOk( step.when_closed.template )
			) {
				problems.push( {
					step: step.id,
					code: 'missing_template',
					message:
						'Choose the template sent when the window is closed.',
				} );
			}
		}
		if ( step.type === 'delay' && delayProblem( step ) ) {
			problems.push( {
				step: step.id,
				code: 'bad_delay',
				message: 'The delay is not valid.',
			} );
		}
		if (
			step.type === 'wait_reply' &&
			! (
				Number.isInteger( step.timeout_minutes ) &&
				step.timeout_minutes > 0
			)
		) {
			problems.push( {
				step: step.id,
				code: 'bad_delay',
				message: 'The reply timeout is not valid.',
			} );
		}
		if ( step.type === 'condition' ) {
			const rules = [
				...( step.if?.all ?? [] ),
				...( step.if?.any ?? [] ),
			];
			if (
				rules.length === 0 ||
				rules.some(
					( r ) =>
						! OPS.has( r.op ) ||
						! /^(contact|event)\.[\w.-]+$/.test( r.field ?? '' )
				)
			) {
				problems.push( {
					step: step.id,
					code: 'bad_condition',
					message: 'The condition is not valid.',
				} );
			}
		}
	}
	// Free-form text right after a delay: the 24-hour window has most likely closed by then (use a template).
	for ( const step of steps ) {
		if ( step.type !== 'delay' || ! step.next ) {
			continue;
		}
		const next = ids.get( step.next );
		if ( next?.type === 'send_text' && next.when_closed === undefined ) {
			problems.push( {
				step: next.id,
				code: 'free_form_after_delay',
				message:
					'A text after a delay needs what to do when the 24-hour window is closed (skip or a template).',
			} );
		}
	}
	// Reachability from the entry (the first step).
	const seen = new Set< string >();
	const queue = steps.length > 0 ? [ steps[ 0 ] as Step ] : [];
	while ( queue.length > 0 ) {
		const step = queue.pop() as Step;
		if ( seen.has( step.id ) ) {
			continue;
		}
		seen.add( step.id );
		for ( const next of nextsOf( step ) ) {
			const target = next ? ids.get( next ) : undefined;
			if ( target ) {
				queue.push( target );
			}
		}
	}
	for ( const step of steps ) {
		if ( ! seen.has( step.id ) ) {
			problems.push( {
				step: step.id,
				code: 'unreachable_step',
				message: `Step ${ step.id } cannot be reached.`,
			} );
		}
	}
	return problems;
}
