/**
 * External dependencies
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { readWebhookPayload } from '../../src/webhooks/events';

const PAYLOADS = join( __dirname, '../../../../shared/whatsapp-payloads' );

function payload( name: string ): unknown {
	return JSON.parse( readFileSync( join( PAYLOADS, name ), 'utf8' ) );
}

describe( 'readWebhookPayload over Meta example payloads', () => {
	it( 'reads a sent status with its wamid, time and recipient', () => {
		const { events, owners } = readWebhookPayload(
			payload(
				'status_sent_marketing_with_conversation_and_pricing.json'
			)
		);
		expect( [ ...owners.phoneNumberIds ] ).toEqual( [ '106540352242922' ] );
		expect( events ).toEqual( [
			expect.objectContaining( {
				kind: 'status',
				wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
				status: 'sent',
				timestamp: 1750030073,
				recipientId: '16505551234',
				errors: [],
			} ),
		] );
	} );

	it( 'reads a failed status with its error code', () => {
		const { events } = readWebhookPayload(
			payload( 'status_failed_131049_healthy_ecosystem.json' )
		);
		expect( events ).toEqual( [
			expect.objectContaining( {
				kind: 'status',
				status: 'failed',
				errors: [ expect.objectContaining( { code: 131049 } ) ],
			} ),
		] );
	} );

	it( 'reads a quick-reply button tap with its payload and the campaign message it answers', () => {
		const { events } = readWebhookPayload(
			payload(
				'inbound_template_quick_reply_button.button_reference.json'
			)
		);
		expect( events ).toEqual( [
			expect.objectContaining( {
				kind: 'inbound',
				type: 'button',
				payload: 'Unsubscribe',
				contextId:
					'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
				from: '16505551234',
			} ),
		] );
	} );

	it( 'reads an interactive reply id as its payload', () => {
		const { events } = readWebhookPayload(
			payload( 'inbound_interactive_button_reply.openapi.json' )
		);
		expect( events ).toEqual( [
			expect.objectContaining( {
				kind: 'inbound',
				payload: 'cancel-button',
				text: 'Cancel',
			} ),
		] );
	} );

	it( 'reads user preferences, template and quality changes keyed by the business account', () => {
		expect(
			readWebhookPayload(
				payload( 'user_preferences_resume_marketing.json' )
			).events
		).toEqual( [
			expect.objectContaining( {
				kind: 'user_preference',
				waId: '16505551234',
				value: 'resume',
			} ),
		] );
		const template = readWebhookPayload(
			payload( 'message_template_status_update_approved.json' )
		);
		expect( [ ...template.owners.wabaIds ] ).toEqual( [
			'102290129340398',
		] );
		expect( template.events ).toEqual( [
			expect.objectContaining( {
				kind: 'template_status',
				name: 'order_confirmation',
				event: 'APPROVED',
			} ),
		] );
		expect(
			readWebhookPayload(
				payload( 'phone_number_quality_update_throughput_upgrade.json' )
			).events
		).toEqual( [
			expect.objectContaining( {
				kind: 'phone_quality',
				currentLimit: 'TIER_UNLIMITED',
				event: 'THROUGHPUT_UPGRADE',
			} ),
		] );
		expect(
			readWebhookPayload(
				payload( 'template_category_update_impending.json' )
			).events
		).toEqual( [
			expect.objectContaining( {
				kind: 'template_category',
				newCategory: 'UTILITY',
			} ),
		] );
	} );

	it( 'reads every webhook example without throwing and names its owner', () => {
		const webhooks = readdirSync( PAYLOADS ).filter( ( name ) => {
			const body = payload( name ) as { object?: unknown };
			return body.object === 'whatsapp_business_account';
		} );
		expect( webhooks.length ).toBeGreaterThanOrEqual( 10 );
		for ( const name of webhooks ) {
			const { events, owners } = readWebhookPayload( payload( name ) );
			expect( events.length ).toBeGreaterThan( 0 );
			expect(
				owners.phoneNumberIds.size + owners.wabaIds.size
			).toBeGreaterThan( 0 );
		}
	} );

	it( 'tolerates junk of every shape and keeps unknown parts as unknown events', () => {
		const junk: unknown[] = [
			null,
			42,
			'text',
			[],
			{},
			{ object: 'page', entry: [] },
			{ object: 'whatsapp_business_account', entry: 'nope' },
			{
				object: 'whatsapp_business_account',
				entry: [
					null,
					{ changes: [ null, { field: 'calls', value: 3 } ] },
				],
			},
			{
				object: 'whatsapp_business_account',
				entry: [
					{
						changes: [
							{
								field: 'messages',
								value: {
									statuses: [
										{ id: 'w', status: 'deleted' },
										{ status: 'read' },
										7,
									],
									messages: [
										{ type: 'reaction' },
										{
											id: 'm1',
											type: 'future_type',
											future: {},
										},
									],
								},
							},
						],
					},
				],
			},
		];
		for ( const body of junk ) {
			expect( () => readWebhookPayload( body ) ).not.toThrow();
		}
		const last = readWebhookPayload( junk[ junk.length - 1 ] ).events;
		expect( last.map( ( e ) => e.kind ) ).toEqual( [
			'unknown',
			'unknown',
			'unknown',
			'unknown',
			'inbound',
		] );
	} );

	it( 'tolerates an empty recipient id with a business-scoped user id', () => {
		const { events } = readWebhookPayload( {
			object: 'whatsapp_business_account',
			entry: [
				{
					changes: [
						{
							field: 'messages',
							value: {
								metadata: { phone_number_id: '1' },
								statuses: [
									{
										id: 'wamid.X',
										status: 'delivered',
										timestamp: '5',
										recipient_id: '',
										recipient_user_id: 'user.abc',
									},
								],
							},
						},
					],
				},
			],
		} );
		expect( events ).toEqual( [
			expect.objectContaining( {
				recipientId: '',
				userId: 'user.abc',
				status: 'delivered',
			} ),
		] );
	} );
} );
