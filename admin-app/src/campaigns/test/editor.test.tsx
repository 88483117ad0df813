/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { CampaignEditor } from '../editor';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { campaignFixture } from '../../test-utils/campaign';
import { renderWithStore } from '../../test-utils/render';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: {
			templates: [
				{
					name: 'spring_sale',
					language: 'it',
					status: 'APPROVED',
					category: 'MARKETING',
					components: [ { type: 'BODY', text: 'Ciao {{1}}!' } ],
				},
				{
					name: 'not_yet',
					language: 'it',
					status: 'PENDING',
					category: 'MARKETING',
					components: [ { type: 'BODY', text: 'Hidden' } ],
				},
			],
		},
	} ) );
	server.on( 'GET', '/rondine/v1/segments', () => ( {
		body: [
			{
				id: 7,
				name: '<script>alert("x")</script> big spenders',
				definition: { match: 'all', groups: [] },
			},
		],
	} ) );
	server.on( 'GET', '/rondine/v1/lists', () => ( { body: [] } ) );
	server.on( 'GET', '/rondine/v1/status', () => ( {
		body: {
			plugin_version: '0.1.0',
			wordpress_version: '6.8',
			php_version: '8.2',
			bridge: {
				connected: true,
				status: {
					daily_limit: { limit: 250, used: 0, remaining: 250 },
				},
			},
		},
	} ) );
	server.on( 'POST', '/rondine/v1/audience/count', ( request ) => ( {
		body: {
			// Segment 9 is another campaign's audience.
			count: (
				request.body as { segments?: number[] }
			 ).segments?.includes( 9 )
				? 100
				: 300,
			sample: [],
		},
	} ) );
	server.on( 'GET', '/rondine/v1/campaigns', () => ( {
		body: { campaigns: [] },
	} ) );
	// The bridge's forecast (its answer's shape): 300 phones, none reached today, 250 free, minus what others take.
	server.on( 'POST', '/rondine/v1/campaigns/forecast', ( request ) => {
		const taken = ( request.body as { taken?: number } ).taken ?? 0;
		return {
			body: {
				limit: 250,
				recipients: 300,
				already_in_window: 0,
				free: 250,
				taken,
				fits: Math.min( 300, Math.max( 0, 250 - taken ) ),
				over: Math.max( 0, 300 - Math.max( 0, 250 - taken ) ),
				frees_at: null,
			},
		};
	} );
} );

afterEach( () => server.restore() );

describe( 'campaign editor', () => {
	it( 'offers only approved templates and shows names as text', async () => {
		renderWithStore( <CampaignEditor /> );

		const picker = await screen.findByLabelText( 'Approved template' );
		const options = Array.from(
			( picker as HTMLSelectElement ).options
		).map( ( option ) => option.textContent );
		expect( options ).toEqual( [
			'Choose a template',
			'spring_sale (it)',
		] );
		// The segment name is text, not markup.
		expect(
			screen.getByLabelText( '<script>alert("x")</script> big spenders' )
		).toBeTruthy();
		expect( document.querySelector( 'script' ) ).toBeNull();
	} );

	it( 'refuses a past start time with a clear message and sends nothing', async () => {
		renderWithStore( <CampaignEditor /> );

		fireEvent.change( await screen.findByLabelText( 'Campaign name' ), {
			target: { value: 'Spring' },
		} );
		fireEvent.click(
			screen.getByLabelText( '<script>alert("x")</script> big spenders' )
		);
		fireEvent.change( screen.getByLabelText( 'Approved template' ), {
			target: { value: 'spring_sale|it' },
		} );
		fireEvent.change(
			await screen.findByLabelText( 'Text for Body {{1}}' ),
			{
				target: { value: 'amico' },
			}
		);
		fireEvent.change( screen.getByLabelText( /^Start \(shop time/ ), {
			target: { value: '2001-01-01T10:00' },
		} );
		await act( async () => {
			fireEvent.click(
				screen.getByRole( 'button', { name: 'Schedule' } )
			);
		} );

		expect(
			screen.getByTestId( 'rondine-editor-problems' ).textContent
		).toContain( 'The start time is in the past.' );
		expect(
			server.requests.filter(
				( r ) =>
					r.method !== 'GET' &&
					! r.path.endsWith( '/count' ) &&
					! r.path.endsWith( '/forecast' )
			)
		).toEqual( [] );
	} );

	it( 'shows the daily-limit forecast for the chosen audience', async () => {
		renderWithStore( <CampaignEditor /> );

		fireEvent.click(
			await screen.findByLabelText(
				'<script>alert("x")</script> big spenders'
			)
		);
		fireEvent.change( screen.getByLabelText( /^Start \(shop time/ ), {
			target: { value: '2099-01-01T10:00' },
		} );

		await waitFor( () =>
			expect( screen.getByTestId( 'rondine-forecast' ).textContent ).toBe(
				'300 recipients, 250 left in the 24 h window: 50 will fail and can be retried.'
			)
		);
	} );

	it( 'subtracts the audience of another campaign scheduled in the 24 h before the start, and names it', async () => {
		const other = ( id: string, name: string, startAt: string ) =>
			campaignFixture( {
				id,
				name,
				state: 'scheduled',
				start_at: startAt,
				audience: { segments: [ 9 ], lists: [] },
				template: {
					name: 'spring_sale',
					language: 'it',
					components: [],
				},
			} );
		server.on( 'GET', '/rondine/v1/campaigns', ( request ) => ( {
			body: {
				campaigns:
					request.query.get( 'state' ) === 'scheduled'
						? [
								other(
									'black-friday',
									'Black Friday',
									'2099-01-01T06:00:00Z'
								),
								// A day and more before: its sends have left the window.
								other(
									'long-ago',
									'New Year',
									'2098-12-31T09:00:00Z'
								),
							]
						: [],
			},
		} ) );
		renderWithStore( <CampaignEditor /> );

		fireEvent.click(
			await screen.findByLabelText(
				'<script>alert("x")</script> big spenders'
			)
		);
		fireEvent.change( screen.getByLabelText( /^Start \(shop time/ ), {
			target: { value: '2099-01-01T10:00' },
		} );

		await waitFor( () =>
			expect(
				screen.getByTestId( 'rondine-forecast' ).textContent
			).toMatch(
				/^300 recipients, 250 left in the 24 h window, of which 100 are taken by “Black Friday” scheduled at .+: 150 will fail and can be retried\.$/
			)
		);
		expect(
			screen.getByTestId( 'rondine-forecast' ).textContent
		).not.toContain( 'New Year' );
		// Read fresh from the bridge, scheduled and running ones.
		expect(
			server.requests
				.filter( ( r ) => r.path === '/rondine/v1/campaigns' )
				.map( ( r ) => r.query.get( 'state' ) )
				.sort()
		).toEqual( [ 'running', 'scheduled' ] );
	} );
} );
