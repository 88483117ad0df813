/**
 * WordPress dependencies
 */
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type {
	AudienceField,
	AudienceFieldOption,
	AudienceFields,
	SegmentDefinition,
	SegmentFilter,
} from '../store/types';

/** Periods offered for "in the last N days" instead of typing a number of days; `custom` lets the owner type one. */
export const PERIODS: Array< { days: number; label: () => string } > = [
	{ days: 7, label: () => __( 'last 7 days', 'rondine' ) },
	{ days: 30, label: () => __( 'last 30 days', 'rondine' ) },
	{ days: 90, label: () => __( 'last 3 months', 'rondine' ) },
	{ days: 180, label: () => __( 'last 6 months', 'rondine' ) },
	{ days: 365, label: () => __( 'last year', 'rondine' ) },
	{ days: 730, label: () => __( 'last 2 years', 'rondine' ) },
];

/** The period choice for a number of days: its preset, `custom`, or '' for none. */
export function periodChoice( days: number | null | undefined ): string {
	if ( ! days ) {
		return '';
	}
	return PERIODS.some( ( period ) => period.days === days )
		? String( days )
		: 'custom';
}

/**
 * Country names shown as tokens for the codes the segment keeps; an unknown code shows as it is.
 * @param codes   ISO codes.
 * @param options The field's options (code → name in the owner's language).
 */
export function countryNames(
	codes: Array< string | number >,
	options: AudienceFieldOption[]
): string[] {
	return codes.map( ( code ) => {
		const option = options.find(
			( candidate ) => candidate.value === String( code ).toUpperCase()
		);
		return option ? option.label : String( code );
	} );
}

function fold( text: string ): string {
	return text
		.normalize( 'NFD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.trim()
		.toLowerCase();
}

/**
 * The codes for tokens typed or picked by the owner: a country's name in the owner's language ("Italia", "italia"),
 * or its two-letter code ("IT", "it"). Tokens that name no country are dropped, and each country is kept once.
 * @param tokens  Tokens from the field.
 * @param options The field's options.
 */
export function countryCodes(
	tokens: string[],
	options: AudienceFieldOption[]
): string[] {
	const codes: string[] = [];
	for ( const token of tokens ) {
		const folded = fold( token );
		const option =
			options.find(
				( candidate ) => fold( candidate.label ) === folded
			) ??
			options.find(
				( candidate ) => candidate.value.toLowerCase() === folded
			);
		if ( option && ! codes.includes( option.value ) ) {
			codes.push( option.value );
		}
	}
	return codes;
}

/**
 * Why a filter cannot be counted yet, in the owner's words, or null when it is complete. Shown beside the count as a
 * hint, never as an error: the owner is still choosing.
 * @param filter The filter.
 * @param field  Its field.
 */
export function incompleteFilter(
	filter: SegmentFilter,
	field: AudienceField | undefined
): string | null {
	if ( ! field ) {
		return null;
	}
	const value = filter.value;
	const empty =
		value === null ||
		value === '' ||
		( Array.isArray( value ) && value.length === 0 ) ||
		( typeof value === 'number' && Number.isNaN( value ) );
	if ( ! empty ) {
		if (
			filter.op === 'between' &&
			Array.isArray( value ) &&
			Number( value[ 0 ] ) > Number( value[ 1 ] )
		) {
			return sprintf(
				/* translators: %s: filter name such as "Total spent". */
				__(
					'%s: the first amount must not be above the second.',
					'rondine'
				),
				field.label
			);
		}
		return null;
	}
	switch ( field.type ) {
		case 'countries':
			return __( 'Choose at least one country.', 'rondine' );
		case 'products':
			return __( 'Choose at least one product.', 'rondine' );
		case 'categories':
			return __( 'Choose at least one category.', 'rondine' );
		case 'tags':
			return __( 'Choose at least one tag.', 'rondine' );
		case 'date':
			return __( 'Choose a date or a period.', 'rondine' );
	}
	return sprintf(
		/* translators: %s: filter name such as "Billing city". */
		__( '%s: fill in a value.', 'rondine' ),
		field.label
	);
}

/**
 * The first reason the segment cannot be counted yet, or null.
 * @param definition The segment.
 * @param fields     The fields.
 */
export function incompleteDefinition(
	definition: SegmentDefinition,
	fields: AudienceFields
): string | null {
	for ( const group of definition.groups ) {
		for ( const filter of group.filters ) {
			const reason = incompleteFilter(
				filter,
				fields.fields.find( ( field ) => field.field === filter.field )
			);
			if ( reason ) {
				return reason;
			}
		}
	}
	return null;
}

/**
 * A money field's label with the shop's currency.
 * @param label    Label such as "Value".
 * @param currency Symbol such as "€", or ''.
 */
export function withCurrency( label: string, currency: string | undefined ) {
	return currency
		? sprintf(
				/* translators: 1: label such as "From", 2: currency symbol such as "€". */
				__( '%1$s (%2$s)', 'rondine' ),
				label,
				currency
			)
		: label;
}
