/**
 * Automation rules through the real app (routes, webhooks, run engine, dispatcher) with a scripted messenger and an
 * injected clock: keyword triggers and re-entry, edits of an active automation (finish vs stop), exits (opt-out while
 * waiting in a delay, the goal event, a failed send), validation and the state machine.
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

const FAILING = phoneOf( 900 );

describe.each( dialects() )( 'automation rules (%s)', ( dialect ) => {
	let store: TestStore;
	let a: AutomationBridge;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		// A tick far apart: what a webhook starts must go out because the engine is woken, not because of the tick.
		a = await startAutomationBridge( store, {
			tickMs: 600_000,
			script: ( _account, message ) =>
				message.to === FAILING
					? {
							kind: 'error',
							code: 131026,
							message: 'Message undeliverable',
						}
					: null,
		} );
	}, 60_000 );

	afterAll( async () => {
		await a?.t.close();
		await store?.drop();
	} );

	const db = () => store.storage.db;
	/**
	 * A signed call one second after the last: two byte-identical signed requests in one second are a replay, and the
	 * tests' clock only moves when told.
	 */
	const call = (
		...args: Parameters< AutomationBridge[ 't' ][ 'call' ] >
	) => {
		a.clock.advance( 1_000 );
		return a.t.call( ...args );
	};
	const put = ( id: string, body: unknown ) =>
		call( a.shop, 'PUT', `/v1/automations/${ id }`, body );
	const state = ( id: string, to: string ) =>
		call( a.shop, 'POST', `/v1/automations/${ id }/state`, {
			state: to,
		} );
	const event = ( id: string, type: string, phone: string ) =>
		call( a.shop, 'POST', '/v1/events', { id, type, phone } );
	const runsOf = ( automationId: string ) =>
		db()
			.selectFrom( 'automation_runs as a' )
			.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
			.select( [
				'a.run_id',
				'r.phone',
				'a.version',
				'a.ended_at',
				'a.exit_reason',
				'a.waiting',
			] )
			.where( 'a.automation_id', '=', automationId )
			.orderBy( 'a.run_id' )
			.execute();
	const sentTo = ( phone: string ) =>
		a.messenger.calls.filter( ( c ) => c.message.to === phone );
	/** One engine round now (the tests' clock moved; the engine's own tick is far apart). */
	const tick = () => a.t.bridge.automations.tick();

	it( 'a keyword starts its automation once inside the re-entry window, and its reply goes out at once', async () => {
		expect(
			(
				await put( 'promo', {
					name: 'Promo',
					trigger: { type: 'keyword', keyword: 'Promò' },
					reentry: { mode: 'per_days', days: 30 },
					steps: [
						{
							id: 'hi',
							type: 'send_text',
							text: 'Ciao! Ecco il codice.',
							next: null,
						},
					],
				} )
			).statusCode
		).toBe( 201 );
		expect( ( await state( 'promo', 'active' ) ).statusCode ).toBe( 200 );
		// Another automation cannot take the same keyword while this one is active.
		await put( 'promo2', {
			name: 'Promo bis',
			trigger: { type: 'keyword', keyword: ' PROMO ' },
			reentry: { mode: 'once' },
			steps: [ { id: 'hi', type: 'send_text', text: 'Bis', next: null } ],
		} );
		const taken = await state( 'promo2', 'active' );
		expect( taken.statusCode ).toBe( 409 );
		expect( taken.json().error.code ).toBe( 'keyword_taken' );

		const phone = phoneOf( 1 );
		const before = Date.now();
		expect(
			await postInbound( a.t, a.shop, [
				{ id: 'wamid.kw.1', from: phone, text: '  promo ' },
			] )
		).toBe( 200 );
		await waitFor(
			() => sentTo( phone ).length === 1,
			5_000,
			'the keyword reply'
		);
		// Woken by the webhook: far sooner than the engine's 10-minute tick.
		expect( Date.now() - before ).toBeLessThan( 3_000 );
		expect(
			JSON.parse( sentTo( phone )[ 0 ]?.message.body as string )
		).toMatchObject( {
			to: phone,
			type: 'text',
			text: { body: 'Ciao! Ecco il codice.' },
		} );
		// The same keyword again a day later (inside 30 days), and the first message redelivered: no new run.
		a.clock.advance( 86_400_000 );
		await postInbound( a.t, a.shop, [
			{ id: 'wamid.kw.1', from: phone, text: '  promo ' },
			{ id: 'wamid.kw.2', from: phone, text: 'PROMO' },
		] );
		await tick();
		expect( await runsOf( 'promo' ) ).toHaveLength( 1 );
		// 31 days later it may start again (a new entry of the phone).
		a.clock.advance( 31 * 86_400_000 );
		await postInbound( a.t, a.shop, [
			{ id: 'wamid.kw.3', from: phone, text: 'promo' },
		] );
		await waitFor(
			() => sentTo( phone ).length === 2,
			5_000,
			'the second keyword reply'
		);
		expect( await runsOf( 'promo' ) ).toHaveLength( 2 );

		// The chat button sends its keyword first, then the page's prefilled text: the first word starts it too; a
		// text that only contains the keyword later on does not.
		const visitor = phoneOf( 2 );
		await postInbound( a.t, a.shop, [
			{
				id: 'wamid.kw.4',
				from: visitor,
				text: 'PROMO Ciao, vorrei informazioni su Borsa tote',
			},
			{
				id: 'wamid.kw.5',
				from: phoneOf( 3 ),
				text: 'Vorrei la promo',
			},
		] );
		await waitFor(
			() => sentTo( visitor ).length === 1,
			5_000,
			'the chat button keyword reply'
		);
		await tick();
		expect( sentTo( phoneOf( 3 ) ) ).toHaveLength( 0 );
		expect( await runsOf( 'promo' ) ).toHaveLength( 3 );
	} );

	const DRIP = ( minutes: number, name: string ) => ( {
		name: 'Drip',
		trigger: { type: 'event', event: 'signup' },
		reentry: { mode: 'once' },
		exit_on: [ 'order.placed' ],
		steps: [
			{
				id: 'wait',
				type: 'delay',
				delay: { kind: 'duration', minutes },
				next: 'send',
			},
			{
				id: 'send',
				type: 'send_template',
				template: template( name ),
				next: null,
			},
		],
	} );

	it( 'editing an active automation: "finish" lets older runs finish on their version, "stop" ends them', async () => {
		expect( ( await put( 'drip', DRIP( 60, 'v1' ) ) ).statusCode ).toBe(
			201
		);
		await state( 'drip', 'active' );
		for ( const i of [ 10, 11 ] ) {
			expect(
				(
					await event( `signup-${ i }`, 'signup', phoneOf( i ) )
				).json()
			).toEqual( {
				started: 1,
				exited: 0,
			} );
		}
		await tick();
		expect( ( await runsOf( 'drip' ) ).map( ( r ) => r.waiting ) ).toEqual(
			[ 'delay', 'delay' ]
		);

		const edited = await put( 'drip', {
			...DRIP( 30, 'v2' ),
			running: 'finish',
		} );
		expect( edited.statusCode ).toBe( 200 );
		expect( edited.json().version ).toBe( 2 );
		expect(
			( await event( 'signup-12', 'signup', phoneOf( 12 ) ) ).json()
				.started
		).toBe( 1 );
		await tick();
		a.clock.advance( 61 * 60_000 );
		await tick();
		await waitFor(
			() =>
				[ 10, 11, 12 ].every(
					( i ) => sentTo( phoneOf( i ) ).length === 1
				),
			10_000,
			'the three drips'
		);
		const names = [ 10, 11, 12 ].map(
			( i ) =>
				JSON.parse(
					sentTo( phoneOf( i ) )[ 0 ]?.message.body as string
				).template.name
		);
		expect( names ).toEqual( [ 'v1', 'v1', 'v2' ] );

		// "stop": a run on version 2 waiting in its delay ends when version 3 is saved.
		expect(
			( await event( 'signup-13', 'signup', phoneOf( 13 ) ) ).json()
				.started
		).toBe( 1 );
		await tick();
		const stopped = await put( 'drip', {
			...DRIP( 30, 'v3' ),
			running: 'stop',
		} );
		expect( stopped.json().version ).toBe( 3 );
		a.clock.advance( 31 * 60_000 );
		await tick();
		const run = ( await runsOf( 'drip' ) ).find(
			( r ) => r.phone === phoneOf( 13 )
		);
		expect( run ).toMatchObject( {
			version: 2,
			exit_reason: 'automation_stopped',
		} );
		expect( run?.ended_at ).not.toBeNull();
		expect( sentTo( phoneOf( 13 ) ) ).toHaveLength( 0 );
	} );

	it( 'an opt-out while a run waits in a delay ends it before the next send; so does the goal event', async () => {
		const [ optedOut, goal ] = [ phoneOf( 20 ), phoneOf( 21 ) ];
		await event( 'signup-20', 'signup', optedOut );
		await event( 'signup-21', 'signup', goal );
		await tick();
		const consent = await call( a.shop, 'POST', '/v1/consent', {
			events: [
				{
					phone: optedOut,
					state: 'revoked',
					at: new Date( a.clock.now() ).toISOString(),
					source: 'my_account',
				},
			],
		} );
		expect( consent.statusCode ).toBe( 200 );
		expect(
			( await event( 'order-21', 'order.placed', goal ) ).json()
		).toEqual( { started: 0, exited: 1 } );
		a.clock.advance( 31 * 60_000 );
		await tick();
		const runs = await runsOf( 'drip' );
		expect( runs.find( ( r ) => r.phone === optedOut ) ).toMatchObject( {
			exit_reason: 'opted_out',
		} );
		expect( runs.find( ( r ) => r.phone === goal ) ).toMatchObject( {
			exit_reason: 'goal_reached',
		} );
		expect( sentTo( optedOut ) ).toHaveLength( 0 );
		expect( sentTo( goal ) ).toHaveLength( 0 );
		const history = await db()
			.selectFrom( 'automation_history as h' )
			.innerJoin( 'recipients as r', 'r.id', 'h.run_id' )
			.select( [ 'r.phone', 'h.step_id', 'h.outcome' ] )
			.where( 'r.phone', 'in', [ optedOut, goal ] )
			.execute();
		expect(
			history
				.map( ( h ) => `${ h.phone } ${ h.step_id } ${ h.outcome }` )
				.sort()
		).toEqual(
			[
				`${ optedOut } wait exited:opted_out`,
				`${ goal } wait exited:goal_reached`,
			].sort()
		);
	} );

	it( 'a failed send ends its run with send_failed', async () => {
		await event( 'signup-900', 'signup', FAILING );
		await tick();
		a.clock.advance( 31 * 60_000 );
		await tick();
		await waitFor(
			() => sentTo( FAILING ).length === 1,
			10_000,
			'the failing send'
		);
		await waitFor(
			async () => {
				await tick();
				return (
					( await runsOf( 'drip' ) ).find(
						( r ) => r.phone === FAILING
					)?.exit_reason === 'send_failed'
				);
			},
			10_000,
			'the run to exit'
		);
		const view = (
			await call( a.shop, 'GET', '/v1/automations/drip' )
		).json();
		expect( view.step_stats.send.failed ).toBe( 1 );
		const list = ( await call( a.shop, 'GET', '/v1/automations' ) ).json();
		expect(
			list.automations.find( ( x: { id: string } ) => x.id === 'drip' )
				.runs
		).toEqual( {
			active: 0,
			completed: 3,
			exited: 3,
			failed: 1,
		} );
	} );

	it( 'refuses invalid flows with their problems, and checks states and deletes', async () => {
		const invalid = await put( 'bad', {
			name: 'Bad',
			trigger: { type: 'event', event: 'x' },
			reentry: { mode: 'once' },
			steps: [
				{
					id: 'a',
					type: 'delay',
					delay: { kind: 'duration', minutes: 5 },
					next: 'b',
				},
				{
					id: 'b',
					type: 'send_text',
					text: ' ',
					buttons: [ 1, 2, 3, 4 ].map( ( n ) => ( {
						id: `${ n }`,
						title: `${ n }`,
					} ) ),
					next: 'nowhere',
				},
				{ id: 'c', type: 'end' },
				{
					id: 'd',
					type: 'send_text',
					text: 'x'.repeat( 1025 ),
					buttons: [
						{ id: 'Y', title: 'Sì' },
						{ id: 'N', title: 'Sì' },
						{ id: 'L', title: 'x'.repeat( 21 ) },
					],
					next: null,
				},
			],
		} );
		expect( invalid.statusCode ).toBe( 422 );
		expect( invalid.json().code ).toBe( 'invalid_automation' );
		expect(
			invalid
				.json()
				.problems.map(
					( p: { step: string; code: string } ) =>
						`${ p.step }:${ p.code }`
				)
				.sort()
		).toEqual(
			[
				'b:empty_text',
				'b:free_form_after_delay',
				'b:too_many_buttons',
				'b:unknown_next',
				'c:unreachable_step',
				'd:bad_button',
				'd:text_too_long',
				'd:unreachable_step',
			].sort()
		);
		// An active automation cannot be deleted; archived it can, with its runs and lane.
		expect(
			( await call( a.shop, 'DELETE', '/v1/automations/drip' ) )
				.statusCode
		).toBe( 409 );
		expect( ( await state( 'drip', 'draft' ) ).statusCode ).toBe( 409 );
		expect( ( await state( 'drip', 'archived' ) ).statusCode ).toBe( 200 );
		expect(
			( await call( a.shop, 'DELETE', '/v1/automations/drip' ) )
				.statusCode
		).toBe( 204 );
		expect(
			( await call( a.shop, 'GET', '/v1/automations/drip' ) ).statusCode
		).toBe( 404 );
		expect( await runsOf( 'drip' ) ).toHaveLength( 0 );
		// The lanes never show as campaigns.
		const campaigns = (
			await call( a.shop, 'GET', '/v1/campaigns' )
		).json().campaigns;
		expect( campaigns ).toEqual( [] );
	} );

	it( "one tenant never sees or changes another's automations and runs", async () => {
		const other = await a.t.addTenant( { name: 'Other shop' } );
		expect(
			( await call( other, 'GET', '/v1/automations/promo' ) ).statusCode
		).toBe( 404 );
		expect(
			(
				await call( other, 'POST', '/v1/automations/promo/state', {
					state: 'paused',
				} )
			).statusCode
		).toBe( 404 );
		expect(
			( await call( other, 'DELETE', '/v1/automations/promo' ) )
				.statusCode
		).toBe( 404 );
		expect(
			( await call( other, 'GET', '/v1/automations' ) ).json().automations
		).toEqual( [] );
		expect(
			(
				await call(
					other,
					'GET',
					`/v1/runs?phone=${ encodeURIComponent( phoneOf( 1 ) ) }`
				)
			).json().runs
		).toEqual( [] );
		// Its own automation with the same id and keyword is its own.
		expect(
			(
				await call( other, 'PUT', '/v1/automations/promo', {
					name: 'Promo',
					trigger: { type: 'keyword', keyword: 'promo' },
					reentry: { mode: 'once' },
					steps: [
						{
							id: 'hi',
							type: 'send_text',
							text: 'Altro',
							next: null,
						},
					],
				} )
			).statusCode
		).toBe( 201 );
		expect(
			(
				await call( other, 'POST', '/v1/automations/promo/state', {
					state: 'active',
				} )
			).statusCode
		).toBe( 200 );
		// Unsigned: refused.
		expect(
			(
				await a.t.bridge.app.inject( {
					method: 'GET',
					url: '/v1/automations',
				} )
			).statusCode
		).toBe( 401 );
	} );
} );
