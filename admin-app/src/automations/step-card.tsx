/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	FormTokenField,
	Notice,
	RadioControl,
	SelectControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useEffect, useRef } from '@wordpress/element';
import type { ReactNode } from 'react';
import { __, sprintf } from '@wordpress/i18n';
import { arrowDown, arrowUp, trash } from '@wordpress/icons';

/**
 * Internal dependencies
 */
import { problemText } from './problem-text';
import { store } from '../store';
import { contactFieldLabels } from '../campaigns/labels';
import { formatNumber, formatPercent } from '../components/format';
import {
	MAX_BUTTONS,
	buttonsBefore,
	freeFormAfterLongDelay,
	isLinear,
} from './flow';
import { operatorLabels, stepTypeLabels, weekdayLabels } from './labels';
import { TemplateFields } from './template-step';
import type {
	Branch,
	ConditionOp,
	ConditionRule,
	Delay,
	Problem,
	Step,
	StepOf,
	StepStats,
} from './types';

interface CardProps {
	step: Step;
	index: number;
	steps: Step[];
	problems: Problem[];
	stats?: StepStats;
	unreachable: boolean;
	onChange: ( step: Step ) => void;
	onMove: ( direction: -1 | 1 ) => void;
	onRemove: () => void;
	/** The move button to give the focus back to after this card moved (the DOM move loses it). */
	focusMove?: -1 | 1;
}

/** "Step 2 · Wait for a reply": how the owner refers to a step. */
export function stepName( steps: Step[], id: string ): string {
	const index = steps.findIndex( ( step ) => step.id === id );
	const step = steps[ index ];
	if ( ! step ) {
		return id;
	}
	return sprintf(
		/* translators: 1: step number, 2: step type, e.g. "Wait for a reply". */
		__( 'Step %1$d · %2$s', 'rondine' ),
		index + 1,
		stepTypeLabels()[ step.type ]
	);
}

/** Where a step leads: another step, or the end of the run. */
function TargetSelect( {
	label,
	value,
	steps,
	self,
	onChange,
}: {
	label: string;
	value: string | null;
	steps: Step[];
	self: string;
	onChange: ( value: string | null ) => void;
} ) {
	return (
		<SelectControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ label }
			value={ value ?? '' }
			options={ [
				{ value: '', label: __( 'End of the run', 'rondine' ) },
				...steps
					.filter( ( step ) => step.id !== self )
					.map( ( step ) => ( {
						value: step.id,
						label: stepName( steps, step.id ),
					} ) ),
			] }
			onChange={ ( next ) => onChange( next || null ) }
		/>
	);
}

/** The step's numbers: runs through it, and for sends what WhatsApp reported (also under a campaign that launched it). */
export function StepNumbers( {
	step,
	stats,
}: {
	step: Step;
	stats: StepStats;
} ) {
	const runs: Array< [ string, number ] > = [
		[ __( 'Entered', 'rondine' ), stats.entered ],
		[ __( 'Waiting now', 'rondine' ), stats.waiting ],
		[ __( 'Completed', 'rondine' ), stats.completed ],
		[ __( 'Exited', 'rondine' ), stats.exited ],
		[ __( 'Failed', 'rondine' ), stats.failed ],
	];
	const sends: Array< [ string, number, string | null ] > =
		step.type === 'send_template' || step.type === 'send_text'
			? [
					[ __( 'Sent', 'rondine' ), stats.sent, null ],
					[
						__( 'Delivered', 'rondine' ),
						stats.delivered,
						formatPercent( stats.delivered, stats.sent ),
					],
					[
						__( 'Read', 'rondine' ),
						stats.read,
						formatPercent( stats.read, stats.sent ),
					],
					[
						__( 'Replied', 'rondine' ),
						stats.replied,
						formatPercent( stats.replied, stats.sent ),
					],
				]
			: [];
	return (
		<dl
			className="rondine-automation__numbers"
			data-testid={ `rondine-step-numbers-${ step.id }` }
		>
			{ runs.map( ( [ label, value ] ) => (
				<div key={ label }>
					<dt>{ label }</dt>
					<dd>{ formatNumber( value ) }</dd>
				</div>
			) ) }
			{ sends.map( ( [ label, value, share ] ) => (
				<div key={ label }>
					<dt>{ label }</dt>
					<dd>
						{ formatNumber( value ) }
						{ share !== null && ` (${ share })` }
					</dd>
				</div>
			) ) }
		</dl>
	);
}

/**
 * A list the owner edits row by row: each row with its own "Remove … n" button (numbered as on screen), and an "Add"
 * button while there is room. The reply buttons of a message, a wait's branches and a condition's rules are edited
 * with it.
 */
function RowList< T >( {
	items,
	keyOf,
	renderRow,
	onChange,
	create,
	removeLabel,
	addLabel,
	minimum = 0,
	maximum = Infinity,
	className,
	rowClassName,
	rowTestId,
	after,
}: {
	items: T[];
	keyOf: ( item: T, index: number ) => string | number;
	/** The row's fields; `set` replaces this row. */
	renderRow: (
		item: T,
		index: number,
		set: ( item: T ) => void
	) => ReactNode;
	onChange: ( items: T[] ) => void;
	/** The row "Add" appends. */
	create: ( items: T[] ) => T;
	removeLabel: ( number: number ) => string;
	addLabel: string;
	minimum?: number;
	maximum?: number;
	/** The rows' container class (none: the rows go where the list is). */
	className?: string;
	rowClassName: string;
	rowTestId?: ( index: number ) => string;
	/** Shown after the rows, inside their container. */
	after?: ReactNode;
} ) {
	const rows = (
		<>
			{ items.map( ( item, index ) => (
				<div
					key={ keyOf( item, index ) }
					className={ rowClassName }
					data-testid={ rowTestId?.( index ) }
				>
					{ renderRow( item, index, ( changed ) =>
						onChange(
							items.map( ( it, i ) =>
								i === index ? changed : it
							)
						)
					) }
					<Button
						variant="tertiary"
						isDestructive
						disabled={ items.length <= minimum }
						accessibleWhenDisabled
						onClick={ () =>
							onChange(
								items.filter( ( _it, i ) => i !== index )
							)
						}
					>
						{ removeLabel( index + 1 ) }
					</Button>
				</div>
			) ) }
			{ after }
		</>
	);
	return (
		<>
			{ className ? <div className={ className }>{ rows }</div> : rows }
			{ items.length < maximum && (
				<Button
					variant="secondary"
					onClick={ () => onChange( [ ...items, create( items ) ] ) }
				>
					{ addLabel }
				</Button>
			) }
		</>
	);
}

function SendTextFields( {
	step,
	onChange,
}: {
	step: StepOf< 'send_text' >;
	onChange: ( step: Step ) => void;
} ) {
	const closedTemplate =
		step.when_closed === 'skip' ? null : step.when_closed.template;
	return (
		<>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Message', 'rondine' ) }
				help={ __(
					'{first_name} and the other contact fields are filled in for each contact.',
					'rondine'
				) }
				value={ step.text }
				onChange={ ( text ) => onChange( { ...step, text } ) }
			/>
			<fieldset className="rondine-automation__buttons">
				<legend>{ __( 'Reply buttons', 'rondine' ) }</legend>
				<RowList
					items={ step.buttons }
					keyOf={ ( button ) => button.id }
					rowClassName="rondine-automation__row"
					onChange={ ( buttons ) => onChange( { ...step, buttons } ) }
					maximum={ MAX_BUTTONS }
					renderRow={ ( button, index, set ) => (
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ sprintf(
								/* translators: %d: button number. */
								__( 'Button %d', 'rondine' ),
								index + 1
							) }
							maxLength={ 20 }
							value={ button.title }
							onChange={ ( title ) =>
								set( { ...button, title } )
							}
						/>
					) }
					removeLabel={ ( number ) =>
						sprintf(
							/* translators: %d: button number. */
							__( 'Remove button %d', 'rondine' ),
							number
						)
					}
					addLabel={ __( 'Add a button', 'rondine' ) }
					create={ ( buttons ) => {
						// The first free letter: A, B, C.
						const used = new Set( buttons.map( ( b ) => b.id ) );
						let letter = 0;
						while (
							used.has( String.fromCharCode( 65 + letter ) )
						) {
							letter++;
						}
						return {
							id: String.fromCharCode( 65 + letter ),
							title: '',
						};
					} }
				/>
				<p className="description">
					{ __( 'Up to 3 buttons, 20 characters each.', 'rondine' ) }
				</p>
			</fieldset>
			<RadioControl
				label={ __(
					'When the contact has not written in the last 24 hours',
					'rondine'
				) }
				help={ __(
					'WhatsApp lets a shop send a free message only within 24 hours of the contact’s last message; otherwise only an approved template.',
					'rondine'
				) }
				selected={ step.when_closed === 'skip' ? 'skip' : 'template' }
				options={ [
					{
						value: 'skip',
						label: __( 'Skip this message', 'rondine' ),
					},
					{
						value: 'template',
						label: __( 'Send a template instead', 'rondine' ),
					},
				] }
				onChange={ ( choice ) =>
					onChange( {
						...step,
						when_closed:
							choice === 'skip'
								? 'skip'
								: { template: closedTemplate },
					} )
				}
			/>
			{ step.when_closed !== 'skip' && (
				<TemplateFields
					label={ __(
						'Template when the window is closed',
						'rondine'
					) }
					value={ closedTemplate }
					onChange={ ( template ) =>
						onChange( { ...step, when_closed: { template } } )
					}
				/>
			) }
		</>
	);
}

function DelayFields( {
	step,
	onChange,
}: {
	step: StepOf< 'delay' >;
	onChange: ( step: Step ) => void;
} ) {
	const set = ( delay: Delay ) => onChange( { ...step, delay } );
	const { delay } = step;
	return (
		<>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Wait', 'rondine' ) }
				value={ delay.kind }
				options={ [
					{ value: 'duration', label: __( 'For a time', 'rondine' ) },
					{
						value: 'until',
						label: __( 'Until a date and time', 'rondine' ),
					},
					{
						value: 'weekday',
						label: __( 'Until a day of the week', 'rondine' ),
					},
				] }
				onChange={ ( kind ) => {
					if ( kind === 'until' ) {
						set( { kind, at: '' } );
					} else if ( kind === 'weekday' ) {
						set( { kind, weekday: 1, time: '09:00' } );
					} else {
						set( { kind: 'duration', minutes: 1440 } );
					}
				} }
			/>
			{ delay.kind === 'duration' && (
				<div className="rondine-automation__row">
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 0 }
						label={ __( 'Days', 'rondine' ) }
						value={ String( Math.floor( delay.minutes / 1440 ) ) }
						onChange={ ( days ) =>
							set( {
								kind: 'duration',
								minutes:
									Math.max( 0, Number( days ) || 0 ) * 1440 +
									( delay.minutes % 1440 ),
							} )
						}
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 0 }
						max={ 23 }
						label={ __( 'Hours', 'rondine' ) }
						value={ String(
							Math.floor( ( delay.minutes % 1440 ) / 60 )
						) }
						onChange={ ( hours ) =>
							set( {
								kind: 'duration',
								minutes:
									Math.floor( delay.minutes / 1440 ) * 1440 +
									Math.min(
										23,
										Math.max( 0, Number( hours ) || 0 )
									) *
										60 +
									( delay.minutes % 60 ),
							} )
						}
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 0 }
						max={ 59 }
						label={ __( 'Minutes', 'rondine' ) }
						value={ String( delay.minutes % 60 ) }
						onChange={ ( minutes ) =>
							set( {
								kind: 'duration',
								minutes:
									delay.minutes -
									( delay.minutes % 60 ) +
									Math.min(
										59,
										Math.max( 0, Number( minutes ) || 0 )
									),
							} )
						}
					/>
				</div>
			) }
			{ delay.kind === 'until' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="datetime-local"
					label={ __( 'Until (shop time)', 'rondine' ) }
					value={ delay.at }
					onChange={ ( at ) => set( { kind: 'until', at } ) }
				/>
			) }
			{ delay.kind === 'weekday' && (
				<div className="rondine-automation__row">
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Day', 'rondine' ) }
						value={ String( delay.weekday ) }
						options={ weekdayLabels().map( ( label, i ) => ( {
							value: String( i + 1 ),
							label,
						} ) ) }
						onChange={ ( weekday ) =>
							set( { ...delay, weekday: Number( weekday ) } )
						}
					/>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="time"
						label={ __( 'Time (shop time)', 'rondine' ) }
						value={ delay.time }
						onChange={ ( time ) => set( { ...delay, time } ) }
					/>
				</div>
			) }
		</>
	);
}

function WaitReplyFields( {
	step,
	steps,
	onChange,
}: {
	step: StepOf< 'wait_reply' >;
	steps: Step[];
	onChange: ( step: Step ) => void;
} ) {
	const buttons = buttonsBefore( steps, step.id );
	return (
		<>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="number"
				min={ 1 }
				label={ __( 'Wait for a reply for (hours)', 'rondine' ) }
				value={ String( Math.round( step.timeout_minutes / 60 ) ) }
				onChange={ ( hours ) =>
					onChange( {
						...step,
						timeout_minutes:
							Math.max( 1, Number( hours ) || 1 ) * 60,
					} )
				}
			/>
			<RowList
				items={ step.branches }
				keyOf={ ( _branch, index ) => index }
				className="rondine-automation__branches"
				rowClassName="rondine-automation__branch"
				rowTestId={ ( index ) =>
					`rondine-branch-${ step.id }-${ index }`
				}
				onChange={ ( branches ) => onChange( { ...step, branches } ) }
				renderRow={ ( branch, index, set ) => {
					const when =
						'button' in branch.when ? branch.when.button : '';
					const number = index + 1;
					return (
						<>
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ sprintf(
									/* translators: %d: branch number. */
									__(
										'Branch %d: when the contact',
										'rondine'
									),
									number
								) }
								value={ when }
								options={ [
									{
										value: '',
										label: __(
											'replies anything',
											'rondine'
										),
									},
									...buttons.map( ( button ) => ( {
										value: button.id,
										label: sprintf(
											/* translators: %s: button title. */
											__( 'taps “%s”', 'rondine' ),
											button.title || button.id
										),
									} ) ),
									...( when &&
									! buttons.some( ( b ) => b.id === when )
										? [
												{
													value: when,
													label: sprintf(
														/* translators: %s: button payload. */
														__(
															'taps the button %s',
															'rondine'
														),
														when
													),
												},
											]
										: [] ),
								] }
								onChange={ ( value ) =>
									set( {
										...branch,
										when: value
											? { button: value }
											: { any: true },
									} )
								}
							/>
							<TargetSelect
								label={ sprintf(
									/* translators: %d: branch number. */
									__( 'Branch %d: then go to', 'rondine' ),
									number
								) }
								value={ branch.next }
								steps={ steps }
								self={ step.id }
								onChange={ ( next ) =>
									set( { ...branch, next } )
								}
							/>
						</>
					);
				} }
				removeLabel={ ( number ) =>
					sprintf(
						/* translators: %d: branch number. */
						__( 'Remove branch %d', 'rondine' ),
						number
					)
				}
				addLabel={ __( 'Add a branch', 'rondine' ) }
				create={ ( branches ): Branch => ( {
					// The next button of the message before, else any reply.
					when: buttons[ branches.length ]
						? { button: buttons[ branches.length ]!.id }
						: { any: true },
					next: null,
				} ) }
				after={
					<div
						className="rondine-automation__branch"
						data-testid={ `rondine-branch-${ step.id }-no-reply` }
					>
						<TargetSelect
							label={ __( 'No reply in time: go to', 'rondine' ) }
							value={ step.no_reply }
							steps={ steps }
							self={ step.id }
							onChange={ ( next ) =>
								onChange( { ...step, no_reply: next } )
							}
						/>
					</div>
				}
			/>
		</>
	);
}

function ConditionFields( {
	step,
	steps,
	onChange,
}: {
	step: StepOf< 'condition' >;
	steps: Step[];
	onChange: ( step: Step ) => void;
} ) {
	const tags = useSelect( ( select ) => select( store ).getTags(), [] );
	const rules = step.if.all;
	const setRule = ( index: number, rule: Partial< ConditionRule > ) =>
		onChange( {
			...step,
			if: {
				all: rules.map( ( r, i ) =>
					i === index ? { ...r, ...rule } : r
				),
			},
		} );
	const fields = contactFieldLabels();
	return (
		<>
			<fieldset>
				<legend>{ __( 'If all of these are true', 'rondine' ) }</legend>
				<RowList
					items={ rules }
					keyOf={ ( _rule, index ) => index }
					rowClassName="rondine-automation__row"
					minimum={ 1 }
					onChange={ ( all ) => onChange( { ...step, if: { all } } ) }
					renderRow={ ( rule, index ) => {
						const number = index + 1;
						return (
							<>
								{ rule.op !== 'has_tag' && (
									<SelectControl
										__nextHasNoMarginBottom
										__next40pxDefaultSize
										label={ sprintf(
											/* translators: %d: rule number. */
											__( 'Rule %d: field', 'rondine' ),
											number
										) }
										value={ rule.field }
										options={ Object.entries( fields ).map(
											( [ field, label ] ) => ( {
												value: `contact.${ field }`,
												label,
											} )
										) }
										onChange={ ( field ) =>
											setRule( index, { field } )
										}
									/>
								) }
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ sprintf(
										/* translators: %d: rule number. */
										__( 'Rule %d: test', 'rondine' ),
										number
									) }
									value={ rule.op }
									options={ Object.entries(
										operatorLabels()
									).map( ( [ op, label ] ) => ( {
										value: op,
										label,
									} ) ) }
									onChange={ ( op ) =>
										setRule( index, {
											op: op as ConditionOp,
											...( op === 'has_tag'
												? {
														field: 'contact.tags',
														value: '',
													}
												: {} ),
											...( op !== 'has_tag' &&
											rule.op === 'has_tag'
												? { field: 'contact.country' }
												: {} ),
										} )
									}
								/>
								{ rule.op === 'has_tag' && (
									<SelectControl
										__nextHasNoMarginBottom
										__next40pxDefaultSize
										label={ sprintf(
											/* translators: %d: rule number. */
											__( 'Rule %d: tag', 'rondine' ),
											number
										) }
										value={ rule.value ?? '' }
										options={ [
											{
												value: '',
												label: __(
													'Choose a tag',
													'rondine'
												),
											},
											...( tags ?? [] ).map(
												( tag ) => ( {
													value: tag.name,
													label: tag.name,
												} )
											),
										] }
										onChange={ ( value ) =>
											setRule( index, { value } )
										}
									/>
								) }
								{ rule.op !== 'has_tag' &&
									rule.op !== 'exists' && (
										<TextControl
											__nextHasNoMarginBottom
											__next40pxDefaultSize
											label={ sprintf(
												/* translators: %d: rule number. */
												__(
													'Rule %d: value',
													'rondine'
												),
												number
											) }
											value={ rule.value ?? '' }
											onChange={ ( value ) =>
												setRule( index, { value } )
											}
										/>
									) }
							</>
						);
					} }
					removeLabel={ ( number ) =>
						sprintf(
							/* translators: %d: rule number. */
							__( 'Remove rule %d', 'rondine' ),
							number
						)
					}
					addLabel={ __( 'Add a rule', 'rondine' ) }
					create={ (): ConditionRule => ( {
						field: 'contact.country',
						op: 'eq',
						value: '',
					} ) }
				/>
			</fieldset>
			<div className="rondine-automation__branches">
				<div className="rondine-automation__branch">
					<TargetSelect
						label={ __( 'If true, go to', 'rondine' ) }
						value={ step.then }
						steps={ steps }
						self={ step.id }
						onChange={ ( next ) =>
							onChange( { ...step, then: next } )
						}
					/>
				</div>
				<div className="rondine-automation__branch">
					<TargetSelect
						label={ __( 'Otherwise, go to', 'rondine' ) }
						value={ step.else }
						steps={ steps }
						self={ step.id }
						onChange={ ( next ) =>
							onChange( { ...step, else: next } )
						}
					/>
				</div>
			</div>
		</>
	);
}

function TagFields( {
	step,
	onChange,
}: {
	step: StepOf< 'tag' >;
	onChange: ( step: Step ) => void;
} ) {
	const tags = useSelect( ( select ) => select( store ).getTags(), [] );
	const suggestions = ( tags ?? [] ).map( ( tag ) => tag.name );
	const names = ( tokens: Array< string | { value: string } > ) =>
		tokens
			.map( ( token ) =>
				( typeof token === 'string' ? token : token.value ).trim()
			)
			.filter( Boolean );
	return (
		<div className="rondine-automation__branches">
			<div className="rondine-automation__branch">
				<FormTokenField
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Add the tags', 'rondine' ) }
					value={ step.add }
					suggestions={ suggestions }
					onChange={ ( tokens ) =>
						onChange( { ...step, add: names( tokens ) } )
					}
				/>
			</div>
			<div className="rondine-automation__branch">
				<FormTokenField
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Remove the tags', 'rondine' ) }
					value={ step.remove }
					suggestions={ suggestions }
					onChange={ ( tokens ) =>
						onChange( { ...step, remove: names( tokens ) } )
					}
				/>
			</div>
		</div>
	);
}

function ListFields( {
	step,
	onChange,
}: {
	step: StepOf< 'list' >;
	onChange: ( step: Step ) => void;
} ) {
	const lists = useSelect( ( select ) => select( store ).getLists(), [] );
	if ( lists && lists.length === 0 ) {
		return (
			<p>
				{ __(
					'There is no list yet: create one in Audience, Lists.',
					'rondine'
				) }
			</p>
		);
	}
	const toggle = ( member: 'add' | 'remove', id: number, on: boolean ) =>
		onChange( {
			...step,
			[ member ]: on
				? [ ...step[ member ].filter( ( l ) => l !== id ), id ]
				: step[ member ].filter( ( l ) => l !== id ),
		} );
	return (
		<div className="rondine-automation__branches">
			{ ( [ 'add', 'remove' ] as const ).map( ( member ) => (
				<fieldset key={ member } className="rondine-automation__branch">
					<legend>
						{ member === 'add'
							? __( 'Add to the lists', 'rondine' )
							: __( 'Remove from the lists', 'rondine' ) }
					</legend>
					{ ( lists ?? [] ).map( ( list ) => (
						<CheckboxControl
							__nextHasNoMarginBottom
							key={ list.id }
							label={ list.name }
							checked={ step[ member ].includes( list.id ) }
							onChange={ ( on ) => toggle( member, list.id, on ) }
						/>
					) ) }
				</fieldset>
			) ) }
		</div>
	);
}

function StepSettings( {
	step,
	steps,
	onChange,
}: {
	step: Step;
	steps: Step[];
	onChange: ( step: Step ) => void;
} ) {
	switch ( step.type ) {
		case 'send_template':
			return (
				<TemplateFields
					value={ step.template }
					onChange={ ( template ) =>
						onChange( { ...step, template } )
					}
				/>
			);
		case 'send_text':
			return <SendTextFields step={ step } onChange={ onChange } />;
		case 'delay':
			return <DelayFields step={ step } onChange={ onChange } />;
		case 'wait_reply':
			return (
				<WaitReplyFields
					step={ step }
					steps={ steps }
					onChange={ onChange }
				/>
			);
		case 'condition':
			return (
				<ConditionFields
					step={ step }
					steps={ steps }
					onChange={ onChange }
				/>
			);
		case 'tag':
			return <TagFields step={ step } onChange={ onChange } />;
		case 'list':
			return <ListFields step={ step } onChange={ onChange } />;
		case 'opt_out':
			return (
				<p>
					{ __(
						'The contact is opted out of WhatsApp messages, as when they write STOP.',
						'rondine'
					) }
				</p>
			);
		case 'notify':
			return (
				<>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'E-mail subject', 'rondine' ) }
						value={ step.subject }
						onChange={ ( subject ) =>
							onChange( { ...step, subject } )
						}
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'E-mail text', 'rondine' ) }
						help={ __(
							'Sent to the site’s administration e-mail address, with the contact’s phone number.',
							'rondine'
						) }
						value={ step.text }
						onChange={ ( text ) => onChange( { ...step, text } ) }
					/>
				</>
			);
		case 'end':
			return <p>{ __( 'The run ends here.', 'rondine' ) }</p>;
	}
}

/** One step of the flow as a card: its settings, where it leads, its problems and its numbers. */
export function StepCard( {
	step,
	index,
	steps,
	problems,
	stats,
	unreachable,
	onChange,
	onMove,
	onRemove,
	focusMove,
}: CardProps ) {
	const up = useRef< HTMLButtonElement >( null );
	const down = useRef< HTMLButtonElement >( null );
	useEffect( () => {
		if ( focusMove ) {
			( focusMove === -1 ? up : down ).current?.focus();
		}
	}, [ focusMove, index ] );
	const headingId = `rondine-step-${ step.id }-title`;
	const name = stepName( steps, step.id );
	return (
		<li
			className={ `rondine-automation__step${
				problems.length ? ' has-problems' : ''
			}` }
			aria-labelledby={ headingId }
			data-testid={ `rondine-step-${ step.id }` }
		>
			<div className="rondine-automation__step-head">
				<h3 id={ headingId }>
					{ name }
					{ index === 0 && (
						<span className="rondine-automation__entry">
							{ __( 'first step', 'rondine' ) }
						</span>
					) }
				</h3>
				<div className="rondine-automation__step-tools">
					<Button
						ref={ up }
						size="small"
						icon={ arrowUp }
						label={ sprintf(
							/* translators: %s: step name, e.g. "Step 2 · Wait". */
							__( 'Move %s up', 'rondine' ),
							name
						) }
						disabled={ index === 0 }
						accessibleWhenDisabled
						onClick={ () => onMove( -1 ) }
					/>
					<Button
						ref={ down }
						size="small"
						icon={ arrowDown }
						label={ sprintf(
							/* translators: %s: step name, e.g. "Step 2 · Wait". */
							__( 'Move %s down', 'rondine' ),
							name
						) }
						disabled={ index === steps.length - 1 }
						accessibleWhenDisabled
						onClick={ () => onMove( 1 ) }
					/>
					<Button
						size="small"
						icon={ trash }
						isDestructive
						label={ sprintf(
							/* translators: %s: step name, e.g. "Step 2 · Wait". */
							__( 'Remove %s', 'rondine' ),
							name
						) }
						disabled={ steps.length === 1 }
						accessibleWhenDisabled
						onClick={ onRemove }
					/>
				</div>
			</div>
			{ problems.map( ( problem, i ) => (
				<Notice key={ i } status="error" isDismissible={ false }>
					{ problemText( problem ) }
				</Notice>
			) ) }
			{ step.type === 'send_text' &&
				step.when_closed === 'skip' &&
				freeFormAfterLongDelay( steps, step.id ) && (
					<Notice status="warning" isDismissible={ false }>
						{ __(
							'After a wait of a day or more the contact’s 24-hour window is usually closed, and this message would be skipped: choose a template to send instead.',
							'rondine'
						) }
					</Notice>
				) }
			{ unreachable && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'No step leads here: link it from another step or remove it.',
						'rondine'
					) }
				</Notice>
			) }
			<StepSettings step={ step } steps={ steps } onChange={ onChange } />
			{ isLinear( step ) && (
				<TargetSelect
					label={ __( 'Then go to', 'rondine' ) }
					value={ step.next }
					steps={ steps }
					self={ step.id }
					onChange={ ( next ) => onChange( { ...step, next } ) }
				/>
			) }
			{ stats && <StepNumbers step={ step } stats={ stats } /> }
		</li>
	);
}
