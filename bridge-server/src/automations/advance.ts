/**
 * Advancing one run, inside the tick's transaction, from the step it is due at until it must wait (a delay, a reply,
 * its timeout) or ends. Every effect of a step is idempotent by (run, step): the message (messages UNIQUE (run_id,
 * step), ON CONFLICT DO NOTHING), the history row (UNIQUE (run_id, step)) and the contact action (id `<run>:<step>`);
 * and they commit with the run's new position, so a step's effects happen exactly once.
 */

/**
 * External dependencies
 */
import type { Transaction } from 'kysely';

/**
 * Internal dependencies
 */
import { applyCounterDeltas } from '../storage/counters.js';
import type { DialectName } from '../storage/dialect.js';
import type { Database, RunWaiting } from '../storage/schema.js';
import { applyPreference } from '../webhooks/consent.js';
import { withWebhookTables } from '../webhooks/schema.js';
import { evaluate } from './conditions.js';
import { consentRefusal, sendCategory } from './consent-rule.js';
import { endAutomationRuns } from './exit.js';
import { templateBody, textBody, valuesOf, type V2Body } from './message.js';
import { delayEnd } from './timing.js';
import type { Step, TemplateRef } from './types.js';

export const WINDOW_MS = 24 * 3_600_000;
/** Steps one run may take in one go (a flow without waits that loops is cut here and resumed at the next tick). */
const MAX_STEPS = 50;

export interface DueRun {
	run_id: number;
	tenant_id: string;
	automation_id: string;
	/** The run's recipients row's campaign: the automation's lane (`a:<id>`) or the campaign that started it. */
	campaign_id: string;
	version: number;
	step: number;
	waiting: RunWaiting | null;
	event: string;
	phone: string;
	contact_id: string | null;
	variables: string;
}

export interface AdvanceContext {
	trx: Transaction< Database >;
	dialect: DialectName;
	now: number;
	timeZone: string;
	steps: Step[];
}

async function enter(
	ctx: AdvanceContext,
	run: DueRun,
	index: number,
	step: Step
): Promise< void > {
	await ctx.trx
		.insertInto( 'automation_history' )
		.values( {
			run_id: run.run_id,
			tenant_id: run.tenant_id,
			automation_id: run.automation_id,
			version: run.version,
			step: index,
			step_id: step.id,
			entered_at: ctx.now,
			left_at: null,
			outcome: null,
		} )
		.onConflict( ( oc ) => oc.columns( [ 'run_id', 'step' ] ).doNothing() )
		.execute();
}

export async function leave(
	trx: Transaction< Database >,
	runId: number,
	index: number,
	outcome: string,
	now: number
): Promise< void > {
	await trx
		.updateTable( 'automation_history' )
		.set( { left_at: now, outcome } )
		.where( 'run_id', '=', runId )
		.where( 'step', '=', index )
		.where( 'left_at', 'is', null )
		.execute();
}

async function queueMessage(
	ctx: AdvanceContext,
	run: DueRun,
	index: number,
	body: V2Body
): Promise< void > {
	const inserted = await ctx.trx
		.insertInto( 'messages' )
		.values( {
			tenant_id: run.tenant_id,
			campaign_id: run.campaign_id,
			run_id: run.run_id,
			step: index,
			phone: run.phone,
			body: JSON.stringify( body ),
			state: 'pending',
			attempts: 0,
			next_attempt_at: ctx.now,
			updated_at: ctx.now,
		} )
		.onConflict( ( oc ) => oc.columns( [ 'run_id', 'step' ] ).doNothing() )
		.returning( 'id' )
		.executeTakeFirst();
	if ( inserted ) {
		await applyCounterDeltas( ctx.trx, run.tenant_id, run.campaign_id, {
			to_start: 1,
		} );
	}
}

async function windowOpen( ctx: AdvanceContext, run: DueRun ) {
	const last = await withWebhookTables( ctx.trx )
		.selectFrom( 'inbound_messages' )
		.select( 'received_at' )
		.where( 'tenant_id', '=', run.tenant_id )
		.where( 'from_phone', '=', run.phone )
		.where( 'received_at', '>', ctx.now - WINDOW_MS )
		.limit( 1 )
		.executeTakeFirst();
	return last !== undefined;
}

async function contactAction(
	ctx: AdvanceContext,
	run: DueRun,
	index: number,
	action: Record< string, unknown >
): Promise< void > {
	const id = `${ run.run_id }:${ index }`;
	await ctx.trx
		.insertInto( 'contact_actions' )
		.values( {
			id,
			tenant_id: run.tenant_id,
			action: JSON.stringify( {
				id,
				phone: run.phone,
				...( run.contact_id ? { contact_id: run.contact_id } : {} ),
				...action,
				automation_id: run.automation_id,
				run_id: run.run_id,
			} ),
			created_at: ctx.now,
			next_attempt_at: ctx.now,
			reported_at: null,
		} )
		.onConflict( ( oc ) => oc.column( 'id' ).doNothing() )
		.execute();
}

/**
 * Queues a template step's message unless the consent rule refuses it for this run (consent-rule.ts): answers the
 * refusal, or null when the message was queued.
 */
async function queueTemplate(
	ctx: AdvanceContext,
	run: DueRun,
	index: number,
	template: TemplateRef,
	contact: Record< string, string >,
	event: Record< string, unknown >
) {
	const category = await sendCategory(
		ctx.trx,
		run.tenant_id,
		template,
		ctx.now
	);
	const refusal = await consentRefusal(
		ctx.trx,
		{
			tenantId: run.tenant_id,
			phone: run.phone,
			contact,
			event,
			fromCampaign: ! run.campaign_id.startsWith( 'a:' ),
		},
		category,
		() => windowOpen( ctx, run )
	);
	if ( refusal === null ) {
		await queueMessage(
			ctx,
			run,
			index,
			templateBody(
				{ ...template, category },
				valuesOf( contact, event )
			)
		);
	}
	return refusal;
}

/** Where a step goes: the index of `next`, or null when the run ends. */
function indexOf( steps: Step[], next: string | null | undefined ) {
	if ( next === null || next === undefined ) {
		return null;
	}
	const i = steps.findIndex( ( s ) => s.id === next );
	return i < 0 ? null : i;
}

/**
 * Runs steps from the run's current one. Answers nothing; the run's row is written (new step, due time, waiting) or
 * the run is ended.
 *
 * @param ctx The tick's transaction and what it knows.
 * @param run The run (its row was just taken by the tick's conditional update).
 */
export async function advanceRun(
	ctx: AdvanceContext,
	run: DueRun
): Promise< void > {
	const { trx, now, steps } = ctx;
	if ( run.waiting === null ) {
		// Its first take: the run leaves "to start" for "in progress" (waiting is null only until now).
		await trx
			.updateTable( 'automation_runs' )
			.set( { waiting: 'step' } )
			.where( 'run_id', '=', run.run_id )
			.execute();
		await applyCounterDeltas( trx, run.tenant_id, run.campaign_id, {
			runs_to_start: -1,
			runs_in_progress: 1,
		} );
	}
	const contact = JSON.parse( run.variables ) as Record< string, string >;
	const event = JSON.parse( run.event ) as Record< string, unknown >;
	let index: number | null = run.step;
	let waiting = run.waiting;
	for ( let taken = 0; taken < MAX_STEPS; taken++ ) {
		if ( index === null ) {
			await endAutomationRuns(
				trx,
				ctx.dialect,
				run.tenant_id,
				[ run.run_id ],
				null,
				now
			);
			return;
		}
		// Exit check before every step: a phone on the opt-out list leaves the automation.
		const optedOut = await trx
			.selectFrom( 'opt_outs' )
			.select( 'phone' )
			.where( 'tenant_id', '=', run.tenant_id )
			.where( 'phone', '=', run.phone )
			.executeTakeFirst();
		if ( optedOut ) {
			await endAutomationRuns(
				trx,
				ctx.dialect,
				run.tenant_id,
				[ run.run_id ],
				'opted_out',
				now
			);
			return;
		}
		const step = steps[ index ];
		if ( ! step ) {
			index = null;
			continue;
		}
		if ( waiting === 'step' || waiting === null ) {
			await enter( ctx, run, index, step );
		}
		const values = valuesOf( contact, event );
		let next: number | null = null;
		let outcome = 'done';
		let refusal: string | null = null;
		switch ( step.type ) {
			case 'send_template':
				refusal = await queueTemplate(
					ctx,
					run,
					index,
					step.template,
					contact,
					event
				);
				outcome = 'sent';
				next = indexOf( steps, step.next );
				break;
			case 'send_text':
				if ( await windowOpen( ctx, run ) ) {
					await queueMessage(
						ctx,
						run,
						index,
						textBody( step.text, step.buttons ?? [], values )
					);
					outcome = 'sent';
				} else if (
					step.when_closed !== undefined &&
					step.when_closed !== 'skip'
				) {
					refusal = await queueTemplate(
						ctx,
						run,
						index,
						step.when_closed.template,
						contact,
						event
					);
					outcome = 'sent';
				} else {
					outcome = 'skipped_window_closed';
				}
				next = indexOf( steps, step.next );
				break;
			case 'delay':
				if ( waiting !== 'delay' ) {
					await setPosition(
						trx,
						run.run_id,
						index,
						delayEnd( step.delay, now, ctx.timeZone ),
						'delay'
					);
					return;
				}
				outcome = 'delayed';
				next = indexOf( steps, step.next );
				break;
			case 'wait_reply':
				if ( waiting !== 'reply' ) {
					await setPosition(
						trx,
						run.run_id,
						index,
						now + step.timeout_minutes * 60_000,
						'reply'
					);
					return;
				}
				// Due while waiting for a reply: the timeout.
				outcome = 'no_reply';
				next = indexOf( steps, step.no_reply );
				break;
			case 'condition': {
				const yes = evaluate( step.if, contact, event );
				outcome = yes ? 'then' : 'else';
				next = indexOf( steps, yes ? step.then : step.else );
				break;
			}
			case 'tag':
			case 'list':
				await contactAction( ctx, run, index, {
					type: step.type,
					add: step.add ?? [],
					remove: step.remove ?? [],
				} );
				outcome = 'tagged';
				next = indexOf( steps, step.next );
				break;
			case 'notify':
				await contactAction( ctx, run, index, {
					type: 'notify',
					subject: step.subject,
					text: step.text,
				} );
				outcome = 'notified';
				next = indexOf( steps, step.next );
				break;
			case 'opt_out':
				// As if the person had tapped "Stop": the consent path (opt-out list, preference, the site's outbox).
				await applyPreference(
					withWebhookTables( trx ),
					{
						tenantId: run.tenant_id,
						phone: run.phone,
						value: 'stop',
						source: 'automation',
						at: now,
					},
					now
				);
				outcome = 'opted_out';
				next = indexOf( steps, step.next );
				break;
			case 'end':
				outcome = 'end';
				next = null;
				break;
		}
		if ( refusal !== null ) {
			// The consent rule refused the send: the run exits here, the reason on this step's history row.
			await endAutomationRuns(
				trx,
				ctx.dialect,
				run.tenant_id,
				[ run.run_id ],
				refusal,
				now
			);
			return;
		}
		await leave( trx, run.run_id, index, outcome, now );
		index = next;
		waiting = 'step';
	}
	// Too many steps without a wait: resume at the next tick.
	if ( index === null ) {
		await endAutomationRuns(
			trx,
			ctx.dialect,
			run.tenant_id,
			[ run.run_id ],
			null,
			now
		);
	} else {
		await setPosition( trx, run.run_id, index, now, 'step' );
	}
}

async function setPosition(
	trx: Transaction< Database >,
	runId: number,
	step: number,
	dueAt: number | null,
	waiting: RunWaiting
): Promise< void > {
	await trx
		.updateTable( 'automation_runs' )
		.set( { step, due_at: dueAt, waiting } )
		.where( 'run_id', '=', runId )
		.where( 'ended_at', 'is', null )
		.execute();
}
