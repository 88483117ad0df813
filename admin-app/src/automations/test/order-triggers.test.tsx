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
	window.rondineAdmin = {
		orderStatuses: {
			pending: 'In attesa di pagamento',
			processing: 'In lavorazione',
			'on-hold': 'In sospeso',
			completed: 'Completato',
			cancelled: 'Cancellato',
			refunded: 'Rimborsato',
			failed: 'Fallito',
			shipped: 'Spedito',
		},
	};
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: {
			templates: [
				{
					name: 'aggiornamento_ordine',
					language: 'it',
					status: 'APPROVED',
					category: 'UTILITY',
					parameter_format: 'NAMED',
					components: [
						{
							type: 'BODY',
							text: 'Ciao {{first_name}}, il tuo ordine {{order_number}} è stato spedito.',
						},
					],
				},
			],
		},
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
	delete window.rondineAdmin;
} );

const change = ( element: HTMLElement, value: string ) =>
	fireEvent.change( element, { target: { value } } );

async function save(): Promise< AutomationInput > {
	await act( async () => {
		fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
	} );
	await waitFor( () => expect( created ).not.toBeNull() );
	return created as AutomationInput;
}

describe( 'order triggers', () => {
	it( 'the "Order shipped" starting point: completed orders, a status select with the shop’s statuses, the order’s values for the template', async () => {
		renderWithAutomations(
			<AutomationEditor starterKey="order_shipped" />
		);
		expect(
			( screen.getByLabelText( 'Starts with' ) as HTMLSelectElement )
				.value
		).toBe( 'order_status' );
		const status = screen.getByLabelText(
			'New status'
		) as HTMLSelectElement;
		expect( status.value ).toBe( 'completed' );
		// Custom statuses are offered as the site lists them.
		expect(
			within( status )
				.getAllByRole( 'option' )
				.map( ( option ) => option.textContent )
		).toContain( 'Spedito' );

		await screen.findByRole( 'option', {
			name: 'aggiornamento_ordine (it)',
		} );
		change(
			screen.getByRole( 'combobox', { name: 'Approved template' } ),
			'aggiornamento_ordine|it'
		);
		const orderNumber = await screen.findByRole( 'combobox', {
			name: 'Value of Body {{order_number}}',
		} );
		expect(
			within( orderNumber )
				.getAllByRole( 'option' )
				.map( ( option ) => option.textContent )
		).toEqual(
			expect.arrayContaining( [
				'Order number {ORDER_NUMBER}',
				'Order total {ORDER_TOTAL}',
				'Order status {ORDER_STATUS}',
				'Order page link {ORDER_URL}',
				'Tracking number {TRACKING}',
			] )
		);
		change( orderNumber, 'event.order_number' );
		change(
			screen.getByRole( 'combobox', {
				name: 'Value of Body {{first_name}}',
			} ),
			'event.first_name'
		);
		change( status, 'shipped' );

		const saved = await save();
		expect( saved.trigger ).toEqual( {
			type: 'event',
			event: 'order.status.shipped',
		} );
		expect( saved.reentry ).toEqual( { mode: 'every_time' } );
		const step = saved.steps[ 0 ];
		expect( step?.type === 'send_template' && step.template ).toEqual(
			expect.objectContaining( {
				name: 'aggiornamento_ordine',
				category: 'UTILITY',
				components: [
					{
						type: 'body',
						parameters: [
							expect.objectContaining( {
								field: 'event.first_name',
								parameter_name: 'first_name',
							} ),
							expect.objectContaining( {
								field: 'event.order_number',
								parameter_name: 'order_number',
							} ),
						],
					},
				],
			} )
		);
		expect( triggerSummary( saved.trigger ) ).toBe(
			'Event: An order changes status to “Spedito”'
		);
	} );

	it( 'a note for the customer and a refund are triggers of their own', async () => {
		renderWithAutomations( <AutomationEditor starterKey="blank" /> );
		change( screen.getByLabelText( 'Automation name' ), 'Nota ordine' );
		change( screen.getByLabelText( 'Starts with' ), 'order_refunded' );
		expect( screen.queryByLabelText( 'New status' ) ).toBeNull();
		change( screen.getByLabelText( 'Starts with' ), 'order_note' );
		expect( ( await save() ).trigger ).toEqual( {
			type: 'event',
			event: 'order.note_added',
		} );
		expect(
			triggerSummary( { type: 'event', event: 'order.refunded' } )
		).toBe( 'Event: An order is refunded' );
	} );
} );
