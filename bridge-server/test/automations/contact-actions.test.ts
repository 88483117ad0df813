/**
 * Tag, list and notify steps reach the site: the run writes the action into the outbox in its transaction, the
 * reporter posts it signed to /rondine/v1/bridge/contact-actions and retries what the site did not apply.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { computeSignature, signaturesEqual } from '../../src/crypto/signing';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	phoneOf,
	startAutomationBridge,
	type AutomationBridge,
} from './helpers';

interface Action {
	id: string;
	type: string;
	phone: string;
	add?: unknown[];
	subject?: string;
	automation_id: string;
	run_id: number;
}

describe.each( dialects() )(
	'contact actions to the site (%s)',
	( dialect ) => {
		let store: TestStore;
		let a: AutomationBridge;
		let server: Server;
		const site = {
			received: [] as Action[][],
			badSignatures: 0,
			failNext: 1,
		};

		beforeAll( async () => {
			store = await openTestStore( dialect );
			a = await startAutomationBridge( store );
			server = createServer( ( request, response ) => {
				const chunks: Buffer[] = [];
				request.on( 'data', ( c: Buffer ) => chunks.push( c ) );
				request.on( 'end', () => {
					const body = Buffer.concat( chunks );
					const route = new URL(
						request.url ?? '/',
						'http://site'
					).pathname.replace( /^\/wp-json/, '' );
					const expected = computeSignature(
						a.shop.secret,
						request.method ?? '',
						route,
						String(
							request.headers[ 'x-rondine-timestamp' ] ?? ''
						),
						body
					);
					if (
						! signaturesEqual(
							expected,
							String(
								request.headers[ 'x-rondine-signature' ] ?? ''
							)
						)
					) {
						site.badSignatures++;
						response.writeHead( 401 ).end();
						return;
					}
					if ( route !== '/rondine/v1/bridge/contact-actions' ) {
						response.writeHead( 404 ).end();
						return;
					}
					if ( site.failNext > 0 ) {
						site.failNext--;
						response.writeHead( 503 ).end( 'down' );
						return;
					}
					const actions = (
						JSON.parse( body.toString() ) as { actions: Action[] }
					 ).actions;
					site.received.push( actions );
					response
						.writeHead( 200, {
							'content-type': 'application/json',
						} )
						.end(
							JSON.stringify( {
								applied: actions.map( ( x ) => x.id ),
							} )
						);
				} );
			} );
			await new Promise< void >( ( resolve ) =>
				server.listen( 0, '127.0.0.1', resolve )
			);
			const port = ( server.address() as AddressInfo ).port;
			await store.storage.db
				.updateTable( 'tenants' )
				.set( { site_rest_url: `http://127.0.0.1:${ port }/wp-json/` } )
				.where( 'id', '=', a.shop.id )
				.execute();
		}, 60_000 );

		afterAll( async () => {
			await a?.t.close();
			await new Promise( ( resolve ) => server?.close( resolve ) );
			await store?.drop();
		} );

		it( 'posts each action once, signed, after a failed attempt', async () => {
			const { t, shop, clock } = a;
			expect(
				(
					await t.call( shop, 'PUT', '/v1/automations/vip', {
						name: 'VIP',
						trigger: { type: 'event', event: 'order.completed' },
						reentry: { mode: 'every_time' },
						steps: [
							{
								id: 'tag',
								type: 'tag',
								add: [ 'vip' ],
								remove: [ 'new' ],
								next: 'list',
							},
							{
								id: 'list',
								type: 'list',
								add: [ 12 ],
								next: 'tell',
							},
							{
								id: 'tell',
								type: 'notify',
								subject: 'New VIP',
								text: 'A VIP ordered',
								next: null,
							},
						],
					} )
				).statusCode
			).toBe( 201 );
			await t.call( shop, 'POST', '/v1/automations/vip/state', {
				state: 'active',
			} );
			const phone = phoneOf( 5 );
			expect(
				(
					await t.call( shop, 'POST', '/v1/events', {
						id: 'o1',
						type: 'order.completed',
						phone,
						contact_id: '77',
						data: { contact: { consent: 'granted' } },
					} )
				).json()
			).toEqual( { started: 1, exited: 0, duplicates: 0 } );
			await t.bridge.automations.tick();
			// The site is down at first: nothing applied, retried later.
			expect( await t.bridge.contactActions.runOnce() ).toBe( 0 );
			expect( await t.bridge.contactActions.runOnce() ).toBe( 0 );
			clock.advance( 11_000 );
			expect( await t.bridge.contactActions.runOnce() ).toBe( 3 );
			clock.advance( 3_600_000 );
			expect( await t.bridge.contactActions.runOnce() ).toBe( 0 );
			expect( site.badSignatures ).toBe( 0 );
			const actions = site.received.flat();
			expect( actions.map( ( x ) => x.type ) ).toEqual( [
				'tag',
				'list',
				'notify',
			] );
			expect( actions[ 0 ] ).toMatchObject( {
				phone,
				contact_id: '77',
				add: [ 'vip' ],
				remove: [ 'new' ],
				automation_id: 'vip',
			} );
			expect( actions[ 2 ] ).toMatchObject( {
				subject: 'New VIP',
				text: 'A VIP ordered',
			} );
			expect( new Set( actions.map( ( x ) => x.id ) ).size ).toBe( 3 );
		} );
	}
);
