/**
 * External dependencies
 */
import {
	afterEach,
	beforeEach,
	describe,
	expect,
	it,
	jest,
} from '@jest/globals';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { ChatButtonScreen } from '..';
import { previewDocument } from '../preview-document';
import type { ChatButtonSettings } from '../types';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';
import type { AutomationSummary } from '../../automations/types';

const settings: ChatButtonSettings = {
	enabled: true,
	agents: [
		{
			name: 'Giulia',
			phone: '393331234567',
			photo: '',
			role: 'Sales',
			hours: null,
		},
	],
	title: 'Chat on WhatsApp',
	greeting: 'Ciao!',
	cta: 'Chat with us',
	message: 'Hello {SITE}',
	keyword: '',
	position: 'right',
	color: '#25d366',
	delay: 0,
	scroll: 0,
	include_pages: '',
	exclude_pages: '',
	product_only: false,
	full_url: false,
	device: 'all',
	off_hours: 'note',
	later_note: 'Back soon.',
	consent_required: false,
	consent_text: 'I agree.',
};

let server: FakeServer;

/** An automation of GET /automations (the contract's list shape). */
function automation(
	id: string,
	name: string,
	type: 'keyword' | 'event',
	value: string,
	state: AutomationSummary[ 'state' ]
): AutomationSummary {
	return {
		id,
		name,
		state,
		version: 1,
		trigger:
			type === 'keyword'
				? { type, keyword: value }
				: { type, event: value },
		reentry: { mode: 'once' },
		exit_on: [],
		created_at: 1,
		updated_at: 1,
		runs: { active: 0, completed: 0, exited: 0, failed: 0 },
	};
}

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/chat-button', () => ( { body: settings } ) );
	server.on( 'GET', '/rondine/v1/automations', () => ( {
		body: {
			automations: [
				automation(
					'a1',
					'Risposta PROMO',
					'keyword',
					'Promò',
					'active'
				),
				automation(
					'a2',
					'Due parole',
					'keyword',
					'due parole',
					'active'
				),
				automation(
					'a3',
					'Benvenuto',
					'event',
					'contact.opted_in',
					'active'
				),
				automation( 'a4', 'Vecchia', 'keyword', 'OLD', 'archived' ),
			],
		},
	} ) );
	server.on( 'GET', '/rondine/v1/chat-button/stats', () => ( {
		body: { total: 7, by_day: [], by_agent: [] },
	} ) );
	server.on( 'POST', '/rondine/v1/chat-button/preview', ( request ) => ( {
		body: {
			config: {
				greeting: ( request.body as ChatButtonSettings ).greeting,
			},
			script: 'http://localhost/wp-content/plugins/rondine/build/widget/rondine-chat.js?ver=1',
		},
	} ) );
} );

afterEach( () => server.restore() );

describe( 'ChatButtonScreen', () => {
	it( 'shows the stored settings and the clicks of the last 30 days', async () => {
		renderWithStore( <ChatButtonScreen /> );
		expect( await screen.findByDisplayValue( 'Giulia' ) ).toBeTruthy();
		expect( screen.getByDisplayValue( '393331234567' ) ).toBeTruthy();
		expect(
			screen.getByText( '7 clicks on WhatsApp in the last 30 days.' )
		).toBeTruthy();
	} );

	it( 'saves the edited settings', async () => {
		server.on( 'PUT', '/rondine/v1/chat-button', ( request ) => ( {
			body: request.body,
		} ) );
		renderWithStore( <ChatButtonScreen /> );
		fireEvent.change( await screen.findByLabelText( 'Greeting' ), {
			target: { value: 'Buongiorno!' },
		} );
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		await waitFor( () =>
			expect(
				server.requests.find( ( r ) => r.method === 'PUT' )
			).toBeTruthy()
		);
		const put = server.requests.find( ( r ) => r.method === 'PUT' )!;
		expect( ( put.body as ChatButtonSettings ).greeting ).toBe(
			'Buongiorno!'
		);
	} );

	it( 'picks an automation started by a one-word keyword, which becomes the chat button’s keyword', async () => {
		server.on( 'PUT', '/rondine/v1/chat-button', ( request ) => ( {
			body: request.body,
		} ) );
		renderWithStore( <ChatButtonScreen /> );
		const picker = ( await screen.findByLabelText(
			'Automation started by the chat button'
		) ) as HTMLSelectElement;
		// Only active, paused or draft automations whose keyword is one word: not the event, the two words, the archive.
		expect(
			Array.from( picker.options ).map( ( option ) => option.value )
		).toEqual( [ '', 'a1' ] );
		fireEvent.change( picker, { target: { value: 'a1' } } );
		expect(
			(
				screen.getByLabelText(
					'Keyword before the message'
				) as HTMLInputElement
			 ).value
		).toBe( 'Promò' );
		// Typed differently (case, accents), the keyword still names the automation.
		fireEvent.change(
			screen.getByLabelText( 'Keyword before the message' ),
			{
				target: { value: 'promo' },
			}
		);
		expect( picker.value ).toBe( 'a1' );
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		await waitFor( () =>
			expect(
				server.requests.find( ( r ) => r.method === 'PUT' )
			).toBeTruthy()
		);
		const put = server.requests.find( ( r ) => r.method === 'PUT' )!;
		expect( ( put.body as ChatButtonSettings ).keyword ).toBe( 'promo' );
	} );

	it( 'offers no automation, and shows no error, when the bridge has no automations', async () => {
		server.on( 'GET', '/rondine/v1/automations', () => ( {
			status: 404,
			body: {
				code: 'not_found',
				message: 'Route GET:/v1/automations not found',
			},
		} ) );
		renderWithStore( <ChatButtonScreen /> );
		expect(
			await screen.findByLabelText( 'Keyword before the message' )
		).toBeTruthy();
		await waitFor( () =>
			expect(
				server.requests.some(
					( r ) => r.path === '/rondine/v1/automations'
				)
			).toBe( true )
		);
		expect(
			screen.queryByLabelText( 'Automation started by the chat button' )
		).toBeNull();
		expect(
			screen.queryByText( 'Route GET:/v1/automations not found' )
		).toBeNull();
	} );

	it( 'shows why a save was refused, next to the field', async () => {
		const message =
			'Agent 1: The phone number is not valid for its country.';
		server.on( 'PUT', '/rondine/v1/chat-button', () => ( {
			status: 400,
			body: {
				code: 'rondine_invalid_chat_button',
				message,
				data: { status: 400, errors: { 'agents[0].phone': message } },
			},
		} ) );
		renderWithStore( <ChatButtonScreen /> );
		fireEvent.change( await screen.findByLabelText( 'WhatsApp number' ), {
			target: { value: '+39 000 0000000' },
		} );
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		expect( await screen.findByText( 'Nothing was saved:' ) ).toBeTruthy();
		expect( screen.getAllByText( message ).length ).toBe( 2 );
		// The form keeps what was typed.
		expect( screen.getByDisplayValue( '+39 000 0000000' ) ).toBeTruthy();
	} );

	it( 'checks an incomplete form in the browser: no preview request, no save request, the reason by the field', async () => {
		renderWithStore( <ChatButtonScreen /> );
		await screen.findByTestId(
			'rondine-chat-button-preview',
			{},
			{ timeout: 3000 }
		);
		const previews = () =>
			server.requests.filter( ( r ) => r.path.includes( '/preview' ) )
				.length;
		const before = previews();
		// The clock is the test's: past the preview's 400 ms debounce, nothing was asked of the server.
		jest.useFakeTimers();
		for ( const typed of [ '+', '+3', '+39', '+39 3', '+39 33' ] ) {
			fireEvent.change( screen.getByLabelText( 'WhatsApp number' ), {
				target: { value: typed },
			} );
		}
		act( () => {
			jest.advanceTimersByTime( 2000 );
		} );
		jest.useRealTimers();
		expect( previews() ).toBe( before );
		const incomplete =
			'Agent 1: type the whole WhatsApp number, with the country code (for example +39 333 1234567).';
		expect( screen.getByText( incomplete ) ).toBeTruthy();
		expect(
			screen.getAllByText(
				'The preview follows your changes again once the form is complete.'
			).length
		).toBeGreaterThan( 0 );
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		expect( await screen.findByText( 'Nothing was saved:' ) ).toBeTruthy();
		expect( server.requests.some( ( r ) => r.method === 'PUT' ) ).toBe(
			false
		);

		fireEvent.change( screen.getByLabelText( 'WhatsApp number' ), {
			target: { value: '+39 333 1234567' },
		} );
		await waitFor( () => expect( previews() ).toBe( before + 1 ), {
			timeout: 3000,
		} );
		expect( screen.queryByText( incomplete ) ).toBeNull();
	}, 20000 );

	it( 'previews the real widget from the unsaved settings', async () => {
		renderWithStore( <ChatButtonScreen /> );
		fireEvent.change( await screen.findByLabelText( 'Greeting' ), {
			target: { value: 'Preview me' },
		} );
		const frame = ( await screen.findByTestId(
			'rondine-chat-button-preview',
			{},
			{ timeout: 3000 }
		) ) as HTMLIFrameElement;
		await waitFor( () =>
			expect( frame.getAttribute( 'srcdoc' ) ).toContain( 'Preview me' )
		);
		expect( frame.getAttribute( 'srcdoc' ) ).toContain(
			'<script type="module" src="http://localhost/wp-content/plugins/rondine/build/widget/rondine-chat.js?ver=1">'
		);
	} );
} );

describe( 'previewDocument', () => {
	it( 'keeps texts from closing the script element', () => {
		const html = previewDocument(
			{ greeting: '</script><script>alert(1)</script>' },
			'https://shop.test/rondine-chat.js?a=1&b="2"',
			'rtl',
			'ar'
		);
		expect( html.match( /<\/script>/g ) ).toHaveLength( 2 );
		expect( html ).toContain( '\\u003c/script>' );
		expect( html ).toContain(
			'src="https://shop.test/rondine-chat.js?a=1&amp;b=&quot;2&quot;"'
		);
		expect( html ).toContain( '<html lang="ar" dir="rtl">' );
	} );
} );
