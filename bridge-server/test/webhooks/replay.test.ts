/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { storeRaw } from '../../src/webhooks/apply';
import { DEFAULT_OPT_OUT_PAYLOADS } from '../../src/webhooks/consent';
import { replayUnappliedWebhooks } from '../../src/webhooks/replay';
import { withWebhookTables } from '../../src/webhooks/schema';
import { TenantDirectory } from '../../src/webhooks/tenant-directory';
import {
	box,
	dialects,
	openTestDatabase,
	seedCampaign,
	seedSentRecipients,
	seedTenant,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from './harness';

/**
 * Events stored raw but not applied (the endpoint answered 200 and kept the body when applying failed) are applied by
 * `webhooks replay` once the cause is fixed: exactly once, in their tenant only, and a body that fails again stays
 * unapplied with the new error.
 */
describe.each( dialects() )( 'webhooks replay (%s)', ( dialect ) => {
	let database: TestDatabase;
	let a: SeededTenant;
	let b: SeededTenant;

	// Meta names the customer in every status (recipient_id: the WhatsApp id, the number's digits).
	const status = (
		wamid: string,
		name: string,
		at: number,
		to: string
	) => ( {
		id: wamid,
		status: name,
		timestamp: String( at ),
		recipient_id: to,
	} );

	async function storeUnapplied(
		tenantId: string,
		body: string,
		error = 'SQLITE_FULL: database or disk is full'
	) {
		const db = withWebhookTables( database.db );
		await db.transaction().execute( ( trx ) =>
			storeRaw(
				trx,
				[
					{
						tenantIds: [ tenantId ],
						body,
						events: [],
						receivedAt: 1_750_000_000_000,
					},
				],
				error
			)
		);
	}

	async function recipient( wamid: string ) {
		return withWebhookTables( database.db )
			.selectFrom( 'messages' )
			.select( [ 'message_status', 'delivered_at', 'read_at' ] )
			.where( 'wamid', '=', wamid )
			.executeTakeFirstOrThrow();
	}

	async function counters( campaignId: string ) {
		const row = await database.db
			.selectFrom( 'campaign_counters' )
			.select( [ 'messages_delivered', 'messages_read' ] )
			.where( 'campaign_id', '=', campaignId )
			.executeTakeFirstOrThrow();
		return {
			delivered: Number( row.messages_delivered ),
			read: Number( row.messages_read ),
		};
	}

	const replay = ( tenantId?: string ) =>
		replayUnappliedWebhooks( {
			db: database.db,
			directory: new TenantDirectory( { db: database.db, box } ),
			defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
			batch: 2,
			...( tenantId ? { tenantId } : {} ),
		} );

	beforeAll( async () => {
		database = await openTestDatabase( dialect );
		a = await seedTenant( database.db, { id: 'replay-a' } );
		b = await seedTenant( database.db, { id: 'replay-b' } );
		await seedCampaign( database.db, a.id, 'ca' );
		await seedCampaign( database.db, b.id, 'cb' );
		await seedSentRecipients( database.db, a.id, 'ca', [
			{ phone: '+393330000001', wamid: 'wamid.a.1' },
			{ phone: '+393330000002', wamid: 'wamid.a.2' },
		] );
		await seedSentRecipients( database.db, b.id, 'cb', [
			{ phone: '+393330000003', wamid: 'wamid.b.1' },
		] );
		await storeUnapplied(
			a.id,
			statusPayload( a.phoneNumberId, [
				status(
					'wamid.a.1',
					'delivered',
					1_750_000_010,
					'393330000001'
				),
			] )
		);
		await storeUnapplied(
			a.id,
			statusPayload( a.phoneNumberId, [
				status( 'wamid.a.2', 'read', 1_750_000_020, '393330000002' ),
			] )
		);
		// Stored, but it can never be applied (here: cut short).
		await storeUnapplied( a.id, '{"object":"whatsapp_business_acc' );
		await storeUnapplied(
			b.id,
			statusPayload( b.phoneNumberId, [
				status(
					'wamid.b.1',
					'delivered',
					1_750_000_030,
					'393330000003'
				),
			] )
		);
	} );

	afterAll( async () => {
		await database?.drop();
	} );

	it( 'applies one tenant’s stored events once, leaves the other tenant’s alone, and keeps what fails again', async () => {
		expect( await replay( a.id ) ).toEqual( { applied: 2, failed: 1 } );

		expect( ( await recipient( 'wamid.a.1' ) ).message_status ).toBe(
			'delivered'
		);
		const read = await recipient( 'wamid.a.2' );
		expect( read.message_status ).toBe( 'read' );
		expect( read.delivered_at ).not.toBeNull();
		expect( await counters( 'ca' ) ).toEqual( { delivered: 2, read: 1 } );
		// Tenant B was not named: nothing of it moved.
		expect( ( await recipient( 'wamid.b.1' ) ).message_status ).toBe(
			'accepted'
		);
		expect( await counters( 'cb' ) ).toEqual( { delivered: 0, read: 0 } );

		const rows = await withWebhookTables( database.db )
			.selectFrom( 'webhook_events' )
			.select( [ 'tenant_id', 'applied', 'apply_error' ] )
			.orderBy( 'id' )
			.execute();
		expect(
			rows.map( ( row ) => [ row.tenant_id, Number( row.applied ) ] )
		).toEqual( [
			[ a.id, 1 ],
			[ a.id, 1 ],
			[ a.id, 0 ],
			[ b.id, 0 ],
		] );
		expect( rows[ 0 ]!.apply_error ).toBeNull();
		// The body that fails again keeps its row, with the new reason instead of the old one.
		expect( rows[ 2 ]!.apply_error ).toMatch( /JSON/ );
		// No raw body was stored a second time.
		expect( rows ).toHaveLength( 4 );
	} );

	it( 'never applies an event twice: a second replay changes nothing', async () => {
		expect( await replay( a.id ) ).toEqual( { applied: 0, failed: 1 } );
		expect( await counters( 'ca' ) ).toEqual( { delivered: 2, read: 1 } );
	} );

	it( 'replays every tenant when none is named', async () => {
		expect( await replay() ).toEqual( { applied: 1, failed: 1 } );
		expect( ( await recipient( 'wamid.b.1' ) ).message_status ).toBe(
			'delivered'
		);
		expect( await counters( 'cb' ) ).toEqual( { delivered: 1, read: 0 } );
		expect( await counters( 'ca' ) ).toEqual( { delivered: 2, read: 1 } );
	} );
} );
