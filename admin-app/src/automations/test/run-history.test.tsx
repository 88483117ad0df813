/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { screen, within } from '@testing-library/react';

/**
 * WordPress dependencies
 */
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { RunHistory } from '../run-history';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import {
	AUTOMATION_ID,
	renderWithAutomations,
} from '../../test-utils/automation';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/automations', () => ( {
		body: {
			automations: [
				{
					id: AUTOMATION_ID,
					name: 'Risposta PROMO',
					state: 'active',
					version: 1,
					trigger: { type: 'keyword', keyword: 'PROMO' },
					reentry: { mode: 'once' },
					exit_on: [],
					created_at: 1,
					updated_at: 1,
					runs: { active: 0, completed: 1, exited: 1, failed: 0 },
				},
			],
		},
	} ) );
} );

afterEach( () => server.restore() );

describe( 'RunHistory', () => {
	it( 'lists the contact’s runs with their automation, outcome and steps', async () => {
		server.on( 'GET', '/rondine/v1/runs', () => ( {
			body: {
				runs: [
					{
						id: 'r1',
						automation_id: AUTOMATION_ID,
						phone: '+393471112233',
						contact_id: 5,
						version: 1,
						state: 'exited',
						step: 's2',
						started_at: Date.UTC( 2026, 11, 1, 9 ),
						ended_at: Date.UTC( 2026, 11, 1, 10 ),
						exit_reason: 'goal_reached',
						history: [
							{
								step: 's1',
								entered_at: Date.UTC( 2026, 11, 1, 9 ),
								left_at: Date.UTC( 2026, 11, 1, 9 ),
								outcome: 'sent',
							},
							{
								step: 's2',
								entered_at: Date.UTC( 2026, 11, 1, 9 ),
								left_at: null,
								outcome: 'exited:goal_reached',
							},
						],
					},
				],
			},
		} ) );
		renderWithAutomations( <RunHistory phone="+393471112233" /> );
		const table = await screen.findByTestId( 'rondine-contact-runs' );
		expect(
			server.requests
				.find( ( r ) => r.path === '/rondine/v1/runs' )
				?.query.get( 'phone' )
		).toBe( '+393471112233' );
		expect(
			(
				await within( table ).findByRole( 'link', {
					name: 'Risposta PROMO',
				} )
			).getAttribute( 'href' )
		).toBe( `#/automations/${ AUTOMATION_ID }` );
		expect(
			within( table ).getByText( 'Ended: goal reached' )
		).toBeTruthy();
		expect(
			within( table )
				.getAllByRole( 'listitem' )
				.map( ( li ) => li.textContent?.split( ' · ' )[ 0 ] )
		).toEqual( [ 's1', 's2' ] );
	} );

	it( 'says so where the runs cannot be read, without a notice for the whole screen', async () => {
		server.on( 'GET', '/rondine/v1/runs', () => ( {
			status: 404,
			body: {
				code: 'not_found',
				message: 'Route GET:/v1/runs not found',
			},
		} ) );
		const { registry } = renderWithAutomations(
			<RunHistory phone="+393471112233" />
		);
		expect(
			await screen.findByText( 'Route GET:/v1/runs not found', {
				selector: '.components-notice__content',
			} )
		).toBeTruthy();
		expect( registry.select( noticesStore ).getNotices() ).toEqual( [] );
	} );
} );
