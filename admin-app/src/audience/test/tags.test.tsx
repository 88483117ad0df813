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
import { ContactsScreen } from '../contacts';
import { TagsScreen } from '../tags';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/tags', () => ( {
		body: [
			{ id: 2, name: 'Fair 2025', slug: 'fair-2025', count: 1 },
			{ id: 1, name: '<b>VIP</b>', slug: 'vip', count: 1200 },
		],
	} ) );
} );

afterEach( () => {
	server.restore();
	jest.restoreAllMocks();
} );

const rows = () =>
	screen.getAllByTestId( 'rondine-tag-row' ).map( ( row ) =>
		Array.from( row.querySelectorAll( 'td' ) )
			.slice( 0, 2 )
			.map( ( cell ) => cell.textContent )
	);

describe( 'tags screen', () => {
	it( 'lists tags with their contact counts, names as text', async () => {
		renderWithStore( <TagsScreen /> );

		await screen.findByText( 'Fair 2025' );
		expect( rows() ).toEqual( [
			[ 'Fair 2025', '1' ],
			[ '<b>VIP</b>', '1,200' ],
		] );
		expect( document.querySelector( 'b' ) ).toBeNull();
	} );

	it( 'links each count to the contacts carrying the tag', async () => {
		renderWithStore( <TagsScreen /> );

		const link = await screen.findByRole( 'link', {
			name: '1,200 contacts tagged “<b>VIP</b>”',
		} );
		expect( link.getAttribute( 'href' ) ).toBe(
			'#/audience/contacts?tag=1'
		);
	} );

	it( 'shows the contacts of one tag, named, with a way back to all', async () => {
		server.on( 'GET', '/rondine/v1/contacts', () => ( {
			body: [],
			headers: { 'X-WP-Total': '0', 'X-WP-TotalPages': '1' },
		} ) );
		renderWithStore( <ContactsScreen tag={ 1 } /> );

		await screen.findByText( /0 contacts tagged “<b>VIP<\/b>”/ );
		const request = server.requests.find(
			( item ) => item.path === '/rondine/v1/contacts'
		);
		expect( request?.query.get( 'tag' ) ).toBe( '1' );
		expect(
			screen
				.getByRole( 'link', { name: 'Show all contacts' } )
				.getAttribute( 'href' )
		).toBe( '#/audience/contacts' );
	} );

	it( 'creates a tag', async () => {
		server.on( 'POST', '/rondine/v1/tags', () => ( {
			status: 201,
			body: { id: 3, name: 'Amici', slug: 'amici', count: 0 },
		} ) );
		renderWithStore( <TagsScreen /> );

		fireEvent.change( await screen.findByLabelText( 'New tag' ), {
			target: { value: '  Amici ' },
		} );
		await act( async () => {
			fireEvent.click(
				screen.getByRole( 'button', { name: 'Add tag' } )
			);
		} );

		await waitFor( () =>
			expect( rows() ).toContainEqual( [ 'Amici', '0' ] )
		);
		expect( server.requests.at( -1 )?.body ).toEqual( { name: 'Amici' } );
		expect(
			( screen.getByLabelText( 'New tag' ) as HTMLInputElement ).value
		).toBe( '' );
	} );

	it( 'renames a tag in place', async () => {
		server.on( 'PUT', '/rondine/v1/tags/2', () => ( {
			body: { id: 2, name: 'Fiera 2025', slug: 'fiera-2025', count: 1 },
		} ) );
		renderWithStore( <TagsScreen /> );

		fireEvent.click(
			await screen.findByRole( 'button', { name: 'Rename “Fair 2025”' } )
		);
		fireEvent.change( screen.getByLabelText( 'New name for “Fair 2025”' ), {
			target: { value: 'Fiera 2025' },
		} );
		await act( async () => {
			fireEvent.click( screen.getByRole( 'button', { name: 'Save' } ) );
		} );

		await waitFor( () =>
			expect( rows() ).toContainEqual( [ 'Fiera 2025', '1' ] )
		);
		expect( rows() ).not.toContainEqual( [ 'Fair 2025', '1' ] );
		expect( server.requests.at( -1 ) ).toMatchObject( {
			method: 'PUT',
			path: '/rondine/v1/tags/2',
			body: { name: 'Fiera 2025' },
		} );
	} );

	it( 'asks before deleting, says how many contacts lose the tag, and deletes only when confirmed', async () => {
		server.on( 'DELETE', '/rondine/v1/tags/1', () => ( {
			body: { deleted: true },
		} ) );
		const confirm = jest
			.spyOn( window, 'confirm' )
			.mockReturnValueOnce( false )
			.mockReturnValueOnce( true );
		renderWithStore( <TagsScreen /> );

		const remove = await screen.findByRole( 'button', {
			name: 'Delete “<b>VIP</b>”',
		} );
		fireEvent.click( remove );
		expect( confirm ).toHaveBeenLastCalledWith(
			'Delete the tag “<b>VIP</b>”? It will be taken off 1,200 contacts. Segments that use it will no longer match anyone through it.'
		);
		expect(
			server.requests.filter( ( r ) => r.method === 'DELETE' )
		).toEqual( [] );

		await act( async () => {
			fireEvent.click( remove );
		} );
		await waitFor( () =>
			expect( rows() ).toEqual( [ [ 'Fair 2025', '1' ] ] )
		);
		expect(
			server.requests.filter( ( r ) => r.method === 'DELETE' )
		).toHaveLength( 1 );
	} );
} );
