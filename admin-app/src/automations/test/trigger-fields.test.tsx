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
import { AutomationsList } from '../list';
import { triggerSummary } from '../labels';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import {
	AUTOMATION_ID,
	renderWithAutomations,
} from '../../test-utils/automation';
import type { AutomationInput } from '../types';

let server: FakeServer;
let created: AutomationInput | null;

beforeEach( () => {
	created = null;
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: { templates: [] },
	} ) );
	server.on( 'GET', '/rondine/v1/tags', () => ( {
		body: [
			{ id: 3, name: 'vip', slug: 'vip', count: 4 },
			{ id: 4, name: 'Fiera 2026', slug: 'fiera-2026', count: 9 },
		],
	} ) );
	server.on( 'GET', '/rondine/v1/lists', () => ( {
		body: [ { id: 12, name: 'Interessati' } ],
	} ) );
	server.on( 'POST', '/rondine/v1/automations', ( request ) => {
		created = request.body as AutomationInput;
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
} );

afterEach( () => {
	server.restore();
	window.location.hash = '';
} );

const change = ( element: HTMLElement, value: string ) =>
	fireEvent.change( element, { target: { value } } );
const saveButton = () => screen.getByRole( 'button', { name: 'Save' } );
/** Disabled buttons stay focusable (accessibleWhenDisabled): aria-disabled says it. */
const isDisabled = ( button: HTMLElement ) =>
	button.getAttribute( 'aria-disabled' ) === 'true' ||
	( button as HTMLButtonElement ).disabled;
/** The error notices shown (not the screen reader's copy of them). */
const errors = () =>
	Array.from(
		document.querySelectorAll(
			'.components-notice.is-error .components-notice__content'
		)
	).map( ( notice ) => notice.textContent?.trim() );

async function save(): Promise< AutomationInput > {
	await act( async () => {
		fireEvent.click( saveButton() );
	} );
	await waitFor( () => expect( created ).not.toBeNull() );
	return created as AutomationInput;
}

function startsWith( type: string ) {
	change( screen.getByLabelText( 'Starts with' ), type );
}

describe( 'the trigger picker', () => {
	it( 'picks a tag from the site’s tags, and says what is missing until one is picked', async () => {
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );
		change( screen.getByLabelText( 'Automation name' ), 'Benvenuto VIP' );
		startsWith( 'tag' );
		const tag = ( await screen.findByLabelText(
			'Tag'
		) ) as HTMLSelectElement;
		expect(
			within( tag )
				.getAllByRole( 'option' )
				.map( ( option ) => option.textContent )
		).toEqual( [ 'Choose a tag', 'vip', 'Fiera 2026' ] );
		expect( errors() ).toContain(
			'Choose the tag that starts the automation.'
		);
		expect( isDisabled( saveButton() ) ).toBe( true );

		change( tag, 'Fiera 2026' );
		expect( errors() ).not.toContain(
			'Choose the tag that starts the automation.'
		);
		expect( ( await save() ).trigger ).toEqual( {
			type: 'tag',
			tag: 'Fiera 2026',
		} );
	} );

	it( 'picks a list by its name and sends its id', async () => {
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );
		change( screen.getByLabelText( 'Automation name' ), 'Nuovi iscritti' );
		startsWith( 'list' );
		const list = await screen.findByLabelText( 'List' );
		expect( isDisabled( saveButton() ) ).toBe( true );
		change( list, '12' );
		expect( ( await save() ).trigger ).toEqual( {
			type: 'list',
			list_id: 12,
		} );
	} );

	it( 'the birthday starting point is a date trigger; days before it, and the time, are set with their own controls', async () => {
		renderWithAutomations( <AutomationEditor starterKey="birthday" /> );
		expect(
			( screen.getByLabelText( 'Starts with' ) as HTMLSelectElement )
				.value
		).toBe( 'date' );
		expect(
			( screen.getByLabelText( 'Date' ) as HTMLSelectElement ).value
		).toBe( 'birthday' );
		expect(
			( screen.getByLabelText( 'When' ) as HTMLSelectElement ).value
		).toBe( 'on' );
		expect( screen.queryByLabelText( 'Days' ) ).toBeNull();
		expect(
			( screen.getByLabelText( 'At (shop time)' ) as HTMLInputElement )
				.value
		).toBe( '09:00' );

		change( screen.getByLabelText( 'When' ), 'before' );
		change( screen.getByLabelText( 'Days' ), '3' );
		change( screen.getByLabelText( 'At (shop time)' ), '08:30' );
		expect( ( await save() ).trigger ).toEqual( {
			type: 'date',
			field: 'birthday',
			offset_days: -3,
			time: '08:30',
		} );
	} );

	it( 'counts days after the last order, and refuses days out of bounds or a missing time', async () => {
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );
		change( screen.getByLabelText( 'Automation name' ), 'Riordina' );
		startsWith( 'date' );
		change( screen.getByLabelText( 'Date' ), 'last_order' );
		expect( screen.queryByLabelText( 'When' ) ).toBeNull();
		change( screen.getByLabelText( 'Days after the date' ), '4000' );
		expect( errors() ).toContain(
			'The days after the date must be a whole number from 0 to 3650.'
		);
		expect( isDisabled( saveButton() ) ).toBe( true );
		change( screen.getByLabelText( 'Days after the date' ), '60' );
		change( screen.getByLabelText( 'At (shop time)' ), '' );
		expect( errors() ).toContain(
			'Choose the time of day it starts at (shop time).'
		);
		change( screen.getByLabelText( 'At (shop time)' ), '10:00' );
		expect( isDisabled( saveButton() ) ).toBe( false );
		expect( ( await save() ).trigger ).toEqual( {
			type: 'date',
			field: 'last_order',
			offset_days: 60,
			time: '10:00',
		} );
	} );

	it( 'says each trigger in a few words, naming a list trigger’s list', async () => {
		expect(
			triggerSummary( {
				type: 'date',
				field: 'birthday',
				offset_days: -3,
				time: '09:00',
			} )
		).toBe( '3 days before: Birthday, at 09:00' );
		expect(
			triggerSummary( {
				type: 'date',
				field: 'last_order',
				offset_days: 60,
				time: '10:00',
			} )
		).toBe( '60 days after: Last order, at 10:00' );
		expect( triggerSummary( { type: 'tag', tag: 'vip' } ) ).toBe(
			'Tag “vip”'
		);
		server.on( 'GET', '/rondine/v1/automations', () => ( {
			body: {
				automations: [
					{
						id: AUTOMATION_ID,
						name: 'Nuovi iscritti',
						state: 'active',
						version: 1,
						trigger: { type: 'list', list_id: 12 },
						reentry: { mode: 'once' },
						exit_on: [],
						created_at: 1,
						updated_at: 1,
						runs: { active: 0, completed: 0, exited: 0, failed: 0 },
					},
				],
			},
		} ) );
		renderWithAutomations( <AutomationsList /> );
		expect(
			await screen.findByText( 'Joins the list “Interessati”' )
		).toBeTruthy();
	} );

	it( 'edits a condition’s rules as rows: one rule at least, added and removed by number', () => {
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );
		change( screen.getByLabelText( 'Step to add' ), 'condition' );
		fireEvent.click( screen.getByRole( 'button', { name: 'Add step' } ) );
		const condition = within( screen.getByTestId( 'rondine-step-s2' ) );
		expect(
			isDisabled(
				condition.getByRole( 'button', { name: 'Remove rule 1' } )
			)
		).toBe( true );
		fireEvent.click(
			condition.getByRole( 'button', { name: 'Add a rule' } )
		);
		change( condition.getByLabelText( 'Rule 2: value' ), 'DE' );
		fireEvent.click(
			condition.getByRole( 'button', { name: 'Remove rule 1' } )
		);
		expect( condition.queryByLabelText( 'Rule 2: value' ) ).toBeNull();
		expect(
			( condition.getByLabelText( 'Rule 1: value' ) as HTMLInputElement )
				.value
		).toBe( 'DE' );
		expect(
			isDisabled(
				condition.getByRole( 'button', { name: 'Remove rule 1' } )
			)
		).toBe( true );
	} );
} );
