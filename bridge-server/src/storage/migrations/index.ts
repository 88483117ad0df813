/**
 * External dependencies
 */
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * Internal dependencies
 */
import * as initial from './0001-initial.js';
import * as webhooksStats from './0100-webhooks-stats.js';
import * as sendingIndex from './0101-sending-index.js';
import * as recipientsByPhone from './0102-recipients-by-phone.js';
import * as trust from './0103-trust.js';
import * as cancelled from './0104-cancelled.js';
import * as messages from './0105-messages.js';
import * as testSends from './0106-test-sends.js';
import * as automations from './0107-automations.js';
import * as automationFailures from './0109-automation-failures.js';
import * as sendingPolicy from './0108-sending-policy.js';
import * as campaignAutomations from './0110-campaign-automations.js';
import * as automationTriggers from './0111-automation-triggers.js';

/*
 * Migrations live in code (no file scanning, so the built dist and vitest see the same list).
 * To add one: create NNNN-what.ts exporting up(db), and add it here; names sort in order, and a new one sorts
 * after every existing one (Kysely refuses to run a migration that sorts before one a database has already applied).
 */
export const migrations: Record< string, Migration > = {
	'0001-initial': initial,
	'0100-webhooks-stats': webhooksStats,
	'0101-sending-index': sendingIndex,
	'0102-recipients-by-phone': recipientsByPhone,
	'0103-trust': trust,
	'0104-cancelled': cancelled,
	'0105-messages': messages,
	'0106-test-sends': testSends,
	'0107-automations': automations,
	'0108-sending-policy': sendingPolicy,
	'0109-automation-failures': automationFailures,
	'0110-campaign-automations': campaignAutomations,
	'0111-automation-triggers': automationTriggers,
};

export const migrationProvider: MigrationProvider = {
	async getMigrations() {
		return migrations;
	},
};
