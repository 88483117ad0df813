/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type {
	AutomationState,
	ConditionOp,
	StepType,
	Trigger,
	TriggerType,
} from './types';

export function stateLabels(): Record< AutomationState, string > {
	return {
		draft: __( 'Draft', 'rondine' ),
		active: __( 'Active', 'rondine' ),
		paused: __( 'Paused', 'rondine' ),
		archived: __( 'Archived', 'rondine' ),
	};
}

export function stepTypeLabels(): Record< StepType, string > {
	return {
		send_template: __( 'Send a template', 'rondine' ),
		send_text: __( 'Send a message with buttons', 'rondine' ),
		delay: __( 'Wait', 'rondine' ),
		wait_reply: __( 'Wait for a reply', 'rondine' ),
		condition: __( 'If / else', 'rondine' ),
		tag: __( 'Add or remove tags', 'rondine' ),
		list: __( 'Add to or remove from lists', 'rondine' ),
		opt_out: __( 'Opt the contact out', 'rondine' ),
		notify: __( 'Notify the shop by e-mail', 'rondine' ),
		end: __( 'End', 'rondine' ),
	};
}

export function triggerTypeLabels(): Record< TriggerType, string > {
	return {
		keyword: __( 'A message with a keyword', 'rondine' ),
		button: __( 'A tap on a quick-reply button', 'rondine' ),
		event: __( 'An event on the site', 'rondine' ),
		campaign: __( 'A campaign that starts it', 'rondine' ),
	};
}

/** The trigger in a few words, for the list. */
export function triggerSummary( trigger: Trigger ): string {
	switch ( trigger.type ) {
		case 'keyword':
			/* translators: %s: keyword, e.g. PROMO. */
			return sprintf( __( 'Keyword “%s”', 'rondine' ), trigger.keyword );
		case 'button':
			/* translators: %s: button payload, e.g. MORE_INFO. */
			return sprintf( __( 'Button “%s”', 'rondine' ), trigger.payload );
		case 'event':
			return sprintf(
				/* translators: %s: event name in words, e.g. "Opt-in". */
				__( 'Event: %s', 'rondine' ),
				eventLabel( trigger.event )
			);
		case 'campaign':
			return __( 'Started by a campaign', 'rondine' );
	}
}

/** The site events an automation can start on or exit on. */
export function eventLabels(): Record< string, string > {
	return {
		'contact.opted_in': __(
			'The contact gave WhatsApp consent',
			'rondine'
		),
		'contact.birthday': __( 'The contact’s birthday', 'rondine' ),
		'order.placed': __( 'The contact placed an order', 'rondine' ),
		'order.completed': __(
			'An order of the contact was completed',
			'rondine'
		),
	};
}

export function eventLabel( event: string ): string {
	const labels = eventLabels();
	return ( Object.hasOwn( labels, event ) && labels[ event ] ) || event;
}

export function operatorLabels(): Record< ConditionOp, string > {
	return {
		eq: __( 'is', 'rondine' ),
		neq: __( 'is not', 'rondine' ),
		contains: __( 'contains', 'rondine' ),
		gt: __( 'is more than', 'rondine' ),
		lt: __( 'is less than', 'rondine' ),
		exists: __( 'has a value', 'rondine' ),
		has_tag: __( 'has the tag', 'rondine' ),
	};
}

export function weekdayLabels(): string[] {
	return [
		__( 'Monday', 'rondine' ),
		__( 'Tuesday', 'rondine' ),
		__( 'Wednesday', 'rondine' ),
		__( 'Thursday', 'rondine' ),
		__( 'Friday', 'rondine' ),
		__( 'Saturday', 'rondine' ),
		__( 'Sunday', 'rondine' ),
	];
}
