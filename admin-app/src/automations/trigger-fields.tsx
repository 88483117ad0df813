/**
 * WordPress dependencies
 */
import {
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { store } from '../store';
import {
	ORDER_NOTE_EVENT,
	ORDER_REFUNDED_EVENT,
	ORDER_STATUS_PREFIX,
	dateFieldLabels,
	orderStatusLabel,
	orderStatusOf,
	triggerTypeLabels,
} from './labels';
import type { DateField, Trigger, TriggerType } from './types';

/** What "Starts with" offers: the bridge's trigger types, and WooCommerce's order events as choices of their own. */
export type TriggerChoice =
	TriggerType | 'order_status' | 'order_note' | 'order_refunded';

/** The trigger each order choice starts with. */
export const ORDER_TRIGGERS: Record<
	'order_status' | 'order_note' | 'order_refunded',
	Trigger
> = {
	order_status: { type: 'event', event: `${ ORDER_STATUS_PREFIX }completed` },
	order_note: { type: 'event', event: ORDER_NOTE_EVENT },
	order_refunded: { type: 'event', event: ORDER_REFUNDED_EVENT },
};

/** The choice a trigger is shown under. */
export function triggerChoice( trigger: Trigger ): TriggerChoice {
	if ( trigger.type === 'event' ) {
		if ( orderStatusOf( trigger.event ) !== null ) {
			return 'order_status';
		}
		if ( trigger.event === ORDER_NOTE_EVENT ) {
			return 'order_note';
		}
		if ( trigger.event === ORDER_REFUNDED_EVENT ) {
			return 'order_refunded';
		}
	}
	return trigger.type;
}

/** The "Starts with" options, the order events after the site's other events. */
export function triggerChoices(): Array< {
	value: TriggerChoice;
	label: string;
} > {
	const out: Array< { value: TriggerChoice; label: string } > = [];
	for ( const [ value, label ] of Object.entries( triggerTypeLabels() ) ) {
		out.push( { value: value as TriggerType, label } );
		if ( value === 'event' ) {
			out.push(
				{
					value: 'order_status',
					label: __( 'An order changes status', 'rondine' ),
				},
				{
					value: 'order_note',
					label: __( 'A note for the customer is added', 'rondine' ),
				},
				{
					value: 'order_refunded',
					label: __( 'An order is refunded', 'rondine' ),
				}
			);
		}
	}
	return out;
}

/** The status select of "An order changes status", and what the order triggers send with their runs. */
export function OrderTriggerPicker( {
	trigger,
	onChange,
}: {
	trigger: Extract< Trigger, { type: 'event' } >;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const status = orderStatusOf( trigger.event );
	const statuses = getBootData().orderStatuses ?? {};
	return (
		<>
			{ status !== null && (
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'New status', 'rondine' ) }
					value={ status }
					options={ [
						...Object.entries( statuses ).map(
							( [ value, label ] ) => ( { value, label } )
						),
						...( Object.hasOwn( statuses, status )
							? []
							: [
									{
										value: status,
										label: orderStatusLabel( status ),
									},
								] ),
					] }
					onChange={ ( next ) =>
						onChange( {
							type: 'event',
							event: `${ ORDER_STATUS_PREFIX }${ next }`,
						} )
					}
				/>
			) }
			<p className="description">
				{ __(
					'Sent to the order’s billing phone. An order reaching the same status again starts nothing again. The template can use the order’s number, total, status, page link and tracking number.',
					'rondine'
				) }
			</p>
		</>
	);
}

type TagTrigger = Extract< Trigger, { type: 'tag' } >;
type ListTrigger = Extract< Trigger, { type: 'list' } >;
type DateTrigger = Extract< Trigger, { type: 'date' } >;

/** How far from its date a date trigger may start (the bridge's and the plugin's bounds). */
export const OFFSET_LIMITS: Record< 'birthday' | 'other', [ number, number ] > =
	{
		birthday: [ -365, 365 ],
		other: [ 0, 3650 ],
	};

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What is wrong with a tag, list or date trigger, in the owner's words (null: nothing). */
export function triggerProblem( trigger: Trigger ): string | null {
	switch ( trigger.type ) {
		case 'tag':
			return trigger.tag.trim() === ''
				? __( 'Choose the tag that starts the automation.', 'rondine' )
				: null;
		case 'list':
			return trigger.list_id > 0
				? null
				: __(
						'Choose the list that starts the automation.',
						'rondine'
					);
		case 'date': {
			const [ min, max ] =
				OFFSET_LIMITS[
					trigger.field === 'birthday' ? 'birthday' : 'other'
				];
			if (
				! Number.isInteger( trigger.offset_days ) ||
				trigger.offset_days < min ||
				trigger.offset_days > max
			) {
				return trigger.field === 'birthday'
					? __(
							'The days before or after the birthday must be a whole number up to 365.',
							'rondine'
						)
					: __(
							'The days after the date must be a whole number from 0 to 3650.',
							'rondine'
						);
			}
			return TIME.test( trigger.time )
				? null
				: __(
						'Choose the time of day it starts at (shop time).',
						'rondine'
					);
		}
		default:
			return null;
	}
}

function TagPicker( {
	trigger,
	onChange,
}: {
	trigger: TagTrigger;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const tags = useSelect( ( select ) => select( store ).getTags(), [] );
	if ( ! tags ) {
		return <Spinner />;
	}
	const known = tags.some( ( tag ) => tag.name === trigger.tag );
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Tag', 'rondine' ) }
				help={ __(
					'Starts when a contact with a phone number gets this tag: from you in Audience, a CSV import or another automation’s step (never the step of this automation).',
					'rondine'
				) }
				value={ trigger.tag }
				options={ [
					{ value: '', label: __( 'Choose a tag', 'rondine' ) },
					...tags.map( ( tag ) => ( {
						value: tag.name,
						label: tag.name,
					} ) ),
					...( trigger.tag && ! known
						? [
								{
									value: trigger.tag,
									label: sprintf(
										/* translators: %s: tag name. */
										__(
											'%s (no longer on the site)',
											'rondine'
										),
										trigger.tag
									),
								},
							]
						: [] ),
				] }
				onChange={ ( tag ) => onChange( { type: 'tag', tag } ) }
			/>
			{ tags.length === 0 && (
				<p className="description">
					{ __(
						'There is no tag yet: give a contact a tag in Audience first.',
						'rondine'
					) }
				</p>
			) }
		</>
	);
}

function ListPicker( {
	trigger,
	onChange,
}: {
	trigger: ListTrigger;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const lists = useSelect( ( select ) => select( store ).getLists(), [] );
	if ( ! lists ) {
		return <Spinner />;
	}
	const known = lists.some( ( list ) => list.id === trigger.list_id );
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'List', 'rondine' ) }
				help={ __(
					'Starts when a contact with a phone number joins this list: added by you, by a CSV import or by another automation’s step.',
					'rondine'
				) }
				value={ String( trigger.list_id ) }
				options={ [
					{ value: '0', label: __( 'Choose a list', 'rondine' ) },
					...lists.map( ( list ) => ( {
						value: String( list.id ),
						label: list.name,
					} ) ),
					...( trigger.list_id > 0 && ! known
						? [
								{
									value: String( trigger.list_id ),
									label: sprintf(
										/* translators: %d: list id. */
										__( 'List #%d (deleted)', 'rondine' ),
										trigger.list_id
									),
								},
							]
						: [] ),
				] }
				onChange={ ( id ) =>
					onChange( { type: 'list', list_id: Number( id ) } )
				}
			/>
			{ lists.length === 0 && (
				<p className="description">
					{ __(
						'There is no list yet: create one in Audience, Lists.',
						'rondine'
					) }
				</p>
			) }
		</>
	);
}

function DatePicker( {
	trigger,
	onChange,
}: {
	trigger: DateTrigger;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const birthday = trigger.field === 'birthday';
	const days = Math.abs( trigger.offset_days );
	let when: 'on' | 'before' | 'after' = 'after';
	if ( trigger.offset_days === 0 ) {
		when = 'on';
	} else if ( trigger.offset_days < 0 ) {
		when = 'before';
	}
	const set = ( patch: Partial< DateTrigger > ) =>
		onChange( { ...trigger, ...patch } );
	const offset = ( direction: string, value: number ) => {
		if ( direction === 'on' ) {
			return 0;
		}
		return direction === 'before' ? -value : value;
	};
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Date', 'rondine' ) }
				value={ trigger.field }
				options={ Object.entries( dateFieldLabels() ).map(
					( [ value, label ] ) => ( { value, label } )
				) }
				onChange={ ( field ) =>
					set( {
						field: field as DateField,
						// Only a birthday comes back every year: the others count days after them.
						offset_days:
							field === 'birthday' ? trigger.offset_days : days,
					} )
				}
			/>
			<div className="rondine-automation__row">
				{ birthday && (
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'When', 'rondine' ) }
						value={ when }
						options={ [
							{
								value: 'on',
								label: __( 'On the day', 'rondine' ),
							},
							{
								value: 'before',
								label: __( 'Days before', 'rondine' ),
							},
							{
								value: 'after',
								label: __( 'Days after', 'rondine' ),
							},
						] }
						onChange={ ( direction ) =>
							set( {
								offset_days: offset(
									direction,
									Math.max( 1, days )
								),
							} )
						}
					/>
				) }
				{ ( ! birthday || when !== 'on' ) && (
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ birthday ? 1 : 0 }
						max={ birthday ? 365 : 3650 }
						label={
							birthday
								? __( 'Days', 'rondine' )
								: __( 'Days after the date', 'rondine' )
						}
						value={ String( days ) }
						onChange={ ( value ) =>
							set( {
								offset_days: offset(
									birthday ? when : 'after',
									Number( value )
								),
							} )
						}
					/>
				) }
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="time"
					label={ __( 'At (shop time)', 'rondine' ) }
					value={ trigger.time }
					onChange={ ( time ) => set( { time } ) }
				/>
			</div>
			<p className="description">
				{ birthday
					? __(
							'Checked once a day at this time. Those born on 29 February get it on 28 February when the year has no 29th.',
							'rondine'
						)
					: __(
							'Checked once a day at this time, for the contacts whose date was that many days before.',
							'rondine'
						) }{ ' ' }
				{ __(
					'If Rondine’s server was off at that time it catches up later the same day, never on a later day.',
					'rondine'
				) }
			</p>
		</>
	);
}

/** The settings of a tag, list or date trigger, with what is wrong with them. */
export function TriggerPicker( {
	trigger,
	onChange,
}: {
	trigger: TagTrigger | ListTrigger | DateTrigger;
	onChange: ( trigger: Trigger ) => void;
} ) {
	const problem = triggerProblem( trigger );
	return (
		<>
			{ trigger.type === 'tag' && (
				<TagPicker trigger={ trigger } onChange={ onChange } />
			) }
			{ trigger.type === 'list' && (
				<ListPicker trigger={ trigger } onChange={ onChange } />
			) }
			{ trigger.type === 'date' && (
				<DatePicker trigger={ trigger } onChange={ onChange } />
			) }
			{ problem && (
				<Notice status="error" isDismissible={ false }>
					{ problem }
				</Notice>
			) }
		</>
	);
}
