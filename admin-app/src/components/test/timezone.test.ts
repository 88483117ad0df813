/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import { shopTimeToUtc, utcToShopTime } from '../timezone';

const rome = { name: 'Europe/Rome', offsetHours: 1 };

describe( 'shop time', () => {
	it( 'reads the wall clock in the shop timezone, across DST', () => {
		expect( shopTimeToUtc( '2030-01-15T09:30', rome ) ).toBe(
			'2030-01-15T08:30:00.000Z'
		);
		expect( shopTimeToUtc( '2030-07-15T09:30', rome ) ).toBe(
			'2030-07-15T07:30:00.000Z'
		);
	} );

	it( 'uses the fixed offset when WordPress has no timezone name', () => {
		expect(
			shopTimeToUtc( '2030-07-15T09:30', { name: null, offsetHours: -5 } )
		).toBe( '2030-07-15T14:30:00.000Z' );
	} );

	it( 'shows an instant on the shop clock and round-trips', () => {
		expect( utcToShopTime( '2030-07-15T07:30:00.000Z', rome ) ).toBe(
			'2030-07-15T09:30'
		);
		expect(
			shopTimeToUtc(
				utcToShopTime( '2030-03-31T00:59:00.000Z', rome ),
				rome
			)
		).toBe( '2030-03-31T00:59:00.000Z' );
	} );

	it( 'refuses an incomplete value', () => {
		expect( shopTimeToUtc( '2030-07-15', rome ) ).toBeNull();
	} );
} );
