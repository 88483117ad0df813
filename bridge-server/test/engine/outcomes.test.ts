/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { SecretBox } from '../../src/crypto/secret-box';
import { applyOutcomes, type Settled } from '../../src/dispatch/outcomes';
import { createTenant } from '../../src/tenants/store';
import {
	dialects,
	insertRun,
	openTestStore,
	type TestStore,
} from '../helpers/database';

const clock = { now: () => 1_000_000 };

describe.each( dialects() )( 'applyOutcomes (%s)', ( dialect ) => {
	let store: TestStore;
	let tenantId = '';
	const ids: number[] = [];

	const runOf = new Map< number, number >();
	/**
	 * A message (step 0 of a new run) being sent by worker w1 at its `attempts`-th attempt; `earlier` is what a
	 * previous attempt left. Returns the message id.
	 */
	const insertSending = async (
		phone: string,
		attempts: number,
		earlier: Record< string, unknown > = {}
	) => {
		const runId = await insertRun(
			store.storage.db,
			{ tenant_id: tenantId, campaign_id: 'c1', phone },
			{ state: 'sending', attempts, claimed_by: 'w1', ...earlier }
		);
		const id = Number(
			(
				await store.storage.db
					.selectFrom( 'messages' )
					.select( 'id' )
					.where( 'run_id', '=', runId )
					.executeTakeFirstOrThrow()
			).id
		);
		runOf.set( id, runId );
		return id;
	};

	beforeAll( async () => {
		store = await openTestStore( dialect );
		const db = store.storage.db;
		( {
			tenant: { id: tenantId },
		} = await createTenant(
			db,
			new SecretBox( randomBytes( 32 ) ),
			'Shop',
			0
		) );
		await db
			.insertInto( 'campaigns' )
			.values( {
				tenant_id: tenantId,
				id: 'c1',
				name: 'C',
				audience: '{}',
				template_name: 't',
				template_language: 'en',
				template_components: '[]',
				options: '{}',
				state: 'running',
				created_at: 0,
				updated_at: 0,
			} as never )
			.execute();
		await db
			.insertInto( 'campaign_counters' )
			.values( { tenant_id: tenantId, campaign_id: 'c1' } as never )
			.execute();
		for ( const phone of [ '+391', '+392', '+393', '+394' ] ) {
			ids.push( await insertSending( phone, 1 ) );
		}
		// A failed status webhook landed before the outcome of the send (recipient 0).
		await db
			.updateTable( 'messages' )
			.set( {
				wamid: 'wamid.0',
				message_status: 'failed',
				error_code: 131026,
				error_reason: 'not_on_whatsapp',
				retryable: 0,
			} )
			.where( 'id', '=', ids[ 0 ] as number )
			.execute();
		// Recipient 3 belongs to another worker now.
		await db
			.updateTable( 'messages' )
			.set( { claimed_by: 'w2' } )
			.where( 'id', '=', ids[ 3 ] as number )
			.execute();
	} );
	afterAll( async () => {
		await store.drop();
	} );

	it( 'writes a batch; keeps the error of a status webhook that came first; touches only rows this worker holds', async () => {
		const item = ( i: number ) => ( {
			id: ids[ i ] as number,
			runId: runOf.get( ids[ i ] as number ) as number,
			step: 0,
			campaignId: 'c1',
			phone: `+39${ i + 1 }`,
			variables: '{}',
			attempts: 1,
			from: 'pending' as const,
		} );
		const settled: Settled[] = [
			{
				item: item( 0 ),
				outcome: { kind: 'accepted', wamid: 'wamid.0' },
			},
			{
				item: item( 1 ),
				outcome: { kind: 'accepted', wamid: 'wamid.1' },
			},
			{
				item: item( 2 ),
				outcome: { kind: 'unknown', reason: 'headers_timeout' },
			},
			{
				item: item( 3 ),
				outcome: { kind: 'accepted', wamid: 'wamid.3' },
			},
		];
		await applyOutcomes( store.storage.db, clock, tenantId, 'w1', settled );
		const rows = await store.storage.db
			.selectFrom( 'messages' )
			.select( [
				'id',
				'state',
				'wamid',
				'message_status',
				'error_code',
				'error_reason',
				'retryable',
				'sent_at',
			] )
			.orderBy( 'id' )
			.execute();
		expect(
			rows.map( ( r ) => ( {
				...r,
				id: undefined,
				error_code:
					r.error_code === null ? null : Number( r.error_code ),
				sent_at: r.sent_at === null ? null : Number( r.sent_at ),
			} ) )
		).toEqual( [
			{
				id: undefined,
				state: 'completed',
				wamid: 'wamid.0',
				message_status: 'failed',
				error_code: 131026,
				error_reason: 'not_on_whatsapp',
				retryable: 0,
				sent_at: 1_000_000,
			},
			{
				id: undefined,
				state: 'completed',
				wamid: 'wamid.1',
				message_status: 'accepted',
				error_code: null,
				error_reason: null,
				retryable: null,
				sent_at: 1_000_000,
			},
			{
				id: undefined,
				state: 'unknown',
				wamid: null,
				message_status: null,
				error_code: null,
				error_reason: 'headers_timeout',
				retryable: 0,
				sent_at: null,
			},
			{
				id: undefined,
				state: 'sending',
				wamid: null,
				message_status: null,
				error_code: null,
				error_reason: null,
				retryable: null,
				sent_at: null,
			},
		] );
	} );

	it( 'clears the error an earlier attempt left when a later attempt is accepted, in the same batch as a first attempt', async () => {
		const db = store.storage.db;
		const retried = await insertSending( '+395', 2, {
			error_code: 131000,
			error_reason: 'server_error',
			retryable: 1,
		} );
		const first = await insertSending( '+396', 1 );
		const item = ( id: number, phone: string, attempts: number ) => ( {
			id,
			runId: runOf.get( id ) as number,
			step: 0,
			campaignId: 'c1',
			phone,
			variables: '{}',
			attempts,
			from: 'retry' as const,
		} );
		await applyOutcomes( db, clock, tenantId, 'w1', [
			{
				item: item( retried, '+395', 2 ),
				outcome: { kind: 'accepted', wamid: 'wamid.5' },
			},
			{
				item: item( first, '+396', 1 ),
				outcome: { kind: 'accepted', wamid: 'wamid.6' },
			},
		] );
		const rows = await db
			.selectFrom( 'messages' )
			.select( [
				'state',
				'wamid',
				'message_status',
				'error_code',
				'error_reason',
				'retryable',
			] )
			.where( 'id', 'in', [ retried, first ] )
			.orderBy( 'id' )
			.execute();
		expect( rows ).toEqual(
			[ 'wamid.5', 'wamid.6' ].map( ( wamid ) => ( {
				state: 'completed',
				wamid,
				message_status: 'accepted',
				error_code: null,
				error_reason: null,
				retryable: null,
			} ) )
		);
	} );
} );
