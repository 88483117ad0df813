/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	parseWebhook,
	webhookAccounts,
	type InboundMessageEvent,
	type StatusEvent,
} from '../../src/whatsapp/webhook-types';
import { payload, payloadNames } from './payloads';

function only< T >( events: unknown[] ): T {
	expect( events ).toHaveLength( 1 );
	return events[ 0 ] as T;
}

describe( 'parseWebhook with Meta example payloads', () => {
	it( 'reads a sent status with pricing and conversation', () => {
		const status = only< StatusEvent >(
			parseWebhook(
				payload(
					'status_sent_marketing_with_conversation_and_pricing.json'
				)
			).events
		);
		expect( status ).toMatchObject( {
			kind: 'status',
			wabaId: '102290129340398',
			phoneNumberId: '106540352242922',
			wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
			status: 'sent',
			timestamp: 1750030073,
			recipientId: '16505551234',
			bizOpaqueCallbackData: null,
			pricing: {
				billable: true,
				pricingModel: 'PMP',
				category: 'marketing',
				type: 'regular',
			},
			errors: [],
		} );
	} );

	it( 'reads a delivered status whose contact carries a business-scoped user id', () => {
		const status = only< StatusEvent >(
			parseWebhook(
				payload(
					'status_delivered_marketing_pricing_with_bsuid_contact.json'
				)
			).events
		);
		expect( status.status ).toBe( 'delivered' );
		expect( status.recipientId ).toBe( '16505551234' );
	} );

	it( 'reads a failed status with its error code and details', () => {
		const status = only< StatusEvent >(
			parseWebhook(
				payload( 'status_failed_131049_healthy_ecosystem.json' )
			).events
		);
		expect( status.status ).toBe( 'failed' );
		expect( status.errors ).toEqual( [
			{
				code: 131049,
				title: 'This message was not delivered to maintain healthy ecosystem engagement.',
				message:
					'This message was not delivered to maintain healthy ecosystem engagement.',
				details:
					'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
			},
		] );
	} );

	it( 'reads a template quick-reply tap with the message it answers', () => {
		const message = only< InboundMessageEvent >(
			parseWebhook(
				payload(
					'inbound_template_quick_reply_button.button_reference.json'
				)
			).events
		);
		expect( message ).toMatchObject( {
			kind: 'message',
			type: 'button',
			from: '16505551234',
			profileName: 'Sheena Nelson',
			contextId:
				'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
			button: { payload: 'Unsubscribe', text: 'Unsubscribe' },
			interactive: null,
			timestamp: 1750091045,
		} );
	} );

	it( 'reads an interactive button reply', () => {
		const message = only< InboundMessageEvent >(
			parseWebhook(
				payload( 'inbound_interactive_button_reply.openapi.json' )
			).events
		);
		expect( message.interactive ).toEqual( {
			type: 'button_reply',
			id: 'cancel-button',
			title: 'Cancel',
		} );
		expect( message.contextId ).toBe(
			'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA'
		);
	} );

	it( 'reads text messages with and without context', () => {
		const plain = only< InboundMessageEvent >(
			parseWebhook(
				payload( 'inbound_text_message.webhooks_overview.json' )
			).events
		);
		expect( plain.text ).toBe( 'Does it come in another color?' );
		expect( plain.contextId ).toBeNull();
		const reply = only< InboundMessageEvent >(
			parseWebhook(
				payload( 'inbound_text_message_with_context.openapi.json' )
			).events
		);
		expect( reply.text ).toBe( 'Is this still available?' );
		expect( reply.contextId ).toBe(
			'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA'
		);
	} );

	it( 'reads a marketing resume preference', () => {
		expect(
			parseWebhook( payload( 'user_preferences_resume_marketing.json' ) )
				.events
		).toEqual( [
			{
				kind: 'user_preference',
				wabaId: '102290129340398',
				phoneNumberId: '106540352242922',
				waId: '16505551234',
				userId: '',
				category: 'marketing_messages',
				value: 'resume',
				detail: 'User requested to resume marketing messages',
				timestamp: 1731705721,
			},
		] );
	} );

	it( 'reads account and template updates', () => {
		expect(
			parseWebhook(
				payload( 'phone_number_quality_update_throughput_upgrade.json' )
			).events
		).toEqual( [
			{
				kind: 'phone_number_quality_update',
				wabaId: '102290129340398',
				displayPhoneNumber: '15550783881',
				event: 'THROUGHPUT_UPGRADE',
				currentLimit: 'TIER_UNLIMITED',
			},
		] );
		expect(
			parseWebhook(
				payload(
					'message_template_status_update_rejected_invalid_format.json'
				)
			).events[ 0 ]
		).toMatchObject( {
			kind: 'message_template_status_update',
			templateId: '1689556908129835',
			name: 'abandoned_cart',
			event: 'REJECTED',
			reason: 'INVALID_FORMAT',
			category: 'MARKETING',
		} );
		expect(
			parseWebhook( payload( 'template_category_update_impending.json' ) )
				.events[ 0 ]
		).toMatchObject( {
			kind: 'template_category_update',
			templateId: '278077987957091',
			newCategory: 'UTILITY',
			correctCategory: 'MARKETING',
			effectiveAt: 1746169200,
		} );
	} );

	it( 'parses every webhook payload file into known events only', () => {
		const webhooks = payloadNames().filter(
			( name ) =>
				( payload( name ) as { object?: string } ).object ===
				'whatsapp_business_account'
		);
		expect( webhooks.length ).toBeGreaterThanOrEqual( 11 );
		for ( const name of webhooks ) {
			const { events } = parseWebhook( payload( name ) );
			expect( events.length, name ).toBeGreaterThan( 0 );
			expect(
				events.filter( ( e ) => e.kind === 'unknown' ),
				name
			).toEqual( [] );
		}
	} );
} );

describe( 'parseWebhook tolerance', () => {
	it( 'accepts empty wa_id / recipient_id with business-scoped user ids', () => {
		const { events } = parseWebhook( {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '1',
					changes: [
						{
							field: 'messages',
							value: {
								metadata: { phone_number_id: '2' },
								contacts: [
									{
										wa_id: '',
										user_id: 'user.abc',
										profile: { name: 'Ada' },
									},
								],
								statuses: [
									{
										id: 'wamid.X',
										status: 'read',
										timestamp: '1',
										recipient_id: '',
										recipient_user_id: 'user.abc',
									},
								],
								messages: [
									{
										from: '',
										from_user_id: 'user.abc',
										id: 'wamid.Y',
										timestamp: '2',
										type: 'text',
										text: { body: 'hi' },
									},
								],
							},
						},
					],
				},
			],
		} );
		expect( events[ 0 ] ).toMatchObject( {
			kind: 'status',
			recipientId: '',
			userId: 'user.abc',
		} );
		expect( events[ 1 ] ).toMatchObject( {
			kind: 'message',
			from: '',
			fromUserId: 'user.abc',
			profileName: 'Ada',
		} );
	} );

	it( 'keeps unknown fields and message types without failing', () => {
		const { events } = parseWebhook( {
			object: 'whatsapp_business_account',
			entry: [
				{
					id: '1',
					changes: [
						{
							field: 'account_alerts',
							value: { anything: [ 1, 2 ] },
						},
						{
							field: 'messages',
							value: {
								brand_new: true,
								messages: [
									{
										from: '39333',
										id: 'm1',
										type: 'sticker_pack',
										sticker_pack: {},
									},
								],
							},
						},
					],
				},
			],
		} );
		expect( events[ 0 ] ).toEqual( {
			kind: 'unknown',
			wabaId: '1',
			field: 'account_alerts',
			value: { anything: [ 1, 2 ] },
		} );
		expect( events[ 1 ] ).toMatchObject( {
			kind: 'message',
			type: 'sticker_pack',
			text: null,
			button: null,
		} );
	} );

	it( 'never throws on JSON that is not a webhook', () => {
		const odd: unknown[] = [
			null,
			42,
			'text',
			[],
			{},
			{ object: 'page', entry: [ {} ] },
			{ object: 'whatsapp_business_account', entry: 'x' },
			{
				object: 'whatsapp_business_account',
				entry: [ null, { changes: [ null, 5, { value: 3 } ] } ],
			},
			{
				object: 'whatsapp_business_account',
				entry: [
					{
						changes: [
							{
								field: 'messages',
								value: {
									statuses: [ { errors: [ null, {} ] } ],
								},
							},
						],
					},
				],
			},
		];
		for ( const body of odd ) {
			expect( () => parseWebhook( body ) ).not.toThrow();
		}
		expect( parseWebhook( { object: 'page', entry: [] } ).events ).toEqual(
			[]
		);
	} );
} );

describe( 'webhookAccounts', () => {
	it( 'finds the phone number and WABA ids used to pick the tenant', () => {
		expect(
			webhookAccounts(
				payload(
					'status_sent_marketing_with_conversation_and_pricing.json'
				)
			)
		).toEqual( {
			phoneNumberIds: [ '106540352242922' ],
			wabaIds: [ '102290129340398' ],
		} );
		expect(
			webhookAccounts(
				payload( 'template_category_update_impending.json' )
			)
		).toEqual( { phoneNumberIds: [], wabaIds: [ '102290129340398' ] } );
		expect( webhookAccounts( 'nonsense' ) ).toEqual( {
			phoneNumberIds: [],
			wabaIds: [],
		} );
	} );
} );
