/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	FormTokenField,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import apiFetch from '@wordpress/api-fetch';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { PATHS } from '../store/constants';
import type {
	AudienceChoiceKind,
	AudienceCount,
	AudienceField,
	AudienceFields,
	FilterValue,
	SegmentDefinition,
	SegmentFilter,
	SegmentGroup,
} from '../store/types';
import { formatNumber } from '../components/format';
import { buildHash, navigate } from '../router';
import { ChoicePicker } from './choice-picker';
import {
	PERIODS,
	countryCodes,
	countryNames,
	incompleteDefinition,
	periodChoice,
	withCurrency,
} from './segment-values';

/** A choice of period ("last year") or, with `custom`, a number of days typed. */
function PeriodInput( {
	label,
	value,
	onChange,
	allowNone = false,
}: {
	label: string;
	value: number | null | undefined;
	onChange: ( days: number | null ) => void;
	allowNone?: boolean;
} ) {
	const [ custom, setCustom ] = useState(
		periodChoice( value ) === 'custom'
	);
	const choice = custom ? 'custom' : periodChoice( value );
	return (
		<span className="rondine-segment__period">
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ label }
				value={ choice }
				options={ [
					...( allowNone
						? [ { value: '', label: __( 'all time', 'rondine' ) } ]
						: [] ),
					...PERIODS.map( ( period ) => ( {
						value: String( period.days ),
						label: period.label(),
					} ) ),
					{
						value: 'custom',
						label: __( 'a number of days…', 'rondine' ),
					},
				] }
				onChange={ ( next ) => {
					setCustom( next === 'custom' );
					if ( next === '' ) {
						onChange( null );
					} else if ( next !== 'custom' ) {
						onChange( Number( next ) );
					}
				} }
			/>
			{ choice === 'custom' && (
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="number"
					min={ 1 }
					label={ __( 'Days', 'rondine' ) }
					value={ value ? String( value ) : '' }
					onChange={ ( typed ) =>
						onChange( typed === '' ? null : Number( typed ) )
					}
				/>
			) }
		</span>
	);
}

const NUMERIC = [ 'money', 'integer' ];
const DAYS = [ 'in_last_days', 'not_in_last_days' ];
const LISTS = [ 'countries', 'products', 'categories', 'tags' ];
/** Lists picked by name (the segment keeps ids). */
const CHOICES = [ 'products', 'categories', 'tags' ];
const CHOICE_LABELS: Record< string, () => string > = {
	products: () => __( 'Products (type a name or SKU)', 'rondine' ),
	categories: () => __( 'Categories (type a name)', 'rondine' ),
	tags: () => __( 'Tags (type a name)', 'rondine' ),
};

function defaultValue( field: AudienceField, op: string ): FilterValue | null {
	if ( NUMERIC.includes( field.type ) ) {
		return op === 'between' ? [ 0, 0 ] : 0;
	}
	if ( field.type === 'date' ) {
		return DAYS.includes( op ) ? 30 : '';
	}
	if ( LISTS.includes( field.type ) ) {
		return [];
	}
	if ( field.type === 'choice' ) {
		return field.options?.[ 0 ]?.value ?? '';
	}
	return '';
}

function newFilter( field: AudienceField ): SegmentFilter {
	const op = field.operators[ 0 ] ?? '';
	return { field: field.field, op, value: defaultValue( field, op ) };
}

function ValueInput( {
	field,
	filter,
	onChange,
	currency,
}: {
	field: AudienceField;
	filter: SegmentFilter;
	onChange: ( value: FilterValue | null ) => void;
	currency: string;
} ) {
	const money = field.type === 'money' ? currency : '';
	const common = {
		__nextHasNoMarginBottom: true,
		__next40pxDefaultSize: true,
	};
	if ( NUMERIC.includes( field.type ) ) {
		if ( filter.op === 'between' ) {
			const [ low = 0, high = 0 ] = Array.isArray( filter.value )
				? ( filter.value as number[] )
				: [];
			return (
				<span className="rondine-segment__between">
					<TextControl
						{ ...common }
						type="number"
						min={ 0 }
						label={ withCurrency( __( 'From', 'rondine' ), money ) }
						value={ String( low ) }
						onChange={ ( value ) =>
							onChange( [ Number( value ), high ] )
						}
					/>
					<TextControl
						{ ...common }
						type="number"
						min={ 0 }
						label={ withCurrency( __( 'To', 'rondine' ), money ) }
						value={ String( high ) }
						onChange={ ( value ) =>
							onChange( [ low, Number( value ) ] )
						}
					/>
				</span>
			);
		}
		return (
			<TextControl
				{ ...common }
				type="number"
				min={ 0 }
				step={ field.type === 'money' ? 0.01 : 1 }
				label={
					money
						? withCurrency( __( 'Amount', 'rondine' ), money )
						: __( 'Value', 'rondine' )
				}
				hideLabelFromVision={ ! money }
				value={ String( filter.value ?? '' ) }
				onChange={ ( value ) =>
					onChange( value === '' ? null : Number( value ) )
				}
			/>
		);
	}
	if ( field.type === 'date' ) {
		return DAYS.includes( filter.op ) ? (
			<PeriodInput
				label={ __( 'Period', 'rondine' ) }
				value={ typeof filter.value === 'number' ? filter.value : null }
				onChange={ onChange }
			/>
		) : (
			<TextControl
				{ ...common }
				type="date"
				label={ __( 'Date', 'rondine' ) }
				hideLabelFromVision
				value={ String( filter.value ?? '' ) }
				onChange={ onChange }
			/>
		);
	}
	if ( field.type === 'choice' ) {
		return (
			<SelectControl
				{ ...common }
				label={ __( 'Value', 'rondine' ) }
				hideLabelFromVision
				value={ String( filter.value ?? '' ) }
				options={ field.options ?? [] }
				onChange={ onChange }
			/>
		);
	}
	if ( CHOICES.includes( field.type ) ) {
		return (
			<ChoicePicker
				kind={ field.type as AudienceChoiceKind }
				label={ CHOICE_LABELS[ field.type ]?.() ?? field.label }
				value={ ( Array.isArray( filter.value )
					? filter.value
					: []
				).map( Number ) }
				onChange={ onChange }
			/>
		);
	}
	if ( field.type === 'countries' ) {
		const options = field.options ?? [];
		return (
			<FormTokenField
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Countries (type a name)', 'rondine' ) }
				value={ countryNames(
					Array.isArray( filter.value ) ? filter.value : [],
					options
				) }
				suggestions={ options.map( ( option ) => option.label ) }
				__experimentalValidateInput={ ( token ) =>
					countryCodes( [ token ], options ).length > 0
				}
				onChange={ ( tokens ) =>
					onChange(
						countryCodes(
							tokens.map( ( token ) =>
								typeof token === 'string' ? token : token.value
							),
							options
						)
					)
				}
			/>
		);
	}
	return (
		<TextControl
			{ ...common }
			label={ __( 'Value', 'rondine' ) }
			hideLabelFromVision
			value={ String( filter.value ?? '' ) }
			onChange={ onChange }
		/>
	);
}

function FilterRow( {
	fields,
	filter,
	onChange,
	onRemove,
}: {
	fields: AudienceFields;
	filter: SegmentFilter;
	onChange: ( filter: SegmentFilter ) => void;
	onRemove: () => void;
} ) {
	const field =
		fields.fields.find(
			( candidate ) => candidate.field === filter.field
		) ?? fields.fields[ 0 ]!;
	const common = {
		__nextHasNoMarginBottom: true,
		__next40pxDefaultSize: true,
	};
	return (
		<div
			className="rondine-segment__filter"
			data-testid="rondine-segment-filter"
		>
			<SelectControl
				{ ...common }
				label={ __( 'Field', 'rondine' ) }
				hideLabelFromVision
				value={ filter.field }
				options={ fields.fields.map( ( candidate ) => ( {
					value: candidate.field,
					label: candidate.label,
				} ) ) }
				onChange={ ( key ) => {
					const next = fields.fields.find(
						( candidate ) => candidate.field === key
					);
					if ( next ) {
						onChange( newFilter( next ) );
					}
				} }
			/>
			<SelectControl
				{ ...common }
				label={ __( 'Comparison', 'rondine' ) }
				hideLabelFromVision
				value={ filter.op }
				options={ field.operators.map( ( op ) => ( {
					value: op,
					label: fields.operators[ op ] ?? op,
				} ) ) }
				onChange={ ( op ) =>
					onChange( {
						...filter,
						op,
						value: defaultValue( field, op ),
					} )
				}
			/>
			<ValueInput
				field={ field }
				filter={ filter }
				currency={ fields.currency ?? '' }
				onChange={ ( value ) => onChange( { ...filter, value } ) }
			/>
			{ field.supports_window && (
				<PeriodInput
					allowNone
					label={ __( 'Period of the orders', 'rondine' ) }
					value={ filter.within_days }
					onChange={ ( days ) =>
						onChange( { ...filter, within_days: days } )
					}
				/>
			) }
			<Button
				variant="tertiary"
				isDestructive
				onClick={ onRemove }
				label={ __( 'Remove filter', 'rondine' ) }
			>
				{ __( 'Remove', 'rondine' ) }
			</Button>
		</div>
	);
}

function MatchSelect( {
	value,
	onChange,
	label,
}: {
	value: 'all' | 'any';
	onChange: ( value: 'all' | 'any' ) => void;
	label: string;
} ) {
	return (
		<SelectControl
			className="rondine-segment__match"
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			label={ label }
			value={ value }
			options={ [
				{ value: 'all', label: __( 'all of (AND)', 'rondine' ) },
				{ value: 'any', label: __( 'any of (OR)', 'rondine' ) },
			] }
			onChange={ ( next ) => onChange( next as 'all' | 'any' ) }
		/>
	);
}

export function SegmentEditor( { id }: { id?: number } ) {
	const { fields, segment, isLoaded } = useSelect(
		( select ) => {
			const selectors = select( store );
			const segments = selectors.getSegments();
			return {
				fields: selectors.getAudienceFields(),
				segment: id
					? ( segments?.find(
							( candidate ) => candidate.id === id
						) ?? null )
					: null,
				isLoaded: ! id || segments !== null,
			};
		},
		[ id ]
	);
	const { saveSegment } = useDispatch( store );
	const [ name, setName ] = useState( '' );
	const [ definition, setDefinition ] = useState< SegmentDefinition | null >(
		null
	);
	const [ result, setResult ] = useState< AudienceCount | null >( null );
	const [ countError, setCountError ] = useState( '' );
	const [ isCounting, setCounting ] = useState( false );
	const [ isSaving, setSaving ] = useState( false );

	useEffect( () => {
		if ( definition || ! fields || ! isLoaded ) {
			return;
		}
		if ( segment ) {
			setName( segment.name );
			setDefinition( segment.definition );
		} else {
			setDefinition( {
				match: 'all',
				groups: [ { match: 'all', filters: [] } ],
				statuses: fields.default_statuses,
			} );
		}
	}, [ fields, segment, isLoaded, definition ] );

	const key = JSON.stringify( definition );
	// A filter still being filled in is not sent: the count waits, and a hint beside it says what is missing.
	const incomplete =
		definition && fields
			? incompleteDefinition( definition, fields )
			: null;
	useEffect( () => {
		if ( ! definition || incomplete ) {
			setResult( null );
			setCountError( '' );
			setCounting( false );
			return;
		}
		let current = true;
		setCounting( true );
		const timer = setTimeout( async () => {
			try {
				const counted = await apiFetch< AudienceCount >( {
					path: PATHS.audienceCount,
					method: 'POST',
					data: { definition },
				} );
				if ( current ) {
					setResult( counted );
					setCountError( '' );
				}
			} catch ( failure ) {
				// Shown beside the count, not as a notice that would outlive this screen.
				if ( current ) {
					setResult( null );
					setCountError(
						( failure as { message?: string } )?.message ??
							__( 'The segment could not be counted.', 'rondine' )
					);
				}
			} finally {
				if ( current ) {
					setCounting( false );
				}
			}
		}, 400 );
		return () => {
			current = false;
			clearTimeout( timer );
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `definition`.
	}, [ key, incomplete ] );

	if ( ! fields || ! definition ) {
		return <Spinner />;
	}
	if ( id && ! segment ) {
		return (
			<p>
				{ __( 'This segment does not exist (any more).', 'rondine' ) }
			</p>
		);
	}

	const setGroup = ( index: number, group: SegmentGroup ) =>
		setDefinition( {
			...definition,
			groups: definition.groups.map( ( existing, i ) =>
				i === index ? group : existing
			),
		} );
	const firstField = fields.fields[ 0 ];

	const save = async () => {
		setSaving( true );
		try {
			const saved = await saveSegment( {
				id,
				name: name.trim(),
				definition,
			} );
			navigate( [ 'audience', 'segments', saved.id ] );
		} catch {
			// The plugin's message names the faulty filter.
		} finally {
			setSaving( false );
		}
	};

	return (
		<div className="rondine-segment" data-testid="rondine-segment-editor">
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Segment name', 'rondine' ) }
				value={ name }
				onChange={ setName }
			/>
			<MatchSelect
				label={ __( 'Contacts who match', 'rondine' ) }
				value={ definition.match }
				onChange={ ( match ) =>
					setDefinition( { ...definition, match } )
				}
			/>
			{ definition.groups.map( ( group, groupIndex ) => (
				<fieldset
					key={ groupIndex }
					className="rondine-segment__group"
					data-testid="rondine-segment-group"
				>
					<legend>
						{ sprintf(
							/* translators: %d: group number. */
							__( 'Group %d', 'rondine' ),
							groupIndex + 1
						) }
					</legend>
					<MatchSelect
						label={ __( 'Filters to match', 'rondine' ) }
						value={ group.match }
						onChange={ ( match ) =>
							setGroup( groupIndex, { ...group, match } )
						}
					/>
					{ group.filters.map( ( filter, filterIndex ) => (
						<FilterRow
							key={ filterIndex }
							fields={ fields }
							filter={ filter }
							onChange={ ( next ) =>
								setGroup( groupIndex, {
									...group,
									filters: group.filters.map(
										( existing, i ) =>
											i === filterIndex ? next : existing
									),
								} )
							}
							onRemove={ () =>
								setGroup( groupIndex, {
									...group,
									filters: group.filters.filter(
										( _, i ) => i !== filterIndex
									),
								} )
							}
						/>
					) ) }
					<Button
						variant="secondary"
						onClick={ () =>
							firstField &&
							setGroup( groupIndex, {
								...group,
								filters: [
									...group.filters,
									newFilter( firstField ),
								],
							} )
						}
					>
						{ __( 'Add filter', 'rondine' ) }
					</Button>{ ' ' }
					{ definition.groups.length > 1 && (
						<Button
							variant="tertiary"
							isDestructive
							onClick={ () =>
								setDefinition( {
									...definition,
									groups: definition.groups.filter(
										( _, i ) => i !== groupIndex
									),
								} )
							}
						>
							{ __( 'Remove group', 'rondine' ) }
						</Button>
					) }
				</fieldset>
			) ) }
			<Button
				variant="secondary"
				onClick={ () =>
					setDefinition( {
						...definition,
						groups: [
							...definition.groups,
							{ match: 'all', filters: [] },
						],
					} )
				}
			>
				{ __( 'Add group', 'rondine' ) }
			</Button>
			<fieldset className="rondine-segment__statuses">
				<legend>{ __( 'Orders counted', 'rondine' ) }</legend>
				{ fields.statuses.map( ( status ) => (
					<CheckboxControl
						__nextHasNoMarginBottom
						key={ status.value }
						label={ status.label }
						checked={ ( definition.statuses ?? [] ).includes(
							status.value
						) }
						onChange={ ( on ) =>
							setDefinition( {
								...definition,
								statuses: on
									? [
											...( definition.statuses ?? [] ),
											status.value,
										]
									: ( definition.statuses ?? [] ).filter(
											( value ) => value !== status.value
										),
							} )
						}
					/>
				) ) }
			</fieldset>
			<div className="rondine-segment__result" aria-live="polite">
				<p data-testid="rondine-segment-count">
					{ isCounting && <Spinner /> }
					{ incomplete && (
						<span
							className="rondine-segment__hint"
							data-testid="rondine-segment-hint"
						>
							{ incomplete }
						</span>
					) }
					{ countError && (
						<span
							className="rondine-segment__count-error"
							data-testid="rondine-segment-count-error"
						>
							{ countError }
						</span>
					) }
					{ result &&
						sprintf(
							/* translators: %s: number of contacts. */
							_n(
								'%s contact matches (valid phone, opted in)',
								'%s contacts match (valid phone, opted in)',
								result.count,
								'rondine'
							),
							formatNumber( result.count )
						) }
				</p>
				{ result?.sample && result.sample.length > 0 && (
					<table
						className="widefat striped"
						data-testid="rondine-segment-sample"
					>
						<caption>{ __( 'Some of them', 'rondine' ) }</caption>
						<tbody>
							{ result.sample.map( ( contact, index ) => (
								<tr key={ contact.id ?? index }>
									<td>
										{ [
											contact.first_name,
											contact.last_name,
										]
											.filter( Boolean )
											.join( ' ' ) }
									</td>
									<td>{ contact.phone }</td>
									<td>{ contact.country }</td>
								</tr>
							) ) }
						</tbody>
					</table>
				) }
			</div>
			<Button
				variant="primary"
				onClick={ save }
				isBusy={ isSaving }
				disabled={ isSaving || ! name.trim() || !! incomplete }
			>
				{ __( 'Save segment', 'rondine' ) }
			</Button>{ ' ' }
			<Button
				variant="tertiary"
				href={ buildHash( [ 'audience', 'segments' ] ) }
			>
				{ __( 'Back to segments', 'rondine' ) }
			</Button>
		</div>
	);
}
