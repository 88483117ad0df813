/**
 * External dependencies
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
	type SeededTenant,
	type TestDatabase,
} from './harness';

const PAYLOADS = join( __dirname, '../vectors/meta/whatsapp-payloads' );
const read = ( name: string ) => readFileSync( join( PAYLOADS, name ) );

/** The wamids Meta's examples talk about, each given to one recipient of a running campaign. */
const WAMID = {
	sentThenDelivered:
		'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
	failed131049: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA',
	quickReply:
		'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
	interactive: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA',
	textReply: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA',
};

const WEBHOOK_FILES = readdirSync( PAYLOADS ).filter(
	( name ) =>
		( JSON.parse( read( name ).toString() ) as { object?: string } )
			.object === 'whatsapp_business_account'
);
const OTHER_FILES = readdirSync( PAYLOADS ).filter(
	( name ) => ! WEBHOOK_FILES.includes( name )
);

describe.each( dialects() )(
	'Meta example payloads through the signed endpoint (%s)',
	( dialect ) => {
		let database: TestDatabase;
		let app: FastifyInstance;
		let tenant: SeededTenant;

		async function recipient( wamid: string ) {
			// The message with its run's interaction.
			return database.db
				.selectFrom( 'messages' )
				.innerJoin( 'recipients', 'recipients.id', 'messages.run_id' )
				.selectAll( 'messages' )
				.select( [
					'recipients.interacted_at',
					'recipients.interaction_payload',
				] )
				.where( 'messages.wamid', '=', wamid )
				.executeTakeFirstOrThrow();
		}
		/** The tenant's message counters, over its campaigns. */
		async function counters() {
			const rows = await database.db
				.selectFrom( 'campaign_counters' )
				.select( [
					'messages_sent',
					'messages_delivered',
					'messages_read',
					'messages_failed',
					'interactions',
				] )
				.where( 'tenant_id', '=', tenant.id )
				.execute();
			const total = {
				messages_sent: 0,
				messages_delivered: 0,
				messages_read: 0,
				messages_failed: 0,
				interactions: 0,
			};
			for ( const row of rows ) {
				for ( const key of Object.keys( total ) as Array<
					keyof typeof total
				> ) {
					total[ key ] += Number( row[ key ] );
				}
			}
			return total;
		}
		async function post( name: string ) {
			let body = read( name );
			if (
				name ===
				'inbound_template_quick_reply_button.button_reference.json'
			) {
				// From another customer than Meta's other examples: their "resume" (dated 2024) must stay the newest
				// preference of +16505551234 rather than be overtaken by this "stop" (dated 2025).
				body = Buffer.from(
					body.toString().replaceAll( '16505551234', '16505550003' )
				);
			}
			const response = await signedPost( app, body, tenant.appSecret );
			return response;
		}

		beforeAll( async () => {
			database = await openTestDatabase( dialect );
			tenant = await seedTenant( database.db, {
				id: 'tenant-a',
				phoneNumberId: '106540352242922',
				wabaId: '102290129340398',
			} );
			// Another tenant sharing the WABA of one example must not matter: it has its own WABA.
			await seedTenant( database.db, { id: 'tenant-b' } );
			// Meta's examples are all to and from +16505551234: a campaign sends a number one message, so each of its
			// messages here belongs to its own campaign. The quick reply is posted from another customer (see post()).
			await seedCampaign( database.db, tenant.id, 'spring' );
			await seedSentRecipients( database.db, tenant.id, 'spring', [
				{ phone: '+16505551234', wamid: WAMID.sentThenDelivered },
				{ phone: '+16505550003', wamid: WAMID.quickReply },
			] );
			for ( const [ campaign, wamid ] of [
				[ 'summer', WAMID.failed131049 ],
				[ 'autumn', WAMID.interactive ],
				[ 'winter', WAMID.textReply ],
			] as const ) {
				await seedCampaign( database.db, tenant.id, campaign );
				await seedSentRecipients( database.db, tenant.id, campaign, [
					{ phone: '+16505551234', wamid },
				] );
			}
			await database.db
				.insertInto( 'templates_cache' )
				.values( {
					tenant_id: tenant.id,
					fetched_at: 1,
					templates: JSON.stringify( [
						{
							id: '1689556908129832',
							name: 'order_confirmation',
							language: 'en_US',
							status: 'PENDING',
							category: 'UTILITY',
						},
						{
							id: '1689556908129835',
							name: 'abandoned_cart',
							language: 'en',
							status: 'PENDING',
							category: 'MARKETING',
						},
						{
							id: '278077987957091',
							name: 'welcome_template',
							language: 'en_US',
							status: 'APPROVED',
							category: 'MARKETING',
						},
					] ),
				} )
				.execute();
			app = await buildWebhookApp(
				database.storage,
				new ManualClock( Date.UTC( 2026, 10, 25 ) )
			);
		} );

		afterAll( async () => {
			await app?.close();
			await database?.drop();
		} );

		it( 'covers every webhook example among Meta payloads', () => {
			expect( WEBHOOK_FILES.sort() ).toEqual( [
				'inbound_interactive_button_reply.openapi.json',
				'inbound_template_quick_reply_button.button_reference.json',
				'inbound_text_message.webhooks_overview.json',
				'inbound_text_message_with_context.openapi.json',
				'message_template_status_update_approved.json',
				'message_template_status_update_rejected_invalid_format.json',
				'phone_number_quality_update_throughput_upgrade.json',
				'status_delivered_marketing_pricing_with_bsuid_contact.json',
				'status_failed_131049_healthy_ecosystem.json',
				'status_sent_marketing_with_conversation_and_pricing.json',
				'template_category_update_impending.json',
				'user_preferences_resume_marketing.json',
			] );
		} );

		it( 'sent: the message counts as sent', async () => {
			expect(
				(
					await post(
						'status_sent_marketing_with_conversation_and_pricing.json'
					)
				).statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.sentThenDelivered ) ).toMatchObject(
				{
					message_status: 'sent',
					status_sent_at: 1750030073000,
				}
			);
			expect( await counters() ).toMatchObject( {
				messages_sent: 1,
				messages_delivered: 0,
			} );
		} );

		it( 'delivered (with a business-scoped user id beside wa_id): the message counts as delivered', async () => {
			expect(
				(
					await post(
						'status_delivered_marketing_pricing_with_bsuid_contact.json'
					)
				).statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.sentThenDelivered ) ).toMatchObject(
				{
					message_status: 'delivered',
					delivered_at: 1750030073000,
				}
			);
			expect( await counters() ).toMatchObject( {
				messages_sent: 1,
				messages_delivered: 1,
			} );
		} );

		it( 'failed 131049: failed, retryable, not before 24 hours', async () => {
			expect(
				( await post( 'status_failed_131049_healthy_ecosystem.json' ) )
					.statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.failed131049 ) ).toMatchObject( {
				message_status: 'failed',
				error_code: 131049,
				error_reason: 'marketing_per_user_limit',
				retryable: 1,
				failed_at: 1751142888000,
				retry_not_before: 1751142888000 + 86_400_000,
			} );
			expect( await counters() ).toMatchObject( { messages_failed: 1 } );
		} );

		it( 'quick-reply "Unsubscribe": an interaction with its payload, and the contact opts out, reported to the site', async () => {
			expect(
				(
					await post(
						'inbound_template_quick_reply_button.button_reference.json'
					)
				).statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.quickReply ) ).toMatchObject( {
				interaction_payload: 'Unsubscribe',
				interacted_at: 1750091045000,
			} );
			expect( await counters() ).toMatchObject( { interactions: 1 } );
			const optOut = await database.db
				.selectFrom( 'opt_outs' )
				.selectAll()
				.executeTakeFirstOrThrow();
			expect( optOut ).toMatchObject( {
				tenant_id: tenant.id,
				phone: '+16505550003',
				source: 'stop_button',
			} );
			const outbox = await database.db
				.selectFrom( 'opt_out_outbox' )
				.selectAll()
				.execute();
			expect( outbox ).toEqual( [
				expect.objectContaining( {
					phone: '+16505550003',
					action: 'stop',
					delivered_at: null,
				} ),
			] );
		} );

		it( 'interactive reply: an interaction recording the reply id, no opt-out', async () => {
			expect(
				(
					await post(
						'inbound_interactive_button_reply.openapi.json'
					)
				).statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.interactive ) ).toMatchObject( {
				interaction_payload: 'cancel-button',
			} );
			expect( await counters() ).toMatchObject( { interactions: 2 } );
			expect( await countRows( database.db, 'opt_outs' ) ).toBe( 1 );
		} );

		it( 'text reply to a campaign message: an interaction', async () => {
			expect(
				(
					await post(
						'inbound_text_message_with_context.openapi.json'
					)
				).statusCode
			).toBe( 200 );
			expect( await recipient( WAMID.textReply ) ).toMatchObject( {
				interaction_payload: 'text',
			} );
			expect( await counters() ).toMatchObject( { interactions: 3 } );
		} );

		it( 'text without context: stored as an inbound message, no interaction', async () => {
			expect(
				( await post( 'inbound_text_message.webhooks_overview.json' ) )
					.statusCode
			).toBe( 200 );
			const message = await database.db
				.selectFrom( 'inbound_messages' )
				.selectAll()
				.where(
					'message_id',
					'=',
					'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='
				)
				.executeTakeFirstOrThrow();
			expect( message ).toMatchObject( {
				from_phone: '+16505551234',
				text: 'Does it come in another color?',
				campaign_id: null,
			} );
			expect( await counters() ).toMatchObject( { interactions: 3 } );
		} );

		it( 'user_preferences resume: the preference is recorded and the resume reported to the site', async () => {
			expect(
				( await post( 'user_preferences_resume_marketing.json' ) )
					.statusCode
			).toBe( 200 );
			const preference = await database.db
				.selectFrom( 'marketing_preferences' )
				.selectAll()
				.where( 'phone', '=', '+16505551234' )
				.executeTakeFirstOrThrow();
			expect( preference ).toMatchObject( {
				value: 'resume',
				changed_at: 1731705721000,
			} );
			const outbox = await database.db
				.selectFrom( 'opt_out_outbox' )
				.selectAll()
				.orderBy( 'id' )
				.execute();
			expect(
				outbox.map( ( row ) => [ row.phone, row.action, row.source ] )
			).toEqual( [
				[ '+16505550003', 'stop', 'stop_button' ],
				[ '+16505551234', 'resume', 'user_preferences' ],
			] );
		} );

		it( 'phone_number_quality_update: the tenant moves to the new tier and 1,000 messages per second', async () => {
			expect(
				(
					await post(
						'phone_number_quality_update_throughput_upgrade.json'
					)
				).statusCode
			).toBe( 200 );
			const row = await database.db
				.selectFrom( 'tenants' )
				.select( [ 'messaging_limit_tier', 'throughput_mps' ] )
				.where( 'id', '=', tenant.id )
				.executeTakeFirstOrThrow();
			expect( row ).toEqual( {
				messaging_limit_tier: 'TIER_UNLIMITED',
				throughput_mps: 1000,
			} );
		} );

		it( 'template status and category updates: the cached templates change and are marked for refresh', async () => {
			for ( const name of [
				'message_template_status_update_approved.json',
				'message_template_status_update_rejected_invalid_format.json',
				'template_category_update_impending.json',
			] ) {
				expect( ( await post( name ) ).statusCode ).toBe( 200 );
			}
			const cache = await database.db
				.selectFrom( 'templates_cache' )
				.selectAll()
				.executeTakeFirstOrThrow();
			const templates = JSON.parse( cache.templates ) as Array< {
				name: string;
				status: string;
				category: string;
			} >;
			expect(
				templates.map( ( t ) => [ t.name, t.status, t.category ] )
			).toEqual( [
				[ 'order_confirmation', 'APPROVED', 'UTILITY' ],
				[ 'abandoned_cart', 'REJECTED', 'MARKETING' ],
				[ 'welcome_template', 'APPROVED', 'UTILITY' ],
			] );
			expect( cache.fetched_at ).toBe( 0 );
			// Nothing here pauses a campaign.
			const campaign = await database.db
				.selectFrom( 'campaigns' )
				.select( 'state' )
				.executeTakeFirstOrThrow();
			expect( campaign.state ).toBe( 'running' );
		} );

		it( 'every example again (Meta redelivers): nothing changes but the raw log', async () => {
			const snapshot = async () => ( {
				recipients: await database.db
					.selectFrom( 'recipients' )
					.selectAll()
					.orderBy( 'id' )
					.execute(),
				messages: await database.db
					.selectFrom( 'messages' )
					.selectAll()
					.orderBy( 'id' )
					.execute(),
				counters: await counters(),
				optOuts: await countRows( database.db, 'opt_outs' ),
				outbox: await countRows( database.db, 'opt_out_outbox' ),
				inbound: await countRows( database.db, 'inbound_messages' ),
			} );
			const before = await snapshot();
			const events = await countRows( database.db, 'webhook_events' );
			for ( const name of WEBHOOK_FILES ) {
				expect( ( await post( name ) ).statusCode ).toBe( 200 );
			}
			expect( await snapshot() ).toEqual( before );
			expect( await countRows( database.db, 'webhook_events' ) ).toBe(
				events + WEBHOOK_FILES.length
			);
		} );

		it( 'the raw body is stored byte for byte', async () => {
			const body = read(
				'status_sent_marketing_with_conversation_and_pricing.json'
			).toString( 'utf8' );
			const stored = await database.db
				.selectFrom( 'webhook_events' )
				.select( 'body' )
				.orderBy( 'id' )
				.executeTakeFirstOrThrow();
			expect( stored.body ).toBe( body );
		} );

		it( 'files that are not webhooks (send requests, answers, pricing) are refused and not stored', async () => {
			expect( OTHER_FILES.length ).toBeGreaterThan( 0 );
			const events = await countRows( database.db, 'webhook_events' );
			for ( const name of OTHER_FILES ) {
				const response = await post( name );
				expect( response.statusCode, name ).toBe( 403 );
				expect( response.json() ).toMatchObject( {
					error: { code: 'unknown_account' },
				} );
			}
			expect( await countRows( database.db, 'webhook_events' ) ).toBe(
				events
			);
		} );
	}
);
