/**
 * External dependencies
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { join } from 'node:path';

/**
 * Internal dependencies
 */
import type { DialectName } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { StatementCache } from './statement-cache.js';

// int8 (bigint: our millisecond times, count(*)) as a JS number: every value we store is < 2^53.
pg.types.setTypeParser( 20, ( value: string ) => Number( value ) );

export interface Storage {
	db: Kysely< Database >;
	dialect: DialectName;
	close: () => Promise< void >;
}

export interface StorageOptions {
	/** postgres://... ; when absent, SQLite at `sqliteFile`. */
	databaseUrl?: string | undefined;
	sqliteFile?: string;
	/** PostgreSQL pool size. */
	poolSize?: number;
}

export function sqliteFileIn( dataDir: string ): string {
	return join( dataDir, 'bridge.sqlite' );
}

export function openStorage( options: StorageOptions ): Storage {
	if ( options.databaseUrl ) {
		const pool = new pg.Pool( {
			connectionString: options.databaseUrl,
			max: options.poolSize ?? 10,
		} );
		const db = new Kysely< Database >( {
			dialect: new PostgresDialect( { pool } ),
		} );
		return { db, dialect: 'postgres', close: () => db.destroy() };
	}
	const file = options.sqliteFile ?? ':memory:';
	const database = new SQLite( file );
	// WAL: readers never block the writer; NORMAL sync is durable across process crashes (not power loss) in WAL mode.
	database.pragma( 'journal_mode = WAL' );
	database.pragma(
		`synchronous = ${ process.env.RONDINE_SQLITE_SYNCHRONOUS ?? 'NORMAL' }`
	);
	database.pragma( 'busy_timeout = 5000' );
	database.pragma( 'foreign_keys = ON' );
	// Temporary b-trees (IN lists, UPDATE ... FROM) in memory: they are small, and on files each was an open, an unlink
	// and a close, about 17 a second while a campaign sends (strace; docs/history/benchmarks-2026-11-25-to-12-07.md,
	// "Fourth session").
	database.pragma( 'temp_store = MEMORY' );
	const db = new Kysely< Database >( {
		// Kysely prepares every query anew; the cache reuses the prepared statement of the same SQL text.
		dialect: new SqliteDialect( {
			database: new StatementCache( database ),
		} ),
	} );
	return { db, dialect: 'sqlite', close: () => db.destroy() };
}

export async function migrate( db: Kysely< Database > ): Promise< void > {
	const migrator = new Migrator( { db, provider: migrationProvider } );
	const { error, results } = await migrator.migrateToLatest();
	const failed = results?.find( ( result ) => result.status === 'Error' );
	if ( error || failed ) {
		throw new Error(
			`Database migration ${ failed?.migrationName ?? '' } failed: ${
				error instanceof Error ? error.message : String( error )
			}`
		);
	}
}
