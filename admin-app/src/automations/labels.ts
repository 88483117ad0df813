/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import type {
	AutomationState,
	ConditionOp,
	DateField,
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
		tag: __( 'A tag given to the contact', 'rondine' ),
		list: __( 'The contact joins a list', 'rondine' ),
		date: __( 'A date of the contact', 'rondine' ),
	};
}

export function dateFieldLabels(): Record< DateField, string > {
	return {
		birthday: __( 'Birthday', 'rondine' ),
		last_order: __( 'Last order', 'rondine' ),
		first_order: __( 'First order', 'rondine' ),
		created: __( 'Added to the contacts', 'rondine' ),
	};
}

/** "On the birthday", "3 days before the birthday", "60 days after the last order". */
export function dateTriggerWhen(
	trigger: Extract< Trigger, { type: 'date' } >
): string {
	const field = dateFieldLabels()[ trigger.field ] ?? trigger.field;
	if ( trigger.offset_days === 0 ) {
		/* translators: %s: a contact date, e.g. "Birthday". */
		return sprintf( __( 'On the day: %s', 'rondine' ), field );
	}
	const days = Math.abs( trigger.offset_days );
	return trigger.offset_days < 0
		? sprintf(
				/* translators: 1: number of days, 2: a contact date, e.g. "Birthday". */
				_n(
					'%1$d day before: %2$s',
					'%1$d days before: %2$s',
					days,
					'rondine'
				),
				days,
				field
			)
		: sprintf(
				/* translators: 1: number of days, 2: a contact date, e.g. "Last order". */
				_n(
					'%1$d day after: %2$s',
					'%1$d days after: %2$s',
					days,
					'rondine'
				),
				days,
				field
			);
}

/** The trigger in a few words, for the list (a list trigger names its list when the site's lists are known). */
export function triggerSummary(
	trigger: Trigger,
	lists?: Array< { id: number; name: string } > | null
): string {
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
		case 'tag':
			/* translators: %s: tag name. */
			return sprintf( __( 'Tag “%s”', 'rondine' ), trigger.tag );
		case 'list': {
			const list = lists?.find( ( l ) => l.id === trigger.list_id );
			if ( list ) {
				return sprintf(
					/* translators: %s: list name. */
					__( 'Joins the list “%s”', 'rondine' ),
					list.name
				);
			}
			return sprintf(
				/* translators: %d: list id. */
				__( 'Joins list #%d', 'rondine' ),
				trigger.list_id
			);
		}
		case 'date':
			return sprintf(
				/* translators: 1: when, e.g. "3 days before: Birthday", 2: time of day, e.g. 09:00. */
				__( '%1$s, at %2$s', 'rondine' ),
				dateTriggerWhen( trigger ),
				trigger.time
			);
	}
}

/** The site events an automation can start on or exit on (the order events have their own trigger choices). */
export function eventLabels(): Record< string, string > {
	return {
		'contact.opted_in': __(
			'The contact gave WhatsApp consent',
			'rondine'
		),
		'contact.birthday': __( 'The contact’s birthday', 'rondine' ),
		'order.placed': __( 'The contact placed an order', 'rondine' ),
	};
}

/** The order status an `order.status.<slug>` event names, or null. */
export function orderStatusOf( event: string ): string | null {
	return event.startsWith( ORDER_STATUS_PREFIX )
		? event.slice( ORDER_STATUS_PREFIX.length )
		: null;
}

export const ORDER_STATUS_PREFIX = 'order.status.';
export const ORDER_NOTE_EVENT = 'order.note_added';
export const ORDER_REFUNDED_EVENT = 'order.refunded';

/** A WooCommerce order status's label as the site names it (the slug when the site does not know it). */
export function orderStatusLabel( status: string ): string {
	const statuses = getBootData().orderStatuses ?? {};
	return (
		( Object.hasOwn( statuses, status ) && statuses[ status ] ) || status
	);
}

export function eventLabel( event: string ): string {
	const status = orderStatusOf( event );
	if ( status !== null ) {
		return sprintf(
			/* translators: %s: an order status, e.g. "Completed". */
			__( 'An order changes status to “%s”', 'rondine' ),
			orderStatusLabel( status )
		);
	}
	if ( event === ORDER_NOTE_EVENT ) {
		return __( 'A note for the customer is added to an order', 'rondine' );
	}
	if ( event === ORDER_REFUNDED_EVENT ) {
		return __( 'An order is refunded', 'rondine' );
	}
	const labels = eventLabels();
	return ( Object.hasOwn( labels, event ) && labels[ event ] ) || event;
}

/** Whether the trigger is one of WooCommerce's order events (their runs carry the order's values). */
export function isOrderEvent( trigger: Trigger ): boolean {
	return (
		trigger.type === 'event' &&
		( orderStatusOf( trigger.event ) !== null ||
			trigger.event === ORDER_NOTE_EVENT ||
			trigger.event === ORDER_REFUNDED_EVENT )
	);
}

/**
 * The order's values a template can use when an order event starts the run (the site sends them with the event:
 * plugin's OrderEvents::data()), by mapping field.
 */
export function orderFieldLabels( trigger: Trigger ): Record< string, string > {
	if ( ! isOrderEvent( trigger ) ) {
		return {};
	}
	return {
		'event.order_number': __( 'Order number {ORDER_NUMBER}', 'rondine' ),
		'event.order_total': __( 'Order total {ORDER_TOTAL}', 'rondine' ),
		'event.order_status': __( 'Order status {ORDER_STATUS}', 'rondine' ),
		'event.order_url': __( 'Order page link {ORDER_URL}', 'rondine' ),
		'event.tracking': __( 'Tracking number {TRACKING}', 'rondine' ),
		'event.tracking_url': __( 'Tracking link', 'rondine' ),
		'event.first_name': __( 'Billing first name', 'rondine' ),
		...( trigger.type === 'event' && trigger.event === ORDER_NOTE_EVENT
			? { 'event.note': __( 'The note for the customer', 'rondine' ) }
			: {} ),
		...( trigger.type === 'event' && trigger.event === ORDER_REFUNDED_EVENT
			? {
					'event.refund_amount': __( 'Refunded amount', 'rondine' ),
					'event.refund_reason': __(
						'Reason for the refund',
						'rondine'
					),
				}
			: {} ),
	};
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
