/**
 * External dependencies
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { idIn, textIn, unindexed } from '../../src/storage/lists';
import { dialects, openTestStore, type TestStore } from '../helpers/database';

describe.each( dialects() )(
	'value lists bound as one parameter (%s)',
	( dialect ) => {
		let store: TestStore;
		beforeAll( async () => {
			store = await openTestStore( dialect );
			await store.storage.db
				.insertInto( 'opt_outs' )
				.values(
					[ '+391', '+392', "+39'3", '+39"4', '+39\\5', '+39,6' ].map(
						( phone ) => ( {
							tenant_id: 't1',
							phone,
							source: 'test',
							created_at: 0,
							reported: 0,
						} )
					)
				)
				.execute();
		} );
		afterAll( async () => {
			await store.drop();
		} );

		const phones = async ( values: string[] ) =>
			(
				await store.storage.db
					.selectFrom( 'opt_outs' )
					.select( 'phone' )
					.where( unindexed( dialect, 'tenant_id' ), '=', 't1' )
					.where( textIn( dialect, 'phone', values ) )
					.orderBy( 'phone' )
					.execute()
			).map( ( r ) => r.phone );

		it( 'textIn matches exactly the listed values, quotes, backslashes and commas included', async () => {
			expect(
				await phones( [ "+39'3", '+39"4', '+39\\5', '+39,6', '+399' ] )
			).toEqual( [ '+39"4', "+39'3", '+39,6', '+39\\5' ].sort() );
			expect( await phones( [] ) ).toEqual( [] );
			expect( await phones( [ '+391' ] ) ).toEqual( [ '+391' ] );
		} );

		it( 'idIn matches the listed ids; the SQL text is the same whatever the list length', async () => {
			const ids = async ( list: number[] ) => {
				const query = store.storage.db
					.selectFrom(
						sql< {
							id: number;
						} >`(select 1 as id union all select 2 union all select 3)`.as(
							'x'
						)
					)
					.select( 'x.id' )
					.where( idIn( dialect, 'x.id', list ) )
					.orderBy( 'x.id' );
				return {
					sql: query.compile().sql,
					ids: ( await query.execute() ).map( ( r ) =>
						Number( r.id )
					),
				};
			};
			const one = await ids( [ 2 ] );
			const three = await ids( [ 3, 1, 2, 99 ] );
			const none = await ids( [] );
			expect( one.ids ).toEqual( [ 2 ] );
			expect( three.ids ).toEqual( [ 1, 2, 3 ] );
			expect( none.ids ).toEqual( [] );
			expect( new Set( [ one.sql, three.sql, none.sql ] ).size ).toBe(
				1
			);
		} );
	}
);
