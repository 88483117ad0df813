/**
 * External dependencies
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { StatementCache } from '../../src/storage/statement-cache';

interface Db {
	t: { id: number; v: string };
}

describe( 'StatementCache (SQLite prepared statements reused by SQL text)', () => {
	let db: Kysely< Db > | undefined;
	afterEach( async () => {
		await db?.destroy();
		db = undefined;
	} );

	function open( size = 256 ) {
		const database = new SQLite( ':memory:' );
		const cache = new StatementCache( database, size );
		db = new Kysely< Db >( {
			dialect: new SqliteDialect( { database: cache } ),
		} );
		return { database, cache, db };
	}

	it( 'prepares a statement once per SQL text and binds new parameters on every use', async () => {
		const { cache, db: k } = open();
		await sql`create table t (id integer primary key, v text)`.execute( k );
		for ( let i = 1; i <= 50; i++ ) {
			await k
				.insertInto( 't' )
				.values( { id: i, v: `v${ i }` } )
				.execute();
		}
		const rows = [];
		for ( let i = 1; i <= 50; i++ ) {
			rows.push(
				await k
					.selectFrom( 't' )
					.select( 'v' )
					.where( 'id', '=', i )
					.executeTakeFirstOrThrow()
			);
		}
		expect( rows.map( ( r ) => r.v ) ).toEqual(
			Array.from( { length: 50 }, ( _, i ) => `v${ i + 1 }` )
		);
		// create + insert + select prepared once each; every other call reused them.
		expect( cache.misses ).toBe( 3 );
		expect( cache.hits ).toBe( 98 );
		const updated = await k
			.updateTable( 't' )
			.set( { v: 'x' } )
			.where( 'id', '<=', 10 )
			.executeTakeFirst();
		expect( Number( updated.numUpdatedRows ) ).toBe( 10 );
	} );

	it( 'keeps at most `size` statements, dropping the least recently used', async () => {
		const { cache, db: k } = open( 3 );
		for ( const n of [ 1, 2, 3 ] ) {
			await sql`select ${ sql.lit( n ) } as n`.execute( k );
		}
		await sql`select 1 as n`.execute( k ); // 1 becomes the most recent
		await sql`select 4 as n`.execute( k ); // evicts 2
		expect( cache.cachedCount ).toBe( 3 );
		const misses = cache.misses;
		await sql`select 1 as n`.execute( k );
		await sql`select 3 as n`.execute( k );
		expect( cache.misses ).toBe( misses );
		await sql`select 2 as n`.execute( k );
		expect( cache.misses ).toBe( misses + 1 );
	} );

	it( 'hands out a fresh statement while the cached one is still iterating (a stream not read to the end)', async () => {
		const { cache, db: k } = open();
		await sql`create table t (id integer primary key, v text)`.execute( k );
		await k
			.insertInto( 't' )
			.values( [
				{ id: 1, v: 'a' },
				{ id: 2, v: 'b' },
			] )
			.execute();
		const query = k.selectFrom( 't' ).select( 'v' ).orderBy( 'id' );
		const stream = query.stream()[ Symbol.asyncIterator ]();
		expect( ( await stream.next() ).value ).toEqual( { v: 'a' } );
		// The same SQL again while the first is open: the cached statement is busy.
		const busyStatement = cache.prepare( query.compile().sql );
		expect( busyStatement ).toBeDefined();
		await stream.return?.( undefined );
		expect( ( await query.execute() ).map( ( r ) => r.v ) ).toEqual( [
			'a',
			'b',
		] );
	} );

	it( 're-prepares by itself after a schema change', async () => {
		const { db: k } = open();
		await sql`create table t (id integer primary key, v text)`.execute( k );
		await k.insertInto( 't' ).values( { id: 1, v: 'a' } ).execute();
		const select = () => sql`select * from t`.execute( k );
		expect( ( await select() ).rows ).toEqual( [ { id: 1, v: 'a' } ] );
		await sql`alter table t add column w text`.execute( k );
		expect( ( await select() ).rows ).toEqual( [
			{ id: 1, v: 'a', w: null },
		] );
	} );
} );
