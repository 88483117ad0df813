/**
 * Issue 16, items 1 and 7: a campaign that launches an automation. A campaign of 200 recipients (and 2 invalid
 * numbers) launches the three-step automation (a message with two buttons -> wait 24 h for a reply -> A sends X, B
 * tags and ends, no reply sends a reminder), through the real app (routes, scheduler, audience snapshot from a site,
 * run engine, dispatcher, webhooks) with a scripted messenger and an injected clock: every run ends on its branch, the
 * counters equal the rows, the campaign completes only after its last run ends; "Retry failed" starts the failed runs
 * again at the step that failed; a cancel ends the runs not ended and cancels their unsent messages; the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import type { SiteContact } from '../../src/audience/site-client';
import type { OutgoingMessage } from '../../src/dispatch/messenger';
import { waitFor } from '../helpers/bridge';
import { expectRunCountersMatchRows } from '../helpers/counters';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import { startSiteServer, type SiteServer } from '../helpers/site-server';
import {
	phoneOf,
	postInbound,
	startAutomationBridge,
	template,
	type AutomationBridge,
} from './helpers';

const RECIPIENTS = 200;
const INVALID = 2;

const FLOW = {
	name: 'Campaign follow-up',
	trigger: { type: 'campaign' },
	reentry: { mode: 'once' },
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

/** Recipient i: who fails where (once), and what they answer. */
const failsAsk = ( i: number ) => i % 25 === 5; // its first message fails: the run never waits
const failsX = ( i: number ) => i % 9 === 0; // chose A, and X fails
const choice = ( i: number ): 'A' | 'B' | null =>
	( [ 'A', 'B', null ] as const )[ i % 3 ] ?? null;

describe.each( dialects() )(
	'a campaign that launches an automation (%s)',
	( dialect ) => {
		let store: TestStore;
		let a: AutomationBridge;
		let site: SiteServer;
		/** `<phone>|<template>` sends that fail once (the next attempt, by a retry, is accepted). */
		const failOnce = new Set< string >();
		/** Phones whose sends do not leave (connection refused): retried later, never sent meanwhile. */
		const unreachable = new Set< string >();
		/** Which contacts the site's audience answers (changed between campaigns). */
		let audience: ( index: number ) => SiteContact = ( i ) => ( {
			contact_id: String( i ),
			phone: i < RECIPIENTS ? phoneOf( i ) : `12${ i }`,
			first_name: `N${ i }`,
			fields: {},
		} );
		let audienceSize = RECIPIENTS + INVALID;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			a = await startAutomationBridge( store, {
				script: ( _account, message: OutgoingMessage ) => {
					const name = (
						JSON.parse( message.body ) as {
							template?: { name: string };
						}
					 ).template?.name;
					if ( unreachable.has( message.to ) ) {
						return {
							kind: 'not_sent',
							reason: 'connection refused',
						};
					}
					const key = `${ message.to }|${ name }`;
					if ( failOnce.delete( key ) ) {
						return {
							kind: 'error',
							code: 131026,
							message: 'Message undeliverable',
						};
					}
					return null;
				},
			} );
			site = await startSiteServer( {
				siteId: a.shop.id,
				secret: a.shop.secret,
				size: 0,
				contact: ( i ) => audience( i ),
				// The audience of the campaign being started (each test sets its own).
				page: ( cursor, limit ) => {
					const start = cursor === null ? 0 : Number( cursor );
					const end = Math.min( audienceSize, start + limit );
					return {
						recipients: Array.from(
							{ length: end - start },
							( _, k ) => audience( start + k )
						),
						next_cursor: end < audienceSize ? String( end ) : null,
					};
				},
			} );
			await store.storage.db
				.updateTable( 'tenants' )
				.set( { site_rest_url: site.restUrl } )
				.where( 'id', '=', a.shop.id )
				.execute();
			for ( let i = 0; i < RECIPIENTS; i++ ) {
				if ( failsAsk( i ) ) {
					failOnce.add( `${ phoneOf( i ) }|ask_ab` );
				} else if ( choice( i ) === 'A' && failsX( i ) ) {
					failOnce.add( `${ phoneOf( i ) }|x` );
				}
			}
		}, 60_000 );

		afterAll( async () => {
			await a?.t.close();
			await site?.close();
			await store?.drop();
		} );

		const db = () => store.storage.db;
		let reads = 0;
		// A distinct query each time: the test client does not sign one request twice in a second of the manual clock.
		const get = async ( id: string ) =>
			(
				await a.t.call(
					a.shop,
					'GET',
					`/v1/campaigns/${ id }?read=${ ( reads += 1 ) }`
				)
			).json();
		const runsOf = ( campaign: string ) =>
			db()
				.selectFrom( 'automation_runs as a' )
				.innerJoin( 'recipients as r', 'r.id', 'a.run_id' )
				.select( [
					'a.run_id',
					'r.phone',
					'a.exit_reason',
					'a.ended_at',
					'a.version',
				] )
				.where( 'r.campaign_id', '=', campaign )
				.execute();
		const pathsOf = async ( campaign: string ) => {
			const history = await db()
				.selectFrom( 'automation_history as h' )
				.innerJoin( 'recipients as r', 'r.id', 'h.run_id' )
				.select( [ 'r.phone', 'h.step_id', 'h.outcome' ] )
				.where( 'r.campaign_id', '=', campaign )
				.orderBy( 'h.id' )
				.execute();
			const paths = new Map< string, string[] >();
			for ( const h of history ) {
				paths.set( h.phone, [
					...( paths.get( h.phone ) ?? [] ),
					`${ h.step_id }=${ h.outcome }`,
				] );
			}
			return paths;
		};
		const messagesOf = ( campaign: string, step: number ) =>
			db()
				.selectFrom( 'messages' )
				.select( [ 'phone', 'state', 'wamid' ] )
				.where( 'campaign_id', '=', campaign )
				.where( 'step', '=', step )
				.execute();

		it( 'refuses an automation that cannot be launched, and a campaign with both or neither', async () => {
			const { t, shop } = a;
			const put = ( id: string, body: Record< string, unknown > ) =>
				t.call( shop, 'PUT', `/v1/campaigns/${ id }`, {
					name: 'Refused',
					audience: { segments: [ 1 ] },
					...body,
				} );
			const code = async (
				answer: ReturnType< typeof put >
			): Promise< [ number, string ] > => {
				const r = await answer;
				return [ r.statusCode, r.json().error?.code ];
			};
			expect(
				await code( put( 'r1', { automation_id: 'nope' } ) )
			).toEqual( [ 422, 'unknown_automation' ] );
			await t.call( shop, 'PUT', '/v1/automations/by-event', {
				...FLOW,
				trigger: { type: 'event', event: 'order.completed' },
			} );
			await t.call( shop, 'POST', '/v1/automations/by-event/state', {
				state: 'active',
			} );
			expect(
				await code( put( 'r2', { automation_id: 'by-event' } ) )
			).toEqual( [ 422, 'automation_not_for_campaigns' ] );
			expect(
				( await t.call( shop, 'PUT', '/v1/automations/flow', FLOW ) )
					.statusCode
			).toBe( 201 );
			// Still a draft.
			expect(
				await code( put( 'r3', { automation_id: 'flow' } ) )
			).toEqual( [ 422, 'automation_not_active' ] );
			expect(
				(
					await t.call( shop, 'POST', '/v1/automations/flow/state', {
						state: 'active',
					} )
				).statusCode
			).toBe( 200 );
			expect(
				await code(
					put( 'r4', {
						automation_id: 'flow',
						template: {
							name: 'ask_ab',
							language: 'it',
							components: [],
						},
					} )
				)
			).toEqual( [ 422, 'template_or_automation' ] );
			expect( await code( put( 'r5', {} ) ) ).toEqual( [
				422,
				'template_or_automation',
			] );
			// A bad id is refused by the schema.
			expect(
				( await put( 'r6', { automation_id: 'a:b c' } ) ).statusCode
			).toBe( 400 );
			expect(
				await db()
					.selectFrom( 'campaigns' )
					.select( 'id' )
					.where( 'id', 'like', 'r%' )
					.execute()
			).toEqual( [] );
		} );

		it( 'starts one run per recipient, ends each on its branch, completes only after the last run, counters equal the rows', async () => {
			const { t, shop, clock } = a;
			const created = await t.call( shop, 'PUT', '/v1/campaigns/launch', {
				name: 'Launch',
				audience: { segments: [ 1 ] },
				automation_id: 'flow',
			} );
			expect( created.statusCode ).toBe( 201 );
			expect( created.json() ).toMatchObject( {
				template: null,
				automation: { id: 'flow', name: 'Campaign follow-up' },
			} );
			// Used by a campaign: it cannot be deleted (even archived).
			expect(
				(
					await t.call( shop, 'POST', '/v1/automations/flow/state', {
						state: 'paused',
					} )
				).statusCode
			).toBe( 200 );
			// Paused: the campaign cannot be scheduled now.
			expect(
				(
					await t.call(
						shop,
						'POST',
						'/v1/campaigns/launch/schedule',
						{}
					)
				).json().error.code
			).toBe( 'automation_not_active' );
			// The test client refuses to sign the same request twice in one second of the (manual) clock.
			clock.advance( 1_000 );
			await t.call( shop, 'POST', '/v1/automations/flow/state', {
				state: 'active',
			} );
			expect(
				(
					await t.call(
						shop,
						'POST',
						'/v1/campaigns/launch/schedule',
						{}
					)
				).statusCode
			).toBe( 200 );

			const sendable = Array.from(
				{ length: RECIPIENTS },
				( _, i ) => i
			).filter( ( i ) => ! failsAsk( i ) );
			await waitFor(
				async () =>
					( await messagesOf( 'launch', 0 ) ).filter(
						( m ) => m.state === 'completed' || m.state === 'failed'
					).length ===
					RECIPIENTS + INVALID,
				60_000,
				'every first message sent or failed'
			);
			// The first message names its run and step in the callback data, and reads the contact's value.
			const first = a.messenger.calls.find(
				( c ) => c.message.to === phoneOf( 3 )
			);
			const run3 = ( await runsOf( 'launch' ) ).find(
				( r ) => r.phone === phoneOf( 3 )
			);
			expect( first?.message.bizOpaqueCallbackData ).toBe(
				`launch:${ run3?.run_id }:0`
			);
			expect(
				JSON.parse( first?.message.body as string ).template
			).toMatchObject( {
				name: 'ask_ab',
				components: [
					{ parameters: [ { type: 'text', text: 'N3' } ] },
				],
			} );
			expect( run3?.version ).toBe( 1 );

			// Replies: A answers the message by its wamid, B without context (the phone's waiting run).
			const wamids = new Map(
				( await messagesOf( 'launch', 0 ) ).map( ( m ) => [
					m.phone,
					m.wamid,
				] )
			);
			clock.advance( 60_000 );
			const replies = sendable
				.filter( ( i ) => choice( i ) !== null )
				.map( ( i ) => ( {
					id: `wamid.in.launch.${ i }`,
					from: phoneOf( i ),
					button: {
						payload: choice( i ) as string,
						text: choice( i ) === 'A' ? 'Sì' : 'No',
					},
					...( choice( i ) === 'A'
						? { context: wamids.get( phoneOf( i ) ) as string }
						: {} ),
				} ) );
			for ( let i = 0; i < replies.length; i += 50 ) {
				expect(
					await postInbound( t, shop, replies.slice( i, i + 50 ) )
				).toBe( 200 );
			}
			const chose = ( c: 'A' | 'B' | null ) =>
				sendable.filter( ( i ) => choice( i ) === c );
			await waitFor(
				async () =>
					( await messagesOf( 'launch', 2 ) ).filter( ( m ) =>
						[ 'completed', 'failed' ].includes( m.state )
					).length === chose( 'A' ).length,
				60_000,
				'X to every A'
			);
			await waitFor(
				async () =>
					( await get( 'launch' ) ).automation.runs.in_progress ===
					chose( null ).length,
				30_000,
				'only the runs waiting for a reply in progress'
			);
			// Runs still waiting for a reply: the campaign is still running, though every message so far went out.
			await a.t.bridge.scheduler.tick();
			let view = await get( 'launch' );
			expect( view.state ).toBe( 'running' );
			expect( view.counters.automations ).toMatchObject( {
				to_start: 0,
				in_progress: chose( null ).length,
			} );

			// The 24 hours pass: the reminders go, every run ends, and only then the campaign completes.
			clock.advance( 1440 * 60_000 );
			await waitFor(
				async () => ( await get( 'launch' ) ).state === 'completed',
				60_000,
				'the campaign to complete'
			);
			view = await get( 'launch' );
			const runs = await runsOf( 'launch' );
			expect( runs ).toHaveLength( RECIPIENTS );
			expect( runs.every( ( r ) => r.ended_at !== null ) ).toBe( true );
			const failedX = chose( 'A' ).filter( failsX );
			const failed = RECIPIENTS - sendable.length + failedX.length;
			const completed = RECIPIENTS - failed;
			expect(
				runs.filter( ( r ) => r.exit_reason === 'send_failed' )
			).toHaveLength( failed );
			expect( view.counters ).toMatchObject( {
				total: RECIPIENTS + INVALID,
				automations: {
					to_start: 0,
					in_progress: 0,
					completed,
					failed: failed + INVALID,
					cancelled: 0,
				},
				skipped: { invalid: INVALID },
			} );
			expect( view.automation.runs ).toEqual( {
				to_start: 0,
				in_progress: 0,
				completed,
				failed: failed + INVALID,
				exited: 0,
				cancelled: 0,
			} );

			// Every run on its branch.
			const paths = await pathsOf( 'launch' );
			for ( let i = 0; i < RECIPIENTS; i++ ) {
				let expected: string[];
				if ( failsAsk( i ) ) {
					// The run had gone on to wait for the reply when its message failed.
					expected = [
						'ask=failed:not_on_whatsapp',
						'wait=exited:send_failed',
					];
				} else if ( choice( i ) === 'A' ) {
					expected = [
						'ask=sent',
						'wait=replied:A',
						failsX( i ) ? 'x=failed:not_on_whatsapp' : 'x=sent',
					];
				} else if ( choice( i ) === 'B' ) {
					expected = [
						'ask=sent',
						'wait=replied:B',
						'tag=tagged',
						'end=end',
					];
				} else {
					expected = [ 'ask=sent', 'wait=no_reply', 'remind=sent' ];
				}
				expect( paths.get( phoneOf( i ) ), `recipient ${ i }` ).toEqual(
					expected
				);
			}

			// Per-step numbers of this campaign's runs.
			expect( view.automation.step_stats.ask ).toMatchObject( {
				entered: RECIPIENTS,
				sent: sendable.length,
				failed: RECIPIENTS - sendable.length,
			} );
			expect( view.automation.step_stats.wait ).toMatchObject( {
				entered: RECIPIENTS,
				exited: RECIPIENTS - sendable.length,
				replied: chose( 'A' ).length + chose( 'B' ).length,
				waiting: 0,
			} );
			expect( view.automation.step_stats.x ).toMatchObject( {
				entered: chose( 'A' ).length,
				sent: chose( 'A' ).length - failedX.length,
				failed: failedX.length,
			} );
			expect( view.automation.step_stats.tag.entered ).toBe(
				chose( 'B' ).length
			);
			expect( view.automation.step_stats.remind.sent ).toBe(
				chose( null ).length
			);
			// The list carries the same.
			const list = (
				await t.call( shop, 'GET', '/v1/campaigns' )
			).json();
			expect(
				list.campaigns.find(
					( c: { id: string } ) => c.id === 'launch'
				).automation.runs
			).toEqual( view.automation.runs );

			// Counters equal the rows (runs by state, every step's messages), and no (run, step) was sent twice.
			await expectRunCountersMatchRows( db(), shop.id, 'launch' );
			await expectRunCountersMatchRows( db(), shop.id, 'a:flow' );
			const sends = new Map< string, number >();
			for ( const call of a.messenger.calls ) {
				const key = call.message.bizOpaqueCallbackData as string;
				sends.set( key, ( sends.get( key ) ?? 0 ) + 1 );
			}
			expect( [ ...sends.values() ].every( ( n ) => n === 1 ) ).toBe(
				true
			);
			// The automation's own numbers count these runs too (the lane started none).
			const automation = (
				await t.call( shop, 'GET', '/v1/automations/flow' )
			).json();
			expect( automation.step_stats.ask.entered ).toBe( RECIPIENTS );
			expect(
				( await t.call( shop, 'DELETE', '/v1/automations/flow' ) )
					.statusCode
			).toBe( 409 );
		}, 90_000 );

		it( '"Retry failed" starts each failed run again at the step that failed, on its version', async () => {
			const { t, shop, clock } = a;
			const retry = await t.call(
				shop,
				'POST',
				'/v1/campaigns/launch/retry-failed',
				{ id: 'launch-retry' }
			);
			expect( retry.statusCode ).toBe( 201 );
			expect( retry.json() ).toMatchObject( {
				source_campaign_id: 'launch',
				template: null,
				automation: { id: 'flow' },
			} );
			await t.call(
				shop,
				'POST',
				'/v1/campaigns/launch-retry/schedule',
				{}
			);
			const failedAsk = Array.from(
				{ length: RECIPIENTS },
				( _, i ) => i
			).filter( failsAsk );
			const failedX = Array.from(
				{ length: RECIPIENTS },
				( _, i ) => i
			).filter(
				( i ) => ! failsAsk( i ) && choice( i ) === 'A' && failsX( i )
			);
			await waitFor(
				async () =>
					( await runsOf( 'launch-retry' ) ).length ===
						failedAsk.length + failedX.length &&
					( await messagesOf( 'launch-retry', 0 ) ).filter(
						( m ) => m.state === 'completed'
					).length === failedAsk.length,
				60_000,
				'the retried runs and their first sends'
			);
			// Those whose X failed got X again and completed at once; those whose first message failed wait for a reply.
			await waitFor(
				async () =>
					( await messagesOf( 'launch-retry', 2 ) ).filter(
						( m ) => m.state === 'completed'
					).length === failedX.length,
				60_000,
				'X again'
			);
			clock.advance( 60_000 );
			expect(
				await postInbound(
					t,
					shop,
					failedAsk.map( ( i ) => ( {
						id: `wamid.in.retry.${ i }`,
						from: phoneOf( i ),
						button: { payload: 'B', text: 'No' },
					} ) )
				)
			).toBe( 200 );
			await waitFor(
				async () =>
					( await get( 'launch-retry' ) ).state === 'completed',
				60_000,
				'the retry to complete'
			);
			const paths = await pathsOf( 'launch-retry' );
			for ( const i of failedX ) {
				expect( paths.get( phoneOf( i ) ) ).toEqual( [ 'x=sent' ] );
			}
			for ( const i of failedAsk ) {
				expect( paths.get( phoneOf( i ) ) ).toEqual( [
					'ask=sent',
					'wait=replied:B',
					'tag=tagged',
					'end=end',
				] );
			}
			const view = await get( 'launch-retry' );
			expect( view.automation.runs ).toEqual( {
				to_start: 0,
				in_progress: 0,
				completed: failedAsk.length + failedX.length,
				failed: 0,
				exited: 0,
				cancelled: 0,
			} );
			await expectRunCountersMatchRows( db(), shop.id, 'launch-retry' );
		}, 90_000 );

		it( 'a cancel ends the runs not ended and cancels their unsent messages; nothing of it runs afterwards', async () => {
			const { t, shop, clock } = a;
			// 20 phones WhatsApp cannot be reached at for now (each attempt waits for its retry) and 20 that answer.
			audience = ( i ) => ( {
				contact_id: String( i ),
				phone: phoneOf( 1_000 + i ),
				first_name: `M${ i }`,
				fields: {},
			} );
			audienceSize = 40;
			for ( let i = 0; i < 20; i++ ) {
				unreachable.add( phoneOf( 1_000 + i ) );
			}
			await t.call( shop, 'PUT', '/v1/campaigns/cancel-me', {
				name: 'Cancel me',
				audience: { segments: [ 1 ] },
				automation_id: 'flow',
			} );
			await t.call(
				shop,
				'POST',
				'/v1/campaigns/cancel-me/schedule',
				{}
			);
			await waitFor(
				async () =>
					( await messagesOf( 'cancel-me', 0 ) ).filter(
						( m ) => m.state === 'completed'
					).length === 20,
				60_000,
				'the new phones reached'
			);
			await waitFor(
				async () =>
					( await messagesOf( 'cancel-me', 0 ) ).filter(
						( m ) => m.state === 'retry'
					).length === 20,
				60_000,
				'the others waiting for their retry'
			);
			const cancelled = await t.call(
				shop,
				'POST',
				'/v1/campaigns/cancel-me/cancel'
			);
			expect( cancelled.statusCode ).toBe( 200 );
			expect( cancelled.json().automation.runs ).toEqual( {
				to_start: 0,
				in_progress: 0,
				completed: 0,
				failed: 0,
				exited: 0,
				cancelled: 40,
			} );
			const runs = await runsOf( 'cancel-me' );
			expect(
				runs.every( ( r ) => r.exit_reason === 'campaign_cancelled' )
			).toBe( true );
			expect(
				( await messagesOf( 'cancel-me', 0 ) ).filter(
					( m ) => m.state === 'cancelled'
				)
			).toHaveLength( 20 );
			const paths = await pathsOf( 'cancel-me' );
			expect( paths.get( phoneOf( 1_030 ) ) ).toEqual( [
				'ask=sent',
				'wait=exited:campaign_cancelled',
			] );
			// A day later nothing of it has moved: no timeout, no reminder, no message.
			const before = a.messenger.calls.length;
			clock.advance( 25 * 3_600_000 );
			await a.t.bridge.automations.tick();
			await a.t.bridge.automations.tick();
			expect( a.messenger.calls.length ).toBe( before );
			expect(
				( await messagesOf( 'cancel-me', 5 ) ).length +
					( await messagesOf( 'cancel-me', 2 ) ).length
			).toBe( 0 );
			await expectRunCountersMatchRows( db(), shop.id, 'cancel-me' );
		}, 90_000 );

		it( 'an automation paused before the start pauses the campaign, which goes on once it is active and resumed', async () => {
			const { t, shop, clock } = a;
			audience = ( i ) => ( {
				contact_id: String( i ),
				phone: phoneOf( 2_000 + i ),
				first_name: `H${ i }`,
				fields: {},
			} );
			audienceSize = 5;
			await t.call( shop, 'PUT', '/v1/campaigns/held', {
				name: 'Held',
				audience: { segments: [ 1 ] },
				automation_id: 'flow',
			} );
			expect(
				(
					await t.call( shop, 'POST', '/v1/campaigns/held/schedule', {
						start_at: new Date(
							clock.now() + 60_000
						).toISOString(),
					} )
				).statusCode
			).toBe( 200 );
			clock.advance( 1_000 );
			await t.call( shop, 'POST', '/v1/automations/flow/state', {
				state: 'paused',
			} );
			clock.advance( 60_000 );
			await waitFor(
				async () => ( await get( 'held' ) ).state === 'paused',
				30_000,
				'the campaign paused at its start'
			);
			const held = await get( 'held' );
			expect( held.state_reason ).toBe( 'automation_not_active' );
			expect( held.state_message ).toContain( 'Campaign follow-up' );
			expect( await runsOf( 'held' ) ).toEqual( [] );
			// Resuming while the automation is still paused is refused, and says why.
			const refused = await t.call(
				shop,
				'POST',
				'/v1/campaigns/held/resume'
			);
			expect( [ refused.statusCode, refused.json().error.code ] ).toEqual(
				[ 422, 'automation_not_active' ]
			);
			clock.advance( 1_000 );
			await t.call( shop, 'POST', '/v1/automations/flow/state', {
				state: 'active',
			} );
			expect(
				( await t.call( shop, 'POST', '/v1/campaigns/held/resume' ) )
					.statusCode
			).toBe( 200 );
			await waitFor(
				async () =>
					( await messagesOf( 'held', 0 ) ).filter(
						( m ) => m.state === 'completed'
					).length === 5,
				60_000,
				'the first message of every run'
			);
			expect( ( await get( 'held' ) ).automation.runs.in_progress ).toBe(
				5
			);
			await expectRunCountersMatchRows( db(), shop.id, 'held' );
		}, 90_000 );
	}
);
