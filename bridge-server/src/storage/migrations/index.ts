/**
 * External dependencies
 */
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * Internal dependencies
 */
import * as initial from './0001-initial.js';
import * as webhooksStats from './0100-webhooks-stats.js';

/*
 * Migrations live in code (no file scanning, so the built dist and vitest see the same list).
 * To add one: create NNNN-what.ts exporting up(db), and add it here; names sort in order. The next one is 0101 or
 * above: Kysely refuses to run a migration that sorts before one a database has already applied.
 */
export const migrations: Record< string, Migration > = {
	'0001-initial': initial,
	'0100-webhooks-stats': webhooksStats,
};

export const migrationProvider: MigrationProvider = {
	async getMigrations() {
		return migrations;
	},
};
