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
import { renderWithStore } from '../../test-utils/render';

let server: FakeServer;

const summary = (
	id: string,
	name: string,
	state: string,
	trigger: Record< string, unknown >
) => ( {
	id,
	name,
	state,
	version: 1,
	trigger,
	reentry: { mode: 'once' },
	exit_on: [],
	created_at: 0,
	updated_at: 0,
	runs: { active: 0, completed: 0, exited: 0, failed: 0 },
} );

function serve( automations: unknown[] ) {
	server.on( 'GET', '/rondine/v1/automations', () => ( {
		body: { automations },
	} ) );
}

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/templates', () => ( {
		body: { templates: [] },
	} ) );
	server.on( 'GET', '/rondine/v1/segments', () => ( {
		body: [ { id: 7, name: 'Newsletter', definition: {} } ],
	} ) );
	server.on( 'GET', '/rondine/v1/lists', () => ( { body: [] } ) );
	server.on( 'GET', '/rondine/v1/campaigns', () => ( {
		body: { campaigns: [] },
	} ) );
	server.on( 'POST', '/rondine/v1/audience/count', () => ( {
		body: { count: 3, sample: [] },
	} ) );
	server.on( 'POST', '/rondine/v1/campaigns/forecast', () => ( {
		body: {
			limit: 250,
			recipients: 3,
			already_in_window: 0,
			free: 250,
			taken: 0,
			fits: 3,
			over: 0,
			frees_at: null,
		},
	} ) );
	server.on( 'GET', '/rondine/v1/automations/follow-up', () => ( {
		body: {
			...summary( 'follow-up', 'Follow-up', 'active', {
				type: 'campaign',
			} ),
			steps: [
				{ id: 's1', type: 'send_template', next: 's2' },
				{ id: 's2', type: 'wait_reply', timeout_minutes: 60 },
				{ id: 's3', type: 'end' },
			],
		},
	} ) );
} );

afterEach( () => server.restore() );

const chooseAutomation = async () =>
	fireEvent.click(
		await screen.findByLabelText(
			'An automation (several steps: replies, reminders…)'
		)
	);

describe( 'campaign editor: what to send', () => {
	it( 'lists only active automations started by a campaign, and says what the chosen one does', async () => {
		serve( [
			summary( 'follow-up', 'Follow-up', 'active', { type: 'campaign' } ),
			summary( 'paused', 'Paused one', 'paused', { type: 'campaign' } ),
			summary( 'keyword', 'Keyword reply', 'active', {
				type: 'keyword',
				keyword: 'PROMO',
			} ),
		] );
		renderWithStore( <CampaignEditor /> );
		await chooseAutomation();
		const picker = ( await screen.findByLabelText(
			'Automation'
		) ) as HTMLSelectElement;
		expect(
			Array.from( picker.options ).map( ( o ) => o.textContent )
		).toEqual( [ 'Choose an automation', 'Follow-up' ] );
		// The template's fields are gone.
		expect( screen.queryByLabelText( 'Approved template' ) ).toBeNull();

		fireEvent.change( picker, { target: { value: 'follow-up' } } );
		expect(
			( await screen.findByTestId( 'rondine-automation-summary' ) )
				.textContent
		).toBe(
			'When the campaign starts, each recipient enters “Follow-up”, an automation of 3 steps, at its first step.'
		);
	} );

	it( 'without such an automation, points to the Automations screen', async () => {
		serve( [
			summary( 'keyword', 'Keyword reply', 'active', {
				type: 'keyword',
				keyword: 'PROMO',
			} ),
		] );
		renderWithStore( <CampaignEditor /> );
		await chooseAutomation();
		const empty = await screen.findByTestId(
			'rondine-no-campaign-automation'
		);
		expect(
			screen
				.getByRole( 'link', { name: 'Go to Automations' } )
				.getAttribute( 'href' )
		).toBe( '#/automations' );
		expect( empty.textContent ).toContain( 'A campaign that starts it' );
	} );

	it( 'saves the automation, not a template, and asks for one when none is chosen', async () => {
		serve( [
			summary( 'follow-up', 'Follow-up', 'active', { type: 'campaign' } ),
		] );
		server.on( 'POST', '/rondine/v1/campaigns', ( request ) => ( {
			status: 201,
			body: { ...( request.body as object ), id: 'c9' },
		} ) );
		renderWithStore( <CampaignEditor /> );
		fireEvent.change( await screen.findByLabelText( 'Campaign name' ), {
			target: { value: 'Launch' },
		} );
		await chooseAutomation();
		await screen.findByLabelText( 'Automation' );
		await act( async () => {
			fireEvent.click(
				screen.getByRole( 'button', { name: 'Save as draft' } )
			);
		} );
		expect(
			screen.getByTestId( 'rondine-editor-problems' ).textContent
		).toContain( 'Choose an automation.' );

		fireEvent.change( screen.getByLabelText( 'Automation' ), {
			target: { value: 'follow-up' },
		} );
		await act( async () => {
			fireEvent.click(
				screen.getByRole( 'button', { name: 'Save as draft' } )
			);
		} );
		await waitFor( () =>
			expect(
				server.requests.find(
					( r ) =>
						r.method === 'POST' &&
						r.path === '/rondine/v1/campaigns'
				)
			).toBeTruthy()
		);
		const saved = server.requests.find(
			( r ) => r.method === 'POST' && r.path === '/rondine/v1/campaigns'
		)?.body as Record< string, unknown >;
		expect( saved.automation_id ).toBe( 'follow-up' );
		expect( saved ).not.toHaveProperty( 'template' );
	} );
} );
