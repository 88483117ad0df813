/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import { competingCampaigns, forecast, forecastText } from '../forecast';
import type { Campaign } from '../../store/types';
import { campaignFixture, counters } from '../../test-utils/campaign';

const now = new Date( '2030-01-01T10:00:00Z' );
const inAnHour = new Date( '2030-01-01T11:00:00Z' );
const tomorrow = new Date( '2030-01-02T11:00:00Z' );

describe( 'daily-limit forecast', () => {
	it( 'says how many fail and can be retried', () => {
		const value = forecast( 12400, 10000, 10000, inAnHour, now );
		expect( value ).toEqual( {
			recipients: 12400,
			free: 10000,
			taken: [],
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

	describe( 'other campaigns in the same 24 h window', () => {
		const campaign = (
			id: string,
			state: Campaign[ 'state' ],
			startAt: string | null,
			extra: Partial< Campaign > = {}
		): Campaign =>
			campaignFixture( {
				id,
				name: id,
				state,
				start_at: startAt,
				...extra,
			} );
		const sizes: Record< string, number > = {
			'black-friday': 3000,
			'day-before': 5000,
			after: 7000,
			self: 9000,
		};
		const size = ( c: Campaign ) => sizes[ c.id ];

		it( 'counts scheduled campaigns starting in the 24 h before the start, not earlier or later, nor itself', () => {
			const start = new Date( '2030-01-03T10:00:00Z' );
			const taken = competingCampaigns(
				[
					campaign(
						'black-friday',
						'scheduled',
						'2030-01-03T08:00:00Z'
					),
					campaign(
						'day-before',
						'scheduled',
						'2030-01-02T10:00:00Z'
					),
					campaign( 'after', 'scheduled', '2030-01-03T10:00:01Z' ),
					campaign( 'self', 'scheduled', '2030-01-03T09:00:00Z' ),
					campaign( 'draft', 'draft', '2030-01-03T09:00:00Z' ),
				],
				start,
				now,
				size,
				'self'
			);
			expect( taken ).toEqual( [
				{
					id: 'black-friday',
					name: 'black-friday',
					state: 'scheduled',
					startAt: '2030-01-03T08:00:00Z',
					recipients: 3000,
				},
			] );
			// Far away: the whole limit, minus what the other campaign takes.
			const value = forecast( 8000, 10000, 200, start, now, taken )!;
			expect( value ).toMatchObject( {
				free: 10000,
				available: 7000,
				over: 1000,
			} );
			expect( forecastText( value, false ) ).toMatch(
				/^8,000 recipients, 10,000 left in the 24 h window, of which 3,000 are taken by “black-friday” scheduled at .+: 1,000 will fail and can be retried\.$/
			);
		} );

		it( 'counts what a running campaign has left when the start is less than 24 h away', () => {
			const running = campaign( 'newsletter', 'running', null, {
				started_at: '2030-01-01T09:00:00Z',
				counters: counters( {
					total: 4000,
					automations: { to_start: 1500, in_progress: 20 },
				} ),
			} );
			const soon = competingCampaigns( [ running ], inAnHour, now, size );
			expect( soon ).toEqual( [
				{
					id: 'newsletter',
					name: 'newsletter',
					state: 'running',
					startAt: '2030-01-01T09:00:00Z',
					recipients: 1520,
				},
			] );
			const value = forecast( 1000, 10000, 2000, inAnHour, now, soon )!;
			expect( value ).toMatchObject( { available: 480, over: 520 } );
			expect( forecastText( value, true ) ).toBe(
				'1,000 recipients, 2,000 left in the 24 h window, of which 1,520 are taken by “newsletter” (running): 520 will wait for the window.'
			);
			// A day away, its sends have left the window.
			expect(
				competingCampaigns( [ running ], tomorrow, now, size )
			).toEqual( [] );
		} );

		it( 'never forecasts a negative room, and an unknown audience size counts nothing', () => {
			const taken = competingCampaigns(
				[ campaign( 'unknown', 'scheduled', '2030-01-01T10:30:00Z' ) ],
				inAnHour,
				now,
				() => null
			);
			expect( taken[ 0 ]?.recipients ).toBe( 0 );
			expect(
				forecast( 10, 100, 50, inAnHour, now, [
					{ ...taken[ 0 ]!, recipients: 80 },
				] )
			).toMatchObject( { available: 0, over: 10 } );
		} );
	} );
} );
