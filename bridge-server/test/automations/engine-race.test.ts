/**
 * Exactly once per step with two engines racing over the same due runs (two connections, as two processes would), and
 * delays computed in the shop's timezone across DST changes.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { AutomationEngine } from '../../src/automations/engine';
import { handleEvent } from '../../src/automations/events';
import { putAutomation, setAutomationState } from '../../src/automations/store';
import { delayEnd, zonedTime } from '../../src/automations/timing';
import { ManualClock } from '../../src/clock';
import { SecretBox } from '../../src/crypto/secret-box';
import type { Storage } from '../../src/storage/database';
import { createTenant } from '../../src/tenants/store';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import { phoneOf, START, template } from './helpers';

const RUNS = 300;

describe.each( dialects() )( 'two engines racing (%s)', ( dialect ) => {
	let store: TestStore;
	let second: Storage;
	let tenantId = '';
	const clock = new ManualClock( START );

	beforeAll( async () => {
		store = await openTestStore( dialect );
		// PostgreSQL: a second pool, as a second process. SQLite has one writer (the bridge runs as one process on it):
		// the two engines share the connection and their transactions interleave.
		second = dialect === 'sqlite' ? store.storage : store.reopen();
		const db = store.storage.db;
		( {
			tenant: { id: tenantId },
		} = await createTenant(
			db,
			new SecretBox( randomBytes( 32 ) ),
			'Shop',
			0
		) );
		await putAutomation(
			db,
			dialect,
			tenantId,
			'race',
			{
				name: 'Race',
				trigger: { type: 'event', event: 'go' },
				reentry: { mode: 'once' },
				steps: [
					{
						id: 'one',
						type: 'send_template',
						template: template( 'one' ),
						next: 'pause',
					},
					{
						id: 'pause',
						type: 'delay',
						delay: { kind: 'duration', minutes: 10 },
						next: 'two',
					},
					{
						id: 'two',
						type: 'send_template',
						template: template( 'two' ),
						next: null,
					},
				],
			},
			clock.now()
		);
		await setAutomationState(
			db,
			dialect,
			tenantId,
			'race',
			'active',
			clock.now()
		);
		for ( let i = 0; i < RUNS; i++ ) {
			await handleEvent(
				db,
				dialect,
				tenantId,
				{
					id: `e${ i }`,
					type: 'go',
					phone: phoneOf( i ),
					data: { contact: { consent: 'granted' } },
				},
				clock.now()
			);
		}
	}, 120_000 );

	afterAll( async () => {
		await store?.drop();
	} );

	it( 'every step of every run happens once', async () => {
		const log = pino( { level: 'silent' } );
		const options = { tickMs: 1_000, batch: 50, leaseMs: 30_000 };
		const engines = [
			new AutomationEngine(
				store.storage.db,
				dialect,
				clock,
				'w1',
				log,
				options
			),
			new AutomationEngine(
				second.db,
				dialect,
				clock,
				'w2',
				log,
				options
			),
		];
		// Both take the same due rows (no lease between them here): the conditional update lets one of them win each.
		const race = async () => {
			let taken = 1;
			while ( taken > 0 ) {
				const counts = await Promise.all(
					engines.map( ( e ) => e.advanceDue() )
				);
				taken = counts.reduce( ( x, y ) => x + y, 0 );
			}
		};
		await race();
		clock.advance( 10 * 60_000 );
		await race();
		const db = store.storage.db;
		const messages = await db
			.selectFrom( 'messages' )
			.select( [ 'run_id', 'step' ] )
			.where( 'campaign_id', '=', 'a:race' )
			.execute();
		expect( messages ).toHaveLength( 2 * RUNS );
		const history = await db
			.selectFrom( 'automation_history' )
			.select( [ 'run_id', 'step_id', 'outcome' ] )
			.where( 'automation_id', '=', 'race' )
			.execute();
		expect( history ).toHaveLength( 3 * RUNS );
		expect(
			history.every( ( h ) =>
				[ 'sent', 'delayed' ].includes( h.outcome as string )
			)
		).toBe( true );
		const open = await db
			.selectFrom( 'automation_runs' )
			.select( 'run_id' )
			.where( 'automation_id', '=', 'race' )
			.where( 'ended_at', 'is', null )
			.execute();
		expect( open ).toHaveLength( 0 );
		const counters = await db
			.selectFrom( 'campaign_counters' )
			.select( [ 'total', 'to_start' ] )
			.where( 'campaign_id', '=', 'a:race' )
			.executeTakeFirstOrThrow();
		expect( counters ).toEqual( { total: RUNS, to_start: 2 * RUNS } );
	}, 120_000 );
} );

describe( 'delays in the shop timezone', () => {
	const rome = 'Europe/Rome';
	it( 'a local time across the spring and autumn DST changes', () => {
		// 29 March 2026: 02:00 -> 03:00 in Rome. 09:00 that day is 07:00 UTC; the day before, 08:00 UTC.
		expect(
			new Date( zonedTime( 2026, 3, 29, 9, 0, rome ) ).toISOString()
		).toBe( '2026-03-29T07:00:00.000Z' );
		expect(
			new Date( zonedTime( 2026, 3, 28, 9, 0, rome ) ).toISOString()
		).toBe( '2026-03-28T08:00:00.000Z' );
		// A skipped time (02:30 does not exist): the instant after the jump.
		expect(
			new Date( zonedTime( 2026, 3, 29, 2, 30, rome ) ).toISOString()
		).toBe( '2026-03-29T01:30:00.000Z' );
		// 25 October 2026: 03:00 -> 02:00; 02:30 happens twice: the first.
		expect(
			new Date( zonedTime( 2026, 10, 25, 2, 30, rome ) ).toISOString()
		).toBe( '2026-10-25T00:30:00.000Z' );
	} );

	it( 'until and weekday delays', () => {
		// Saturday 28 March 2026, 20:00 Rome (19:00 UTC): next Monday 09:00 Rome is after the DST change (07:00 UTC).
		const now = Date.UTC( 2026, 2, 28, 19, 0 );
		expect(
			new Date(
				delayEnd(
					{ kind: 'weekday', weekday: 1, time: '09:00' },
					now,
					rome
				)
			).toISOString()
		).toBe( '2026-03-30T07:00:00.000Z' );
		// Saturday itself at a past time: a week later.
		expect(
			new Date(
				delayEnd(
					{ kind: 'weekday', weekday: 6, time: '10:00' },
					now,
					rome
				)
			).toISOString()
		).toBe( '2026-04-04T08:00:00.000Z' );
		expect(
			new Date(
				delayEnd( { kind: 'until', at: '2026-12-24T10:00' }, now, rome )
			).toISOString()
		).toBe( '2026-12-24T09:00:00.000Z' );
		// A date already past: now.
		expect(
			delayEnd( { kind: 'until', at: '2025-01-01T10:00' }, now, rome )
		).toBe( now );
		expect( delayEnd( { kind: 'duration', minutes: 90 }, now, rome ) ).toBe(
			now + 90 * 60_000
		);
	} );
} );
