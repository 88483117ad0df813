/**
 * The emulator's status webhooks across tenants and in batches, over real HTTP.
 */

/**
 * External dependencies
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { Sandbox } from '../../src/sandbox/index';
import { verifyWebhookSignature } from '../../src/whatsapp/webhook-signature';
import { payload } from '../whatsapp/payloads';
import { WebhookReceiver, skeleton } from './helpers';

const first = new WebhookReceiver();
const second = new WebhookReceiver();

beforeAll( async () => {
	await first.start();
	await second.start();
} );

afterAll( async () => {
	await first.stop();
	await second.stop();
} );

function body( to: string, callback: string ): string {
	return JSON.stringify( {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to,
		type: 'template',
		template: {
			name: 'hello_world',
			language: { policy: 'deterministic', code: 'en_US' },
		},
		biz_opaque_callback_data: callback,
	} );
}

describe( 'status webhooks', () => {
	it( "go to each tenant's own URL, signed with its own app secret, and nowhere else", async () => {
		const sandbox = new Sandbox( {
			statuses: { sentDelayMs: 0, deliveredRate: 0, flushIntervalMs: 5 },
		} );
		try {
			sandbox.ensureAccount( {
				tenantId: 'a',
				phoneNumberId: 'pn-a',
				wabaId: 'waba-a',
				token: 'token-a',
				appSecret: 'secret-a',
				webhookUrl: first.url,
			} );
			sandbox.ensureAccount( {
				tenantId: 'b',
				phoneNumberId: 'pn-b',
				wabaId: 'waba-b',
				token: 'token-b',
				appSecret: 'secret-b',
				webhookUrl: second.url,
			} );
			for ( let i = 0; i < 20; i++ ) {
				expect(
					sandbox.send(
						'v23.0',
						'pn-a',
						'token-a',
						body(
							`+3934700000${ String( i ).padStart( 2, '0' ) }`,
							`a:${ i }`
						)
					).kind
				).toBe( 'accepted' );
				expect(
					sandbox.send(
						'v23.0',
						'pn-b',
						'token-b',
						body(
							`+3934800000${ String( i ).padStart( 2, '0' ) }`,
							`b:${ i }`
						)
					).kind
				).toBe( 'accepted' );
			}
			// A tenant's token does not send from another tenant's number.
			expect(
				sandbox.send(
					'v23.0',
					'pn-b',
					'token-a',
					body( '+393470009999', 'x' )
				)
			).toMatchObject( { kind: 'error', answer: { httpStatus: 401 } } );
			await first.waitFor( () => first.statuses().length === 20 );
			await second.waitFor( () => second.statuses().length === 20 );
			for ( const [ receiver, secret, prefix, phoneNumberId ] of [
				[ first, 'secret-a', 'a:', 'pn-a' ],
				[ second, 'secret-b', 'b:', 'pn-b' ],
			] as const ) {
				for ( const webhook of receiver.received ) {
					expect(
						verifyWebhookSignature(
							secret,
							webhook.raw,
							webhook.signature
						)
					).toBe( true );
					expect(
						webhook.body.entry[ 0 ].changes[ 0 ].value.metadata
							.phone_number_id
					).toBe( phoneNumberId );
				}
				expect(
					receiver
						.statuses()
						.every( ( s ) =>
							s.biz_opaque_callback_data.startsWith( prefix )
						)
				).toBe( true );
			}
		} finally {
			await sandbox.close();
		}
	} );

	it( 'tell the account about a tier or throughput change, as phone_number_quality_update', async () => {
		first.received.length = 0;
		const sandbox = new Sandbox();
		try {
			const account = {
				phoneNumberId: 'pn-q',
				wabaId: 'waba-q',
				token: 'token-q',
				appSecret: 'secret-a',
				webhookUrl: first.url,
				displayPhoneNumber: '+1 555 078 3881',
			};
			sandbox.ensureAccount( { ...account, tier: 'TIER_250' } );
			sandbox.ensureAccount( { ...account, tier: 'TIER_2K' } );
			sandbox.ensureAccount( {
				...account,
				throughputMps: 1_000,
				tier: 'TIER_UNLIMITED',
			} );
			// Given again without throughput or tier, the account keeps them and nothing is sent.
			sandbox.ensureAccount( account );
			await first.waitFor( () => first.received.length === 2 );
			await new Promise( ( r ) => setTimeout( r, 50 ) );
			expect(
				first.received.map(
					( w ) => w.body.entry[ 0 ].changes[ 0 ].value
				)
			).toEqual( [
				{
					display_phone_number: '15550783881',
					event: 'UPGRADE',
					current_limit: 'TIER_2K',
				},
				{
					display_phone_number: '15550783881',
					event: 'THROUGHPUT_UPGRADE',
					current_limit: 'TIER_UNLIMITED',
				},
			] );
			expect( skeleton( first.received[ 1 ]!.body ) ).toEqual(
				skeleton(
					payload(
						'phone_number_quality_update_throughput_upgrade.json'
					)
				)
			);
			expect(
				sandbox.phoneNumber(
					'pn-q',
					'token-q',
					'throughput,whatsapp_business_manager_messaging_limit'
				)
			).toEqual( {
				body: {
					id: 'pn-q',
					throughput: { level: 'HIGH' },
					whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED',
				},
			} );
			expect( () =>
				sandbox.ensureAccount( { ...account, tier: 'TIER_3K' } )
			).toThrow( 'tier must be one of' );
		} finally {
			await sandbox.close();
		}
	} );

	it( 'are batched: 250 statuses due together go out as 3 requests of at most 100', async () => {
		first.received.length = 0;
		// The emulator's clock stands still while the 250 are sent, then moves past their time at once.
		let now = 1_700_000_000_000;
		const sandbox = new Sandbox(
			{
				statuses: {
					sentDelayMs: 30,
					deliveredRate: 0,
					flushIntervalMs: 5,
					batchSize: 100,
				},
			},
			() => now
		);
		try {
			sandbox.ensureAccount( {
				phoneNumberId: 'pn-c',
				wabaId: 'waba-c',
				token: 'token-c',
				appSecret: 'secret-a',
				webhookUrl: first.url,
				throughputMps: 1_000,
			} );
			for ( let i = 0; i < 250; i++ ) {
				sandbox.send(
					'v23.0',
					'pn-c',
					'token-c',
					body(
						`+39349${ String( i ).padStart( 7, '0' ) }`,
						`c:${ i }`
					)
				);
			}
			await new Promise( ( r ) => setTimeout( r, 30 ) );
			expect( first.received ).toHaveLength( 0 );
			now += 100;
			await first.waitFor( () => first.statuses().length === 250 );
			const sizes = first.received.map(
				( w ) => w.body.entry[ 0 ].changes[ 0 ].value.statuses.length
			);
			expect( sizes.sort( ( x, y ) => x - y ) ).toEqual( [
				50, 100, 100,
			] );
			// The receiver has the bodies; the sender counts once it has read the answers.
			await first.waitFor(
				() => sandbox.webhooks.snapshot().statusesDelivered === 250
			);
			expect( sandbox.webhooks.snapshot() ).toMatchObject( {
				statusesDelivered: 250,
				pending: 0,
				dropped: 0,
			} );
		} finally {
			await sandbox.close();
		}
	} );

	it( 'give up after the configured attempts when the receiver keeps failing, and say so', async () => {
		const sandbox = new Sandbox( {
			statuses: {
				sentDelayMs: 0,
				deliveredRate: 0,
				flushIntervalMs: 5,
				maxAttempts: 3,
				retryBaseMs: 10,
			},
		} );
		try {
			sandbox.ensureAccount( {
				phoneNumberId: 'pn-d',
				wabaId: 'waba-d',
				token: 'token-d',
				appSecret: 'secret-a',
				webhookUrl: 'http://127.0.0.1:9/refused',
			} );
			sandbox.send(
				'v23.0',
				'pn-d',
				'token-d',
				body( '+393470000001', 'd:1' )
			);
			const end = Date.now() + 5_000;
			while ( sandbox.webhooks.stats.dropped === 0 && Date.now() < end ) {
				await new Promise( ( r ) => setTimeout( r, 10 ) );
			}
			expect( sandbox.webhooks.snapshot() ).toMatchObject( {
				failedAttempts: 3,
				dropped: 1,
				delivered: 0,
				pending: 0,
			} );
		} finally {
			await sandbox.close();
		}
	} );
} );
