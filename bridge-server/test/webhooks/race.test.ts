/**
 * External dependencies
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	buildWebhookApp,
	dialects,
	ManualClock,
	openTestDatabase,
	seedCampaign,
	seedTenant,
	signedPost,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from './harness';
import { insertRun } from '../helpers/database';

describe.each( dialects() )(
	'a status webhook that overtakes the send answer (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let tenant: SeededTenant;
		let id = 0;

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			tenant = await seedTenant( database.db, { id: 'fast' } );
			await seedCampaign( database.db, tenant.id, 'c' );
			// Claimed and in flight: no wamid yet.
			id = await insertRun(
				database.db,
				{
					tenant_id: tenant.id,
					campaign_id: 'c',
					phone: '+390000000009',
				},
				{ state: 'sending', attempts: 1 }
			);
			app = await buildWebhookApp(
				database.storage,
				new ManualClock( 1_750_000_000_000 )
			);
		} );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'is applied by the callback data, and counted once even if the send answer then writes "accepted"', async () => {
			const status = ( name: string, timestamp: string ) =>
				statusPayload( tenant.phoneNumberId, [
					{
						id: 'wamid.fast',
						status: name,
						timestamp,
						biz_opaque_callback_data: `c:${ id }`,
					},
				] );
			expect(
				(
					await signedPost(
						app,
						status( 'sent', '100' ),
						tenant.appSecret
					)
				).statusCode
			).toBe( 200 );
			expect(
				await database.db
					.selectFrom( 'messages' )
					.select( [ 'wamid', 'message_status' ] )
					.executeTakeFirstOrThrow()
			).toEqual( { wamid: 'wamid.fast', message_status: 'sent' } );

			// The dispatcher stores the send answer afterwards, as an older engine did: status back to "accepted".
			await database.db
				.updateTable( 'messages' )
				.set( {
					state: 'completed',
					wamid: 'wamid.fast',
					message_status: 'accepted',
				} )
				.execute();
			expect(
				(
					await signedPost(
						app,
						status( 'sent', '100' ),
						tenant.appSecret
					)
				).statusCode
			).toBe( 200 );
			expect(
				(
					await signedPost(
						app,
						status( 'delivered', '110' ),
						tenant.appSecret
					)
				).statusCode
			).toBe( 200 );

			expect(
				await database.db
					.selectFrom( 'messages' )
					.select( [ 'message_status' ] )
					.executeTakeFirstOrThrow()
			).toEqual( { message_status: 'delivered' } );
			expect(
				await database.db
					.selectFrom( 'campaign_counters' )
					.select( [ 'messages_sent', 'messages_delivered' ] )
					.executeTakeFirstOrThrow()
			).toEqual( { messages_sent: 1, messages_delivered: 1 } );
		} );

		it( 'ignores callback data naming a recipient of another campaign or with another wamid', async () => {
			const forged = statusPayload( tenant.phoneNumberId, [
				{
					id: 'wamid.other',
					status: 'read',
					timestamp: '120',
					biz_opaque_callback_data: `c:${ id }`,
				},
				{
					id: 'wamid.fast',
					status: 'read',
					timestamp: '120',
					biz_opaque_callback_data: `other-campaign:${ id }`,
				},
			] );
			expect(
				( await signedPost( app, forged, tenant.appSecret ) ).statusCode
			).toBe( 200 );
			expect(
				await database.db
					.selectFrom( 'messages' )
					.select( [ 'message_status' ] )
					.executeTakeFirstOrThrow()
			).toEqual( { message_status: 'delivered' } );
		} );
	}
);
