/**
 * External dependencies
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** What the cache needs of a better-sqlite3 database and its statements. */
export interface PreparingDatabase {
	prepare: ( sql: string ) => SqliteStatement & { readonly busy?: boolean };
	close: () => void;
}

/**
 * Kysely's SQLite driver calls `prepare()` for every query it runs, and compiling SQL is a large share of the
 * bridge's CPU at 1,000 messages a second. This wraps the database given to `SqliteDialect` so that the same SQL text
 * reuses its prepared statement: a least-recently-used map of at most `size` statements (a JavaScript Map keeps insertion
 * order, which is all an LRU needs; no dependency for fifteen lines).
 *
 * Safe because better-sqlite3 statements are reusable and bind their parameters on every call, and SQLite re-prepares a
 * statement itself when the schema changes. A statement still iterating (a stream not read to the end) is never handed
 * out twice: a fresh, uncached one is prepared instead.
 */
export class StatementCache implements SqliteDatabase {
	private readonly statements = new Map<
		string,
		SqliteStatement & { readonly busy?: boolean }
	>();

	/** Counters, for tests and benchmarks. */
	hits = 0;
	misses = 0;

	constructor(
		private readonly database: PreparingDatabase,
		private readonly size = 256
	) {}

	prepare( sql: string ): SqliteStatement {
		const cached = this.statements.get( sql );
		if ( cached ) {
			if ( cached.busy ) {
				this.misses += 1;
				return this.database.prepare( sql );
			}
			this.hits += 1;
			// Most recently used goes last.
			this.statements.delete( sql );
			this.statements.set( sql, cached );
			return cached;
		}
		this.misses += 1;
		const statement = this.database.prepare( sql );
		this.statements.set( sql, statement );
		if ( this.statements.size > this.size ) {
			const oldest = this.statements.keys().next().value as string;
			this.statements.delete( oldest );
		}
		return statement;
	}

	get cachedCount(): number {
		return this.statements.size;
	}

	close(): void {
		this.statements.clear();
		this.database.close();
	}
}
