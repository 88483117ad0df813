/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

/**
 * WordPress dependencies
 */
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import { createTestRegistry } from '../../test-utils/registry';
import type { Tag } from '../types';

const tag = ( id: number, name: string, count = 0 ): Tag => ( {
	id,
	name,
	slug: name.toLowerCase(),
	count,
} );

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
	server.on( 'GET', '/rondine/v1/tags', () => ( {
		body: [ tag( 2, 'Fair 2025', 40 ), tag( 1, 'VIP', 12 ) ],
	} ) );
} );

afterEach( () => server.restore() );

describe( 'rondine/admin tags', () => {
	it( 'reads the tags once, then creates, renames and deletes them in place', async () => {
		server.on( 'POST', '/rondine/v1/tags', ( request ) => ( {
			status: 201,
			body: tag( 3, ( request.body as { name: string } ).name ),
		} ) );
		server.on( 'PUT', '/rondine/v1/tags/1', ( request ) => ( {
			body: tag( 1, ( request.body as { name: string } ).name, 12 ),
		} ) );
		server.on( 'DELETE', '/rondine/v1/tags/2', () => ( {
			body: { deleted: true },
		} ) );
		const { registry, store } = createTestRegistry();
		const names = () =>
			registry
				.select( store )
				.getTags()
				?.map( ( t ) => t.name );

		await registry.resolveSelect( store ).getTags();
		await registry.resolveSelect( store ).getTags();
		expect( names() ).toEqual( [ 'Fair 2025', 'VIP' ] );
		expect(
			server.requests.filter( ( r ) => r.path === '/rondine/v1/tags' )
		).toHaveLength( 1 );

		await registry.dispatch( store ).createTag( 'Amici' );
		expect( names() ).toEqual( [ 'Amici', 'Fair 2025', 'VIP' ] );

		await registry.dispatch( store ).renameTag( 1, 'Gold' );
		expect( names() ).toEqual( [ 'Amici', 'Fair 2025', 'Gold' ] );
		expect( server.requests.at( -1 )?.body ).toEqual( { name: 'Gold' } );

		await registry.dispatch( store ).deleteTag( 2 );
		expect( names() ).toEqual( [ 'Amici', 'Gold' ] );
	} );

	it( 'keeps the tags and shows the server message when a rename is refused', async () => {
		server.on( 'PUT', '/rondine/v1/tags/1', () => ( {
			status: 409,
			body: {
				code: 'rondine_tag_exists',
				message: 'Another tag already has this name.',
			},
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.resolveSelect( store ).getTags();

		await expect(
			registry.dispatch( store ).renameTag( 1, 'fair 2025' )
		).rejects.toMatchObject( { code: 'rondine_tag_exists' } );

		expect(
			registry
				.select( store )
				.getTags()
				?.map( ( t ) => t.name )
		).toEqual( [ 'Fair 2025', 'VIP' ] );
		const notices = registry.select( noticesStore ).getNotices();
		expect( notices[ 0 ]?.content ).toBe(
			'Tag not renamed: Another tag already has this name.'
		);
	} );

	it( 'forgets cached contact pages when a tag changes (contacts show tag names)', async () => {
		server.on( 'GET', '/rondine/v1/contacts', () => ( {
			body: [ { id: 5, tags: [ { id: 1, name: 'VIP' } ] } ],
		} ) );
		server.on( 'PUT', '/rondine/v1/tags/1', () => ( {
			body: tag( 1, 'Gold', 1 ),
		} ) );
		const { registry, store } = createTestRegistry();
		await registry.dispatch( store ).fetchContacts( {} );
		expect( registry.select( store ).getContacts( {} ) ).not.toBeNull();

		await registry.dispatch( store ).renameTag( 1, 'Gold' );

		expect( registry.select( store ).getContacts( {} ) ).toBeNull();
	} );

	it( 'searches products, categories and tags by name and names saved ids', async () => {
		server.on( 'GET', '/rondine/v1/audience/products', ( request ) => ( {
			body: request.query.get( 'include' )
				? [ { id: 12, name: 'Mug', sku: 'MUG-1' } ]
				: [ { id: 13, name: 'Mug XL', sku: '' } ],
		} ) );
		server.on( 'GET', '/rondine/v1/audience/categories', () => ( {
			body: [ { id: 4, name: 'Kitchen', parent_name: '' } ],
		} ) );
		const { registry, store } = createTestRegistry();
		const actions = registry.dispatch( store );

		expect(
			await actions.searchAudienceChoices( 'products', 'mug' )
		).toEqual( [ { id: 13, name: 'Mug XL', sku: '' } ] );
		expect(
			await actions.resolveAudienceChoices( 'products', [ 12, 99 ] )
		).toEqual( [ { id: 12, name: 'Mug', sku: 'MUG-1' } ] );
		await actions.searchAudienceChoices( 'categories', 'kit' );
		await actions.searchAudienceChoices( 'tags', 'v' );
		expect( await actions.resolveAudienceChoices( 'tags', [] ) ).toEqual(
			[]
		);

		expect(
			server.requests.map(
				( r ) => `${ r.path }?${ r.query.toString() }`
			)
		).toEqual( [
			'/rondine/v1/audience/products?search=mug&per_page=20',
			'/rondine/v1/audience/products?include=12%2C99',
			'/rondine/v1/audience/categories?search=kit&per_page=20',
			'/rondine/v1/tags?search=v&per_page=20',
		] );
	} );
} );
