/**
 * External dependencies
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { ManualClock } from '../../src/clock';
import { claimRecipients } from '../../src/dispatch/claim';
import { migrate } from '../../src/storage/database';
import type { Tenant } from '../../src/storage/schema';
import {
	buildWebhookApp,
	dialects,
	openTestDatabase,
	seedCampaign,
	seedTenant,
	signedPost,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from '../webhooks/harness';

/*
 * Migration 0105 (messages apart from runs) on a database an older bridge left: recipients in every state, some in
 * flight. Each becomes a run with its step-0 message carrying the same state, claim, wamid, milestones and error;
 * webhooks with the old callback data `<campaign>:<recipient>` still apply; pending and retry messages are claimed.
 */
const T0 = 1_750_000_000_000;

/** Old recipient rows (columns of migrations 0001 and 0100), by name. */
const OLD: Record< string, Record< string, unknown > > = {
	pending: { state: 'pending', attempts: 0 },
	retry: {
		state: 'retry',
		attempts: 1,
		next_attempt_at: T0 - 1,
		error_code: 131000,
		error_reason: 'server_error',
		retryable: 1,
	},
	sending: {
		state: 'sending',
		attempts: 1,
		claimed_by: 'old-worker',
		claimed_at: T0 - 5,
	},
	accepted: {
		state: 'completed',
		attempts: 1,
		wamid: 'wamid.accepted',
		message_status: 'accepted',
		sent_at: T0 - 100,
	},
	delivered: {
		state: 'completed',
		attempts: 1,
		wamid: 'wamid.delivered',
		message_status: 'delivered',
		sent_at: T0 - 100,
		status_sent_at: T0 - 90,
		delivered_at: T0 - 80,
		interacted_at: T0 - 10,
		interaction_payload: 'STOP_PROMOTIONS',
	},
	failedStatus: {
		state: 'completed',
		attempts: 1,
		wamid: 'wamid.failed',
		message_status: 'failed',
		sent_at: T0 - 100,
		failed_at: T0 - 50,
		error_code: 131049,
		error_reason: 'marketing_limit',
		error_message: 'per-user limit',
		retryable: 1,
		retry_not_before: T0 + 86_400_000,
	},
	invalid: {
		state: 'failed',
		error_reason: 'invalid_phone',
		retryable: 0,
	},
	unknown: {
		state: 'unknown',
		attempts: 1,
		error_reason: 'interrupted',
		retryable: 0,
	},
	optedOut: { state: 'opted_out', error_reason: 'opted_out', retryable: 0 },
	cancelled: { state: 'cancelled', error_reason: 'cancelled', retryable: 0 },
};

const MESSAGE_COLUMNS = [
	'attempts',
	'next_attempt_at',
	'error_code',
	'error_reason',
	'retryable',
	'wamid',
	'message_status',
	'claimed_by',
	'claimed_at',
	'sent_at',
	'status_sent_at',
	'delivered_at',
	'read_at',
	'failed_at',
	'error_message',
	'retry_not_before',
];

describe.each( dialects() )(
	'migration 0105: recipients become runs with messages (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let tenant: SeededTenant;
		let app: FastifyInstance;
		const ids = new Map< string, number >();
		const clock = new ManualClock( T0 );

		beforeAll( async () => {
			database = await openTestDatabase( dialect, '0104-cancelled' );
			const old = database.db as unknown as Kysely< any >;
			tenant = await seedTenant( database.db, { id: 'shop' } );
			await seedCampaign( database.db, tenant.id, 'c' );
			let n = 0;
			for ( const [ name, row ] of Object.entries( OLD ) ) {
				n += 1;
				const inserted = await old
					.insertInto( 'recipients' )
					.values( {
						tenant_id: tenant.id,
						campaign_id: 'c',
						contact_id: String( n ),
						phone: `+3933300000${ String( n ).padStart( 2, '0' ) }`,
						variables: JSON.stringify( { first_name: name } ),
						next_attempt_at: 0,
						updated_at: T0 - 1_000,
						...row,
					} )
					.returning( 'id' )
					.executeTakeFirstOrThrow();
				ids.set( name, Number( inserted.id ) );
			}
			await old
				.updateTable( 'campaign_counters' )
				.set( {
					total: 8,
					to_start: 2,
					in_progress: 1,
					completed: 3,
					failed: 1,
					unknown: 1,
					cancelled: 1,
					opted_out: 1,
					invalid: 1,
					messages_sent: 2,
					messages_delivered: 1,
					messages_failed: 1,
					interactions: 1,
				} )
				.execute();
			await migrate( database.storage.db );
			app = await buildWebhookApp( database.storage, clock );
		} );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'copies every recipient into one step-0 message, same state and message columns; runs keep the snapshot and the interaction', async () => {
			const db = database.db as unknown as Kysely< any >;
			const messages = await db
				.selectFrom( 'messages' )
				.selectAll()
				.orderBy( 'run_id' )
				.execute();
			expect( messages ).toHaveLength( Object.keys( OLD ).length );
			for ( const [ name, row ] of Object.entries( OLD ) ) {
				const message = messages.find(
					( m ) => Number( m.run_id ) === ids.get( name )
				) as Record< string, unknown >;
				expect( message, name ).toBeDefined();
				expect( message.step ).toBe( 0 );
				expect( message.state, name ).toBe( row.state );
				expect( message.body ).toBe(
					JSON.stringify( { first_name: name } )
				);
				expect( message.tenant_id ).toBe( tenant.id );
				expect( message.campaign_id ).toBe( 'c' );
				for ( const column of MESSAGE_COLUMNS ) {
					const want =
						row[ column ] ??
						( [ 'attempts', 'next_attempt_at' ].includes( column )
							? 0
							: null );
					let got = message[ column ] ?? null;
					if ( got !== null && typeof want === 'number' ) {
						got = Number( got );
					}
					expect( got, `${ name }.${ column }` ).toEqual( want );
				}
			}
			const runs = await db
				.selectFrom( 'recipients' )
				.selectAll()
				.orderBy( 'id' )
				.execute();
			for ( const run of runs ) {
				const name = [ ...ids ].find(
					( [ , id ] ) => id === Number( run.id )
				)?.[ 0 ] as string;
				expect( run.state, name ).toBe(
					[ 'pending', 'retry', 'sending' ].includes(
						OLD[ name ]?.state as string
					)
						? 'active'
						: 'ended'
				);
				expect( run.wamid ).toBeUndefined();
				expect( run.message_status ).toBeUndefined();
			}
			const delivered = runs.find(
				( r ) => Number( r.id ) === ids.get( 'delivered' )
			) as Record< string, unknown >;
			expect( Number( delivered.interacted_at ) ).toBe( T0 - 10 );
			expect( delivered.interaction_payload ).toBe( 'STOP_PROMOTIONS' );
		} );

		it( 'applies webhooks whose callback data is the old `<campaign>:<recipient>` form, to in-flight and sent messages', async () => {
			const post = async (
				statuses: Array< Record< string, unknown > >
			) =>
				(
					await signedPost(
						app,
						statusPayload( tenant.phoneNumberId, statuses ),
						tenant.appSecret
					)
				).statusCode;
			expect(
				await post( [
					{
						// Sent by the old bridge just before the upgrade: its send answer never stored the wamid.
						id: 'wamid.inflight',
						status: 'sent',
						timestamp: String( T0 / 1000 ),
						recipient_id: '393330000003',
						biz_opaque_callback_data: `c:${ ids.get( 'sending' ) }`,
					},
					{
						id: 'wamid.accepted',
						status: 'delivered',
						timestamp: String( T0 / 1000 ),
						recipient_id: '393330000004',
						biz_opaque_callback_data: `c:${ ids.get( 'accepted' ) }`,
					},
					{
						id: 'wamid.delivered',
						status: 'read',
						timestamp: String( T0 / 1000 ),
						recipient_id: '393330000005',
						biz_opaque_callback_data: `c:${ ids.get( 'delivered' ) }`,
					},
				] )
			).toBe( 200 );
			const db = database.db as unknown as Kysely< any >;
			const byRun = async ( name: string ) =>
				db
					.selectFrom( 'messages' )
					.select( [ 'wamid', 'message_status', 'state' ] )
					.where( 'run_id', '=', ids.get( name ) as number )
					.where( 'step', '=', 0 )
					.executeTakeFirstOrThrow();
			expect( await byRun( 'sending' ) ).toEqual( {
				wamid: 'wamid.inflight',
				message_status: 'sent',
				state: 'sending',
			} );
			expect( await byRun( 'accepted' ) ).toMatchObject( {
				message_status: 'delivered',
			} );
			expect( await byRun( 'delivered' ) ).toMatchObject( {
				message_status: 'read',
			} );
			const counters = await db
				.selectFrom( 'campaign_counters' )
				.select( [
					'messages_sent',
					'messages_delivered',
					'messages_read',
				] )
				.executeTakeFirstOrThrow();
			expect( {
				sent: Number( counters.messages_sent ),
				delivered: Number( counters.messages_delivered ),
				read: Number( counters.messages_read ),
			} ).toEqual( { sent: 4, delivered: 2, read: 1 } );
		} );

		it( 'claims the migrated pending and retry messages, naming their runs', async () => {
			const row = await database.db
				.selectFrom( 'tenants' )
				.selectAll()
				.where( 'id', '=', tenant.id )
				.executeTakeFirstOrThrow();
			const result = await claimRecipients(
				database.storage.db,
				dialect,
				clock,
				row as Tenant,
				'c',
				false,
				10,
				'new-worker'
			);
			expect(
				result.claimed
					.map( ( c ) => ( {
						runId: c.runId,
						step: c.step,
						from: c.from,
					} ) )
					.sort( ( a, b ) => a.runId - b.runId )
			).toEqual( [
				{ runId: ids.get( 'pending' ), step: 0, from: 'pending' },
				{ runId: ids.get( 'retry' ), step: 0, from: 'retry' },
			] );
		} );
	}
);
