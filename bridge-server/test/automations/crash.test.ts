/**
 * A real bridge process killed with SIGKILL while automation runs send and wait in a delay: after the restarts every
 * run ends, no (run, step) is sent twice (the emulator's own count), and every delay fires after the restart (no timer
 * lives in memory; the delay's minute is made to pass in the rows while the process is down).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { createTenant } from '../../src/tenants/store';
import { TEMPLATE, waitFor } from '../helpers/bridge';
import { dialects, openTestStore, type TestStore } from '../helpers/database';
import {
	freePort,
	signedFetch,
	startBridgeProcess,
	startEmulatorProcess,
	type Child,
	type EmulatorProcess,
} from '../helpers/processes';
import { phoneOf } from './helpers';

const RUNS = 400;
const KILLS = 4;
/** A template the emulator knows (its WABA's templates). */
const KNOWN = { ...TEMPLATE, category: 'MARKETING' as const };

describe.each( dialects() )(
	'bridge killed with SIGKILL during automation runs on %s',
	( dialect ) => {
		let store: TestStore;
		let emulator: EmulatorProcess;
		let bridge: Child | undefined;
		const key = randomBytes( 32 );
		let tenant: { id: string; secret: Buffer };
		let env: Record< string, string >;
		let baseUrl: string;

		beforeAll( async () => {
			store = await openTestStore( dialect );
			const port = await freePort();
			baseUrl = `http://127.0.0.1:${ port }`;
			emulator = await startEmulatorProcess(
				{ latencyMs: 20, statuses: { enabled: false } },
				{ webhookUrlPrefixes: [ `${ baseUrl }/v1/webhooks/whatsapp` ] }
			);
			const created = await createTenant(
				store.storage.db,
				new SecretBox( key ),
				'Crash shop',
				Date.now()
			);
			tenant = { id: created.tenant.id, secret: created.secret };
			await store.storage.db
				.updateTable( 'tenants' )
				.set( {
					default_country: 'IT',
					timezone: 'Europe/Rome',
					throughput_mps: 80,
					messaging_limit_tier: 'TIER_UNLIMITED',
				} )
				.where( 'id', '=', tenant.id )
				.execute();
			env = {
				...store.env,
				RONDINE_BRIDGE_PORT: String( port ),
				RONDINE_BRIDGE_SECRET_KEY: key.toString( 'base64' ),
				RONDINE_SANDBOX_URL: emulator.url,
				RONDINE_SANDBOX_CONTROL_TOKEN: emulator.token,
			};
		} );

		afterAll( async () => {
			await bridge?.kill( 'SIGKILL' );
			await emulator?.child.kill( 'SIGTERM' );
			await store?.drop();
		} );

		it( 'ends every run, sends no (run, step) twice, fires every delay after the restart', async () => {
			bridge = await startBridgeProcess( env );
			const call = ( method: string, path: string, body?: unknown ) =>
				signedFetch( baseUrl, tenant, method, path, body );
			expect(
				(
					await call( 'PUT', '/v1/automations/crashflow', {
						name: 'Crash flow',
						trigger: { type: 'event', event: 'go' },
						reentry: { mode: 'once' },
						steps: [
							{
								id: 'one',
								type: 'send_template',
								template: KNOWN,
								next: 'pause',
							},
							{
								id: 'pause',
								type: 'delay',
								delay: { kind: 'duration', minutes: 1 },
								next: 'two',
							},
							{
								id: 'two',
								type: 'send_template',
								template: KNOWN,
								next: null,
							},
						],
					} )
				).status
			).toBe( 201 );
			expect(
				(
					await call( 'POST', '/v1/automations/crashflow/state', {
						state: 'active',
					} )
				).status
			).toBe( 200 );
			for ( let i = 0; i < RUNS; i += 40 ) {
				await Promise.all(
					Array.from( { length: 40 }, ( _, k ) =>
						call( 'POST', '/v1/events', {
							id: `go-${ i + k }`,
							type: 'go',
							phone: phoneOf( 5_000 + i + k ),
						} )
					)
				);
			}
			const db = store.storage.db;
			const sentOf = async ( step: number ) =>
				Number(
					(
						await db
							.selectFrom( 'messages' )
							.select( sql< number >`count(*)`.as( 'n' ) )
							.where( 'campaign_id', '=', 'a:crashflow' )
							.where( 'step', '=', step )
							.where( 'state', 'in', [ 'completed', 'unknown' ] )
							.executeTakeFirstOrThrow()
					).n
				);
			// Kills while the first messages go out (80 a second: about 5 s of sending).
			for ( let kills = 0; kills < KILLS; kills++ ) {
				await new Promise( ( resolve ) =>
					setTimeout( resolve, 500 + Math.random() * 1_000 )
				);
				await bridge.kill( 'SIGKILL' );
				bridge = await startBridgeProcess( env );
			}
			await waitFor(
				async () => ( await sentOf( 0 ) ) === RUNS,
				60_000,
				'the first step of every run'
			);
			// One more while every run waits in its delay. While the bridge is down, the delay's minute passes: the
			// due times are moved a minute back in the database (the process's clock cannot be moved, and a real
			// minute per database made this suite three minutes long); what is tested is that the restarted process
			// finds the timers in the rows and fires them, since no timer lives in memory.
			await bridge.kill( 'SIGKILL' );
			await db
				.updateTable( 'automation_runs' )
				.set( { due_at: sql`due_at - 60000` } )
				.where( 'automation_id', '=', 'crashflow' )
				.where( 'ended_at', 'is', null )
				.execute();
			bridge = await startBridgeProcess( env );
			await waitFor(
				async () => ( await sentOf( 2 ) ) === RUNS,
				120_000,
				'the second step after the delay'
			);
			await waitFor(
				async () =>
					Number(
						(
							await db
								.selectFrom( 'automation_runs' )
								.select( sql< number >`count(*)`.as( 'n' ) )
								.where( 'automation_id', '=', 'crashflow' )
								.where( 'ended_at', 'is', null )
								.executeTakeFirstOrThrow()
						).n
					) === 0,
				30_000,
				'every run to end'
			);
			const perStep = await db
				.selectFrom( 'messages' )
				.select( [
					'run_id',
					'step',
					sql< number >`count(*)`.as( 'n' ),
				] )
				.where( 'campaign_id', '=', 'a:crashflow' )
				.groupBy( [ 'run_id', 'step' ] )
				.having( sql< number >`count(*)`, '>', 1 )
				.execute();
			expect( perStep ).toEqual( [] );
			const history = await db
				.selectFrom( 'automation_history' )
				.select( [
					'step_id',
					'outcome',
					sql< number >`count(*)`.as( 'n' ),
				] )
				.where( 'automation_id', '=', 'crashflow' )
				.groupBy( [ 'step_id', 'outcome' ] )
				.orderBy( 'step_id' )
				.execute();
			expect(
				history.map(
					( h ) => `${ h.step_id } ${ h.outcome } ${ Number( h.n ) }`
				)
			).toEqual( [
				`one sent ${ RUNS }`,
				`pause delayed ${ RUNS }`,
				`two sent ${ RUNS }`,
			] );
			const messages = await db
				.selectFrom( 'messages' )
				.select( [ 'state', sql< number >`count(*)`.as( 'n' ) ] )
				.where( 'campaign_id', '=', 'a:crashflow' )
				.groupBy( 'state' )
				.execute();
			const byState = Object.fromEntries(
				messages.map( ( m ) => [ m.state, Number( m.n ) ] )
			);
			expect(
				( byState.completed ?? 0 ) + ( byState.unknown ?? 0 )
			).toBe( 2 * RUNS );
			// What the phones received (the emulator's count by callback data = lane, run, step): nothing twice.
			const received = await emulator.get< {
				messages: number;
				duplicates: number;
			} >( '/_control/received?callbackPrefix=a:crashflow:' );
			expect( received.duplicates ).toBe( 0 );
			expect( received.messages ).toBeGreaterThanOrEqual(
				byState.completed ?? 0
			);
			expect( received.messages ).toBeLessThanOrEqual( 2 * RUNS );
		}, 300_000 );
	}
);
