/**
 * Consent by template category (issue 16, item 5) through the real app (routes, webhooks, run engine, dispatcher) with
 * a scripted messenger and an injected clock: a MARKETING template goes only to a phone with marketing consent (the
 * bridge's record of it first, else the site's word sent with the run), a UTILITY one also to a customer of an order
 * or a contact who wrote in the last 24 hours; otherwise the run exits before the send with the reason on its history
 * and in the counts. Checked before every send, so a run waiting in a delay exits when consent is withdrawn meanwhile
 * or when Meta has moved its template to MARKETING.
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

describe.each( dialects() )(
	'consent by template category (%s)',
	( dialect ) => {
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
		const utility = ( name: string ) => ( {
			...template( name ),
			category: 'UTILITY' as const,
		} );
		const create = async (
			id: string,
			event: string,
			steps: unknown[]
		) => {
			expect(
				(
					await call( a.shop, 'PUT', `/v1/automations/${ id }`, {
						name: id,
						trigger: { type: 'event', event },
						reentry: { mode: 'once' },
						steps,
					} )
				).statusCode
			).toBe( 201 );
			await call( a.shop, 'POST', `/v1/automations/${ id }/state`, {
				state: 'active',
			} );
		};
		const event = (
			id: string,
			type: string,
			phone: string,
			data: Record< string, unknown >
		) => call( a.shop, 'POST', '/v1/events', { id, type, phone, data } );
		const consent = ( phone: string, state: 'granted' | 'revoked' ) =>
			call( a.shop, 'POST', '/v1/consent', {
				events: [
					{
						phone,
						state,
						at: new Date( a.clock.now() ).toISOString(),
						source: 'checkout',
					},
				],
			} );
		const tick = () => a.t.bridge.automations.tick();
		const sentTo = ( phone: string ) =>
			a.messenger.calls.filter( ( c ) => c.message.to === phone );
		const runOf = async ( automationId: string, phone: string ) => {
			const run = await db()
				.selectFrom( 'automation_runs as a' )
				.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
				.select( [ 'a.run_id', 'a.exit_reason', 'a.ended_at' ] )
				.where( 'a.automation_id', '=', automationId )
				.where( 'r.phone', '=', phone )
				.executeTakeFirstOrThrow();
			const history = await db()
				.selectFrom( 'automation_history' )
				.select( [ 'step_id', 'outcome' ] )
				.where( 'run_id', '=', run.run_id )
				.orderBy( 'step' )
				.execute();
			return {
				exit: run.exit_reason,
				ended: run.ended_at !== null,
				history: history.map(
					( h ) => `${ h.step_id } ${ h.outcome }`
				),
			};
		};

		it( 'a marketing template only with marketing consent: the bridge’s record first, else the site’s word', async () => {
			await create( 'promo', 'promo.go', [
				{
					id: 'send',
					type: 'send_template',
					template: template( 'promo' ),
					next: null,
				},
			] );
			const [ never, recorded, sitesWord, revokedHere ] = [
				1, 2, 3, 4,
			].map( phoneOf ) as [ string, string, string, string ];
			// The bridge has a grant for "recorded" (the site's outbox delivered it), a stop for "revokedHere".
			expect( ( await consent( recorded, 'granted' ) ).statusCode ).toBe(
				200
			);
			await consent( revokedHere, 'granted' );
			await consent( revokedHere, 'revoked' );
			await event( 'p1', 'promo.go', never, {
				contact: { consent: 'none' },
			} );
			await event( 'p2', 'promo.go', recorded, {
				contact: { consent: 'none' },
			} );
			await event( 'p3', 'promo.go', sitesWord, {
				contact: { consent: 'granted' },
			} );
			await tick();
			await waitFor(
				() =>
					sentTo( recorded ).length + sentTo( sitesWord ).length ===
					2,
				10_000,
				'the two promos'
			);
			expect( sentTo( never ) ).toHaveLength( 0 );
			expect( await runOf( 'promo', never ) ).toEqual( {
				exit: 'no_marketing_consent',
				ended: true,
				history: [ 'send exited:no_marketing_consent' ],
			} );
			expect( ( await runOf( 'promo', recorded ) ).history ).toEqual( [
				'send sent',
			] );
			// Counted: the run as exited, the step's exit in its numbers (sends once the dispatcher recorded them).
			const stats = async () =>
				( await call( a.shop, 'GET', '/v1/automations/promo' ) ).json()
					.step_stats.send;
			await waitFor(
				async () => ( await stats() ).sent === 2,
				10_000,
				'the sends recorded'
			);
			const view = (
				await call( a.shop, 'GET', '/v1/automations/promo' )
			).json();
			expect( view.step_stats.send ).toMatchObject( {
				entered: 3,
				exited: 1,
				sent: 2,
			} );
			const list = (
				await call( a.shop, 'GET', '/v1/automations' )
			).json();
			expect(
				list.automations.find(
					( x: { id: string } ) => x.id === 'promo'
				).runs
			).toMatchObject( { completed: 2, exited: 1 } );
			// And visible in the contact's history.
			const runs = (
				await call(
					a.shop,
					'GET',
					`/v1/runs?phone=${ encodeURIComponent( never ) }`
				)
			).json().runs;
			expect( runs[ 0 ] ).toMatchObject( {
				exit_reason: 'no_marketing_consent',
				history: [
					expect.objectContaining( {
						outcome: 'exited:no_marketing_consent',
					} ),
				],
			} );
			// A phone the person stopped on the bridge is never started into a send, whatever the site's word.
			await event( 'p4', 'promo.go', revokedHere, {
				contact: { consent: 'granted' },
			} );
			await tick();
			expect( ( await runOf( 'promo', revokedHere ) ).exit ).toBe(
				'opted_out'
			);
			expect( sentTo( revokedHere ) ).toHaveLength( 0 );
		} );

		it( 'a utility template also to a customer of an order or a contact who wrote in the last 24 hours', async () => {
			await create( 'receipt', 'order.done', [
				{
					id: 'send',
					type: 'send_template',
					template: utility( 'receipt' ),
					next: null,
				},
			] );
			const [ customer, stranger, writer ] = [ 10, 11, 12 ].map(
				phoneOf
			) as [ string, string, string ];
			expect(
				await postInbound( a.t, a.shop, [
					{ id: 'wamid.writer.1', from: writer, text: 'Ciao' },
				] )
			).toBe( 200 );
			a.clock.advance( 3_600_000 );
			await event( 'r1', 'order.done', customer, {
				order_id: 123,
				contact: { consent: 'none' },
			} );
			await event( 'r2', 'order.done', stranger, {
				contact: { consent: 'none' },
			} );
			await event( 'r3', 'order.done', writer, {
				contact: { consent: 'none' },
			} );
			await tick();
			await waitFor(
				() => sentTo( customer ).length + sentTo( writer ).length === 2,
				10_000,
				'the two receipts'
			);
			expect( sentTo( stranger ) ).toHaveLength( 0 );
			expect( await runOf( 'receipt', stranger ) ).toMatchObject( {
				exit: 'no_utility_context',
				history: [ 'send exited:no_utility_context' ],
			} );
			const stored = await db()
				.selectFrom( 'messages' )
				.select( 'body' )
				.where( 'phone', '=', customer )
				.executeTakeFirstOrThrow();
			expect( JSON.parse( stored.body ).category ).toBe( 'UTILITY' );
		} );

		it( 'checked before every send: a run waiting in a delay exits when consent is withdrawn or its template became MARKETING', async () => {
			await create( 'review', 'order.shipped', [
				{
					id: 'wait',
					type: 'delay',
					delay: { kind: 'duration', minutes: 60 },
					next: 'send',
				},
				{
					id: 'send',
					type: 'send_template',
					template: utility( 'review_request' ),
					next: null,
				},
			] );
			const [ withdrawn, recategorised, untouched ] = [ 20, 21, 22 ].map(
				phoneOf
			) as [ string, string, string ];
			await consent( withdrawn, 'granted' );
			for ( const [ i, phone ] of [
				withdrawn,
				recategorised,
				untouched,
			].entries() ) {
				await event( `s${ i }`, 'order.shipped', phone, {
					order_id: 400 + i,
				} );
			}
			await tick();
			// While they wait: the first person withdraws consent on the site; Meta moves the template to MARKETING
			// for the second (the third gets a new template name below, so it is not moved).
			await consent( withdrawn, 'revoked' );
			await db()
				.insertInto( 'templates_cache' )
				.values( {
					tenant_id: a.shop.id,
					templates: JSON.stringify( [
						{
							name: 'review_request',
							language: 'it',
							category: 'MARKETING',
							status: 'APPROVED',
						},
					] ),
					fetched_at: a.clock.now(),
				} )
				.onConflict( ( oc ) =>
					oc.column( 'tenant_id' ).doUpdateSet( {
						templates: ( eb ) => eb.ref( 'excluded.templates' ),
					} )
				)
				.execute();
			await consent( untouched, 'granted' );
			a.clock.advance( 61 * 60_000 );
			await tick();
			// The exit check before the step: it leaves from the delay, before its send is even entered.
			expect( await runOf( 'review', withdrawn ) ).toEqual( {
				exit: 'opted_out',
				ended: true,
				history: [ 'wait exited:opted_out' ],
			} );
			expect( await runOf( 'review', recategorised ) ).toEqual( {
				exit: 'no_marketing_consent',
				ended: true,
				history: [ 'wait delayed', 'send exited:no_marketing_consent' ],
			} );
			// With marketing consent it goes out as MARKETING (the category Meta gives it now).
			await waitFor(
				() => sentTo( untouched ).length === 1,
				10_000,
				'the review request'
			);
			expect(
				JSON.parse(
					(
						await db()
							.selectFrom( 'messages' )
							.select( 'body' )
							.where( 'phone', '=', untouched )
							.executeTakeFirstOrThrow()
					).body
				).category
			).toBe( 'MARKETING' );
			expect( sentTo( withdrawn ) ).toHaveLength( 0 );
			expect( sentTo( recategorised ) ).toHaveLength( 0 );
		} );
	}
);
