/**
 * External dependencies
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from './dialect.js';

/*
 * A list of values bound as ONE parameter, so a statement's SQL text does not depend on how many values it carries:
 * SQLite reuses its prepared statement (storage/statement-cache.ts) and neither side compiles a value node per item.
 * SQLite reads a JSON array with json_each; PostgreSQL takes a typed array (`= any($1::bigint[])`, `unnest(...)`).
 */

/**
 * `column IN (ids)` with the ids as one parameter.
 *
 * @param dialect Which database.
 * @param column  A column reference, such as `id` or `recipients.id`.
 * @param ids     Integer ids.
 */
export function idIn(
	dialect: DialectName,
	column: string,
	ids: readonly number[]
): RawBuilder< SqlBool > {
	return dialect === 'postgres'
		? sql< SqlBool >`${ sql.ref( column ) } = any(cast(${ ids } as bigint[]))`
		: sql< SqlBool >`${ sql.ref( column ) } in (select value from json_each(${ JSON.stringify( ids ) }))`;
}

/**
 * `column IN (values)` for text values, as one parameter.
 *
 * @param dialect Which database.
 * @param column  A column reference.
 * @param values  Strings.
 */
export function textIn(
	dialect: DialectName,
	column: string,
	values: readonly string[]
): RawBuilder< SqlBool > {
	return dialect === 'postgres'
		? sql< SqlBool >`${ sql.ref( column ) } = any(cast(${ values } as text[]))`
		: sql< SqlBool >`${ sql.ref( column ) } in (select value from json_each(${ JSON.stringify( values ) }))`;
}

/**
 * A column reference that SQLite will not answer from an index (`+column`), for the other conditions of a statement
 * that looks rows up by `idIn`: without it SQLite's planner may prefer the `tenant_id` (or `claimed_by`) index, with no
 * statistics, and scan every recipient of the tenant instead of looking each id up by rowid. PostgreSQL: the column.
 *
 * @param dialect Which database.
 * @param column  A column reference.
 */
export function unindexed(
	dialect: DialectName,
	column: string
): RawBuilder< unknown > {
	return dialect === 'postgres'
		? sql`${ sql.ref( column ) }`
		: sql`+${ sql.ref( column ) }`;
}
