/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import {
	countryCodes,
	countryNames,
	incompleteDefinition,
	incompleteFilter,
	periodChoice,
	withCurrency,
} from '../segment-values';
import type { AudienceField, AudienceFields } from '../../store/types';

const OPTIONS = [
	{ value: 'DE', label: 'Germania' },
	{ value: 'IT', label: 'Italia' },
	{ value: 'CI', label: 'Côte d’Ivoire' },
];

const COUNTRY: AudienceField = {
	field: 'billing_country',
	label: 'Billing country',
	type: 'countries',
	operators: [ 'in', 'not_in' ],
	options: OPTIONS,
};
const SPENT: AudienceField = {
	field: 'total_spent',
	label: 'Total spent',
	type: 'money',
	operators: [ 'gt', 'between' ],
};

describe( 'countries by name', () => {
	it( 'reads a name in the owner’s language or a code, in any case and without accents, each country once', () => {
		expect(
			countryCodes(
				[ 'Italia', 'italia', 'de', 'cote d’ivoire', 'Atlantis' ],
				OPTIONS
			)
		).toEqual( [ 'IT', 'DE', 'CI' ] );
	} );

	it( 'shows the codes the segment keeps by name, and an unknown code as it is', () => {
		expect( countryNames( [ 'IT', 'de', 'XX' ], OPTIONS ) ).toEqual( [
			'Italia',
			'Germania',
			'XX',
		] );
	} );
} );

describe( 'a filter still being filled in', () => {
	it( 'waits for a country instead of failing, and says so in words', () => {
		expect(
			incompleteFilter(
				{ field: 'billing_country', op: 'in', value: [] },
				COUNTRY
			)
		).toBe( 'Choose at least one country.' );
		expect(
			incompleteFilter(
				{ field: 'billing_country', op: 'in', value: [ 'IT' ] },
				COUNTRY
			)
		).toBeNull();
	} );

	it( 'needs an amount, and a range in order', () => {
		expect(
			incompleteFilter(
				{ field: 'total_spent', op: 'gt', value: null },
				SPENT
			)
		).toBe( 'Total spent: fill in a value.' );
		expect(
			incompleteFilter(
				{ field: 'total_spent', op: 'between', value: [ 50, 10 ] },
				SPENT
			)
		).toBe( 'Total spent: the first amount must not be above the second.' );
		expect(
			incompleteFilter(
				{ field: 'total_spent', op: 'gt', value: 0 },
				SPENT
			)
		).toBeNull();
	} );

	it( 'finds the first incomplete filter of any group', () => {
		const fields: AudienceFields = {
			fields: [ COUNTRY, SPENT ],
			operators: {},
			statuses: [],
			default_statuses: [],
		};
		expect(
			incompleteDefinition(
				{
					match: 'all',
					groups: [
						{
							match: 'all',
							filters: [
								{ field: 'total_spent', op: 'gt', value: 100 },
							],
						},
						{
							match: 'any',
							filters: [
								{
									field: 'billing_country',
									op: 'in',
									value: [],
								},
							],
						},
					],
				},
				fields
			)
		).toBe( 'Choose at least one country.' );
	} );
} );

describe( 'periods and amounts', () => {
	it( 'offers "last year" for 365 days and a custom number otherwise', () => {
		expect( periodChoice( 365 ) ).toBe( '365' );
		expect( periodChoice( 45 ) ).toBe( 'custom' );
		expect( periodChoice( null ) ).toBe( '' );
	} );

	it( 'labels amounts with the shop’s currency', () => {
		expect( withCurrency( 'Amount', '€' ) ).toBe( 'Amount (€)' );
		expect( withCurrency( 'Amount', '' ) ).toBe( 'Amount' );
	} );
} );
