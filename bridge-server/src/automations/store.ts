/**
 * Automation definitions (contract: Definition): create and edit (with versions), state transitions, delete. A new
 * automation also gets its lane: a `campaigns` row `a:<id>` (always `running`, never listed as a campaign, see
 * campaigns/scheduler.ts and campaign-views.ts) whose messages the dispatcher sends like a campaign's, with its counters.
 */

/**
 * External dependencies
 */
import type { Kysely, Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { DomainError, notFound } from '../errors.js';
import { createCounters } from '../storage/counters.js';
import type { DialectName } from '../storage/dialect.js';
import type {
	AutomationState,
	AutomationsTable,
	Database,
} from '../storage/schema.js';
import { endAutomationRuns } from './exit.js';
import {
	laneOf,
	normalizeKeyword,
	tagKey,
	type AutomationInput,
	type Step,
	type Trigger,
} from './types.js';
import { validateSteps, validateTrigger, type Problem } from './validate.js';

export type AutomationRow = AutomationsTable;

/** A flow the contract refuses (422 `invalid_automation` with its problems). */
export class InvalidAutomation extends DomainError {
	constructor( readonly problems: Problem[] ) {
		super(
			'unprocessable',
			'invalid_automation',
			'The automation is not valid.'
		);
	}
}

const TRANSITIONS: Record< AutomationState, AutomationState[] > = {
	draft: [ 'active', 'archived' ],
	active: [ 'paused', 'archived' ],
	paused: [ 'active', 'archived' ],
	archived: [ 'draft' ],
};

function triggerKey( trigger: Trigger ): string | null {
	switch ( trigger.type ) {
		case 'keyword':
			return normalizeKeyword( trigger.keyword );
		case 'button':
			return trigger.payload;
		case 'event':
			return trigger.event;
		case 'tag':
			return tagKey( trigger.tag );
		case 'list':
			return String( trigger.list_id );
		case 'date':
			return trigger.field;
		default:
			return null;
	}
}

export async function findAutomation(
	db: Kysely< Database > | Transaction< Database >,
	tenantId: string,
	id: string
): Promise< AutomationRow | undefined > {
	return db
		.selectFrom( 'automations' )
		.selectAll()
		.where( 'tenant_id', '=', tenantId )
		.where( 'id', '=', id )
		.executeTakeFirst();
}

export async function requireAutomation(
	db: Kysely< Database > | Transaction< Database >,
	tenantId: string,
	id: string
): Promise< AutomationRow > {
	const row = await findAutomation( db, tenantId, id );
	if ( ! row ) {
		throw notFound( 'Automation' );
	}
	return row;
}

export async function stepsOf(
	db: Kysely< Database > | Transaction< Database >,
	tenantId: string,
	id: string,
	version: number
): Promise< Step[] > {
	const row = await db
		.selectFrom( 'automation_versions' )
		.select( 'steps' )
		.where( 'tenant_id', '=', tenantId )
		.where( 'automation_id', '=', id )
		.where( 'version', '=', version )
		.executeTakeFirstOrThrow();
	return JSON.parse( row.steps ) as Step[];
}

async function checkKeyword(
	trx: Transaction< Database >,
	tenantId: string,
	id: string,
	key: string | null
): Promise< void > {
	const taken = await trx
		.selectFrom( 'automations' )
		.select( 'id' )
		.where( 'tenant_id', '=', tenantId )
		.where( 'trigger_type', '=', 'keyword' )
		.where( 'trigger_key', '=', key )
		.where( 'state', '=', 'active' )
		.where( 'id', '!=', id )
		.executeTakeFirst();
	if ( taken ) {
		throw new DomainError(
			'conflict',
			'keyword_taken',
			'Another active automation answers this keyword.'
		);
	}
}

/**
 * Creates (draft, version 1) or updates an automation. A steps change on an active or paused automation makes version
 * N+1; `running: "stop"` ends the runs on older versions (`automation_stopped`), `finish` (default) lets them finish
 * on their version.
 *
 * @param db       Database.
 * @param dialect  Dialect.
 * @param tenantId Tenant.
 * @param id       Automation id (chosen by the plugin).
 * @param input    The body of PUT /v1/automations/{id}.
 * @param now      Clock ms.
 */
export async function putAutomation(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	id: string,
	input: AutomationInput,
	now: number
): Promise< { created: boolean } > {
	const problems = [
		...validateTrigger( input.trigger ),
		...validateSteps( input.steps ),
	];
	if ( problems.length > 0 ) {
		throw new InvalidAutomation( problems );
	}
	const stepsJson = JSON.stringify( input.steps );
	const fields = {
		name: input.name,
		trigger_type: input.trigger.type,
		trigger_key: triggerKey( input.trigger ),
		trigger: JSON.stringify( input.trigger ),
		reentry: JSON.stringify( input.reentry ),
		exit_on: JSON.stringify( input.exit_on ?? [] ),
		updated_at: now,
	};
	return db.transaction().execute( async ( trx ) => {
		const existing = await findAutomation( trx, tenantId, id );
		if ( ! existing ) {
			await trx
				.insertInto( 'automations' )
				.values( {
					tenant_id: tenantId,
					id,
					state: 'draft',
					version: 1,
					created_at: now,
					...fields,
				} )
				.execute();
			await trx
				.insertInto( 'automation_versions' )
				.values( {
					tenant_id: tenantId,
					automation_id: id,
					version: 1,
					steps: stepsJson,
					created_at: now,
				} )
				.execute();
			// The lane its runs' messages are sent in (a running campaign to the dispatcher, hidden from campaigns).
			await trx
				.insertInto( 'campaigns' )
				.values( {
					tenant_id: tenantId,
					id: laneOf( id ),
					name: `automation ${ id }`,
					audience: '{}',
					template_name: '',
					template_language: '',
					template_components: '[]',
					start_at: null,
					options: JSON.stringify( { continue_when_limited: true } ),
					state: 'running',
					state_reason: 'automation',
					state_message: null,
					audience_done: 1,
					audience_cursor: null,
					snapshot_attempts: 0,
					next_snapshot_at: null,
					source_campaign_id: null,
					created_at: now,
					updated_at: now,
					started_at: now,
					finished_at: null,
				} )
				.execute();
			await createCounters( trx, tenantId, laneOf( id ) );
			return { created: true };
		}
		if ( existing.state === 'archived' ) {
			throw new DomainError(
				'conflict',
				'conflict',
				'An archived automation cannot be edited (move it back to draft first).'
			);
		}
		if ( existing.state === 'active' && input.trigger.type === 'keyword' ) {
			await checkKeyword( trx, tenantId, id, fields.trigger_key );
		}
		const current = await stepsOf( trx, tenantId, id, existing.version );
		let version = existing.version;
		if ( JSON.stringify( current ) !== stepsJson ) {
			const hasRuns = await trx
				.selectFrom( 'automation_runs' )
				.select( 'run_id' )
				.where( 'tenant_id', '=', tenantId )
				.where( 'automation_id', '=', id )
				.limit( 1 )
				.executeTakeFirst();
			if ( existing.state === 'draft' && ! hasRuns ) {
				await trx
					.updateTable( 'automation_versions' )
					.set( { steps: stepsJson } )
					.where( 'tenant_id', '=', tenantId )
					.where( 'automation_id', '=', id )
					.where( 'version', '=', version )
					.execute();
			} else {
				version += 1;
				await trx
					.insertInto( 'automation_versions' )
					.values( {
						tenant_id: tenantId,
						automation_id: id,
						version,
						steps: stepsJson,
						created_at: now,
					} )
					.execute();
				if ( input.running === 'stop' ) {
					const older = await trx
						.selectFrom( 'automation_runs' )
						.select( 'run_id' )
						.where( 'tenant_id', '=', tenantId )
						.where( 'automation_id', '=', id )
						.where( 'ended_at', 'is', null )
						.where( 'version', '<', version )
						.execute();
					await endAutomationRuns(
						trx,
						dialect,
						tenantId,
						older.map( ( r ) => Number( r.run_id ) ),
						'automation_stopped',
						now
					);
				}
			}
		}
		await trx
			.updateTable( 'automations' )
			.set( { ...fields, version } )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '=', id )
			.execute();
		return { created: false };
	} );
}

/**
 * Moves an automation to `state`: activation re-validates the flow and claims the keyword (409 `keyword_taken`);
 * archiving ends its running runs (`archived`).
 *
 * @param db       Database.
 * @param dialect  Dialect.
 * @param tenantId Tenant.
 * @param id       Automation.
 * @param state    Target state.
 * @param now      Clock ms.
 */
export async function setAutomationState(
	db: Kysely< Database >,
	dialect: DialectName,
	tenantId: string,
	id: string,
	state: AutomationState,
	now: number
): Promise< void > {
	await db.transaction().execute( async ( trx ) => {
		const existing = await requireAutomation( trx, tenantId, id );
		if ( existing.state === state ) {
			return;
		}
		if ( ! TRANSITIONS[ existing.state ].includes( state ) ) {
			throw new DomainError(
				'conflict',
				'conflict',
				`An automation cannot go from ${ existing.state } to ${ state }.`
			);
		}
		if ( state === 'active' ) {
			const problems = validateSteps(
				await stepsOf( trx, tenantId, id, existing.version )
			);
			if ( problems.length > 0 ) {
				throw new InvalidAutomation( problems );
			}
			if ( existing.trigger_type === 'keyword' ) {
				await checkKeyword( trx, tenantId, id, existing.trigger_key );
			}
		}
		if ( state === 'archived' ) {
			const running = await trx
				.selectFrom( 'automation_runs' )
				.select( 'run_id' )
				.where( 'tenant_id', '=', tenantId )
				.where( 'automation_id', '=', id )
				.where( 'ended_at', 'is', null )
				.execute();
			await endAutomationRuns(
				trx,
				dialect,
				tenantId,
				running.map( ( r ) => Number( r.run_id ) ),
				'archived',
				now
			);
		}
		await trx
			.updateTable( 'automations' )
			.set( { state, updated_at: now } )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '=', id )
			.where( 'state', '=', existing.state )
			.execute();
	} );
}

/** Deletes a draft or archived automation with its lane, runs, messages and history (409 otherwise). */
export async function deleteAutomation(
	db: Kysely< Database >,
	tenantId: string,
	id: string
): Promise< void > {
	await db.transaction().execute( async ( trx ) => {
		const existing = await requireAutomation( trx, tenantId, id );
		if ( existing.state !== 'draft' && existing.state !== 'archived' ) {
			throw new DomainError(
				'conflict',
				'conflict',
				'Only draft and archived automations can be deleted.'
			);
		}
		// A campaign's runs, history and per-step numbers would go with it: archive it instead.
		const campaign = await trx
			.selectFrom( 'campaigns' )
			.select( 'name' )
			.where( 'tenant_id', '=', tenantId )
			.where( 'automation_id', '=', id )
			.limit( 1 )
			.executeTakeFirst();
		if ( campaign ) {
			throw new DomainError(
				'conflict',
				'automation_in_use',
				`The campaign "${ campaign.name }" launches this automation: it cannot be deleted (archive it instead).`
			);
		}
		await trx
			.deleteFrom( 'automations' )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '=', id )
			.execute();
		// Its runs, messages, history and counters go with the lane (foreign keys cascade).
		await trx
			.deleteFrom( 'campaigns' )
			.where( 'tenant_id', '=', tenantId )
			.where( 'id', '=', laneOf( id ) )
			.execute();
	} );
}
