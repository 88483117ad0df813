/**
 * WordPress dependencies
 */
import { Button, CheckboxControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { HoursRange } from './types';

/** Sunday first, as the widget and JavaScript's Date count. */
const DAYS = [
	__( 'Sunday', 'rondine' ),
	__( 'Monday', 'rondine' ),
	__( 'Tuesday', 'rondine' ),
	__( 'Wednesday', 'rondine' ),
	__( 'Thursday', 'rondine' ),
	__( 'Friday', 'rondine' ),
	__( 'Saturday', 'rondine' ),
];

/** Monday to Saturday 9-18, Sunday off: a sensible start when hours are switched on. */
export function defaultWeek(): HoursRange[][] {
	return DAYS.map( ( _day, index ) =>
		index === 0 ? [] : [ { from: '09:00', to: '18:00' } ]
	);
}

interface Props {
	hours: HoursRange[][];
	onChange: ( hours: HoursRange[][] ) => void;
	timezone: string;
}

export function HoursEditor( { hours, onChange, timezone }: Props ) {
	const setDay = ( index: number, ranges: HoursRange[] ) =>
		onChange( hours.map( ( day, i ) => ( i === index ? ranges : day ) ) );
	// Shown Monday first, as most shops think of their week.
	const order = [ 1, 2, 3, 4, 5, 6, 0 ];
	return (
		<fieldset className="rondine-chat-settings__hours">
			<legend>
				{ sprintf(
					/* translators: %s: time zone name, e.g. Europe/Rome. */
					__( 'Working hours (%s)', 'rondine' ),
					timezone
				) }
			</legend>
			{ order.map( ( index ) => {
				const ranges = hours[ index ] ?? [];
				const day = DAYS[ index ] ?? '';
				return (
					<div key={ index } className="rondine-chat-settings__day">
						<CheckboxControl
							__nextHasNoMarginBottom
							label={ day }
							checked={ ranges.length > 0 }
							onChange={ ( open ) =>
								setDay(
									index,
									open
										? [ { from: '09:00', to: '18:00' } ]
										: []
								)
							}
						/>
						{ ranges.map( ( range, r ) => (
							<div
								key={ r }
								className="rondine-chat-settings__range"
							>
								<TextControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									type="time"
									label={ sprintf(
										/* translators: %s: weekday. */
										__( '%s from', 'rondine' ),
										day
									) }
									hideLabelFromVision
									value={ range.from }
									onChange={ ( from ) =>
										setDay(
											index,
											ranges.map( ( x, i ) =>
												i === r ? { ...x, from } : x
											)
										)
									}
								/>
								<span aria-hidden="true">–</span>
								<TextControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									type="time"
									label={ sprintf(
										/* translators: %s: weekday. */
										__( '%s until', 'rondine' ),
										day
									) }
									hideLabelFromVision
									value={
										range.to === '24:00'
											? '23:59'
											: range.to
									}
									onChange={ ( to ) =>
										setDay(
											index,
											ranges.map( ( x, i ) =>
												i === r
													? {
															...x,
															to:
																to === '23:59'
																	? '24:00'
																	: to,
														}
													: x
											)
										)
									}
								/>
								{ r > 0 && (
									<Button
										size="small"
										variant="tertiary"
										isDestructive
										onClick={ () =>
											setDay(
												index,
												ranges.filter(
													( _x, i ) => i !== r
												)
											)
										}
									>
										{ __( 'Remove', 'rondine' ) }
									</Button>
								) }
							</div>
						) ) }
						{ ranges.length > 0 && (
							<Button
								size="small"
								variant="link"
								onClick={ () =>
									setDay( index, [
										...ranges,
										{ from: '15:00', to: '19:00' },
									] )
								}
							>
								{ __(
									'Add a break / second range',
									'rondine'
								) }
							</Button>
						) }
					</div>
				);
			} ) }
		</fieldset>
	);
}
