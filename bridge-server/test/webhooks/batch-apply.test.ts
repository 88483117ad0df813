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
	countRows,
	dialects,
	ManualClock,
	openTestDatabase,
	seedCampaign,
	seedSentRecipients,
	seedTenant,
	signedPost,
	statusPayload,
	type SeededTenant,
	type TestDatabase,
} from './harness';

/**
 * Many requests group-committed at once (the SQLite path binds a whole batch as one JSON text): every raw body is
 * stored byte for byte whatever it contains, and every status moves its row and the counters exactly once.
 */
describe.each( dialects() )(
	'group-committed batches of requests (%s)',
	( dialect ) => {
		const RECIPIENTS = 300;
		let database: TestDatabase;
		let app: FastifyInstance;
		let tenant: SeededTenant;

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			tenant = await seedTenant( database.db, { id: 'batch' } );
			await seedCampaign( database.db, tenant.id, 'c' );
			await seedSentRecipients(
				database.db,
				tenant.id,
				'c',
				Array.from( { length: RECIPIENTS }, ( _, i ) => ( {
					phone: `+39333${ String( i ).padStart( 7, '0' ) }`,
					wamid: `wamid.batch.${ i }`,
				} ) )
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

		it( 'stores every body byte for byte and applies every status once, sent in parallel and in copies', async () => {
			const names = [ 'sent', 'delivered', 'read' ];
			const bodies: string[] = [];
			for ( let i = 0; i < RECIPIENTS; i++ ) {
				// Recipient i gets statuses up to i % 3 (sent; sent + delivered; all three).
				for ( let s = 0; s <= i % 3; s++ ) {
					const body = statusPayload( tenant.phoneNumberId, [
						{
							id: `wamid.batch.${ i }`,
							status: names[ s ],
							timestamp: String( 1_750_000_000 + s ),
							recipient_id: `39333${ String( i ).padStart( 7, '0' ) }`,
							// Characters a JSON round trip could change: escapes, quotes, backslashes, non-ASCII, emoji.
							note: `caffè "übung" \\ \u2028 😀 \n ${ i }`,
						},
					] );
					// Meta's own spacing, and an escaped form of a character, must survive as sent.
					bodies.push(
						s === 1
							? body.replace( '{', '{ \n\t' )
							: body.replace( 'caffè', 'caff\\u00e8' )
					);
				}
			}
			const before = await countRows( database.db, 'webhook_events' );
			// Every request in flight at once, and each sent twice (Meta's at-least-once delivery).
			const answers = await Promise.all(
				[ ...bodies, ...bodies ].map( ( body ) =>
					signedPost( app, body, tenant.appSecret )
				)
			);
			expect( answers.map( ( a ) => a.statusCode ) ).toEqual(
				answers.map( () => 200 )
			);
			const stored = await database.db
				.selectFrom( 'webhook_events' )
				.select( [ 'body', 'tenant_id', 'applied' ] )
				.orderBy( 'id' )
				.offset( before )
				.limit( 100_000 )
				.execute();
			expect( stored ).toHaveLength( bodies.length * 2 );
			expect( stored.map( ( row ) => row.body ).sort() ).toEqual(
				[ ...bodies, ...bodies ].sort()
			);
			expect(
				stored.every(
					( row ) => row.tenant_id === tenant.id && row.applied === 1
				)
			).toBe( true );

			const expected = {
				messages_sent: RECIPIENTS,
				messages_delivered: ( RECIPIENTS / 3 ) * 2,
				messages_read: RECIPIENTS / 3,
			};
			const counters = await database.db
				.selectFrom( 'campaign_counters' )
				.select( [
					'messages_sent',
					'messages_delivered',
					'messages_read',
				] )
				.where( 'campaign_id', '=', 'c' )
				.executeTakeFirstOrThrow();
			expect( {
				messages_sent: Number( counters.messages_sent ),
				messages_delivered: Number( counters.messages_delivered ),
				messages_read: Number( counters.messages_read ),
			} ).toEqual( expected );
			const rows = await database.db
				.selectFrom( 'messages' )
				.select( [
					'wamid',
					'message_status',
					'status_sent_at',
					'delivered_at',
					'read_at',
				] )
				.where( 'campaign_id', '=', 'c' )
				.orderBy( 'id' )
				.execute();
			rows.forEach( ( row, i ) => {
				expect( row.wamid ).toBe( `wamid.batch.${ i }` );
				expect( row.message_status ).toBe( names[ i % 3 ] );
				expect( Number( row.status_sent_at ) ).toBe(
					1_750_000_000_000
				);
				expect( row.delivered_at === null ).toBe( i % 3 === 0 );
				expect( row.read_at === null ).toBe( i % 3 !== 2 );
			} );
		} );
	}
);
