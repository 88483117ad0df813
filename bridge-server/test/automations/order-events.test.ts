/**
 * WooCommerce's order events (issue 17, order updates) through the real app (routes, run engine, dispatcher,
 * webhooks) with a scripted messenger and an injected clock: `order.status.<status>`, `order.note_added` and
 * `order.refunded` start the automations that name them, with the order's values as template variables
 * (event.order_number …); the same event id again (a hook fired twice, the site's retry) starts nothing more; the
 * shop's rule for who gets messages about an order (`order_messages_to`) decides a utility template without consent;
 * and each status of such a run's message becomes one `order_note` action for the site, once per status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { waitFor } from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	phoneOf,
	postStatuses,
	startAutomationBridge,
	type AutomationBridge,
} from './helpers';

const ORDER_FIELDS = [
	'event.first_name',
	'event.order_number',
	'event.order_total',
	'event.order_status',
	'event.order_url',
	'event.tracking',
];

const shipped = ( name: string ) => ( {
	name,
	language: 'it',
	category: 'UTILITY' as const,
	components: [
		{
			type: 'body' as const,
			parameters: ORDER_FIELDS.map( ( field ) => ( {
				type: 'text' as const,
				field,
				fallback: '-',
			} ) ),
		},
	],
} );

const orderData = ( id: number, extra: Record< string, unknown > = {} ) => ( {
	order_id: id,
	order_number: `A-${ id }`,
	order_total: '€ 42,50',
	order_status: 'Completato',
	status: 'completed',
	order_url: `https://shop.example/my-account/view-order/${ id }/`,
	tracking: 'GLS123456',
	tracking_url: '',
	first_name: 'Giulia',
	order_messages_to: 'customers',
	contact: { first_name: 'Giulia', consent: 'none' },
	...extra,
} );

describe.each( dialects() )( 'order events (%s)', ( dialect ) => {
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
	const create = async ( id: string, event: string ) => {
		expect(
			(
				await call( a.shop, 'PUT', `/v1/automations/${ id }`, {
					name: id === 'shipped' ? 'Ordine spedito' : id,
					trigger: { type: 'event', event },
					reentry: { mode: 'every_time' },
					steps: [
						{
							id: 'send',
							type: 'send_template',
							template: shipped( id ),
							next: null,
						},
					],
				} )
			).statusCode
		).toBe( 201 );
		expect(
			(
				await call( a.shop, 'POST', `/v1/automations/${ id }/state`, {
					state: 'active',
				} )
			).statusCode
		).toBe( 200 );
	};
	const tick = () => a.t.bridge.automations.tick();
	const sentTo = ( phone: string ) =>
		a.messenger.calls.filter( ( c ) => c.message.to === phone );
	const parametersSent = ( phone: string ) =>
		sentTo( phone ).map( ( c ) =>
			(
				JSON.parse( c.message.body ).template.components[ 0 ]
					.parameters as Array< { text: string } >
			 ).map( ( p ) => p.text )
		);
	const runsOf = ( automationId: string, phone: string ) =>
		db()
			.selectFrom( 'automation_runs as a' )
			.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
			.select( [ 'a.run_id', 'a.exit_reason' ] )
			.where( 'a.automation_id', '=', automationId )
			.where( 'r.phone', '=', phone )
			.execute();

	beforeAll( async () => {
		await create( 'shipped', 'order.status.completed' );
		await create( 'held', 'order.status.on-hold' );
		await create( 'noted', 'order.note_added' );
		await create( 'refund', 'order.refunded' );
	} );

	it( 'an order completed starts its automation once, with the order’s values in the template', async () => {
		const phone = phoneOf( 1 );
		const held = phoneOf( 11 );
		const event = {
			id: 'order:501:status:completed',
			type: 'order.status.completed',
			phone,
			data: orderData( 501 ),
		};
		expect(
			( await call( a.shop, 'POST', '/v1/events', event ) ).json()
		).toEqual( { started: 1, exited: 0, duplicates: 0 } );
		// The hook fired again, and the site's outbox retried a batch whose answer was lost.
		expect(
			( await call( a.shop, 'POST', '/v1/events', event ) ).json()
		).toEqual( { started: 0, exited: 0, duplicates: 1 } );
		expect(
			(
				await call( a.shop, 'POST', '/v1/events', {
					events: [
						event,
						{
							...event,
							id: 'order:511:status:on-hold',
							type: 'order.status.on-hold',
							phone: held,
						},
					],
				} )
			).json()
		).toEqual( { started: 1, exited: 0, duplicates: 1 } );
		await tick();
		await waitFor(
			() => sentTo( phone ).length + sentTo( held ).length === 2,
			10_000,
			'the two order messages'
		);
		expect( await runsOf( 'shipped', phone ) ).toHaveLength( 1 );
		expect( await runsOf( 'held', held ) ).toHaveLength( 1 );
		expect( parametersSent( phone )[ 0 ] ).toEqual( [
			'Giulia',
			'A-501',
			'€ 42,50',
			'Completato',
			'https://shop.example/my-account/view-order/501/',
			'GLS123456',
		] );
		const body = await db()
			.selectFrom( 'messages' )
			.select( 'body' )
			.where( 'phone', '=', phone )
			.where( 'campaign_id', '=', 'a:shipped' )
			.executeTakeFirstOrThrow();
		expect( JSON.parse( body.body ).category ).toBe( 'UTILITY' );
	} );

	it( 'a note for the customer and a refund start their automations; an empty tracking falls back', async () => {
		const phone = phoneOf( 2 );
		const refunded = phoneOf( 12 );
		expect(
			(
				await call( a.shop, 'POST', '/v1/events', {
					events: [
						{
							id: 'order:502:note:77',
							type: 'order.note_added',
							phone,
							data: orderData( 502, {
								note_id: 77,
								note: 'Il pacco parte domani',
								tracking: '',
							} ),
						},
						{
							id: 'order:502:refund:90',
							type: 'order.refunded',
							phone: refunded,
							data: orderData( 502, {
								refund_id: 90,
								refund_amount: '€ 10,00',
								order_status: 'Rimborsato',
							} ),
						},
					],
				} )
			).json()
		).toEqual( { started: 2, exited: 0, duplicates: 0 } );
		await tick();
		await waitFor(
			() => sentTo( phone ).length + sentTo( refunded ).length === 2,
			10_000,
			'the note and refund messages'
		);
		expect( parametersSent( phone )[ 0 ] ).toEqual( [
			'Giulia',
			'A-502',
			'€ 42,50',
			'Completato',
			'https://shop.example/my-account/view-order/502/',
			'-',
		] );
		expect( parametersSent( refunded )[ 0 ]?.[ 3 ] ).toBe( 'Rimborsato' );
	} );

	it( 'the shop’s rule: only those who agreed, unless it chose every customer who gave a phone', async () => {
		const [ agreed, notAgreed, anyCustomer ] = [ 3, 4, 5 ].map(
			phoneOf
		) as [ string, string, string ];
		await call( a.shop, 'POST', '/v1/consent', {
			events: [
				{
					phone: agreed,
					state: 'granted',
					at: new Date( a.clock.now() ).toISOString(),
					source: 'checkout',
				},
			],
		} );
		const completed = (
			id: number,
			phone: string,
			rule: 'consented' | 'customers'
		) => ( {
			id: `order:${ id }:status:completed`,
			type: 'order.status.completed',
			phone,
			data: orderData( id, { order_messages_to: rule } ),
		} );
		await call( a.shop, 'POST', '/v1/events', {
			events: [
				completed( 503, agreed, 'consented' ),
				completed( 504, notAgreed, 'consented' ),
				completed( 505, anyCustomer, 'customers' ),
			],
		} );
		await tick();
		await waitFor(
			() => sentTo( agreed ).length + sentTo( anyCustomer ).length === 2,
			10_000,
			'the two allowed messages'
		);
		expect( sentTo( notAgreed ) ).toHaveLength( 0 );
		expect( await runsOf( 'shipped', notAgreed ) ).toEqual( [
			expect.objectContaining( { exit_reason: 'no_utility_context' } ),
		] );
	} );

	it( 'each status of an order run’s message is one order_note action for the site, once', async () => {
		const phone = phoneOf( 6 );
		const other = phoneOf( 7 );
		await create( 'plain', 'promo.go' );
		await call( a.shop, 'POST', '/v1/events', {
			events: [
				{
					id: 'order:506:status:completed',
					type: 'order.status.completed',
					phone,
					data: orderData( 506 ),
				},
				// A run no order started: its statuses make no note.
				{
					id: 'plain:1',
					type: 'promo.go',
					phone: other,
					data: { contact: { consent: 'granted' } },
				},
			],
		} );
		await tick();
		await waitFor(
			() => sentTo( phone ).length + sentTo( other ).length === 2,
			10_000,
			'both messages'
		);
		const message = async ( to: string ) => {
			let row:
				| { wamid: string | null; run_id: number; step: number }
				| undefined;
			await waitFor(
				async () => {
					row = await db()
						.selectFrom( 'messages' )
						.select( [ 'wamid', 'run_id', 'step' ] )
						.where( 'phone', '=', to )
						.where( 'wamid', 'is not', null )
						.executeTakeFirst();
					return row !== undefined;
				},
				10_000,
				'the send recorded'
			);
			return row as { wamid: string; run_id: number; step: number };
		};
		const sent = await message( phone );
		const plain = await message( other );
		const seconds = Math.floor( a.clock.now() / 1000 );
		const update = (
			m: { wamid: string; run_id: number; step: number },
			to: string,
			campaign: string,
			status: 'sent' | 'delivered' | 'read',
			at: number
		) => ( {
			wamid: m.wamid,
			status,
			to,
			timestamp: at,
			callback: `${ campaign }:${ m.run_id }:${ m.step }`,
		} );
		// Read arrives before delivered, and delivered twice (Meta keeps no order and retries).
		expect(
			await postStatuses( a.t, a.shop, [
				update( sent, phone, 'a:shipped', 'read', seconds + 120 ),
				update( sent, phone, 'a:shipped', 'delivered', seconds + 60 ),
				update( plain, other, 'a:plain', 'delivered', seconds + 60 ),
			] )
		).toBe( 200 );
		expect(
			await postStatuses( a.t, a.shop, [
				update( sent, phone, 'a:shipped', 'delivered', seconds + 60 ),
			] )
		).toBe( 200 );
		const notes = async () =>
			(
				await db()
					.selectFrom( 'contact_actions' )
					.select( [ 'id', 'action' ] )
					.orderBy( 'id' )
					.execute()
			)
				.map( ( row ) => JSON.parse( row.action ) )
				.filter( ( action ) => action.type === 'order_note' );
		await waitFor(
			async () =>
				( await notes() ).filter( ( n ) => n.order_id === 506 )
					.length === 2,
			10_000,
			'the two notes'
		);
		const mine = ( await notes() ).filter( ( n ) => n.order_id === 506 );
		expect( mine ).toEqual( [
			expect.objectContaining( {
				id: `${ sent.run_id }:${ sent.step }:note:delivered`,
				type: 'order_note',
				phone,
				order_id: 506,
				message: `${ sent.run_id }:${ sent.step }`,
				status: 'delivered',
				at: ( seconds + 60 ) * 1000,
				name: 'Ordine spedito',
				automation_id: 'shipped',
			} ),
			expect.objectContaining( {
				id: `${ sent.run_id }:${ sent.step }:note:read`,
				status: 'read',
				at: ( seconds + 120 ) * 1000,
			} ),
		] );
		expect(
			( await notes() ).some( ( n ) => n.run_id === plain.run_id )
		).toBe( false );
	} );
} );
