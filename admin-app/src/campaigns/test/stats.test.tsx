/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { CampaignStatsScreen } from '../stats';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';
import {
	campaignFixture,
	counters,
	statsFixture,
} from '../../test-utils/campaign';

let server: FakeServer;

const ID = '6f1c2a7e-0d55-4f7e-9a1e-2b8f1c0d9e11';

function stats( sent: number ) {
	return statsFixture( {
		counters: counters( {
			total: 2,
			automations: { to_start: 2 - sent, completed: sent },
			messages: { sent },
		} ),
		progress: {
			done: sent,
			cancelled: 0,
			remaining: 2 - sent,
			rate_per_second: null,
			eta_seconds: null,
			estimated_end_at: null,
		},
	} );
}

beforeEach( () => {
	server = fakeServer();
} );

afterEach( () => {
	server.restore();
} );

describe( 'campaign stats recipients', () => {
	it( 'lists the recipients, by name with a link to the contact, as soon as the cards show sends', async () => {
		let sent = 0;
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }`, () => ( {
			body: campaignFixture( {
				id: ID,
				name: 'Autumn sale',
				state: 'running',
				start_at: '2026-12-07T10:00:00Z',
			} ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/stats`, () => ( {
			body: stats( sent ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/recipients`, () => ( {
			body: {
				recipients:
					sent === 0
						? []
						: [
								{
									id: 1,
									contact_id: 41,
									name: 'Ada Lovelace',
									phone: '+393330000001',
									state: 'completed',
									message_status: 'sent',
									updated_at: '2026-12-07T10:00:05Z',
								},
								{
									id: 2,
									contact_id: null,
									name: '',
									phone: '+393330000002',
									state: 'completed',
									message_status: 'sent',
									updated_at: '2026-12-07T10:00:06Z',
								},
							],
				next_after: null,
			},
		} ) );

		renderWithStore( <CampaignStatsScreen id={ ID } /> );
		const table = await screen.findByTestId( 'rondine-recipients' );
		expect( table.textContent ).toContain( 'No recipients match.' );

		// The bridge sends; the live refresh (every 5 s) brings the cards, and the table follows without a reload.
		sent = 2;
		const link = await screen.findByRole(
			'link',
			{ name: 'Ada Lovelace' },
			{ timeout: 9000 }
		);
		expect( link.getAttribute( 'href' ) ).toBe( '#/audience/contacts/41' );
		await waitFor( () =>
			expect(
				within(
					screen.getByTestId( 'rondine-recipients' )
				).queryByText( 'No recipients match.' )
			).toBeNull()
		);
		expect(
			within( screen.getByTestId( 'rondine-recipients' ) ).getByText(
				'Contact deleted'
			)
		).toBeTruthy();
	}, 15000 );
} );

describe( 'campaign stats figures', () => {
	it( 'shows the recipients the frequency cap held back, only when there are some', async () => {
		let capped = 0;
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }`, () => ( {
			body: campaignFixture( {
				id: ID,
				name: 'Winter sale',
				state: 'completed',
			} ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/stats`, () => ( {
			body: statsFixture( {
				counters: counters( {
					total: 3,
					automations: { completed: 3 - capped, capped },
					messages: { sent: 3 - capped },
				} ),
			} ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/recipients`, () => ( {
			body: { recipients: [], next_after: null },
		} ) );

		const first = renderWithStore( <CampaignStatsScreen id={ ID } /> );
		await screen.findByTestId( 'rondine-stat-completed' );
		expect( screen.queryByTestId( 'rondine-stat-capped' ) ).toBeNull();
		first.unmount();

		capped = 2;
		renderWithStore( <CampaignStatsScreen id={ ID } /> );
		const bar = await screen.findByTestId( 'rondine-stat-capped' );
		expect( bar.textContent ).toContain(
			'Held back by the frequency cap (never sent)'
		);
		expect( bar.textContent ).toContain( '2' );
	} );
} );

describe( 'a campaign that launched an automation', () => {
	it( 'counts runs in words true for an automation, and shows each step’s numbers for this campaign', async () => {
		const stepStats = ( over: Record< string, number > ) => ( {
			entered: 0,
			waiting: 0,
			completed: 0,
			exited: 0,
			failed: 0,
			sent: 0,
			delivered: 0,
			read: 0,
			replied: 0,
			...over,
		} );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }`, () => ( {
			body: campaignFixture( {
				id: ID,
				name: 'Launch',
				state: 'running',
				template: null,
				automation: {
					id: 'follow-up',
					name: 'Follow-up',
					version: 2,
					steps: [
						{ id: 'ask', type: 'send_template', next: 'wait' },
						{
							id: 'wait',
							type: 'wait_reply',
							timeout_minutes: 1440,
							branches: [],
							no_reply: null,
						},
					],
					runs: {
						to_start: 0,
						in_progress: 7,
						completed: 2,
						failed: 1,
						exited: 0,
						cancelled: 0,
					},
					step_stats: {
						ask: stepStats( {
							entered: 10,
							completed: 9,
							failed: 1,
							sent: 9,
							delivered: 8,
						} ),
						wait: stepStats( {
							entered: 9,
							waiting: 7,
							completed: 2,
							replied: 2,
						} ),
					},
				},
			} ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/stats`, () => ( {
			body: statsFixture( {
				counters: counters( {
					total: 10,
					automations: { in_progress: 7, completed: 2, failed: 1 },
					messages: { sent: 9, delivered: 8 },
				} ),
			} ),
		} ) );
		server.on( 'GET', `/rondine/v1/campaigns/${ ID }/recipients`, () => ( {
			body: { recipients: [], next_after: null },
		} ) );

		renderWithStore( <CampaignStatsScreen id={ ID } /> );
		expect(
			( await screen.findByTestId( 'rondine-stat-in-progress' ) )
				.textContent
		).toContain( 'In progress (steps still ahead)' );
		expect( screen.getByText( 'Runs of “Follow-up”' ) ).toBeTruthy();
		expect(
			screen.getByTestId( 'rondine-stat-completed' ).textContent
		).toContain( 'Went through the automation' );
		// Each step with the numbers of this campaign's runs.
		expect( screen.getByText( 'Steps of “Follow-up”' ) ).toBeTruthy();
		const ask = screen.getByTestId( 'rondine-step-numbers-ask' );
		expect(
			within( ask ).getByText( 'Entered' ).nextSibling?.textContent
		).toBe( '10' );
		expect( ask.textContent ).toContain( 'Delivered' );
		const wait = screen.getByTestId( 'rondine-step-numbers-wait' );
		expect(
			within( wait ).getByText( 'Waiting now' ).nextSibling?.textContent
		).toBe( '7' );
		// A wait step sends nothing: no delivery figures under it.
		expect( within( wait ).queryByText( 'Delivered' ) ).toBeNull();
	} );
} );
