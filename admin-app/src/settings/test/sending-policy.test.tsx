/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { SendingPolicyCard, validateSendingPolicy } from '../sending-policy';
import type { SendingPolicy } from '../sending-policy';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';

const OFF: SendingPolicy = {
	quiet_hours: { enabled: false, start: '21:00', end: '09:00' },
	frequency_cap: {
		enabled: false,
		max_messages: 2,
		days: 7,
		when_capped: 'postpone',
	},
};

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/sending-policy', () => ( { body: OFF } ) );
} );

afterEach( () => {
	server.restore();
} );

describe( 'sending rules', () => {
	it( 'sets quiet hours and the marketing cap, and sends the bridge’s shape', async () => {
		server.on( 'PUT', '/rondine/v1/sending-policy', ( request ) => ( {
			body: request.body,
		} ) );
		renderWithStore( <SendingPolicyCard /> );
		const quiet = await screen.findByLabelText( 'Quiet hours' );
		expect(
			( screen.getByLabelText( 'From' ) as HTMLInputElement ).disabled
		).toBe( true );

		fireEvent.click( quiet );
		fireEvent.change( screen.getByLabelText( 'From' ), {
			target: { value: '22:00' },
		} );
		fireEvent.change( screen.getByLabelText( 'To' ), {
			target: { value: '08:30' },
		} );
		fireEvent.click( screen.getByLabelText( 'Limit marketing messages' ) );
		fireEvent.change(
			screen.getByLabelText( 'At most this many messages' ),
			{
				target: { value: '3' },
			}
		);
		fireEvent.change(
			screen.getByLabelText( 'Per contact in this many days' ),
			{ target: { value: '14' } }
		);
		fireEvent.click(
			screen.getByLabelText( 'Do not send it (counted as held back)' )
		);
		fireEvent.click(
			screen.getByRole( 'button', { name: 'Save sending rules' } )
		);

		await waitFor( () =>
			expect(
				server.requests.find( ( r ) => r.method === 'PUT' )?.body
			).toEqual( {
				quiet_hours: { enabled: true, start: '22:00', end: '08:30' },
				frequency_cap: {
					enabled: true,
					max_messages: 3,
					days: 14,
					when_capped: 'skip',
				},
			} )
		);
	} );

	it( 'refuses what the bridge would refuse before sending it', async () => {
		renderWithStore( <SendingPolicyCard /> );
		fireEvent.click( await screen.findByLabelText( 'Quiet hours' ) );
		fireEvent.change( screen.getByLabelText( 'To' ), {
			target: { value: '21:00' },
		} );
		expect(
			screen.getByText(
				'Quiet hours must end at a different time than they start.'
			)
		).toBeTruthy();
		const save = screen.getByRole( 'button', {
			name: 'Save sending rules',
		} );
		expect( save.hasAttribute( 'disabled' ) ).toBe( true );

		fireEvent.change( screen.getByLabelText( 'To' ), {
			target: { value: '09:00' },
		} );
		fireEvent.click( screen.getByLabelText( 'Limit marketing messages' ) );
		fireEvent.change(
			screen.getByLabelText( 'At most this many messages' ),
			{
				target: { value: '0' },
			}
		);
		expect(
			screen.getByText( 'Enter a whole number from 1 to 50.' )
		).toBeTruthy();
		expect( save.hasAttribute( 'disabled' ) ).toBe( true );
		expect( server.requests.some( ( r ) => r.method === 'PUT' ) ).toBe(
			false
		);

		expect(
			validateSendingPolicy( {
				...OFF,
				frequency_cap: { ...OFF.frequency_cap, days: 91 },
			} )
		).toEqual( { days: 'Enter a whole number from 1 to 90.' } );
		expect(
			validateSendingPolicy( {
				...OFF,
				quiet_hours: { enabled: true, start: '24:00', end: '9:00' },
			} )
		).toEqual( {
			start: 'Enter a time such as 21:00.',
			end: 'Enter a time such as 09:00.',
		} );
	} );

	it( 'shows the bridge’s refusal and keeps what was typed', async () => {
		server.on( 'PUT', '/rondine/v1/sending-policy', () => ( {
			status: 400,
			body: {
				code: 'invalid_quiet_hours',
				message: 'Quiet hours must start and end at different times.',
				data: { status: 400 },
			},
		} ) );
		renderWithStore( <SendingPolicyCard /> );
		fireEvent.click( await screen.findByLabelText( 'Quiet hours' ) );
		fireEvent.click(
			screen.getByRole( 'button', { name: 'Save sending rules' } )
		);
		expect(
			await screen.findByText(
				'Quiet hours must start and end at different times.',
				{},
				// The whole suite runs beside the bridge's on two cores: a second can pass before the answer is shown.
				{ timeout: 5000 }
			)
		).toBeTruthy();
		expect(
			( screen.getByLabelText( 'Quiet hours' ) as HTMLInputElement )
				.checked
		).toBe( true );
	} );
} );
