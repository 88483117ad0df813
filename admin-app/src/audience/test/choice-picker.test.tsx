/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';

/**
 * Internal dependencies
 */
import { SegmentEditor } from '../segment-editor';
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { renderWithStore } from '../../test-utils/render';

let server: FakeServer;

const fields = {
	fields: [
		{
			field: 'bought_product',
			label: 'Bought product',
			type: 'products',
			operators: [ 'any_of', 'none_of' ],
		},
		{
			field: 'bought_category',
			label: 'Bought from category',
			type: 'categories',
			operators: [ 'any_of', 'none_of' ],
		},
	],
	operators: { any_of: 'any of', none_of: 'none of' },
	statuses: [],
	default_statuses: [ 'wc-completed' ],
};

const products = [
	{ id: 12, name: 'Tazza', sku: 'MUG-1', type: 'product' },
	{ id: 13, name: 'Tazza', sku: '', type: 'product' },
	{ id: 14, name: 'Tazza grande', sku: 'MUG-2', type: 'product' },
	{ id: 15, name: 'Tazzina da caffè', sku: '', type: 'product' },
];

/** As MariaDB's collation compares: case and accents ignored. */
const fold = ( text: string ) =>
	text
		.normalize( 'NFD' )
		.replace( /[\u0300-\u036f]/g, '' )
		.toLowerCase();

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/audience/fields', () => ( {
		body: fields,
	} ) );
	server.on( 'GET', '/rondine/v1/segments', () => ( {
		body: [
			{
				id: 5,
				name: 'Mug buyers',
				definition: {
					match: 'all',
					groups: [
						{
							match: 'all',
							filters: [
								{
									field: 'bought_product',
									op: 'any_of',
									value: [ 14, 404 ],
								},
							],
						},
					],
				},
			},
		],
	} ) );
	server.on( 'GET', '/rondine/v1/audience/products', ( request ) => {
		const include = request.query.get( 'include' );
		if ( include ) {
			const ids = include.split( ',' ).map( Number );
			return { body: products.filter( ( p ) => ids.includes( p.id ) ) };
		}
		const search = fold( request.query.get( 'search' ) ?? '' );
		return {
			body: products.filter( ( p ) =>
				fold( `${ p.name } ${ p.sku } ${ p.id }` ).includes( search )
			),
		};
	} );
	server.on( 'POST', '/rondine/v1/audience/count', () => ( {
		body: { count: 3, sample: [] },
	} ) );
	server.on( 'PUT', '/rondine/v1/segments/5', ( request ) => ( {
		body: { id: 5, ...( request.body as object ) },
	} ) );
} );

afterEach( () => server.restore() );

const tokens = () =>
	Array.from(
		document.querySelectorAll( '.components-form-token-field__token-text' )
	).map( ( token ) => token.textContent?.replace( / \(.*$/, '' ) );

describe( 'segment editor: products by name', () => {
	it( 'names the saved ids when it opens (a deleted product says so)', async () => {
		renderWithStore( <SegmentEditor id={ 5 } /> );

		await waitFor( () =>
			expect(
				Array.from(
					document.querySelectorAll(
						'.components-form-token-field__token-text'
					)
				).map( ( token ) => token.textContent )
			).toEqual( [
				expect.stringContaining( 'Tazza grande (SKU MUG-2)' ),
				expect.stringContaining( '#404 (no longer exists)' ),
			] )
		);
		const resolve = server.requests.find( ( r ) =>
			r.query.has( 'include' )
		);
		expect( resolve?.query.get( 'include' ) ).toBe( '14,404' );
	} );

	it( 'searches as the owner types, tells look-alikes apart, and saves ids', async () => {
		renderWithStore( <SegmentEditor id={ 5 } /> );
		await waitFor( () => expect( tokens() ).toHaveLength( 2 ) );

		const input = screen.getByLabelText( 'Products (type a name or SKU)' );
		fireEvent.focus( input );
		fireEvent.change( input, { target: { value: 'tazza' } } );

		const options = within(
			await screen.findByRole( 'listbox' )
		).getAllByRole( 'option' );
		expect( options.map( ( option ) => option.textContent ) ).toEqual( [
			'Tazza (SKU MUG-1)',
			'Tazza',
		] );
		fireEvent.click( options[ 1 ]! );

		fireEvent.click(
			screen.getByRole( 'button', { name: 'Save segment' } )
		);
		await waitFor( () =>
			expect(
				server.requests.find( ( r ) => r.method === 'PUT' )?.body
			).toMatchObject( {
				definition: {
					groups: [
						{
							filters: [
								{
									field: 'bought_product',
									value: [ 14, 404, 13 ],
								},
							],
						},
					],
				},
			} )
		);
	} );

	it( 'shows what the plugin found even where the label differs from the text typed (accents, ids)', async () => {
		renderWithStore( <SegmentEditor id={ 5 } /> );
		await waitFor( () => expect( tokens() ).toHaveLength( 2 ) );

		const input = screen.getByLabelText( 'Products (type a name or SKU)' );
		fireEvent.focus( input );
		fireEvent.change( input, { target: { value: 'caffe' } } );
		expect(
			await within( await screen.findByRole( 'listbox' ) ).findByRole(
				'option',
				{ name: 'Tazzina da caffè' }
			)
		).toBeTruthy();

		fireEvent.change( input, { target: { value: '15' } } );
		await waitFor( () =>
			expect(
				within( screen.getByRole( 'listbox' ) )
					.getAllByRole( 'option' )
					.map( ( option ) => option.textContent )
			).toEqual( [ 'Tazzina da caffè' ] )
		);
	} );

	it( 'does not accept free text that the shop does not have', async () => {
		renderWithStore( <SegmentEditor id={ 5 } /> );
		await waitFor( () => expect( tokens() ).toHaveLength( 2 ) );

		const input = screen.getByLabelText( 'Products (type a name or SKU)' );
		fireEvent.change( input, { target: { value: 'Nothing like this' } } );
		fireEvent.keyDown( input, { key: 'Enter' } );

		expect( tokens() ).toHaveLength( 2 );
	} );
} );
