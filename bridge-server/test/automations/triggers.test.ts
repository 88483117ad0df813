/**
 * Tag and list triggers through the real app (routes, run engine, dispatcher) with a scripted messenger: the site's
 * `contact.tagged` / `contact.list_added` events, alone or in a batch, start the automations whose trigger names the tag
 * (however it is spelled) or the list, once per event id; a change an automation's own step made starts other
 * automations but never that one, and a chain of them stops; the trigger's own problems are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { MAX_CHAIN } from '../../src/automations/events';
import { waitFor } from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	phoneOf,
	startAutomationBridge,
	template,
	type AutomationBridge,
} from './helpers';

describe.each( dialects() )( 'tag and list triggers (%s)', ( dialect ) => {
	let store: TestStore;
	let a: AutomationBridge;

	beforeAll( async () => {
		store = await openTestStore( dialect );
		a = await startAutomationBridge( store, { tickMs: 600_000 } );
	}, 60_000 );

	afterAll( async () => {
		await a?.t.close();
		await store?.drop();
	} );

	const db = () => store.storage.db;
	const call = (
		...args: Parameters< AutomationBridge[ 't' ][ 'call' ] >
	) => {
		a.clock.advance( 1_000 );
		return a.t.call( ...args );
	};
	const create = async (
		id: string,
		trigger: Record< string, unknown >,
		steps: unknown[],
		reentry: Record< string, unknown > = { mode: 'once' }
	) => {
		const put = await call( a.shop, 'PUT', `/v1/automations/${ id }`, {
			name: id,
			trigger,
			reentry,
			steps,
		} );
		expect( put.statusCode ).toBe( 201 );
		const active = await call(
			a.shop,
			'POST',
			`/v1/automations/${ id }/state`,
			{ state: 'active' }
		);
		expect( active.statusCode ).toBe( 200 );
	};
	const sendStep = ( name: string ) => [
		{
			id: 'send',
			type: 'send_template',
			template: template( name ),
			next: null,
		},
	];
	/** The contact's values the site sends with its events. */
	const contact = { first_name: 'Ada', consent: 'granted' };
	const tagged = (
		id: string,
		phone: string,
		tag: string,
		extra: Record< string, unknown > = {}
	) => ( {
		id,
		type: 'contact.tagged',
		phone,
		contact_id: '7',
		data: { tag, contact, ...extra },
	} );
	const listed = ( id: string, phone: string, listId: number ) => ( {
		id,
		type: 'contact.list_added',
		phone,
		data: { list_id: listId, list: `Lista ${ listId }`, contact },
	} );
	const runsOf = async ( automationId: string ) =>
		(
			await db()
				.selectFrom( 'automation_runs as a' )
				.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
				.select( [ 'a.run_id', 'r.phone', 'a.chain_depth' ] )
				.where( 'a.tenant_id', '=', a.shop.id )
				.where( 'a.automation_id', '=', automationId )
				.orderBy( 'a.run_id' )
				.execute()
		).map( ( r ) => ( { ...r, run_id: Number( r.run_id ) } ) );
	const templatesSentTo = ( phone: string ) =>
		a.messenger.calls
			.filter( ( c ) => c.message.to === phone )
			.map(
				( c ) =>
					JSON.parse( c.message.body as string ).template
						.name as string
			)
			.sort();

	it( 'a batch of tag and list events starts the automations naming that tag or list, once per event id', async () => {
		await create(
			'vip',
			{ type: 'tag', tag: 'Clienti VIP' },
			sendStep( 'vip_welcome' )
		);
		await create(
			'newsletter',
			{ type: 'tag', tag: 'newsletter' },
			sendStep( 'newsletter_welcome' )
		);
		await create(
			'list12',
			{ type: 'list', list_id: 12 },
			sendStep( 'list_welcome' ),
			{ mode: 'every_time' }
		);
		await create(
			'anytag',
			{ type: 'event', event: 'contact.tagged' },
			sendStep( 'any_tag' )
		);
		const [ p1, p2, p3, p4 ] = [ 1, 2, 3, 4 ].map( phoneOf );
		const batch = {
			events: [
				// Spelled as the site's tag name may differ from the trigger's: one tag for both.
				tagged( 'tag:7:1:100', p1 as string, 'clienti-vip' ),
				listed( 'list:8:12:100', p2 as string, 12 ),
				listed( 'list:9:13:100', p3 as string, 13 ),
				tagged( 'tag:10:2:100', p4 as string, 'Newsletter' ),
			],
		};
		const first = await call( a.shop, 'POST', '/v1/events', batch );
		expect( first.statusCode ).toBe( 200 );
		expect( first.json() ).toEqual( {
			started: 5,
			exited: 0,
			duplicates: 0,
		} );
		// The outbox delivered it again (its answer was lost): nothing new, alone or in a batch.
		expect(
			( await call( a.shop, 'POST', '/v1/events', batch ) ).json()
		).toEqual( { started: 0, exited: 0, duplicates: 4 } );
		expect(
			(
				await call(
					a.shop,
					'POST',
					'/v1/events',
					listed( 'list:8:12:100', p2 as string, 12 )
				)
			).json()
		).toEqual( { started: 0, exited: 0, duplicates: 1 } );

		await a.t.bridge.automations.tick();
		await waitFor(
			() => a.messenger.calls.length === 3,
			10_000,
			'one welcome per phone'
		);
		// A phone's second message waits a few seconds after its first (the dispatcher's pace per recipient).
		a.clock.advance( 7_000 );
		a.t.bridge.dispatcher.wake();
		await waitFor(
			() => a.messenger.calls.length === 5,
			10_000,
			'the five welcomes'
		);
		expect( templatesSentTo( p1 as string ) ).toEqual( [
			'any_tag',
			'vip_welcome',
		] );
		expect( templatesSentTo( p2 as string ) ).toEqual( [ 'list_welcome' ] );
		expect( templatesSentTo( p3 as string ) ).toEqual( [] );
		expect( templatesSentTo( p4 as string ) ).toEqual( [
			'any_tag',
			'newsletter_welcome',
		] );
		// The list event's data is the run's event data (event.<key> fields of templates and conditions).
		const run = await db()
			.selectFrom( 'automation_runs' )
			.select( 'event' )
			.where( 'automation_id', '=', 'list12' )
			.executeTakeFirstOrThrow();
		expect( JSON.parse( run.event ) ).toMatchObject( {
			list_id: 12,
			list: 'Lista 12',
		} );

		// The same contact joining list 12 again later (a new event id): every_time starts it again.
		expect(
			(
				await call(
					a.shop,
					'POST',
					'/v1/events',
					listed( 'list:8:12:200', p2 as string, 12 )
				)
			).json().started
		).toBe( 1 );
		expect( await runsOf( 'list12' ) ).toHaveLength( 2 );
	} );

	it( 'a tag an automation added never restarts that automation, and a chain of automation-made tags stops', async () => {
		// The catch-all of the first test would start on every tag here too.
		await call( a.shop, 'POST', '/v1/automations/anytag/state', {
			state: 'paused',
		} );
		// Two automations that tag each other's trigger: a loop if nothing stopped it.
		await create(
			'ping',
			{ type: 'tag', tag: 'ping' },
			[ { id: 't', type: 'tag', add: [ 'pong' ], next: null } ],
			{ mode: 'every_time' }
		);
		await create(
			'pong',
			{ type: 'tag', tag: 'pong' },
			[ { id: 't', type: 'tag', add: [ 'ping' ], next: null } ],
			{ mode: 'every_time' }
		);
		const phone = phoneOf( 30 ) as string;
		let n = 0;
		/** What the site posts after applying the last run's tag action: the tag, caused by that run. */
		const echo = async ( automationId: string, tag: string ) => {
			const runs = await runsOf( automationId );
			const last = runs[ runs.length - 1 ];
			n += 1;
			return (
				await call(
					a.shop,
					'POST',
					'/v1/events',
					tagged( `tag:30:${ tag }:${ n }`, phone, tag, {
						caused_by: {
							automation_id: automationId,
							run_id: last?.run_id,
						},
					} )
				)
			).json().started as number;
		};
		// The owner tags the contact "ping" in wp-admin: a person's change, depth 0.
		expect(
			(
				await call(
					a.shop,
					'POST',
					'/v1/events',
					tagged( 'tag:30:ping:0', phone, 'ping' )
				)
			).json().started
		).toBe( 1 );
		await a.t.bridge.automations.tick();
		// ping's own tag "ping" again (say its step re-added it): ping is not started by its own change.
		const self = await call(
			a.shop,
			'POST',
			'/v1/events',
			tagged( 'tag:30:self', phone, 'ping', {
				caused_by: {
					automation_id: 'ping',
					run_id: ( await runsOf( 'ping' ) )[ 0 ]?.run_id,
				},
			} )
		);
		expect( self.json().started ).toBe( 0 );

		const started: number[] = [];
		for ( let link = 0; link <= MAX_CHAIN; link++ ) {
			const [ from, tag ] =
				link % 2 === 0 ? [ 'ping', 'pong' ] : [ 'pong', 'ping' ];
			started.push( await echo( from, tag ) );
			await a.t.bridge.automations.tick();
		}
		// Three automation-made links start runs, the fourth does not.
		expect( started ).toEqual( [ 1, 1, 1, 0 ] );
		const depths = [
			...( await runsOf( 'ping' ) ),
			...( await runsOf( 'pong' ) ),
		]
			.filter( ( r ) => r.phone === phone )
			.map( ( r ) => Number( r.chain_depth ) )
			.sort();
		expect( depths ).toEqual( [ 0, 1, 2, 3 ] );
	} );

	it( 'refuses triggers without their tag, list, date field, offset or time', async () => {
		const put = ( trigger: Record< string, unknown > ) =>
			call( a.shop, 'PUT', '/v1/automations/bad', {
				name: 'Bad',
				trigger,
				reentry: { mode: 'once' },
				steps: sendStep( 'x' ),
			} );
		const problem = async ( trigger: Record< string, unknown > ) => {
			const answer = await put( trigger );
			expect( answer.statusCode ).toBe( 422 );
			return answer.json().problems as Array< {
				step: string | null;
				code: string;
			} >;
		};
		expect( await problem( { type: 'tag', tag: ' !! ' } ) ).toEqual( [
			expect.objectContaining( { step: null, code: 'bad_trigger' } ),
		] );
		expect(
			await problem( {
				type: 'date',
				field: 'birthday',
				offset_days: 400,
				time: '09:00',
			} )
		).toEqual( [ expect.objectContaining( { code: 'bad_trigger' } ) ] );
		expect(
			await problem( {
				type: 'date',
				field: 'last_order',
				offset_days: -1,
				time: '09:00',
			} )
		).toEqual( [ expect.objectContaining( { code: 'bad_trigger' } ) ] );
		for ( const trigger of [
			{ type: 'list' },
			{ type: 'list', list_id: 0 },
			{ type: 'tag' },
			{ type: 'date', field: 'birthday', offset_days: 0 },
			{ type: 'date', field: 'birthday', offset_days: 0, time: '9:00' },
			{ type: 'date', field: 'name_day', offset_days: 0, time: '09:00' },
		] ) {
			expect( ( await put( trigger ) ).statusCode ).toBe( 400 );
		}
		expect(
			(
				await put( {
					type: 'date',
					field: 'birthday',
					offset_days: -3,
					time: '08:30',
				} )
			).statusCode
		).toBe( 201 );
		// A batch over 500 events, or one bad event in it, is refused whole (the outbox keeps its rows).
		const many = Array.from( { length: 501 }, ( _, i ) =>
			tagged( `too-many-${ i }`, phoneOf( 40 ) as string, 'x' )
		);
		expect(
			( await call( a.shop, 'POST', '/v1/events', { events: many } ) )
				.statusCode
		).toBe( 400 );
		expect(
			(
				await call( a.shop, 'POST', '/v1/events', {
					events: [
						tagged( 'ok-1', phoneOf( 41 ) as string, 'x' ),
						{ id: 'bad-1', type: 'contact.tagged', phone: '3331' },
					],
				} )
			).statusCode
		).toBe( 400 );
		const handled = await db()
			.selectFrom( 'automation_events' )
			.select( 'id' )
			.where( 'id', 'in', [ 'ok-1', 'too-many-0' ] )
			.execute();
		expect( handled ).toHaveLength( 0 );
	} );
} );
