/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { screen } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { SettingsScreen } from '../index';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/settings', () => ( {
		body: {
			connection: {
				connected: true,
				bridge_url: 'https://bridge.example',
				site_id: '7d7b3f0e-1c2a-4b5d-9e8f-0a1b2c3d4e5f',
				connected_at: '2026-12-01T10:00:00+00:00',
				needs_new_code: false,
			},
			default_country: 'IT',
			effective_country: 'IT',
			consent_text: 'Yes',
			consent_text_rendered: 'Yes',
			supported_phone_countries: [ 'IT' ],
		},
	} ) );
} );

afterEach( () => {
	server.restore();
	delete window.rondineAdmin;
} );

describe( 'settings screen', () => {
	it( 'shows a shop manager the connection but not the forms that change where data goes', async () => {
		window.rondineAdmin = { canManageConnection: false };
		renderWithStore( <SettingsScreen /> );

		await screen.findByText( /Connected to https:\/\/bridge\.example/ );
		expect(
			Array.from(
				document.querySelectorAll( '.components-notice' )
			).some( ( notice ) =>
				notice.textContent?.includes(
					'Only an administrator can connect'
				)
			)
		).toBe( true );
		expect(
			screen.queryByRole( 'button', { name: 'Connect' } )
		).toBeNull();
		expect(
			screen.queryByRole( 'button', { name: 'Disconnect' } )
		).toBeNull();
		expect(
			screen.queryByRole( 'button', { name: 'Save credentials' } )
		).toBeNull();
		// The shop's own settings stay.
		expect( screen.getByRole( 'button', { name: 'Save' } ) ).toBeTruthy();
	} );

	it( 'gives an administrator the connection and credential forms', async () => {
		window.rondineAdmin = { canManageConnection: true };
		renderWithStore( <SettingsScreen /> );

		await screen.findByRole( 'button', { name: 'Connect' } );
		expect(
			screen.getByRole( 'button', { name: 'Disconnect' } )
		).toBeTruthy();
		expect(
			screen.getByRole( 'button', { name: 'Save credentials' } )
		).toBeTruthy();
		// (The notice, were it shown; wp.a11y's live region may still hold an earlier one.)
		expect(
			Array.from(
				document.querySelectorAll( '.components-notice' )
			).some( ( notice ) =>
				notice.textContent?.includes(
					'Only an administrator can connect'
				)
			)
		).toBe( false );
	} );

	it( 'asks for a new connection code when the stored one cannot be read', async () => {
		window.rondineAdmin = { canManageConnection: true };
		server.on( 'GET', '/rondine/v1/settings', () => ( {
			body: {
				connection: {
					connected: false,
					bridge_url: null,
					site_id: null,
					connected_at: null,
					needs_new_code: true,
				},
				default_country: 'IT',
				effective_country: 'IT',
				consent_text: 'Yes',
				consent_text_rendered: 'Yes',
				supported_phone_countries: [ 'IT' ],
			},
		} ) );
		renderWithStore( <SettingsScreen /> );

		expect(
			( await screen.findAllByText( /Paste a new connection code/ ) )
				.length
		).toBeGreaterThan( 0 );
	} );
} );
