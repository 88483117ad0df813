/**
 * The must-show test of issue 16: a three-step automation (a template with two buttons -> wait 24 h for a reply ->
 * button A sends X, button B tags and ends, no reply sends a reminder) over 1,000 runs started by events, through the
 * real app (routes, webhooks, run engine, dispatcher) with a scripted messenger and an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { waitFor } from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	phoneOf,
	postInbound,
	startAutomationBridge,
	template,
	type AutomationBridge,
} from './helpers';

const RUNS = 1_000;

const FLOW = {
	name: 'After the order',
	trigger: { type: 'event', event: 'order.completed' },
	reentry: { mode: 'once' },
	exit_on: [ 'order.refunded' ],
	steps: [
		{
			id: 'ask',
			type: 'send_template',
			template: template( 'ask_ab' ),
			next: 'wait',
		},
		{
			id: 'wait',
			type: 'wait_reply',
			timeout_minutes: 1440,
			branches: [
				{ when: { button: 'A' }, next: 'x' },
				{ when: { button: 'B' }, next: 'tag' },
			],
			no_reply: 'remind',
		},
		{
			id: 'x',
			type: 'send_template',
			template: template( 'x' ),
			next: null,
		},
		{ id: 'tag', type: 'tag', add: [ 'chose_b' ], next: 'end' },
		{ id: 'end', type: 'end' },
		{
			id: 'remind',
			type: 'send_template',
			template: template( 'reminder' ),
			next: null,
		},
	],
};

describe.each( dialects() )(
	'automation flow over 1,000 runs (%s)',
	( dialect ) => {
		let store: TestStore;
		let a: AutomationBridge;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			a = await startAutomationBridge( store );
		}, 60_000 );

		afterAll( async () => {
			await a?.t.close();
			await store?.drop();
		} );

		const db = () => store.storage.db;
		const sentOfStep = async ( step: number ) =>
			Number(
				(
					await db()
						.selectFrom( 'messages' )
						.select( ( eb ) =>
							eb.fn.countAll< number >().as( 'n' )
						)
						.where( 'campaign_id', '=', 'a:flow' )
						.where( 'step', '=', step )
						.where( 'state', '=', 'completed' )
						.executeTakeFirstOrThrow()
				).n
			);

		it( 'ends every run on its branch; per-step numbers equal the rows; the same event twice makes one run', async () => {
			const { t, shop, clock, messenger } = a;
			expect(
				( await t.call( shop, 'PUT', '/v1/automations/flow', FLOW ) )
					.statusCode
			).toBe( 201 );
			expect(
				(
					await t.call( shop, 'POST', '/v1/automations/flow/state', {
						state: 'active',
					} )
				).statusCode
			).toBe( 200 );

			for ( let i = 0; i < RUNS; i += 50 ) {
				const answers = await Promise.all(
					Array.from(
						{ length: Math.min( 50, RUNS - i ) },
						( _, k ) =>
							t.call( shop, 'POST', '/v1/events', {
								id: `order-${ i + k }`,
								type: 'order.completed',
								phone: phoneOf( i + k ),
								data: {
									contact: {
										first_name: `N${ i + k }`,
										consent: 'granted',
									},
									total: 10,
								},
							} )
					)
				);
				for ( const answer of answers ) {
					expect( answer.json() ).toEqual( {
						started: 1,
						exited: 0,
						duplicates: 0,
					} );
				}
			}
			// The same event again: no second run.
			const again = await t.call( shop, 'POST', '/v1/events', {
				id: 'order-0',
				type: 'order.completed',
				phone: phoneOf( 0 ),
			} );
			expect( again.json() ).toEqual( {
				started: 0,
				exited: 0,
				duplicates: 1,
			} );

			await waitFor(
				async () => ( await sentOfStep( 0 ) ) === RUNS,
				60_000,
				'the first message of every run'
			);
			const first = messenger.calls.find(
				( c ) => c.message.to === phoneOf( 3 )
			);
			expect( JSON.parse( first?.message.body as string ) ).toMatchObject(
				{
					messaging_product: 'whatsapp',
					to: phoneOf( 3 ),
					type: 'template',
					template: {
						name: 'ask_ab',
						components: [
							{
								type: 'body',
								parameters: [ { type: 'text', text: 'N3' } ],
							},
						],
					},
				}
			);

			// Replies: a third taps A (answering the message by its wamid), a third B (no context: the phone's waiting run).
			const wamids = new Map(
				(
					await db()
						.selectFrom( 'messages' )
						.select( [ 'phone', 'wamid' ] )
						.where( 'campaign_id', '=', 'a:flow' )
						.where( 'step', '=', 0 )
						.execute()
				).map( ( m ) => [ m.phone, m.wamid as string ] )
			);
			const choice = ( i: number ) => [ 'A', 'B', null ][ i % 3 ] ?? null;
			clock.advance( 60_000 );
			const replies = [];
			for ( let i = 0; i < RUNS; i++ ) {
				const button = choice( i );
				if ( button ) {
					replies.push( {
						id: `wamid.in.${ i }`,
						from: phoneOf( i ),
						button: {
							payload: button,
							text: button === 'A' ? 'Sì' : 'No',
						},
						...( button === 'A'
							? { context: wamids.get( phoneOf( i ) ) }
							: {} ),
					} );
				}
			}
			for ( let i = 0; i < replies.length; i += 100 ) {
				expect(
					await postInbound( t, shop, replies.slice( i, i + 100 ) )
				).toBe( 200 );
			}
			const countA = Math.ceil( RUNS / 3 );
			const countB = Math.floor( ( RUNS + 1 ) / 3 );
			const countNone = RUNS - countA - countB;
			await waitFor(
				async () => ( await sentOfStep( 2 ) ) === countA,
				60_000,
				'X to every A'
			);
			// The 24 hours pass: the runs nobody answered get the reminder.
			clock.advance( 1440 * 60_000 );
			await waitFor(
				async () => ( await sentOfStep( 5 ) ) === countNone,
				60_000,
				'the reminders'
			);
			await waitFor(
				async () =>
					Number(
						(
							await db()
								.selectFrom( 'automation_runs' )
								.select( ( eb ) =>
									eb.fn.countAll< number >().as( 'n' )
								)
								.where( 'automation_id', '=', 'flow' )
								.where( 'ended_at', 'is', null )
								.executeTakeFirstOrThrow()
						).n
					) === 0,
				30_000,
				'every run to end'
			);

			const runs = await db()
				.selectFrom( 'automation_runs as a' )
				.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
				.select( [ 'r.phone', 'a.exit_reason', 'a.run_id' ] )
				.where( 'a.automation_id', '=', 'flow' )
				.execute();
			expect( runs ).toHaveLength( RUNS );
			expect( runs.every( ( r ) => r.exit_reason === null ) ).toBe(
				true
			);
			const history = await db()
				.selectFrom( 'automation_history' )
				.select( [ 'run_id', 'step_id', 'outcome' ] )
				.where( 'automation_id', '=', 'flow' )
				.execute();
			const pathOf = new Map< number, string[] >();
			for ( const h of history ) {
				pathOf.set( Number( h.run_id ), [
					...( pathOf.get( Number( h.run_id ) ) ?? [] ),
					`${ h.step_id }=${ h.outcome }`,
				] );
			}
			const phoneIndex = ( phone: string ) =>
				Number( phone.slice( 5 ) ) - 10_000_000;
			for ( const run of runs ) {
				const i = phoneIndex( run.phone );
				const path = (
					pathOf.get( Number( run.run_id ) ) ?? []
				).sort();
				const expected = {
					A: [ 'ask=sent', 'wait=replied:A', 'x=sent' ],
					B: [
						'ask=sent',
						'end=end',
						'tag=tagged',
						'wait=replied:B',
					],
					none: [ 'ask=sent', 'remind=sent', 'wait=no_reply' ],
				}[ choice( i ) ?? 'none' ];
				expect( path ).toEqual( expected );
			}
			// Tag actions for the site: one per B run.
			expect(
				await db()
					.selectFrom( 'contact_actions' )
					.select( 'id' )
					.execute()
			).toHaveLength( countB );
			// Every message was sent once: no (run, step) twice.
			const sends = new Map< string, number >();
			for ( const call of messenger.calls ) {
				const key = call.message.bizOpaqueCallbackData as string;
				sends.set( key, ( sends.get( key ) ?? 0 ) + 1 );
			}
			expect( [ ...sends.values() ].every( ( n ) => n === 1 ) ).toBe(
				true
			);
			expect( sends.size ).toBe( RUNS + countA + countNone );

			// Per-step numbers of GET /v1/automations/flow equal the rows.
			const view = (
				await t.call( shop, 'GET', '/v1/automations/flow' )
			).json();
			expect( view.step_stats.ask ).toMatchObject( {
				entered: RUNS,
				completed: RUNS,
				sent: RUNS,
				waiting: 0,
			} );
			expect( view.step_stats.wait ).toMatchObject( {
				entered: RUNS,
				replied: countA + countB,
				completed: RUNS,
				waiting: 0,
			} );
			expect( view.step_stats.x ).toMatchObject( {
				entered: countA,
				sent: countA,
			} );
			expect( view.step_stats.tag ).toMatchObject( {
				entered: countB,
				completed: countB,
			} );
			expect( view.step_stats.remind ).toMatchObject( {
				entered: countNone,
				sent: countNone,
			} );
			const list = (
				await t.call( shop, 'GET', '/v1/automations' )
			).json();
			expect( list.automations[ 0 ].runs ).toEqual( {
				active: 0,
				completed: RUNS,
				exited: 0,
				failed: 0,
			} );
			// A contact's runs.
			const mine = (
				await t.call(
					shop,
					'GET',
					`/v1/runs?phone=${ encodeURIComponent( phoneOf( 0 ) ) }`
				)
			).json();
			expect( mine.runs ).toHaveLength( 1 );
			expect(
				mine.runs[ 0 ].history.map(
					( h: { step_id: string } ) => h.step_id
				)
			).toEqual( [ 'ask', 'wait', 'x' ] );
		}, 240_000 );
	}
);
