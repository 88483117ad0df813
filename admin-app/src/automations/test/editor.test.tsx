/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
	act,
	fireEvent,
	screen,
	waitFor,
	within,
} from '@testing-library/react';

/**
 * Internal dependencies
 */
import { AutomationEditor } from '../editor';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import {
	AUTOMATION_ID,
	automationFixture,
	renderWithAutomations,
} from '../../test-utils/automation';
import type { Automation, AutomationInput } from '../types';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: {
			templates: [
				{
					name: 'promemoria',
					language: 'it',
					status: 'APPROVED',
					category: 'MARKETING',
					components: [
						{ type: 'BODY', text: 'Ciao {{1}}, ci sei?' },
					],
				},
			],
		},
	} ) );
	server.on( 'GET', '/rondine/v1/tags', () => ( {
		body: [ { id: 3, name: 'vip', slug: 'vip', count: 4 } ],
	} ) );
	server.on( 'GET', '/rondine/v1/lists', () => ( {
		body: [ { id: 12, name: 'Interessati' } ],
	} ) );
} );

afterEach( () => {
	server.restore();
	window.location.hash = '';
} );

const card = ( id: string ) =>
	within( screen.getByTestId( `rondine-step-${ id }` ) );

const change = ( element: HTMLElement, value: string ) =>
	fireEvent.change( element, { target: { value } } );

function addStep( type: string, where: string ) {
	change( screen.getByLabelText( 'Step to add' ), type );
	change( screen.getByLabelText( 'Where' ), where );
	fireEvent.click( screen.getByRole( 'button', { name: 'Add step' } ) );
}

function headings(): string[] {
	return screen
		.getAllByRole( 'heading', { level: 3 } )
		.map( ( heading ) => heading.textContent ?? '' )
		.filter( ( text ) => text.startsWith( 'Step ' ) );
}

describe( 'AutomationEditor', () => {
	it( 'builds send with two buttons → wait for a reply 24 h → branches, and creates it with the contract’s body', async () => {
		let created: unknown = null;
		server.on( 'POST', '/rondine/v1/automations', ( request ) => {
			created = request.body;
			return {
				status: 201,
				body: {
					...( request.body as AutomationInput ),
					id: AUTOMATION_ID,
					state: 'draft',
					version: 1,
					created_at: 1,
					updated_at: 1,
				},
			};
		} );
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );

		change( screen.getByLabelText( 'Automation name' ), 'Promo' );
		change( screen.getByLabelText( 'Keyword' ), 'PROMO' );
		change( card( 's1' ).getByLabelText( 'Message' ), 'Vuoi lo sconto?' );
		fireEvent.click(
			card( 's1' ).getByRole( 'button', { name: 'Add a button' } )
		);
		fireEvent.click(
			card( 's1' ).getByRole( 'button', { name: 'Add a button' } )
		);
		change( card( 's1' ).getByLabelText( 'Button 1' ), 'Sì' );
		change( card( 's1' ).getByLabelText( 'Button 2' ), 'No' );

		// The wait comes after the send, which now leads to it.
		addStep( 'wait_reply', '0' );
		expect(
			( card( 's1' ).getByLabelText( 'Then go to' ) as HTMLSelectElement )
				.value
		).toBe( 's2' );
		expect(
			(
				card( 's2' ).getByLabelText(
					'Wait for a reply for (hours)'
				) as HTMLInputElement
			 ).value
		).toBe( '24' );

		// Button A sends a text, button B tags, no reply sends a reminder template: each added right after the wait,
		// which branches, so none of them is chained to another.
		addStep( 'send_template', '1' );
		addStep( 'tag', '1' );
		addStep( 'send_text', '1' );
		expect( headings() ).toEqual( [
			'Step 1 · Send a message with buttonsfirst step',
			'Step 2 · Wait for a reply',
			'Step 3 · Send a message with buttons',
			'Step 4 · Add or remove tags',
			'Step 5 · Send a template',
		] );
		change(
			card( 's5' ).getByLabelText( 'Message' ),
			'Ecco il codice: SCONTO10'
		);
		fireEvent.change( card( 's4' ).getByLabelText( 'Add the tags' ), {
			target: { value: 'vip' },
		} );
		fireEvent.keyDown( card( 's4' ).getByLabelText( 'Add the tags' ), {
			key: 'Enter',
		} );
		await card( 's3' ).findByRole( 'option', { name: 'promemoria (it)' } );
		change(
			await card( 's3' ).findByRole( 'combobox', {
				name: 'Approved template',
			} ),
			'promemoria|it'
		);
		change(
			await card( 's3' ).findByLabelText( 'Text for Body {{1}}' ),
			'cliente'
		);

		const wait = card( 's2' );
		change( wait.getByLabelText( 'Branch 1: when the contact' ), 'A' );
		change( wait.getByLabelText( 'Branch 1: then go to' ), 's5' );
		fireEvent.click( wait.getByRole( 'button', { name: 'Add a branch' } ) );
		expect(
			(
				wait.getByLabelText(
					'Branch 2: when the contact'
				) as HTMLSelectElement
			 ).value
		).toBe( 'B' );
		change( wait.getByLabelText( 'Branch 2: then go to' ), 's4' );
		change( wait.getByLabelText( 'No reply in time: go to' ), 's3' );

		// The branches sit side by side in the wait's card.
		expect(
			screen.getByTestId( 'rondine-branch-s2-0' ).parentElement
		).toBe(
			screen.getByTestId( 'rondine-branch-s2-no-reply' ).parentElement
		);

		await act( async () => {
			fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		} );
		await waitFor( () => expect( created ).not.toBeNull() );
		expect( created ).toEqual( {
			name: 'Promo',
			trigger: { type: 'keyword', keyword: 'PROMO' },
			reentry: { mode: 'once' },
			exit_on: [],
			steps: [
				{
					id: 's1',
					type: 'send_text',
					text: 'Vuoi lo sconto?',
					buttons: [
						{ id: 'A', title: 'Sì' },
						{ id: 'B', title: 'No' },
					],
					when_closed: 'skip',
					next: 's2',
				},
				{
					id: 's2',
					type: 'wait_reply',
					timeout_minutes: 1440,
					branches: [
						{ when: { button: 'A' }, next: 's5' },
						{ when: { button: 'B' }, next: 's4' },
					],
					no_reply: 's3',
				},
				{
					id: 's5',
					type: 'send_text',
					text: 'Ecco il codice: SCONTO10',
					buttons: [],
					when_closed: 'skip',
					next: null,
				},
				{
					id: 's4',
					type: 'tag',
					add: [ 'vip' ],
					remove: [],
					next: null,
				},
				{
					id: 's3',
					type: 'send_template',
					template: {
						name: 'promemoria',
						language: 'it',
						category: 'MARKETING',
						components: [
							{
								type: 'body',
								parameters: [
									{ type: 'text', text: 'cliente' },
								],
							},
						],
					},
					next: null,
				},
			],
		} );
		await waitFor( () =>
			expect( window.location.hash ).toBe(
				`#/automations/${ AUTOMATION_ID }`
			)
		);
		// Many steps of typing and choosing: more than jest's default 5 s on a busy machine.
	}, 30000 );

	it( 'reorders steps with the move buttons, and the chain follows the order', async () => {
		let saved: AutomationInput | null = null;
		server.on(
			'GET',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( {
				body: automationFixture(),
			} )
		);
		server.on(
			'PUT',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			( request ) => {
				saved = request.body as AutomationInput;
				return { body: { ...automationFixture(), ...saved } };
			}
		);
		renderWithAutomations( <AutomationEditor id={ AUTOMATION_ID } /> );

		const moveUp = await screen.findByRole( 'button', {
			name: 'Move Step 3 · Notify the shop by e-mail up',
		} );
		const firstUp = screen.getByRole( 'button', {
			name: 'Move Step 1 · Send a message with buttons up',
		} );
		expect( firstUp.getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		moveUp.focus();
		fireEvent.click( moveUp );
		// The focus stays on the moved card's button, for the next key press.
		expect( moveUp.ownerDocument.activeElement ).toBe(
			screen.getByRole( 'button', {
				name: 'Move Step 2 · Notify the shop by e-mail up',
			} )
		);
		expect( headings() ).toEqual( [
			'Step 1 · Send a message with buttonsfirst step',
			'Step 2 · Notify the shop by e-mail',
			'Step 3 · Wait',
		] );
		fireEvent.click(
			screen.getByRole( 'button', {
				name: 'Move Step 1 · Send a message with buttons down',
			} )
		);
		expect( headings()[ 0 ] ).toBe(
			'Step 1 · Notify the shop by e-mailfirst step'
		);

		await act( async () => {
			fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		} );
		await waitFor( () => expect( saved ).not.toBeNull() );
		expect(
			saved!.steps.map( ( step ) => [
				step.id,
				'next' in step ? step.next : undefined,
			] )
		).toEqual( [
			[ 's3', 's1' ],
			[ 's1', 's2' ],
			[ 's2', null ],
		] );
		expect( saved!.running ).toBeUndefined();
	} );

	it( 'shows the bridge’s 422 problem on the step it names', async () => {
		server.on(
			'GET',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( {
				body: automationFixture(),
			} )
		);
		server.on(
			'PUT',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( {
				status: 422,
				body: {
					code: 'invalid_automation',
					message: 'The automation has problems.',
					data: {
						status: 422,
						problems: [
							{
								step: 's2',
								code: 'bad_delay',
								message: 'A delay must last at least a minute.',
							},
							{
								step: null,
								code: 'a_code_the_editor_does_not_know',
								message: 'Something else is wrong.',
							},
						],
					},
				},
			} )
		);
		renderWithAutomations( <AutomationEditor id={ AUTOMATION_ID } /> );
		await screen.findByTestId( 'rondine-step-s2' );
		change(
			screen.getByLabelText( 'Automation name' ),
			'Risposta PROMO 2'
		);
		await act( async () => {
			fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		} );
		// A known code in the owner's language (the bridge's English is for logs); an unknown one as the bridge said.
		expect(
			await card( 's2' ).findByText( 'The wait is not valid.' )
		).toBeTruthy();
		expect(
			card( 's1' ).queryByText( 'The wait is not valid.' )
		).toBeNull();
		expect(
			card( 's3' ).queryByText( 'The wait is not valid.' )
		).toBeNull();
		expect( screen.getByText( 'Something else is wrong.' ) ).toBeTruthy();
		// The owner's change is kept.
		expect(
			( screen.getByLabelText( 'Automation name' ) as HTMLInputElement )
				.value
		).toBe( 'Risposta PROMO 2' );
	} );

	it( 'asks whether runs in progress finish or stop when an active automation’s steps change, then pauses it', async () => {
		const requests: Array< { method: string; body: unknown } > = [];
		const active = automationFixture( { state: 'active', version: 3 } );
		server.on(
			'GET',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( { body: active } )
		);
		server.on(
			'PUT',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			( request ) => {
				requests.push( { method: 'PUT', body: request.body } );
				return {
					body: {
						...active,
						...( request.body as object ),
						version: 4,
					},
				};
			}
		);
		server.on(
			'POST',
			`/rondine/v1/automations/${ AUTOMATION_ID }/state`,
			( request ) => {
				requests.push( { method: 'POST', body: request.body } );
				return { body: { ...active, state: 'paused', version: 4 } };
			}
		);
		renderWithAutomations( <AutomationEditor id={ AUTOMATION_ID } /> );
		await screen.findByTestId( 'rondine-step-s3' );
		change(
			card( 's3' ).getByLabelText( 'E-mail subject' ),
			'Cliente interessato'
		);
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		const dialog = await screen.findByRole( 'dialog', {
			name: 'Runs in progress',
		} );
		fireEvent.click( within( dialog ).getByLabelText( 'Stop now' ) );
		await act( async () => {
			fireEvent.click(
				within( dialog ).getByRole( 'button', {
					name: 'Save the new version',
				} )
			);
		} );
		await waitFor( () => expect( requests ).toHaveLength( 1 ) );
		expect( requests[ 0 ]!.body ).toMatchObject( { running: 'stop' } );
		expect(
			( requests[ 0 ]!.body as AutomationInput ).steps[ 2 ]
		).toMatchObject( { subject: 'Cliente interessato' } );
		await screen.findByText( 'State: Active · version 4' );

		await act( async () => {
			fireEvent.click( screen.getByRole( 'button', { name: 'Pause' } ) );
		} );
		await waitFor( () => expect( requests ).toHaveLength( 2 ) );
		expect( requests[ 1 ] ).toEqual( {
			method: 'POST',
			body: { state: 'paused' },
		} );
		expect(
			await screen.findByRole( 'button', { name: 'Activate' } )
		).toBeTruthy();
	} );

	it( 'shows each step’s numbers, with percentages of the sent messages', async () => {
		const withStats: Automation = automationFixture( {
			state: 'active',
			step_stats: {
				s1: {
					entered: 10,
					waiting: 0,
					completed: 9,
					exited: 0,
					failed: 1,
					sent: 10,
					delivered: 8,
					read: 5,
					replied: 2,
				},
				s2: {
					entered: 9,
					waiting: 4,
					completed: 5,
					exited: 0,
					failed: 0,
					sent: 0,
					delivered: 0,
					read: 0,
					replied: 0,
				},
			},
		} );
		server.on(
			'GET',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( { body: withStats } )
		);
		renderWithAutomations( <AutomationEditor id={ AUTOMATION_ID } /> );
		const send = within(
			await screen.findByTestId( 'rondine-step-numbers-s1' )
		);
		expect( send.getByText( 'Delivered' ).nextSibling?.textContent ).toBe(
			'8 (80%)'
		);
		expect( send.getByText( 'Read' ).nextSibling?.textContent ).toBe(
			'5 (50%)'
		);
		expect( send.getByText( 'Replied' ).nextSibling?.textContent ).toBe(
			'2 (20%)'
		);
		expect( send.getByText( 'Failed' ).nextSibling?.textContent ).toBe(
			'1'
		);
		const delay = within( screen.getByTestId( 'rondine-step-numbers-s2' ) );
		expect(
			delay.getByText( 'Waiting now' ).nextSibling?.textContent
		).toBe( '4' );
		expect( delay.queryByText( 'Sent' ) ).toBeNull();
		expect( screen.queryByTestId( 'rondine-step-numbers-s3' ) ).toBeNull();
	} );
} );
