/**
 * What a fresh inbound message (deduplicated by Meta's id, in the webhook's transaction) does to automations:
 * 1. a reply to a run waiting in wait_reply (the run of the message it answers, else the phone's most recent waiting
 *    run) takes the matching branch: the run becomes due at that branch's step;
 * 2. otherwise a button payload starts the active automation triggered by it, and a text its keyword's automation
 *    (trimmed, case- and accent-insensitive).
 */

/**
 * External dependencies
 */
import type { Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import type { DialectName } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { endAutomationRuns } from './exit.js';
import { noteRunsChanged } from './signal.js';
import { startRun } from './start.js';
import { normalizeKeyword, type Step } from './types.js';

export interface InboundForAutomations {
	tenantId: string;
	phone: string;
	/** Quick-reply / interactive reply id. */
	payload: string | null;
	/** The tapped button's title. */
	title: string | null;
	/** A text message's text. */
	text: string | null;
	/** The run whose message this answers (by its context wamid), when known. */
	runId: number | null;
}

type Db = Kysely< Database >;

async function waitingRun( trx: Db, message: InboundForAutomations ) {
	let query = trx
		.selectFrom( 'automation_runs as a' )
		.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
		.select( [
			'a.run_id',
			'a.tenant_id',
			'a.automation_id',
			'a.version',
			'a.step',
		] )
		.where( 'a.tenant_id', '=', message.tenantId )
		.where( 'a.waiting', '=', 'reply' )
		.where( 'a.ended_at', 'is', null )
		.where( 'a.due_at', 'is not', null );
	query =
		message.runId !== null
			? query.where( 'a.run_id', '=', message.runId )
			: query.where( 'r.phone', '=', message.phone );
	return query
		.orderBy( 'a.started_at', 'desc' )
		.limit( 1 )
		.executeTakeFirst();
}

const lower = ( value: string ) => value.trim().toLowerCase();

/**
 * A branch's `when`: `any` takes every reply; `button` the tapped payload, or its title (the button's own title in the
 * flow's send_text steps, or the id itself typed or tapped as a title).
 *
 * @param when    The branch's condition.
 * @param message The reply.
 * @param steps   The run's version's steps (button titles).
 */
function matches(
	when: { button: string } | { any: true },
	message: InboundForAutomations,
	steps: Step[]
): boolean {
	if ( ! ( 'button' in when ) ) {
		return true;
	}
	const tapped = [ message.payload, message.title, message.text ]
		.filter( ( v ): v is string => !! v )
		.map( lower );
	const title = steps
		.flatMap( ( s ) =>
			s.type === 'send_text' ? ( s.buttons ?? [] ) : []
		)
		.find( ( button ) => button.id === when.button )?.title;
	return (
		tapped.includes( lower( when.button ) ) ||
		( title !== undefined && tapped.includes( lower( title ) ) )
	);
}

/** Answers true when the message was routed to a waiting run (then it triggers nothing else). */
async function routeReply(
	trx: Db,
	dialect: DialectName,
	message: InboundForAutomations,
	now: number
): Promise< boolean > {
	const run =
		( message.runId !== null
			? await waitingRun( trx, message )
			: undefined ) ??
		( await waitingRun( trx, { ...message, runId: null } ) );
	if ( ! run ) {
		return false;
	}
	const version = await trx
		.selectFrom( 'automation_versions' )
		.select( 'steps' )
		.where( 'tenant_id', '=', run.tenant_id )
		.where( 'automation_id', '=', run.automation_id )
		.where( 'version', '=', run.version )
		.executeTakeFirstOrThrow();
	const steps = JSON.parse( version.steps ) as Step[];
	const step = steps[ run.step ];
	if ( ! step || step.type !== 'wait_reply' ) {
		return false;
	}
	const branch = step.branches.find( ( b ) =>
		matches( b.when, message, steps )
	);
	if ( ! branch ) {
		return false;
	}
	// Taken only while still waiting (a timeout or another reply that got there first wins).
	const next =
		branch.next === null
			? -1
			: steps.findIndex( ( s ) => s.id === branch.next );
	const moved = await trx
		.updateTable( 'automation_runs' )
		.set( {
			step: next < 0 ? run.step : next,
			due_at: next < 0 ? null : now,
			waiting: 'step',
		} )
		.where( 'run_id', '=', run.run_id )
		.where( 'step', '=', run.step )
		.where( 'waiting', '=', 'reply' )
		.where( 'due_at', 'is not', null )
		.where( 'ended_at', 'is', null )
		.executeTakeFirst();
	if ( Number( moved.numUpdatedRows ) !== 1 ) {
		return false;
	}
	await trx
		.updateTable( 'automation_history' )
		.set( {
			left_at: now,
			outcome: `replied:${ message.payload ?? message.text ?? '' }`.slice(
				0,
				200
			),
		} )
		.where( 'run_id', '=', run.run_id )
		.where( 'step', '=', run.step )
		.where( 'left_at', 'is', null )
		.execute();
	if ( next < 0 ) {
		await endAutomationRuns(
			trx,
			dialect,
			run.tenant_id,
			[ Number( run.run_id ) ],
			null,
			now
		);
	}
	noteRunsChanged();
	return true;
}

async function startTriggered(
	trx: Db,
	message: InboundForAutomations,
	type: 'button' | 'keyword',
	key: string,
	now: number
): Promise< number > {
	const automations = await trx
		.selectFrom( 'automations' )
		.select( [ 'tenant_id', 'id', 'version', 'reentry' ] )
		.where( 'tenant_id', '=', message.tenantId )
		.where( 'state', '=', 'active' )
		.where( 'trigger_type', '=', type )
		.where( 'trigger_key', '=', key )
		.execute();
	let started = 0;
	for ( const automation of automations ) {
		const run = await startRun(
			trx,
			automation,
			{ phone: message.phone, contactId: null, contact: {}, event: {} },
			now
		);
		if ( run !== null ) {
			started += 1;
		}
	}
	return started;
}

/**
 * Applies these fresh inbound messages to automations, in the webhook's transaction.
 *
 * @param trx      The webhook's transaction.
 * @param dialect  Dialect.
 * @param messages Fresh (first copy) inbound messages.
 * @param now      Clock ms.
 */
export async function applyInboundToAutomations(
	trx: Db,
	dialect: DialectName,
	messages: InboundForAutomations[],
	now: number
): Promise< void > {
	for ( const message of messages ) {
		if ( ! message.phone ) {
			continue;
		}
		if ( await routeReply( trx, dialect, message, now ) ) {
			continue;
		}
		let started = 0;
		if ( message.payload ) {
			started += await startTriggered(
				trx,
				message,
				'button',
				message.payload,
				now
			);
		}
		if ( message.text && ! message.payload ) {
			// The whole text first; else its first word, which is how the chat button sends its keyword ("PROMO"
			// followed by the page's prefilled text, widget/src/panel/message.ts).
			const whole = normalizeKeyword( message.text );
			started += await startTriggered(
				trx,
				message,
				'keyword',
				whole,
				now
			);
			const first = whole.split( /\s+/u, 1 )[ 0 ] ?? '';
			if ( started === 0 && first !== '' && first !== whole ) {
				started += await startTriggered(
					trx,
					message,
					'keyword',
					first,
					now
				);
			}
		}
		if ( started > 0 ) {
			noteRunsChanged();
		}
	}
}
