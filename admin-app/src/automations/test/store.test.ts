/**
 * External dependencies
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import { fakeServer } from '../../test-utils/fake-server';
import type { FakeServer } from '../../test-utils/fake-server';
import {
	AUTOMATION_ID,
	automationFixture,
	createAutomationsRegistry,
} from '../../test-utils/automation';
import { automationsStore } from '../store';
import {
	freeFormAfterLongDelay,
	insertStep,
	moveStep,
	removeStep,
	starter,
	unreachable,
} from '../flow';
import type { AutomationInput, AutomationSummary } from '../types';

let server: FakeServer;

beforeEach( () => {
	server = fakeServer();
} );

afterEach( () => {
	server.restore();
} );

const summary: AutomationSummary = {
	id: AUTOMATION_ID,
	name: 'Risposta PROMO',
	state: 'active',
	version: 2,
	trigger: { type: 'keyword', keyword: 'PROMO' },
	reentry: { mode: 'once' },
	exit_on: [],
	created_at: 1,
	updated_at: 2,
	runs: { active: 3, completed: 10, exited: 1, failed: 0 },
};

describe( 'rondine/automations store', () => {
	it( 'asks the contract’s paths with the contract’s bodies', async () => {
		const registry = createAutomationsRegistry();
		server.on( 'GET', '/rondine/v1/automations', () => ( {
			body: { automations: [ summary ] },
		} ) );
		server.on( 'POST', '/rondine/v1/automations', ( request ) => ( {
			status: 201,
			body: {
				...( request.body as AutomationInput ),
				id: AUTOMATION_ID,
				state: 'draft',
				version: 1,
				created_at: 1,
				updated_at: 1,
			},
		} ) );
		server.on(
			'PUT',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			( request ) => ( {
				body: {
					...automationFixture(),
					...( request.body as object ),
					version: 3,
				},
			} )
		);
		server.on(
			'POST',
			`/rondine/v1/automations/${ AUTOMATION_ID }/state`,
			() => ( {
				body: automationFixture( { state: 'archived' } ),
			} )
		);
		server.on(
			'DELETE',
			`/rondine/v1/automations/${ AUTOMATION_ID }`,
			() => ( {
				body: { deleted: true },
			} )
		);
		server.on(
			'GET',
			`/rondine/v1/automations/${ AUTOMATION_ID }/runs`,
			() => ( {
				body: { runs: [ { id: 'r1', phone: '+393471112233' } ] },
			} )
		);
		server.on( 'GET', '/rondine/v1/runs', () => ( {
			body: { runs: [ { id: 'r2', phone: '+393471112233' } ] },
		} ) );

		const store = registry.dispatch( automationsStore );
		const input = starter( 'keyword' );
		await registry.resolveSelect( automationsStore ).getAutomations();
		await store.saveAutomation( input );
		await store.saveAutomation(
			{ ...input, running: 'finish' },
			AUTOMATION_ID
		);
		await store.setAutomationState( AUTOMATION_ID, 'archived' );
		const runs = await store.fetchRuns( AUTOMATION_ID, {
			phone: '+393471112233',
			limit: 20,
		} );
		const phoneRuns = await store.fetchPhoneRuns( '+393471112233' );
		await store.deleteAutomation( AUTOMATION_ID );

		expect(
			server.requests.map( ( r ) => [
				r.method,
				r.path,
				r.query.toString(),
			] )
		).toEqual( [
			[ 'GET', '/rondine/v1/automations', '' ],
			[ 'POST', '/rondine/v1/automations', '' ],
			[ 'PUT', `/rondine/v1/automations/${ AUTOMATION_ID }`, '' ],
			[ 'POST', `/rondine/v1/automations/${ AUTOMATION_ID }/state`, '' ],
			[
				'GET',
				`/rondine/v1/automations/${ AUTOMATION_ID }/runs`,
				'phone=%2B393471112233&limit=20',
			],
			[ 'GET', '/rondine/v1/runs', 'phone=%2B393471112233' ],
			[ 'DELETE', `/rondine/v1/automations/${ AUTOMATION_ID }`, '' ],
		] );
		expect( server.requests[ 1 ]!.body ).toEqual( input );
		expect(
			Object.keys( server.requests[ 1 ]!.body as object ).sort()
		).toEqual( [ 'exit_on', 'name', 'reentry', 'steps', 'trigger' ] );
		expect( server.requests[ 2 ]!.body ).toEqual( {
			...input,
			running: 'finish',
		} );
		expect( server.requests[ 3 ]!.body ).toEqual( { state: 'archived' } );
		expect( runs.map( ( run ) => run.id ) ).toEqual( [ 'r1' ] );
		expect( phoneRuns.map( ( run ) => run.id ) ).toEqual( [ 'r2' ] );
		// The list shows what the saves answered; the deleted one is gone.
		expect( registry.select( automationsStore ).getAutomations() ).toEqual(
			[]
		);
		expect(
			registry.select( automationsStore ).getAutomation( AUTOMATION_ID )
		).toBeNull();
	} );

	it( 'keeps an invalid flow’s problems for the editor and clears them on the next good save', async () => {
		const registry = createAutomationsRegistry();
		let valid = false;
		server.on( 'PUT', `/rondine/v1/automations/${ AUTOMATION_ID }`, () =>
			valid
				? { body: automationFixture() }
				: {
						status: 422,
						body: {
							code: 'invalid_automation',
							message: 'The automation has problems.',
							data: {
								status: 422,
								problems: [
									{
										step: 's2',
										code: 'too_many_buttons',
										message: 'At most 3 buttons.',
									},
								],
							},
						},
					}
		);
		const store = registry.dispatch( automationsStore );
		await expect(
			store.saveAutomation( starter( 'keyword' ), AUTOMATION_ID )
		).rejects.toMatchObject( {
			code: 'invalid_automation',
		} );
		expect(
			registry.select( automationsStore ).getProblems( AUTOMATION_ID )
		).toEqual( [
			{
				step: 's2',
				code: 'too_many_buttons',
				message: 'At most 3 buttons.',
			},
		] );
		valid = true;
		await store.saveAutomation( starter( 'keyword' ), AUTOMATION_ID );
		expect(
			registry.select( automationsStore ).getProblems( AUTOMATION_ID )
		).toEqual( [] );
	} );
} );

describe( 'flow editing', () => {
	it( 'inserts a step into a chain, removes one and relinks what led to it', () => {
		const { steps } = insertStep( starter( 'welcome' ).steps, 0, 'delay' );
		expect(
			steps.map( ( s ) => [ s.id, 'next' in s ? s.next : undefined ] )
		).toEqual( [
			[ 's1', 's2' ],
			[ 's2', null ],
		] );
		const three = insertStep( steps, 1, 'notify' ).steps;
		expect(
			three.map( ( s ) => ( 'next' in s ? s.next : undefined ) )
		).toEqual( [ 's2', 's3', null ] );
		expect(
			removeStep( three, 's2' ).map( ( s ) => [
				s.id,
				'next' in s ? s.next : undefined,
			] )
		).toEqual( [
			[ 's1', 's3' ],
			[ 's3', null ],
		] );
	} );

	it( 'moves a step and keeps jumps and branches where they pointed', () => {
		const steps = starter( 'keyword' ).steps;
		// s1 → s2 (wait: ORDER → s3, PRODUCTS → s4); moving s4 above s3 changes no target.
		const moved = moveStep( steps, 3, -1 );
		expect( moved.map( ( s ) => s.id ) ).toEqual( [
			's1',
			's2',
			's4',
			's3',
		] );
		expect( moved[ 1 ] ).toEqual( steps[ 1 ] );
		expect( unreachable( moved ) ).toEqual( [] );
		expect( moveStep( steps, 0, -1 ) ).toBe( steps );
	} );

	it( 'finds the steps nothing leads to', () => {
		const steps = starter( 'reminder' ).steps;
		expect( unreachable( steps ) ).toEqual( [] );
		// Removing the wait, which branched, ends the run after the first send: the reminder is cut off.
		expect( unreachable( removeStep( steps, 's2' ) ) ).toEqual( [ 's3' ] );
		expect(
			unreachable( [ ...steps, { id: 's9', type: 'end' } ] )
		).toEqual( [ 's9' ] );
	} );

	it( 'warns of a free-form message after a wait of a day or more', () => {
		const { steps } = insertStep(
			insertStep( starter( 'blank' ).steps, -1, 'delay' ).steps,
			-1,
			'notify'
		);
		// notify → delay (1 day) → send_text.
		const textId = steps[ 2 ]!.id;
		expect( steps.map( ( s ) => s.type ) ).toEqual( [
			'notify',
			'delay',
			'send_text',
		] );
		expect( freeFormAfterLongDelay( steps, textId ) ).toBe( true );
		const short = steps.map( ( s ) =>
			s.type === 'delay'
				? { ...s, delay: { kind: 'duration' as const, minutes: 60 } }
				: s
		);
		expect( freeFormAfterLongDelay( short, textId ) ).toBe( false );
		const weekday = steps.map( ( s ) =>
			s.type === 'delay'
				? {
						...s,
						delay: {
							kind: 'weekday' as const,
							weekday: 1,
							time: '09:00',
						},
					}
				: s
		);
		expect( freeFormAfterLongDelay( weekday, textId ) ).toBe( true );
	} );
} );
