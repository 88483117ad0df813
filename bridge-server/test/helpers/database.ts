/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import {
	migrate,
	openStorage,
	sqliteFileIn,
	type Storage,
} from '../../src/storage/database';
import type { DialectName } from '../../src/storage/dialect';

/** SQLite always; PostgreSQL too when RONDINE_TEST_PG_URL is set (`npm test` always sets it). */
export function dialects(): DialectName[] {
	return process.env.RONDINE_TEST_PG_URL
		? [ 'sqlite', 'postgres' ]
		: [ 'sqlite' ];
}

export interface TestStore {
	storage: Storage;
	dialect: DialectName;
	/** What a child bridge process needs to open the same database. */
	env: Record< string, string >;
	/** Another connection to the same database (a second "process" in-process). */
	reopen: () => Storage;
	drop: () => Promise< void >;
}

/** A fresh migrated database: a SQLite file in a temporary folder, or a new PostgreSQL database dropped afterwards. */
export async function openTestStore(
	dialect: DialectName,
	poolSize = 10
): Promise< TestStore > {
	if ( dialect === 'sqlite' ) {
		const dir = mkdtempSync( join( tmpdir(), 'rondine-bridge-' ) );
		const file = sqliteFileIn( dir );
		const storage = openStorage( { sqliteFile: file } );
		await migrate( storage.db );
		const extra: Storage[] = [];
		return {
			storage,
			dialect,
			env: { RONDINE_BRIDGE_DATA_DIR: dir },
			reopen: () => {
				const s = openStorage( { sqliteFile: file } );
				extra.push( s );
				return s;
			},
			drop: async () => {
				await Promise.all( extra.map( ( s ) => s.close() ) );
				await storage.close();
				rmSync( dir, { recursive: true, force: true } );
			},
		};
	}
	const adminUrl = process.env.RONDINE_TEST_PG_URL as string;
	const name = `rondine_bridge_${ randomBytes( 6 ).toString( 'hex' ) }`;
	const admin = new pg.Client( { connectionString: adminUrl } );
	await admin.connect();
	await admin.query( `CREATE DATABASE ${ name }` );
	await admin.end();
	const url = new URL( adminUrl );
	url.pathname = `/${ name }`;
	const databaseUrl = url.toString();
	const storage = openStorage( { databaseUrl, poolSize } );
	await migrate( storage.db );
	const dir = mkdtempSync( join( tmpdir(), 'rondine-bridge-' ) );
	const extra: Storage[] = [];
	return {
		storage,
		dialect,
		env: { DATABASE_URL: databaseUrl, RONDINE_BRIDGE_DATA_DIR: dir },
		reopen: () => {
			const s = openStorage( { databaseUrl, poolSize } );
			extra.push( s );
			return s;
		},
		drop: async () => {
			await Promise.all( extra.map( ( s ) => s.close() ) );
			await storage.close();
			rmSync( dir, { recursive: true, force: true } );
			const cleanup = new pg.Client( { connectionString: adminUrl } );
			await cleanup.connect();
			await cleanup.query(
				`DROP DATABASE IF EXISTS ${ name } WITH (FORCE)`
			);
			await cleanup.end();
		},
	};
}

/**
 * A run (recipients row) with its one message (step 0), as the snapshot and the dispatcher leave them; `message`
 * overrides the message's columns (state, attempts, wamid...). The run is `active` unless its message is final.
 * Returns the run id.
 * @param db
 * @param run                     The run's columns.
 * @param run.tenant_id
 * @param run.campaign_id
 * @param run.phone
 * @param run.contact_id
 * @param run.variables
 * @param run.interacted_at
 * @param run.interaction_payload
 * @param run.updated_at
 * @param message                 The message's columns.
 */
export async function insertRun(
	db: Kysely< any >,
	run: {
		tenant_id: string;
		campaign_id: string;
		phone: string;
		contact_id?: string | null;
		variables?: string;
		interacted_at?: number | null;
		interaction_payload?: string | null;
		updated_at?: number;
	},
	message: Record< string, unknown > = {}
): Promise< number > {
	const state = ( message.state as string | undefined ) ?? 'pending';
	const final = ! [ 'pending', 'retry', 'sending' ].includes( state );
	const inserted = await db
		.insertInto( 'recipients' )
		.values( {
			contact_id: null,
			variables: '{}',
			updated_at: 0,
			...run,
			state: final ? 'ended' : 'active',
		} )
		.returning( 'id' )
		.executeTakeFirstOrThrow();
	const runId = Number( inserted.id );
	await db
		.insertInto( 'messages' )
		.values( {
			tenant_id: run.tenant_id,
			campaign_id: run.campaign_id,
			run_id: runId,
			step: 0,
			phone: run.phone,
			body: run.variables ?? '{}',
			attempts: 0,
			next_attempt_at: 0,
			updated_at: run.updated_at ?? 0,
			...message,
			state,
		} )
		.execute();
	return runId;
}
