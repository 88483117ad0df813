/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor } from '@testing-library/react';

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

	it( 'guides the connection of a WhatsApp number: checked as typed, then with WhatsApp, then saved', async () => {
		window.rondineAdmin = { canManageConnection: true };
		server.on( 'POST', '/rondine/v1/whatsapp/check', ( request ) => {
			const body = request.body as { access_token: string };
			return body.access_token === 'EAAGbottegaWrongToken0001'
				? {
						status: 422,
						body: {
							code: 'whatsapp_token_rejected',
							message:
								'WhatsApp did not accept the access token: it may be incomplete, expired or revoked.',
							data: {
								status: 422,
								detail: 'The Cloud API did not accept these credentials (Invalid OAuth access token (code 190)); nothing was saved.',
							},
						},
					}
				: {
						body: {
							phone_number_id: '106540352242922',
							display_phone_number: '+39 02 1234 5678',
							verified_name: 'Bottega Demo',
							quality: 'GREEN',
							messaging_limit_tier: 'TIER_2K',
							throughput_mps: 80,
						},
					};
		} );
		server.on( 'PUT', '/rondine/v1/whatsapp', () => ( {
			body: { saved: true, status: {} },
		} ) );
		server.on( 'GET', '/rondine/v1/status', () => ( {
			body: { bridge: { connected: true } },
		} ) );
		renderWithStore( <SettingsScreen /> );
		const check = await screen.findByRole( 'button', {
			name: 'Check with WhatsApp',
		} );
		const save = screen.getByRole( 'button', { name: 'Save credentials' } );
		const type = ( label: string, value: string ) =>
			fireEvent.change( screen.getByLabelText( label ), {
				target: { value },
			} );

		// Checked as typed: a phone number where the id goes.
		type( 'Phone number ID', '+39 02 1234 5678' );
		expect( screen.getByText( /Only digits/ ) ).toBeTruthy();
		type( 'Phone number ID', '106540352242922' );
		expect( screen.queryByText( /Only digits/ ) ).toBeNull();
		type( 'WhatsApp Business Account ID', '102290129340398' );
		type( 'Access token', 'EAAGbottegaWrongToken0001' );
		type( 'App secret', '0123456789abcdef0123456789abcdef' );
		expect( save.hasAttribute( 'disabled' ) ).toBe( true );

		// A refusal in the owner's words, Meta's text folded away.
		fireEvent.click( check );
		expect(
			// The paragraph itself (a11y-speak repeats the notice in a live region a moment later).
			await screen.findByText( /did not accept the access token/, {
				selector: 'p',
			} )
		).toBeTruthy();
		expect( screen.getByText( 'Technical details' ) ).toBeTruthy();
		expect( save.hasAttribute( 'disabled' ) ).toBe( true );

		type( 'Access token', 'EAAGbottegaRightToken0001' );
		fireEvent.click( check );
		const number = await screen.findByTestId( 'rondine-whatsapp-check' );
		expect( number.textContent ).toContain( '+39 02 1234 5678' );
		expect( number.textContent ).toContain( 'Bottega Demo' );
		expect( number.textContent ).toContain( 'High' );
		expect( number.textContent ).toContain( 'Up to 2,000 people a day' );
		await waitFor( () =>
			expect( save.hasAttribute( 'disabled' ) ).toBe( false )
		);
		fireEvent.click( save );
		await waitFor( () =>
			expect(
				server.requests.find( ( r ) => r.method === 'PUT' )?.body
			).toEqual( {
				phone_number_id: '106540352242922',
				waba_id: '102290129340398',
				access_token: 'EAAGbottegaRightToken0001',
				app_secret: '0123456789abcdef0123456789abcdef',
			} )
		);
		// Secrets leave the browser once.
		await waitFor( () =>
			expect(
				( screen.getByLabelText( 'Access token' ) as HTMLInputElement )
					.value
			).toBe( '' )
		);
	}, 20000 );

	it( 'offers every country by name for numbers without a prefix', async () => {
		server.on( 'GET', '/rondine/v1/settings', () => ( {
			body: {
				connection: { connected: true },
				default_country: '',
				effective_country: 'IT',
				consent_text: 'Yes',
				countries: { IT: 'Italy', CH: null, BR: 'Brazil' },
			},
		} ) );
		renderWithStore( <SettingsScreen /> );
		const select = ( await screen.findByLabelText(
			'Default country for phone numbers'
		) ) as HTMLSelectElement;
		const labels = Array.from( select.options ).map( ( o ) => o.text );
		expect( labels ).toEqual( [
			'The shop’s country (WooCommerce setting)',
			'Brazil',
			'Italy',
			'Switzerland',
		] );
		expect( screen.getByText( /Now: Italy\./ ) ).toBeTruthy();
	} );

	it( 'lets the owner choose who gets messages about their order, only those who agreed by default', async () => {
		let saved: unknown = null;
		server.on( 'POST', '/rondine/v1/settings', ( request ) => {
			saved = request.body;
			return {
				body: {
					connection: { connected: true },
					default_country: 'IT',
					consent_text: 'Yes',
					order_messages_to: 'customers',
				},
			};
		} );
		renderWithStore( <SettingsScreen /> );
		const only = ( await screen.findByLabelText(
			'Only customers who agreed to WhatsApp messages'
		) ) as HTMLInputElement;
		expect( only.checked ).toBe( true );
		fireEvent.click(
			screen.getByLabelText(
				'Every customer who gave a phone number at checkout'
			)
		);
		fireEvent.click(
			screen.getAllByRole( 'button', {
				name: 'Save',
			} )[ 0 ] as HTMLElement
		);
		await waitFor( () =>
			expect( saved ).toMatchObject( { order_messages_to: 'customers' } )
		);
	} );
} );
