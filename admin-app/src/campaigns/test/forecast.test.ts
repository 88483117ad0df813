/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import { forecast, forecastText } from '../forecast';

const now = new Date( '2030-01-01T10:00:00Z' );
const inAnHour = new Date( '2030-01-01T11:00:00Z' );
const tomorrow = new Date( '2030-01-02T11:00:00Z' );

describe( 'daily-limit forecast', () => {
	it( 'says how many fail and can be retried', () => {
		const value = forecast( 12400, 10000, 10000, inAnHour, now );
		expect( value ).toEqual( {
			recipients: 12400,
			available: 10000,
			over: 2400,
		} );
		expect( forecastText( value!, false ) ).toBe(
			'12,400 recipients, 10,000 left in the 24 h window: 2,400 will fail and can be retried.'
		);
	} );

	it( 'says how many wait for the window when the campaign waits', () => {
		expect(
			forecastText(
				forecast( 12400, 10000, 10000, inAnHour, now )!,
				true
			)
		).toBe(
			'12,400 recipients, 10,000 left in the 24 h window: 2,400 will wait for the window.'
		);
	} );

	it( 'uses what is left now for a start within 24 h, the whole limit after', () => {
		expect( forecast( 500, 1000, 300, inAnHour, now )?.over ).toBe( 200 );
		expect( forecast( 500, 1000, 300, tomorrow, now )?.over ).toBe( 0 );
	} );

	it( 'has nothing to say without a limit (unlimited tier)', () => {
		expect( forecast( 500, null, null, inAnHour, now ) ).toBeNull();
	} );
} );
