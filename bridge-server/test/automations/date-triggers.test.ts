/**
 * Date triggers with an injected clock in the shop's timezone (Europe/Rome) and a real HTTP site that checks the
 * bridge's signature and answers `POST /rondine/v1/bridge/date-contacts` page by page: a day fires once at its local
 * time, across more ticks, a restart of the bridge on the same database and both DST changes; a bridge that was down at
 * that time catches up the same day and never a day late; a site that fails is asked again with backoff from the page
 * it was on, and a day that ends before it answers is given up.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { computeSignature, signaturesEqual } from '../../src/crypto/signing';
import { startTestBridge, waitFor, type TestBridge } from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	phoneOf,
	startAutomationBridge,
	template,
	type AutomationBridge,
} from './helpers';

interface Asked {
	automation_id: string;
	field: string;
	date: string;
	cursor: string | null;
	limit: number;
}

interface Contact {
	contact_id: number;
	phone: string;
	fields: Record< string, string >;
	date: string;
	order_id?: number;
}

/** The site: what each date's pages hold, which requests fail, and what was asked. */
interface FakeSite {
	pages: Map< string, Contact[][] >;
	/** Answer 503 this many more times to a page ("<date> <cursor or ->"). */
	failures: Map< string, number >;
	/** Answer 503 to every request for this automation. */
	down: Set< string >;
	asked: Asked[];
	badSignatures: number;
}

const at = ( iso: string ) => Date.parse( iso );
const contactOf = ( id: number, date: string ): Contact => ( {
	contact_id: id,
	phone: phoneOf( id ),
	fields: { first_name: `C${ id }`, consent: 'granted' },
	date,
	order_id: 5000 + id,
} );

describe.each( dialects() )( 'date triggers (%s)', ( dialect ) => {
	let store: TestStore;
	let a: AutomationBridge;
	/** The bridge now running (the first one, then the one started after the restart). */
	let t: TestBridge;
	let server: Server;
	const site: FakeSite = {
		pages: new Map(),
		failures: new Map(),
		down: new Set(),
		asked: [],
		badSignatures: 0,
	};

	beforeAll( async () => {
		store = await openTestStore( dialect );
		a = await startAutomationBridge( store, {
			tickMs: 600_000,
			dateTriggerMs: 600_000,
		} );
		t = a.t;
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
					String( request.headers[ 'x-rondine-timestamp' ] ?? '' ),
					body
				);
				if (
					! signaturesEqual(
						expected,
						String( request.headers[ 'x-rondine-signature' ] ?? '' )
					)
				) {
					site.badSignatures++;
					response.writeHead( 401 ).end();
					return;
				}
				if ( route !== '/rondine/v1/bridge/date-contacts' ) {
					response.writeHead( 404 ).end();
					return;
				}
				const asked = JSON.parse( body.toString() ) as Asked;
				site.asked.push( asked );
				const page = `${ asked.date } ${ asked.cursor ?? '-' }`;
				const failures = site.failures.get( page ) ?? 0;
				if ( failures > 0 || site.down.has( asked.automation_id ) ) {
					site.failures.set( page, Math.max( 0, failures - 1 ) );
					response.writeHead( 503 ).end( 'down' );
					return;
				}
				const pages = site.pages.get( asked.date ) ?? [ [] ];
				const index =
					asked.cursor === null ? 0 : Number( asked.cursor );
				response
					.writeHead( 200, { 'content-type': 'application/json' } )
					.end(
						JSON.stringify( {
							contacts: pages[ index ] ?? [],
							next_cursor:
								index + 1 < pages.length
									? String( index + 1 )
									: null,
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
		await t?.close();
		await new Promise( ( resolve ) => server?.close( resolve ) );
		await store?.drop();
	} );

	const db = () => store.storage.db;
	const call = ( ...args: Parameters< TestBridge[ 'call' ] > ) => {
		a.clock.advance( 1_000 );
		return t.call( ...args );
	};
	const create = async (
		id: string,
		trigger: Record< string, unknown >,
		reentry: Record< string, unknown > = { mode: 'per_days', days: 300 }
	) => {
		expect(
			(
				await call( a.shop, 'PUT', `/v1/automations/${ id }`, {
					name: id,
					trigger: { type: 'date', ...trigger },
					reentry,
					steps: [
						{
							id: 'wish',
							type: 'send_template',
							template: template( `${ id }_template` ),
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
	/** One date-trigger round at this instant. */
	const tickAt = async ( iso: string ) => {
		a.clock.set( at( iso ) );
		await t.bridge.dateTriggers.tick();
	};
	const askedFor = ( automationId: string ) =>
		site.asked
			.filter( ( x ) => x.automation_id === automationId )
			.map( ( x ) => `${ x.date } ${ x.cursor ?? '-' }` );
	const runsOf = async ( automationId: string ) =>
		db()
			.selectFrom( 'automation_runs as a' )
			.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
			.select( [ 'r.phone', 'r.contact_id', 'a.event', 'r.variables' ] )
			.where( 'a.tenant_id', '=', a.shop.id )
			.where( 'a.automation_id', '=', automationId )
			.orderBy( 'a.run_id' )
			.execute();
	const days = async ( automationId: string ) =>
		(
			await db()
				.selectFrom( 'automation_date_days' )
				.select( [ 'day', 'state', 'contacts', 'started' ] )
				.where( 'automation_id', '=', automationId )
				.orderBy( 'day' )
				.execute()
		).map(
			( d ) =>
				`${ d.day } ${ d.state } ${ Number( d.contacts ) } ${ Number(
					d.started
				) }`
		);

	it( 'fires once a local day at its time, across ticks, a restart and both DST changes', async () => {
		a.clock.set( at( '2027-03-27T07:00:00Z' ) );
		await create( 'bday', {
			field: 'birthday',
			offset_days: 0,
			time: '09:00',
		} );
		site.pages.set( '2027-03-27', [
			[ contactOf( 1, '1990-03-27' ), contactOf( 2, '1985-03-27' ) ],
			[ contactOf( 3, '2001-03-27' ) ],
		] );
		site.pages.set( '2027-03-28', [ [ contactOf( 4, '1970-03-28' ) ] ] );
		site.pages.set( '2027-10-31', [ [ contactOf( 5, '1999-10-31' ) ] ] );

		// 08:59:59 in Rome (CET, UTC+1): not yet.
		await tickAt( '2027-03-27T07:59:59Z' );
		expect( askedFor( 'bday' ) ).toEqual( [] );
		// 09:00: the day's two pages, the date asked is the day itself (offset 0).
		await tickAt( '2027-03-27T08:00:00Z' );
		expect( askedFor( 'bday' ) ).toEqual( [
			'2027-03-27 -',
			'2027-03-27 1',
		] );
		expect( ( await runsOf( 'bday' ) ).map( ( r ) => r.phone ) ).toEqual( [
			phoneOf( 1 ),
			phoneOf( 2 ),
			phoneOf( 3 ),
		] );
		// The run carries the contact's values and what the date was.
		const first = ( await runsOf( 'bday' ) )[ 0 ];
		expect( first?.contact_id ).toBe( '1' );
		expect( JSON.parse( first?.variables ?? '{}' ) ).toMatchObject( {
			first_name: 'C1',
		} );
		expect( JSON.parse( first?.event ?? '{}' ) ).toEqual( {
			field: 'birthday',
			day: '2027-03-27',
			date: '1990-03-27',
			order_id: 5001,
		} );
		await t.bridge.automations.tick();
		await waitFor(
			() => a.messenger.calls.length === 3,
			10_000,
			'the three wishes'
		);
		// More ticks the same day: nothing more.
		await tickAt( '2027-03-27T08:00:30Z' );
		await tickAt( '2027-03-27T20:00:00Z' );
		expect( askedFor( 'bday' ) ).toHaveLength( 2 );

		// A restart: a new bridge on the same database, the same day.
		await t.close();
		t = await startTestBridge( {
			store,
			clock: a.clock,
			messenger: a.messenger,
			key: a.t.key,
			bridge: {
				automations: { tickMs: 600_000 },
				dateTriggers: { intervalMs: 600_000 },
			},
		} );
		await tickAt( '2027-03-27T21:00:00Z' );
		expect( askedFor( 'bday' ) ).toHaveLength( 2 );
		expect( await runsOf( 'bday' ) ).toHaveLength( 3 );

		// 28 March 2027: clocks go forward at 02:00; 09:00 CEST is 07:00 UTC, an hour earlier than the day before.
		await tickAt( '2027-03-28T06:59:59Z' );
		expect( askedFor( 'bday' ) ).toHaveLength( 2 );
		await tickAt( '2027-03-28T07:00:00Z' );
		expect( askedFor( 'bday' ).slice( 2 ) ).toEqual( [ '2027-03-28 -' ] );
		expect( await days( 'bday' ) ).toEqual( [
			'2027-03-27 done 3 3',
			'2027-03-28 done 1 1',
		] );
		// 31 October 2027: clocks go back at 03:00; 09:00 CET is 08:00 UTC again.
		await tickAt( '2027-10-31T07:59:59Z' );
		expect( askedFor( 'bday' ) ).toHaveLength( 3 );
		await tickAt( '2027-10-31T08:00:00Z' );
		await tickAt( '2027-10-31T09:00:00Z' );
		expect( askedFor( 'bday' ).slice( 3 ) ).toEqual( [ '2027-10-31 -' ] );
		expect( ( await runsOf( 'bday' ) ).map( ( r ) => r.phone ) ).toEqual(
			[ 1, 2, 3, 4, 5 ].map( phoneOf )
		);
		// The March days were forgotten after 90 days (their event ids with them).
		expect( await days( 'bday' ) ).toEqual( [ '2027-10-31 done 1 1' ] );
		expect( site.badSignatures ).toBe( 0 );
	} );

	it( 'a bridge down at that time catches up the same day, never a day late; the date asked is moved by the offset', async () => {
		a.clock.set( at( '2027-05-10T05:00:00Z' ) );
		await create( 'reorder', {
			field: 'last_order',
			offset_days: 60,
			time: '09:00',
		} );
		site.pages.set( '2027-03-11', [ [ contactOf( 20, '2027-03-11' ) ] ] );
		site.pages.set( '2027-03-13', [ [ contactOf( 21, '2027-03-13' ) ] ] );
		// Down at 09:00 (no tick), back at 15:00 the same day: it fires then.
		await tickAt( '2027-05-10T13:00:00Z' );
		expect( askedFor( 'reorder' ) ).toEqual( [ '2027-03-11 -' ] );
		// Down the whole of 11 May, back on 12 May before 09:00: 11 May is not fired late, 12 May fires at 09:00.
		await tickAt( '2027-05-12T06:30:00Z' );
		expect( askedFor( 'reorder' ) ).toHaveLength( 1 );
		await tickAt( '2027-05-12T07:00:00Z' );
		expect( askedFor( 'reorder' ) ).toEqual( [
			'2027-03-11 -',
			'2027-03-13 -',
		] );
		expect( await days( 'reorder' ) ).toEqual( [
			'2027-05-10 done 1 1',
			'2027-05-12 done 1 1',
		] );
	} );

	it( 'a failing site is asked again with backoff from the page it was on; a contact started that day is not started again; a day that ends first is missed', async () => {
		a.clock.set( at( '2027-06-01T05:00:00Z' ) );
		await create( 'retry', {
			field: 'created',
			offset_days: 7,
			time: '09:00',
		} );
		site.pages.set( '2027-05-25', [
			[ contactOf( 30, '2027-05-25' ), contactOf( 31, '2027-05-25' ) ],
			[ contactOf( 32, '2027-05-25' ) ],
		] );
		// Contact 31 was started for this automation and day already (say by another process before a crash).
		await db()
			.insertInto( 'automation_events' )
			.values( {
				tenant_id: a.shop.id,
				id: 'date:retry:31:2027-06-01',
				received_at: at( '2027-06-01T07:00:00Z' ),
			} )
			.execute();
		// The first page fails twice, then the second page once.
		site.failures.set( '2027-05-25 -', 2 );
		site.failures.set( '2027-05-25 1', 1 );
		await tickAt( '2027-06-01T07:00:00Z' );
		expect( await runsOf( 'retry' ) ).toHaveLength( 0 );
		// Not before its backoff (a minute), then a minute later, then two minutes later.
		await tickAt( '2027-06-01T07:00:30Z' );
		expect( askedFor( 'retry' ) ).toHaveLength( 1 );
		await tickAt( '2027-06-01T07:01:01Z' );
		expect( askedFor( 'retry' ) ).toHaveLength( 2 );
		await tickAt( '2027-06-01T07:02:30Z' );
		expect( askedFor( 'retry' ) ).toHaveLength( 2 );
		// The first page comes and its runs start; the second fails: the next attempt asks for the second page only.
		await tickAt( '2027-06-01T07:03:02Z' );
		expect( ( await runsOf( 'retry' ) ).map( ( r ) => r.phone ) ).toEqual( [
			phoneOf( 30 ),
		] );
		await tickAt( '2027-06-01T07:04:03Z' );
		expect( askedFor( 'retry' ) ).toEqual( [
			'2027-05-25 -',
			'2027-05-25 -',
			'2027-05-25 -',
			'2027-05-25 1',
			'2027-05-25 1',
		] );
		expect( ( await runsOf( 'retry' ) ).map( ( r ) => r.phone ) ).toEqual( [
			phoneOf( 30 ),
			phoneOf( 32 ),
		] );
		expect( await days( 'retry' ) ).toEqual( [ '2027-06-01 done 3 2' ] );

		// A site down the whole day: given up at the end of the day, never asked for that day after.
		await create( 'gone', {
			field: 'birthday',
			offset_days: -1,
			time: '10:00',
		} );
		site.down.add( 'gone' );
		await tickAt( '2027-06-01T08:00:00Z' );
		await tickAt( '2027-06-01T21:00:00Z' );
		const tries = askedFor( 'gone' ).length;
		expect( tries ).toBe( 2 );
		expect( askedFor( 'gone' )[ 0 ] ).toBe( '2027-06-02 -' );
		await tickAt( '2027-06-01T22:00:01Z' );
		expect( await days( 'gone' ) ).toEqual( [ '2027-06-01 missed 0 0' ] );
		expect( askedFor( 'gone' ) ).toHaveLength( tries );
	} );
} );
