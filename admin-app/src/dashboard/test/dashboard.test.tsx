/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { screen } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { Dashboard } from '..';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';
import type { Status } from '../../store/types';

const status: Status = {
	plugin_version: '0.1.0',
	wordpress_version: '6.8.3',
	php_version: '8.2.29',
	woocommerce: { data_present: true, order_storage: 'hpos', customers: 500 },
	bridge: {
		connected: true,
		reachable: true,
		url: 'http://127.0.0.1:8090',
		site_id: '8d7c1c1e-0000-4000-8000-000000000001',
		status: {
			whatsapp: {
				mode: 'sandbox',
				phone_number_id: '106540352242922',
				display_phone_number: '+39 02 1234 5678',
				quality: 'GREEN',
				messaging_limit_tier: 'TIER_10K',
				throughput_mps: 80,
				halted_reason: null,
			},
			daily_limit: { limit: 10000, used: 2500, remaining: 7500 },
		},
	},
};

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: { templates: [] },
	} ) );
	server.on( 'GET', '/rondine/v1/campaigns', () => ( {
		body: { campaigns: [] },
	} ) );
} );

afterEach( () => server.restore() );

describe( 'Dashboard', () => {
	it( 'says it is connected and shows the versions and the WhatsApp limits', async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( { body: status } ) );

		renderWithStore( <Dashboard /> );

		expect(
			await screen.findByText( 'Connected to the bridge' )
		).toBeTruthy();
		expect(
			screen.getByTestId( 'rondine-wordpress-version' ).textContent
		).toContain( '6.8.3' );
		expect(
			screen.getByTestId( 'rondine-whatsapp-daily-limit' ).textContent
		).toContain( '2,500 of 10,000 used in the last 24 h, 7,500 left' );
		expect(
			screen.getByTestId( 'rondine-woocommerce-data' ).textContent
		).toContain( 'Yes (HPOS order tables)' );
		expect( await screen.findByText( /No campaigns yet/ ) ).toBeTruthy();
	} );

	it( "speaks the owner's words: the number as they know it, quality as High/Medium/Low, the technical facts folded away", async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: {
				...status,
				bridge: {
					...status.bridge,
					status: {
						...status.bridge.status,
						whatsapp: {
							...status.bridge.status!.whatsapp,
							mode: 'live',
							quality: 'YELLOW',
						},
					},
				},
			},
		} ) );
		renderWithStore( <Dashboard /> );

		expect(
			( await screen.findByTestId( 'rondine-whatsapp-number' ) )
				.textContent
		).toBe( '+39 02 1234 5678' );
		expect(
			screen.getByTestId( 'rondine-whatsapp-quality' ).textContent
		).toBe( 'Medium' );
		const details = screen.getByTestId( 'rondine-technical-details' );
		expect( details.hasAttribute( 'open' ) ).toBe( false );
		// Outside "Technical details": no address, no id, no Meta code, no PHP.
		const main = document.querySelector( '.rondine-dashboard' )!;
		const outside = Array.from( main.querySelectorAll( 'dd, p' ) )
			.filter( ( node ) => ! details.contains( node ) )
			.map( ( node ) => node.textContent )
			.join( ' ' );
		for ( const technical of [
			'127.0.0.1',
			'8d7c1c1e',
			'106540352242922',
			'YELLOW',
			'8.2.29',
		] ) {
			expect( outside ).not.toContain( technical );
			expect( details.textContent ).toContain( technical );
		}
	} );

	it( 'shows a sandbox number as a test number, not as an id', async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: {
				...status,
				bridge: {
					...status.bridge,
					status: {
						...status.bridge.status,
						whatsapp: {
							...status.bridge.status!.whatsapp,
							phone_number_id: 'sandbox-8d7c1c1e',
							display_phone_number: null,
						},
					},
				},
			},
		} ) );
		renderWithStore( <Dashboard /> );
		const number = await screen.findByTestId( 'rondine-whatsapp-number' );
		expect( number.textContent ).toContain( 'test number' );
		expect( number.textContent ).not.toContain( 'sandbox-' );
	} );

	it( 'says it is not connected and points to the settings', async () => {
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: { ...status, bridge: { connected: false } },
		} ) );

		renderWithStore( <Dashboard /> );

		expect(
			( await screen.findByTestId( 'rondine-bridge-state' ) ).textContent
		).toContain( 'Not connected' );
		expect(
			screen
				.getByRole( 'link', { name: 'Paste the connection code' } )
				.getAttribute( 'href' )
		).toBe( '#/settings' );
		// Campaigns live on the bridge: nothing to ask for without one.
		expect(
			server.requests.some( ( r ) => r.path === '/rondine/v1/campaigns' )
		).toBe( false );
	} );
} );
