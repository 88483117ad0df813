/**
 * External dependencies
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { applyOutcomes } from '../../src/dispatch/outcomes';
import {
	buildWebhookApp,
	dialects,
	ManualClock,
	messagesPayload,
	openTestDatabase,
	seedCampaign,
	seedSentRecipients,
	seedTenant,
	signedPost,
	type SeededTenant,
	type TestDatabase,
} from './harness';

/**
 * A reply or a button tap carries no callback data: it names the customer (`from`, a WhatsApp id) and the message it
 * answers (`context.id`). The bridge finds that message among the customer's recipients of the webhook's tenant
 * (migration 0102), including when Meta resolved the number sent to into another WhatsApp id.
 */
describe.each( dialects() )(
	'replies find the message they answer (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let shop: SeededTenant;
		let other: SeededTenant;
		const clock = new ManualClock( 1_750_000_000_000 );

		/** Posts, signed, a text reply from `from` to the message `context`; answers the status code. */
		async function reply(
			tenant: SeededTenant,
			id: string,
			from: string,
			context: string
		) {
			const body = messagesPayload(
				tenant.phoneNumberId,
				{
					contacts: [ { profile: { name: 'Cliente' }, wa_id: from } ],
					messages: [
						{
							context: { from: '15550783881', id: context },
							from,
							id,
							timestamp: '1750000100',
							text: { body: 'Grazie!' },
							type: 'text',
						},
					],
				},
				tenant.wabaId
			);
			return ( await signedPost( app, body, tenant.appSecret ) )
				.statusCode;
		}

		/** The campaign an inbound message was matched to. */
		async function matchedCampaign( messageId: string ) {
			const row = await database.db
				.selectFrom( 'inbound_messages' )
				.select( 'campaign_id' )
				.where( 'message_id', '=', messageId )
				.executeTakeFirstOrThrow();
			return row.campaign_id;
		}

		async function interacted( campaignId: string, phone: string ) {
			const row = await database.db
				.selectFrom( 'recipients' )
				.select( 'interacted_at' )
				.where( 'campaign_id', '=', campaignId )
				.where( 'phone', '=', phone )
				.executeTakeFirstOrThrow();
			return row.interacted_at;
		}

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			shop = await seedTenant( database.db, { id: 'shop' } );
			other = await seedTenant( database.db, { id: 'other' } );
			for ( const campaign of [ 'march', 'april' ] ) {
				await seedCampaign( database.db, shop.id, campaign );
				await seedSentRecipients( database.db, shop.id, campaign, [
					{ phone: '+393331234567', wamid: `wamid.${ campaign }` },
				] );
			}
			// Another tenant's message with the same number and wamid: never theirs to match.
			await seedCampaign( database.db, other.id, 'march' );
			await seedSentRecipients( database.db, other.id, 'march', [
				{ phone: '+393331234567', wamid: 'wamid.april' },
			] );
			app = await buildWebhookApp( database.storage, clock );
		} );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'a reply to one of two campaigns that reached the customer counts for that campaign only, in its tenant', async () => {
			expect(
				await reply( shop, 'wamid.in.1', '393331234567', 'wamid.april' )
			).toBe( 200 );
			expect(
				await interacted( 'april', '+393331234567' )
			).not.toBeNull();
			expect( await interacted( 'march', '+393331234567' ) ).toBeNull();
			const others = await database.db
				.selectFrom( 'recipients' )
				.select( 'interacted_at' )
				.where( 'tenant_id', '=', other.id )
				.executeTakeFirstOrThrow();
			expect( others.interacted_at ).toBeNull();
			expect( await matchedCampaign( 'wamid.in.1' ) ).toBe( 'april' );
		} );

		it( 'a reply naming a message the customer was not sent matches nothing', async () => {
			// Right wamid, another customer: not a reply to that message.
			expect(
				await reply( shop, 'wamid.in.2', '393339999999', 'wamid.march' )
			).toBe( 200 );
			expect( await interacted( 'march', '+393331234567' ) ).toBeNull();
			expect( await matchedCampaign( 'wamid.in.2' ) ).toBeNull();
		} );

		/** A recipient claimed by a worker, then the send's outcome as Meta answered it (wamid and WhatsApp id). */
		async function sentWith(
			campaign: string,
			phone: string,
			wamid: string,
			waId: string
		) {
			await seedCampaign( database.db, shop.id, campaign );
			const [ id ] = await seedSentRecipients(
				database.db,
				shop.id,
				campaign,
				[ { phone, wamid: `unsent-${ wamid }` } ]
			);
			const message = await database.db
				.updateTable( 'messages' )
				.set( {
					state: 'sending',
					claimed_by: 'worker-1',
					wamid: null,
					message_status: null,
				} )
				.where( 'run_id', '=', id as number )
				.returning( 'id' )
				.executeTakeFirstOrThrow();
			await applyOutcomes( database.db, clock, shop.id, 'worker-1', [
				{
					item: {
						id: Number( message.id ),
						runId: id as number,
						step: 0,
						campaignId: campaign,
						phone,
						variables: '{}',
						attempts: 1,
						from: 'pending',
					},
					outcome: { kind: 'accepted', wamid, waId },
				},
			] );
		}

		async function aliases() {
			return database.db
				.selectFrom( 'wa_id_aliases' )
				.select( [ 'wa_id', 'phone' ] )
				.where( 'tenant_id', '=', shop.id )
				.orderBy( 'phone' )
				.execute();
		}

		it( 'a number Meta resolved into another WhatsApp id (Brazil, without the ninth digit): the reply from that id still matches', async () => {
			await sentWith(
				'brasil',
				'+5511987654321',
				'wamid.br.1',
				'551187654321'
			);
			expect( await aliases() ).toEqual( [
				{ wa_id: '551187654321', phone: '+5511987654321' },
			] );

			expect(
				await reply( shop, 'wamid.in.3', '551187654321', 'wamid.br.1' )
			).toBe( 200 );
			expect(
				await interacted( 'brasil', '+5511987654321' )
			).not.toBeNull();
		} );

		it( 'a send answered with the number’s own WhatsApp id records no alias', async () => {
			await sentWith(
				'italia',
				'+393330000042',
				'wamid.it.1',
				'393330000042'
			);
			expect( await aliases() ).toEqual( [
				{ wa_id: '551187654321', phone: '+5511987654321' },
			] );
			const row = await database.db
				.selectFrom( 'messages' )
				.select( [ 'state', 'wamid' ] )
				.where( 'campaign_id', '=', 'italia' )
				.executeTakeFirstOrThrow();
			expect( row ).toEqual( {
				state: 'completed',
				wamid: 'wamid.it.1',
			} );
		} );
	}
);
