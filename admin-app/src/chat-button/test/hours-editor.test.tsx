/**
 * External dependencies
 */
import { describe, expect, it, jest } from '@jest/globals';
import { fireEvent, render, screen } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { HoursEditor, defaultWeek } from '../hours-editor';
import type { HoursRange } from '../types';

describe( 'HoursEditor', () => {
	it( 'starts from Monday-Saturday 9-18 with Sunday off', () => {
		const week = defaultWeek();
		expect( week ).toHaveLength( 7 );
		expect( week[ 0 ] ).toEqual( [] );
		expect( week[ 1 ] ).toEqual( [ { from: '09:00', to: '18:00' } ] );
	} );

	it( 'turns a day on and off, and keeps "until midnight" as 24:00', () => {
		const changes: HoursRange[][][] = [];
		const onChange = jest.fn( ( hours: HoursRange[][] ) =>
			changes.push( hours )
		);
		const week = defaultWeek();
		render(
			<HoursEditor
				hours={ week }
				onChange={ onChange }
				timezone="Europe/Rome"
			/>
		);
		expect(
			screen.getByText( 'Working hours (Europe/Rome)' )
		).toBeTruthy();

		fireEvent.click( screen.getByLabelText( 'Sunday' ) );
		expect( changes[ 0 ]![ 0 ] ).toEqual( [
			{ from: '09:00', to: '18:00' },
		] );

		fireEvent.click( screen.getByLabelText( 'Monday' ) );
		expect( changes[ 1 ]![ 1 ] ).toEqual( [] );

		fireEvent.change( screen.getByLabelText( 'Tuesday until' ), {
			target: { value: '23:59' },
		} );
		expect( changes[ 2 ]![ 2 ] ).toEqual( [
			{ from: '09:00', to: '24:00' },
		] );
	} );

	it( 'adds a second range to a day for a lunch break', () => {
		const onChange = jest.fn();
		render(
			<HoursEditor
				hours={ defaultWeek() }
				onChange={ onChange }
				timezone="Europe/Rome"
			/>
		);
		fireEvent.click(
			screen.getAllByRole( 'button', {
				name: 'Add a break / second range',
			} )[ 0 ]!
		);
		const week = onChange.mock.calls[ 0 ]![ 0 ] as HoursRange[][];
		// Monday is listed first.
		expect( week[ 1 ] ).toEqual( [
			{ from: '09:00', to: '18:00' },
			{ from: '15:00', to: '19:00' },
		] );
	} );
} );
