/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { pruneWebhookEvents } from '../../src/webhooks/retention';
import { dialects, openTestDatabase, type TestDatabase } from './harness';

describe.each( dialects() )( 'webhook log retention (%s)', ( dialect ) => {
	let database: TestDatabase;

	beforeAll( async () => {
		database = await openTestDatabase( dialect );
	} );

	afterAll( async () => {
		await database?.drop();
	} );

	it( 'deletes applied bodies older than the cut-off, in chunks, and keeps recent and unapplied ones', async () => {
		const row = ( received: number, applied: number ) => ( {
			tenant_id: 't',
			received_at: received,
			body: '{}',
			applied,
			apply_error: applied ? null : 'boom',
		} );
		await database.db
			.insertInto( 'webhook_events' )
			.values( [
				...Array.from( { length: 25 }, ( _, i ) =>
					row( 1_000 + i, 1 )
				),
				row( 1_500, 0 ),
				row( 5_000, 1 ),
			] )
			.execute();
		expect(
			await pruneWebhookEvents( database.storage.db, 2_000, 10 )
		).toBe( 25 );
		const left = await database.db
			.selectFrom( 'webhook_events' )
			.select( [ 'received_at', 'applied' ] )
			.orderBy( 'received_at' )
			.execute();
		expect( left ).toEqual( [
			{ received_at: 1_500, applied: 0 },
			{ received_at: 5_000, applied: 1 },
		] );
		expect( await pruneWebhookEvents( database.storage.db, 2_000 ) ).toBe(
			0
		);
	} );
} );
