/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { fireEvent, screen, within } from '@testing-library/react';

/**
 * WordPress dependencies
 */
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { AutomationsList } from '../list';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import {
	AUTOMATION_ID,
	renderWithAutomations,
} from '../../test-utils/automation';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
} );

afterEach( () => {
	server.restore();
	window.location.hash = '';
} );

describe( 'AutomationsList', () => {
	it( 'shows each automation’s state, trigger and runs, and opens a starting point', async () => {
		server.on( 'GET', '/rondine/v1/automations', () => ( {
			body: {
				automations: [
					{
						id: AUTOMATION_ID,
						name: 'Risposta PROMO',
						state: 'active',
						version: 2,
						trigger: { type: 'keyword', keyword: 'PROMO' },
						reentry: { mode: 'once' },
						exit_on: [],
						created_at: 1,
						updated_at: 2,
						runs: {
							active: 3,
							completed: 10,
							exited: 1,
							failed: 2,
						},
					},
				],
			},
		} ) );
		renderWithAutomations( <AutomationsList /> );
		const row = (
			await screen.findByRole( 'link', { name: 'Risposta PROMO' } )
		).closest( 'tr' )!;
		expect(
			within( row )
				.getAllByRole( 'cell' )
				.map( ( cell ) => cell.textContent )
		).toEqual( [ 'Active', 'Keyword “PROMO”', '3', '10', '2' ] );
		expect( within( row ).getByRole( 'link' ).getAttribute( 'href' ) ).toBe(
			`#/automations/${ AUTOMATION_ID }`
		);
		fireEvent.click(
			screen.getByRole( 'button', {
				name: 'Start from Keyword auto-reply with buttons',
			} )
		);
		expect( window.location.hash ).toBe(
			'#/automations/new?starter=keyword'
		);
	} );

	it( 'says why the automations cannot be read, in place', async () => {
		server.on( 'GET', '/rondine/v1/automations', () => ( {
			status: 502,
			body: {
				code: 'rondine_bridge_unreachable',
				message: 'The bridge could not be reached.',
			},
		} ) );
		const { registry } = renderWithAutomations( <AutomationsList /> );
		expect(
			await screen.findByText( 'The bridge could not be reached.', {
				selector: '.components-notice__content',
			} )
		).toBeTruthy();
		expect( registry.select( noticesStore ).getNotices() ).toEqual( [] );
	} );
} );
