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
