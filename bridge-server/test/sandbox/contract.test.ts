/**
 * Contract tests of the Cloud API client against the emulator, over real HTTP on 127.0.0.1, with every request and
 * answer checked against Meta's OpenAPI schemas and example payloads.
 */

/**
 * External dependencies
 */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	CloudApiClient,
	templateMessageBody,
	type SendTemplateRequest,
} from '../../src/whatsapp/client';
import { textBody } from '../../src/automations/message';
import { classifyError } from '../../src/whatsapp/errors';
import { CLOUD_TRANSPORTS } from '../../src/whatsapp/transport';
import { parseWebhook } from '../../src/whatsapp/webhook-types';
import { payload } from '../whatsapp/payloads';
import {
	PHONE_NUMBER_ID,
	TOKEN,
	WABA_ID,
	WebhookReceiver,
	skeleton,
	startSandbox,
	type RunningSandbox,
} from './helpers';
import { explain, responseSchema, schema } from './openapi';

const templateMessage = schema( 'TemplateMessage' );
const messageResponse = schema( 'MessageResponsePayload' );
const graphError = schema( 'GraphAPIError' );
const phoneNumberInfo = schema( 'PhoneNumberInfo' );

let phoneCounter = 0;
/** A fresh Italian mobile number per send, so pair rate and counts never mix between tests. */
function newPhone(): string {
	phoneCounter++;
	return `+39347${ String( 1_000_000 + phoneCounter ).slice( 1 ) }`;
}

function promo(
	to: string,
	callback = `campaign-1:${ to }`
): SendTemplateRequest {
	return {
		phoneNumberId: PHONE_NUMBER_ID,
		token: TOKEN,
		to,
		template: {
			name: 'promo_autunno',
			language: 'it',
			components: [
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Giulia' },
						{ type: 'text', text: '20%' },
						{ type: 'text', text: 'AUTUNNO20' },
					],
				},
				{
					type: 'button',
					sub_type: 'quick_reply',
					index: '0',
					parameters: [
						{ type: 'payload', payload: 'STOP_PROMOTIONS' },
					],
				},
			],
		},
		bizOpaqueCallbackData: callback,
	};
}

const receiver = new WebhookReceiver();
let emulator: RunningSandbox;
let client: CloudApiClient;

beforeAll( async () => {
	await receiver.start();
	emulator = await startSandbox(
		{
			statuses: {
				sentDelayMs: 0,
				deliveredDelayMs: 20,
				readDelayMs: 40,
				deliveredRate: 1,
				readRate: 1,
				flushIntervalMs: 5,
				retryBaseMs: 20,
			},
		},
		receiver.url
	);
} );

afterAll( async () => {
	await emulator.close();
	await receiver.stop();
} );

beforeEach( () => {
	emulator.sandbox.configure( {
		faults: {
			serverErrorRate: 0,
			timeoutRate: 0,
			dropBeforeRate: 0,
			dropAfterRate: 0,
		},
		statuses: { duplicateRate: 0, outOfOrderRate: 0 },
		notOnWhatsApp: [],
		optedOut: [],
	} );
	receiver.received.length = 0;
} );

async function rawPost( path: string, body: string, token = TOKEN ) {
	const answer = await request( `${ emulator.baseUrl }${ path }`, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${ token }`,
			'content-type': 'application/json',
		},
		body,
	} );
	return {
		status: answer.statusCode,
		body: ( await answer.body.json() ) as any,
	};
}

// Every contract holds over both HTTP transports of the client (RONDINE_CLOUD_TRANSPORT): its own pool and undici.
describe.each( CLOUD_TRANSPORTS )( 'over the %s transport', ( transport ) => {
	beforeAll( () => {
		client = new CloudApiClient( {
			baseUrl: emulator.baseUrl,
			version: 'v23.0',
			headersTimeoutMs: 2_000,
			transport,
		} );
	} );

	afterAll( async () => {
		await client.close();
	} );

	describe( 'requests the client sends', () => {
		it( "validate against Meta's TemplateMessage schema, as Meta's own examples do once given the required language policy", () => {
			for ( const name of [
				'send_request_template_body_params.openapi.json',
				'send_request_template_header_body_quick_reply_buttons.openapi.json',
				'send_request_template_named_params.json',
				'send_request_template_positional_params.json',
			] ) {
				// Meta's examples omit language.policy, which its schema requires; the client always sends it.
				const example = payload( name ) as any;
				expect( templateMessage( example ) ).toBe( false );
				example.template.language.policy = 'deterministic';
				expect(
					templateMessage( example ),
					name + explain( templateMessage )
				).toBe( true );
			}
			const ours = templateMessageBody( promo( '+393471234567' ) );
			expect( templateMessage( ours ), explain( templateMessage ) ).toBe(
				true
			);
			expect( ours ).toMatchObject( {
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: '+393471234567',
				type: 'template',
				biz_opaque_callback_data: 'campaign-1:+393471234567',
			} );
		} );

		it( 'is checked by a validator that does reject a broken message', () => {
			const broken = {
				...templateMessageBody( promo( '+393471234567' ) ),
			};
			delete broken.to;
			expect( templateMessage( broken ) ).toBe( false );
		} );

		it( 'refuses a recipient without "+": Meta would prefix the business number\'s country', async () => {
			await expect(
				client.sendTemplate( promo( '3471234567' ) )
			).rejects.toThrow( RangeError );
		} );
	} );

	describe( 'a template send', () => {
		it( "is accepted with a wamid, in the shape of Meta's success example", async () => {
			const to = newPhone();
			const result = await client.sendTemplate( promo( to ) );
			expect( result ).toMatchObject( { ok: true, waId: to.slice( 1 ) } );
			const raw = await rawPost(
				'/v23.0/' + PHONE_NUMBER_ID + '/messages',
				JSON.stringify( templateMessageBody( promo( newPhone() ) ) )
			);
			expect( raw.status ).toBe( 200 );
			expect(
				messageResponse( raw.body ),
				explain( messageResponse )
			).toBe( true );
			expect( skeleton( raw.body ) ).toEqual(
				skeleton( payload( 'send_response_success.openapi.json' ) )
			);
			expect( raw.body.messages[ 0 ].id ).toMatch(
				/^wamid\.[A-Za-z0-9+/=]{40,}$/
			);
			expect( emulator.sandbox.received( to ) ).toEqual( {
				phone: to.slice( 1 ),
				count: 1,
				callbacks: { [ `campaign-1:${ to }` ]: 1 },
				lastWamid: ( result as { wamid: string } ).wamid,
			} );
		} );

		it( 'accepts named parameters and an image header', async () => {
			const named = await client.sendTemplate( {
				phoneNumberId: PHONE_NUMBER_ID,
				token: TOKEN,
				to: newPhone(),
				template: {
					name: 'aggiornamento_ordine',
					language: 'it',
					components: [
						{
							type: 'body',
							parameters: [
								{
									type: 'text',
									parameter_name: 'first_name',
									text: 'Giulia',
								},
								{
									type: 'text',
									parameter_name: 'order_number',
									text: '10452',
								},
								{
									type: 'text',
									parameter_name: 'delivery_date',
									text: 'venerdì 28',
								},
							],
						},
					],
				},
			} );
			expect( named ).toMatchObject( { ok: true } );
			const image = await client.sendTemplate( {
				phoneNumberId: PHONE_NUMBER_ID,
				token: TOKEN,
				to: newPhone(),
				template: {
					name: 'nuova_collezione',
					language: 'it',
					components: [
						{
							type: 'header',
							parameters: [
								{
									type: 'image',
									image: {
										link: 'https://shop.example/c.jpg',
									},
								},
							],
						},
						{
							type: 'body',
							parameters: [ { type: 'text', text: 'Marco' } ],
						},
					],
				},
			} );
			expect( image ).toMatchObject( { ok: true } );
		} );

		it( 'gives two sends two different wamids', async () => {
			const a = await client.sendTemplate( promo( newPhone() ) );
			const b = await client.sendTemplate( promo( newPhone() ) );
			expect( ( a as { wamid: string } ).wamid ).not.toBe(
				( b as { wamid: string } ).wamid
			);
		} );
	} );

	describe( 'errors, as Meta answers them', () => {
		function withTemplate(
			name: string,
			language: string,
			components: any[] = []
		): SendTemplateRequest {
			return {
				phoneNumberId: PHONE_NUMBER_ID,
				token: TOKEN,
				to: newPhone(),
				template: { name, language, components },
			};
		}

		const cases: Array<
			[ string, number, number, string, () => SendTemplateRequest ]
		> = [
			[
				'a wrong token',
				190,
				401,
				'halt_tenant',
				() => ( { ...promo( newPhone() ), token: 'EAAG-wrong' } ),
			],
			[
				'an unknown template',
				132001,
				404,
				'fail_template',
				() => withTemplate( 'does_not_exist', 'it' ),
			],
			[
				'a template in another language',
				132001,
				404,
				'fail_template',
				() => withTemplate( 'promo_autunno', 'en' ),
			],
			[
				'a PENDING template',
				132001,
				404,
				'fail_template',
				() =>
					withTemplate( 'carrello_abbandonato', 'it', [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'a' },
								{ type: 'text', text: 'b' },
							],
						},
					] ),
			],
			[
				'a REJECTED template',
				132001,
				404,
				'fail_template',
				() => withTemplate( 'black_friday_teaser', 'en' ),
			],
			[
				'a PAUSED template',
				132015,
				400,
				'fail_template',
				() => withTemplate( 'saldi_estivi', 'it' ),
			],
			[
				'too few body parameters',
				132000,
				400,
				'fail_template',
				() =>
					withTemplate( 'promo_autunno', 'it', [
						{
							type: 'body',
							parameters: [ { type: 'text', text: 'Giulia' } ],
						},
					] ),
			],
			[
				'wrong named parameters',
				132000,
				400,
				'fail_template',
				() =>
					withTemplate( 'aggiornamento_ordine', 'it', [
						{
							type: 'body',
							parameters: [
								{
									type: 'text',
									parameter_name: 'name',
									text: 'x',
								},
								{
									type: 'text',
									parameter_name: 'order_number',
									text: '1',
								},
								{
									type: 'text',
									parameter_name: 'delivery_date',
									text: 'y',
								},
							],
						},
					] ),
			],
			[
				'an image header given as text',
				132012,
				400,
				'fail_template',
				() =>
					withTemplate( 'nuova_collezione', 'it', [
						{
							type: 'header',
							parameters: [ { type: 'text', text: 'x' } ],
						},
						{
							type: 'body',
							parameters: [ { type: 'text', text: 'Marco' } ],
						},
					] ),
			],
			[
				'a button index the template lacks',
				131009,
				400,
				'fail',
				() =>
					withTemplate( 'hello_world', 'en_US', [
						{
							type: 'button',
							sub_type: 'quick_reply',
							index: '3',
							parameters: [ { type: 'payload', payload: 'x' } ],
						},
					] ),
			],
		];

		it.each( cases )(
			'answers %s with code %i (HTTP %i), which the table handles as %s',
			async ( _name, code, httpStatus, action, make ) => {
				const send = make();
				const result = await client.sendTemplate( send );
				expect( result ).toMatchObject( {
					error: { code },
					httpStatus,
				} );
				const { error } = result as {
					error: { code: number; fbtraceId: string; message: string };
				};
				expect( error.fbtraceId ).toMatch( /^[A-Za-z0-9_-]{10,}$/ );
				expect( error.message ).toContain(
					code === 190 ? 'access token' : `#${ code }`
				);
				expect( classifyError( error.code ).action ).toBe( action );
				expect( emulator.sandbox.received( send.to ).count ).toBe( 0 );
				const raw = await rawPost(
					`/v23.0/${ PHONE_NUMBER_ID }/messages`,
					JSON.stringify(
						templateMessageBody( { ...send, to: newPhone() } )
					),
					send.token
				);
				expect( graphError( raw.body ), explain( graphError ) ).toBe(
					true
				);
			}
		);

		it( "answers bad JSON and missing fields with code 100, in Meta's error shape", async () => {
			for ( const body of [
				'{"messaging_product": "whatsapp", ',
				'[]',
				'{}',
				'{"messaging_product":"whatsapp","type":"template","template":{"name":"promo_autunno","language":{"code":"it"}}}',
				'{"messaging_product":"whatsapp","to":"+393471112223","type":"template","template":{"language":{"code":"it"}}}',
			] ) {
				const raw = await rawPost(
					`/v23.0/${ PHONE_NUMBER_ID }/messages`,
					body
				);
				expect( raw.status ).toBe( 400 );
				expect( raw.body.error.code ).toBe( 100 );
				expect( raw.body.error.type ).toBe( 'OAuthException' );
				expect( skeleton( raw.body ) ).toEqual(
					skeleton(
						payload( 'send_error_100_mm_api_not_template.json' )
					)
				);
			}
		} );

		it( "refuses callback data longer than Meta's 512 characters", async () => {
			const raw = await rawPost(
				`/v23.0/${ PHONE_NUMBER_ID }/messages`,
				JSON.stringify(
					templateMessageBody(
						promo( newPhone(), 'x'.repeat( 513 ) )
					)
				)
			);
			expect( raw.status ).toBe( 400 );
			expect( raw.body.error ).toMatchObject( {
				code: 100,
				error_data: {
					details:
						'biz_opaque_callback_data must be a string of at most 512 characters.',
				},
			} );
		} );

		it( 'answers an unknown phone number id like the Graph API does', async () => {
			const raw = await rawPost(
				'/v23.0/999999999/messages',
				JSON.stringify( templateMessageBody( promo( newPhone() ) ) )
			);
			expect( raw.status ).toBe( 400 );
			expect( raw.body.error ).toMatchObject( {
				code: 100,
				error_subcode: 33,
				type: 'GraphMethodException',
			} );
		} );

		it( 'prefixes the business number\'s country code to a "to" without "+", as Meta does', async () => {
			const raw = await rawPost(
				`/v23.0/${ PHONE_NUMBER_ID }/messages`,
				JSON.stringify( {
					...templateMessageBody( promo( '+393470000001' ) ),
					to: '3470000001',
				} )
			);
			expect( raw.status ).toBe( 200 );
			expect( raw.body.contacts[ 0 ] ).toEqual( {
				input: '3470000001',
				wa_id: '393470000001',
			} );
		} );

		it( 'refuses a free-form message outside the customer-service window (131047)', async () => {
			const raw = await rawPost(
				`/v23.0/${ PHONE_NUMBER_ID }/messages`,
				JSON.stringify( {
					messaging_product: 'whatsapp',
					to: newPhone(),
					type: 'text',
					text: { body: 'Ciao' },
				} )
			);
			expect( raw.body.error.code ).toBe( 131047 );
		} );
	} );

	describe( 'free-form messages inside the customer-service window', () => {
		/** A customer writes first, which opens the 24-hour window for this number. */
		async function openWindow(): Promise< string > {
			const to = newPhone();
			await emulator.sandbox.inbound( {
				phoneNumberId: PHONE_NUMBER_ID,
				from: to,
				kind: 'text',
				text: 'Ciao',
			} );
			return to;
		}
		const send = ( to: string, message: Record< string, unknown > ) =>
			rawPost(
				`/v23.0/${ PHONE_NUMBER_ID }/messages`,
				JSON.stringify( {
					messaging_product: 'whatsapp',
					recipient_type: 'individual',
					to,
					biz_opaque_callback_data: 'a:x:1:0',
					...message,
				} )
			);

		it( "accepts the automation engine's own text and reply-button messages, as the dispatcher sends them", async () => {
			const to = await openWindow();
			const values = { first_name: 'Giulia' };
			for ( const body of [
				textBody( 'Ciao {first_name}', [], values ),
				textBody(
					'Ciao {first_name}, vuoi lo sconto?',
					[
						{ id: 'YES', title: 'Sì' },
						{ id: 'NO', title: 'No, grazie' },
					],
					values
				),
			] ) {
				const raw = await send( to, body.request );
				expect( raw.status, JSON.stringify( raw.body ) ).toBe( 200 );
				expect(
					messageResponse( raw.body ),
					explain( messageResponse )
				).toBe( true );
			}
		} );

		it( 'accepts a list and an image with a caption', async () => {
			const to = await openWindow();
			const list = await send( to, {
				type: 'interactive',
				interactive: {
					type: 'list',
					body: { text: 'Scegli un orario' },
					action: {
						button: 'Orari',
						sections: [
							{
								title: 'Mattina',
								rows: [
									{
										id: 'm9',
										title: '9:00',
										description: 'Apertura',
									},
								],
							},
							{
								title: 'Pomeriggio',
								rows: [ { id: 'p3', title: '15:00' } ],
							},
						],
					},
				},
			} );
			expect( list.status, JSON.stringify( list.body ) ).toBe( 200 );
			const image = await send( to, {
				type: 'image',
				image: {
					link: 'https://example.com/a.jpg',
					caption: 'Nuovi arrivi',
				},
			} );
			expect( image.status, JSON.stringify( image.body ) ).toBe( 200 );
		} );

		it.each( [
			[
				'four reply buttons',
				{
					buttons: [ 'a', 'b', 'c', 'd' ].map( ( id ) => ( {
						type: 'reply',
						reply: { id, title: id },
					} ) ),
				},
				131009,
				'Buttons count invalid. Min count: 1, Max count: 3',
			],
			[
				'a button title of 21 characters',
				{
					buttons: [
						{
							type: 'reply',
							reply: { id: 'a', title: 'x'.repeat( 21 ) },
						},
					],
				},
				131009,
				'Button title length invalid. Min length: 1, Max length: 20',
			],
			[
				'two buttons with one title',
				{
					buttons: [
						{ type: 'reply', reply: { id: 'a', title: 'Sì' } },
						{ type: 'reply', reply: { id: 'b', title: 'Sì' } },
					],
				},
				131009,
				'Button ids and titles must be unique.',
			],
			[
				'no buttons',
				{ buttons: [] },
				100,
				'The parameter interactive.action.buttons is required.',
			],
		] )(
			'refuses %s, as Meta does',
			async ( _name, action, code, details ) => {
				const to = await openWindow();
				const raw = await send( to, {
					type: 'interactive',
					interactive: {
						type: 'button',
						body: { text: 'Ciao' },
						action,
					},
				} );
				expect( raw.status ).toBe( 400 );
				expect( graphError( raw.body ), explain( graphError ) ).toBe(
					true
				);
				expect( raw.body.error ).toMatchObject( {
					code,
					error_data: { details },
				} );
			}
		);

		it( 'refuses an image by an http link and an interactive message outside the window (131047)', async () => {
			const open = await openWindow();
			const http = await send( open, {
				type: 'image',
				image: { link: 'http://example.com/a.jpg' },
			} );
			expect( http.body.error.code ).toBe( 131009 );
			const closed = await send(
				newPhone(),
				textBody( 'Ciao', [ { id: 'A', title: 'Sì' } ], {} ).request
			);
			expect( closed.body.error.code ).toBe( 131047 );
		} );
	} );

	describe( 'rates', () => {
		it( "answers 130429 exactly like Meta's rate-limit example when the number's throughput is exceeded", async () => {
			const slow = await startSandbox( { burstSeconds: 1 }, null, {
				throughputMps: 5,
			} );
			const slowClient = new CloudApiClient( {
				baseUrl: slow.baseUrl,
				transport,
			} );
			try {
				const results = await Promise.all(
					Array.from( { length: 12 }, () =>
						slowClient.sendTemplate( promo( newPhone() ) )
					)
				);
				const limited = results.filter(
					( r ) => 'error' in r && r.error.code === 130429
				);
				expect( results.filter( ( r ) => 'ok' in r ) ).toHaveLength(
					5
				);
				expect( limited ).toHaveLength( 7 );
				expect( classifyError( 130429 ).action ).toBe( 'retry_later' );
				const raw = await request(
					`${ slow.baseUrl }/v23.0/${ PHONE_NUMBER_ID }/messages`,
					{
						method: 'POST',
						headers: {
							authorization: `Bearer ${ TOKEN }`,
							'content-type': 'application/json',
						},
						body: JSON.stringify(
							templateMessageBody( promo( newPhone() ) )
						),
					}
				);
				const body = ( await raw.body.json() ) as any;
				const example = payload(
					'send_error_130429_rate_limit.json'
				) as any;
				expect( { ...body.error, fbtrace_id: 'x' } ).toEqual( {
					...example.error,
					fbtrace_id: 'x',
				} );
				expect( raw.statusCode ).toBe( 400 );
			} finally {
				await slowClient.close();
				await slow.close();
			}
		} );

		it( 'answers 131056 when one recipient gets too many messages, and leaves other recipients alone', async () => {
			emulator.sandbox.configure( {
				pairBurst: 2,
				pairIntervalMs: 60_000,
			} );
			try {
				const to = newPhone();
				const first = await client.sendTemplate( promo( to, 'a' ) );
				const second = await client.sendTemplate( promo( to, 'b' ) );
				const third = await client.sendTemplate( promo( to, 'c' ) );
				const other = await client.sendTemplate( promo( newPhone() ) );
				expect(
					[ first, second, other ].every( ( r ) => 'ok' in r )
				).toBe( true );
				expect( third ).toMatchObject( { error: { code: 131056 } } );
				expect( classifyError( 131056 ).action ).toBe( 'pair_rate' );
				expect( emulator.sandbox.received( to ).count ).toBe( 2 );
			} finally {
				emulator.sandbox.configure( {
					pairBurst: 45,
					pairIntervalMs: 6_000,
				} );
			}
		} );
	} );

	describe( 'status webhooks', () => {
		it( 'posts sent, delivered and read, signed over the raw bytes, echoing the callback data', async () => {
			const to = newPhone();
			const result = await client.sendTemplate(
				promo( to, 'campaign-7:recipient-9' )
			);
			const wamid = ( result as { wamid: string } ).wamid;
			await receiver.waitFor(
				() =>
					receiver.statuses().filter( ( s ) => s.id === wamid )
						.length === 3
			);
			expect( receiver.received.every( ( w ) => w.signed ) ).toBe( true );
			const mine = receiver.statuses().filter( ( s ) => s.id === wamid );
			expect( mine.map( ( s ) => s.status ) ).toEqual( [
				'sent',
				'delivered',
				'read',
			] );
			for ( const status of mine ) {
				expect( status ).toMatchObject( {
					recipient_id: to.slice( 1 ),
					biz_opaque_callback_data: 'campaign-7:recipient-9',
				} );
				expect( status.timestamp ).toMatch( /^\d{10}$/ );
			}
			const sent = mine[ 0 ];
			const {
				biz_opaque_callback_data: _callback,
				...sentWithoutCallback
			} = sent;
			const example = (
				payload(
					'status_sent_marketing_with_conversation_and_pricing.json'
				) as any
			 ).entry[ 0 ].changes[ 0 ].value.statuses[ 0 ];
			expect( skeleton( sentWithoutCallback ) ).toEqual(
				skeleton( example )
			);
			expect( sent.pricing ).toEqual( {
				billable: true,
				pricing_model: 'PMP',
				type: 'regular',
				category: 'marketing',
			} );
			const webhook = receiver.received.find( ( w ) =>
				w.body.entry[ 0 ].changes[ 0 ].value.statuses.some(
					( s: any ) => s.id === wamid
				)
			)!;
			const envelope = structuredClone( webhook.body );
			envelope.entry[ 0 ].changes[ 0 ].value.statuses = [
				sentWithoutCallback,
			];
			expect( skeleton( envelope ) ).toEqual(
				skeleton(
					payload(
						'status_sent_marketing_with_conversation_and_pricing.json'
					)
				)
			);
			const parsed = parseWebhook( webhook.body ).events;
			expect( parsed[ 0 ] ).toMatchObject( {
				kind: 'status',
				phoneNumberId: PHONE_NUMBER_ID,
				wabaId: WABA_ID,
			} );
		} );

		it( 'fails a number not on WhatsApp with a 131026 status, not a send error', async () => {
			const to = newPhone();
			emulator.sandbox.configure( { notOnWhatsApp: [ to ] } );
			const result = await client.sendTemplate( promo( to ) );
			expect( result ).toMatchObject( { ok: true } );
			const wamid = ( result as { wamid: string } ).wamid;
			await receiver.waitFor( () =>
				receiver.statuses().some( ( s ) => s.id === wamid )
			);
			await new Promise( ( r ) => setTimeout( r, 80 ) );
			const mine = receiver.statuses().filter( ( s ) => s.id === wamid );
			expect( mine ).toHaveLength( 1 );
			expect( mine[ 0 ] ).toMatchObject( {
				status: 'failed',
				errors: [ { code: 131026 } ],
			} );
			const example = (
				payload( 'status_failed_131049_healthy_ecosystem.json' ) as any
			 ).entry[ 0 ].changes[ 0 ].value.statuses[ 0 ];
			const { biz_opaque_callback_data: _c, ...withoutCallback } =
				mine[ 0 ];
			expect( skeleton( withoutCallback ) ).toEqual(
				skeleton( example )
			);
		} );

		it( 'fails marketing to an opted-out phone with 131050 but still delivers utility messages', async () => {
			const to = newPhone();
			emulator.sandbox.configure( { optedOut: [ to ] } );
			const marketing = ( await client.sendTemplate(
				promo( to, 'm' )
			) ) as {
				wamid: string;
			};
			const utility = ( await client.sendTemplate( {
				phoneNumberId: PHONE_NUMBER_ID,
				token: TOKEN,
				to,
				template: {
					name: 'order_update',
					language: 'en',
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: 'Emma' },
								{ type: 'text', text: '10452' },
								{ type: 'text', text: 'Friday' },
							],
						},
					],
				},
				bizOpaqueCallbackData: 'u',
			} ) ) as { wamid: string };
			await receiver.waitFor( () =>
				receiver
					.statuses()
					.some(
						( s ) => s.id === utility.wamid && s.status === 'read'
					)
			);
			expect(
				receiver.statuses().filter( ( s ) => s.id === marketing.wamid )
			).toEqual( [
				expect.objectContaining( {
					status: 'failed',
					errors: [ expect.objectContaining( { code: 131050 } ) ],
				} ),
			] );
			expect( classifyError( 131050 ).action ).toBe( 'opt_out' );
			expect(
				receiver
					.statuses()
					.find(
						( s ) =>
							s.id === utility.wamid && s.status === 'delivered'
					)?.pricing.category
			).toBe( 'utility' );
		} );

		it( 'retries a webhook answered with anything but 200, until it is taken', async () => {
			const before = emulator.sandbox.webhooks.stats.failedAttempts;
			receiver.failNext.push( 500, 204, 503 );
			const result = ( await client.sendTemplate(
				promo( newPhone() )
			) ) as {
				wamid: string;
			};
			await receiver.waitFor(
				() =>
					receiver.statuses().filter( ( s ) => s.id === result.wamid )
						.length === 3
			);
			expect(
				emulator.sandbox.webhooks.stats.failedAttempts - before
			).toBe( 3 );
		} );

		it( 'can send statuses twice and out of order, as Meta may', async () => {
			emulator.sandbox.configure( {
				statuses: { duplicateRate: 1, outOfOrderRate: 1 },
			} );
			const result = ( await client.sendTemplate(
				promo( newPhone() )
			) ) as {
				wamid: string;
			};
			await receiver.waitFor(
				() =>
					receiver.statuses().filter( ( s ) => s.id === result.wamid )
						.length === 6,
				5_000
			);
			const order = receiver
				.statuses()
				.filter( ( s ) => s.id === result.wamid )
				.map( ( s ) => s.status );
			expect( order.filter( ( s ) => s === 'read' ) ).toHaveLength( 2 );
			expect( order.indexOf( 'read' ) ).toBeLessThan(
				order.indexOf( 'sent' )
			);
		} );
	} );

	describe( 'faults', () => {
		it( 'answers a 5xx Meta error that the table retries, and sends nothing', async () => {
			emulator.sandbox.configure( { faults: { serverErrorRate: 1 } } );
			const to = newPhone();
			for ( let i = 0; i < 3; i++ ) {
				const result = await client.sendTemplate( promo( to ) );
				expect( 'error' in result && result.httpStatus >= 500 ).toBe(
					true
				);
				const { error } = result as { error: { code: number } };
				expect( [ 131000, 2, 133004 ] ).toContain( error.code );
				expect( classifyError( error.code ).action ).toBe( 'retry' );
			}
			expect( emulator.sandbox.received( to ).count ).toBe( 0 );
		} );

		it( 'reports a timed-out send as unknown: the phone did get it', async () => {
			emulator.sandbox.configure( {
				faults: { timeoutRate: 1, timeoutHoldMs: 5_000 },
			} );
			const quick = new CloudApiClient( {
				baseUrl: emulator.baseUrl,
				headersTimeoutMs: 200,
				transport,
			} );
			try {
				const to = newPhone();
				expect( await quick.sendTemplate( promo( to ) ) ).toEqual( {
					unknown: 'headers_timeout',
				} );
				expect( emulator.sandbox.received( to ).count ).toBe( 1 );
			} finally {
				await quick.close();
			}
		} );

		it( 'reports a cut connection as unknown, whether or not the message went', async () => {
			for ( const [ fault, count ] of [
				[ 'dropAfterRate', 1 ],
				[ 'dropBeforeRate', 0 ],
			] as const ) {
				emulator.sandbox.configure( {
					faults: {
						dropBeforeRate: 0,
						dropAfterRate: 0,
						[ fault ]: 1,
					},
				} );
				const to = newPhone();
				const result = await client.sendTemplate( promo( to ) );
				expect( 'unknown' in result ).toBe( true );
				expect( emulator.sandbox.received( to ).count ).toBe( count );
			}
		} );

		it( 'reports a refused connection as not sent: safe to retry', async () => {
			const nowhere = new CloudApiClient( {
				baseUrl: 'http://127.0.0.1:9/sandbox',
				transport,
			} );
			try {
				expect(
					await nowhere.sendTemplate( promo( newPhone() ) )
				).toEqual( {
					notSent: 'ECONNREFUSED',
				} );
			} finally {
				await nowhere.close();
			}
		} );
	} );

	describe( 'templates and the phone number', () => {
		it( "lists every template through Meta's cursor paging, each page valid against the OpenAPI", async () => {
			const pageSchema = responseSchema(
				'/{Version}/{WABA-ID}/message_templates',
				'get',
				'200'
			);
			let after: string | null = null;
			let pages = 0;
			do {
				const query: string = `limit=4${ after ? `&after=${ after }` : '' }`;
				const answer = await request(
					`${ emulator.baseUrl }/v23.0/${ WABA_ID }/message_templates?${ query }`,
					{ headers: { authorization: `Bearer ${ TOKEN }` } }
				);
				const body = ( await answer.body.json() ) as any;
				expect( pageSchema( body ), explain( pageSchema ) ).toBe(
					true
				);
				expect( skeleton( body.paging.cursors ) ).toEqual(
					skeleton(
						(
							payload(
								'list_message_templates_response.openapi.json'
							) as any
						 ).paging.cursors
					)
				);
				after = body.paging.next ? body.paging.cursors.after : null;
				pages++;
			} while ( after );
			expect( pages ).toBe( 3 );
			const result = await client.listTemplates( WABA_ID, TOKEN, 4 );
			expect( 'ok' in result ).toBe( true );
			const templates = ( result as { value: any[] } ).value;
			expect( templates ).toHaveLength( 9 );
			const byName = Object.fromEntries(
				templates.map( ( t ) => [ t.name, t ] )
			);
			expect( byName.promo_autunno ).toMatchObject( {
				language: 'it',
				status: 'APPROVED',
				category: 'MARKETING',
			} );
			expect(
				JSON.stringify( byName.promo_autunno.components )
			).toContain( 'Stop promozioni' );
			expect( JSON.stringify( byName.autumn_sale.components ) ).toContain(
				'Stop promotions'
			);
			expect( byName.order_update.category ).toBe( 'UTILITY' );
			expect( [
				byName.carrello_abbandonato.status,
				byName.black_friday_teaser.status,
				byName.saldi_estivi.status,
			] ).toEqual( [ 'PENDING', 'REJECTED', 'PAUSED' ] );
		} );

		it( 'filters templates by name, status and language as Meta does', async () => {
			const get = async ( query: string ) => {
				const answer = await request(
					`${ emulator.baseUrl }/v23.0/${ WABA_ID }/message_templates?${ query }`,
					{ headers: { authorization: `Bearer ${ TOKEN }` } }
				);
				return ( ( await answer.body.json() ) as any ).data.map(
					( t: any ) => `${ t.name }/${ t.language }/${ t.status }`
				);
			};
			expect( await get( 'name=promo_autunno' ) ).toEqual( [
				'promo_autunno/it/APPROVED',
			] );
			expect( await get( 'status=PAUSED' ) ).toEqual( [
				'saldi_estivi/it/PAUSED',
			] );
			expect(
				( await get( 'language=en&status=APPROVED' ) ).sort()
			).toEqual( [
				'autumn_sale/en/APPROVED',
				'order_update/en/APPROVED',
			] );
		} );

		it( 'refuses the template list to a token of another account', async () => {
			const result = await client.listTemplates(
				WABA_ID,
				'EAAG-someone-else'
			);
			expect( result ).toMatchObject( {
				error: { code: 190 },
				httpStatus: 401,
			} );
		} );

		it( 'answers the phone number fields the bridge reads', async () => {
			const result = await client.getPhoneNumber(
				PHONE_NUMBER_ID,
				TOKEN
			);
			expect( result ).toEqual( {
				ok: true,
				value: {
					id: PHONE_NUMBER_ID,
					display_phone_number: '+39 02 8088 1234',
					verified_name: 'Rondine Sandbox',
					quality_rating: 'GREEN',
					throughput: { level: 'STANDARD' },
					whatsapp_business_manager_messaging_limit: 'TIER_2K',
				},
			} );
			expect(
				phoneNumberInfo( ( result as { value: unknown } ).value ),
				explain( phoneNumberInfo )
			).toBe( true );
			const defaults = await request(
				`${ emulator.baseUrl }/v23.0/${ PHONE_NUMBER_ID }`,
				{ headers: { authorization: `Bearer ${ TOKEN }` } }
			);
			expect(
				Object.keys( ( await defaults.body.json() ) as object ).sort()
			).toEqual( [
				'display_phone_number',
				'id',
				'quality_rating',
				'verified_name',
			] );
		} );

		it( 'pauses a template on request: the update webhook goes out and sends get 132015', async () => {
			await emulator.sandbox.setTemplateStatus(
				WABA_ID,
				'autumn_sale',
				'en',
				'PAUSED'
			);
			try {
				const update = receiver.received.find(
					( w ) =>
						w.body.entry[ 0 ].changes[ 0 ].field ===
						'message_template_status_update'
				);
				expect( update?.signed ).toBe( true );
				expect( skeleton( update?.body ) ).toEqual(
					skeleton(
						payload(
							'message_template_status_update_approved.json'
						)
					)
				);
				expect(
					parseWebhook( update?.body ).events[ 0 ]
				).toMatchObject( {
					kind: 'message_template_status_update',
					name: 'autumn_sale',
					event: 'PAUSED',
				} );
				const result = await client.sendTemplate( {
					...promo( newPhone() ),
					template: {
						name: 'autumn_sale',
						language: 'en',
						components: [
							{
								type: 'body',
								parameters: [
									{ type: 'text', text: 'Emma' },
									{ type: 'text', text: '20%' },
									{ type: 'text', text: 'X' },
								],
							},
						],
					},
				} );
				expect( result ).toMatchObject( { error: { code: 132015 } } );
			} finally {
				await emulator.sandbox.setTemplateStatus(
					WABA_ID,
					'autumn_sale',
					'en',
					'APPROVED'
				);
			}
		} );
	} );

	describe( 'simulated customers', () => {
		it( 'taps a template quick reply: the webhook carries the payload and the campaign message it answers', async () => {
			const to = newPhone();
			const sent = ( await client.sendTemplate( promo( to ) ) ) as {
				wamid: string;
			};
			const answer = await emulator.sandbox.inbound( {
				phoneNumberId: PHONE_NUMBER_ID,
				from: to,
				kind: 'button',
				payload: 'STOP_PROMOTIONS',
				text: 'Stop promozioni',
			} );
			expect( answer.webhookStatus ).toBe( 200 );
			const webhook = receiver.received.find(
				( w ) =>
					w.body.entry[ 0 ].changes[ 0 ].value.messages?.[ 0 ]?.id ===
					answer.messageId
			)!;
			expect( webhook.signed ).toBe( true );
			expect( skeleton( webhook.body ) ).toEqual(
				skeleton(
					payload(
						'inbound_template_quick_reply_button.button_reference.json'
					)
				)
			);
			expect( parseWebhook( webhook.body ).events[ 0 ] ).toMatchObject( {
				kind: 'message',
				type: 'button',
				contextId: sent.wamid,
				button: { payload: 'STOP_PROMOTIONS', text: 'Stop promozioni' },
			} );
		} );

		it( 'replies with text quoting a message, and may then be written to freely for 24 hours', async () => {
			const to = newPhone();
			const sent = ( await client.sendTemplate( promo( to ) ) ) as {
				wamid: string;
			};
			const answer = await emulator.sandbox.inbound( {
				phoneNumberId: PHONE_NUMBER_ID,
				from: to,
				kind: 'text',
				text: 'È ancora disponibile?',
			} );
			const webhook = receiver.received.find(
				( w ) =>
					w.body.entry[ 0 ].changes[ 0 ].value.messages?.[ 0 ]?.id ===
					answer.messageId
			)!;
			expect( parseWebhook( webhook.body ).events[ 0 ] ).toMatchObject( {
				kind: 'message',
				type: 'text',
				contextId: sent.wamid,
				text: 'È ancora disponibile?',
			} );
			const raw = await rawPost(
				`/v23.0/${ PHONE_NUMBER_ID }/messages`,
				JSON.stringify( {
					messaging_product: 'whatsapp',
					to,
					type: 'text',
					text: { body: 'Sì!' },
				} )
			);
			expect( raw.status ).toBe( 200 );
		} );

		it( 'stops marketing messages: a user_preferences webhook, then marketing sends fail with 131050', async () => {
			const to = newPhone();
			const answer = await emulator.sandbox.inbound( {
				phoneNumberId: PHONE_NUMBER_ID,
				from: to,
				kind: 'stop',
			} );
			expect( answer.webhookStatus ).toBe( 200 );
			const webhook = receiver.received.find(
				( w ) =>
					w.body.entry[ 0 ].changes[ 0 ].field === 'user_preferences'
			)!;
			expect( skeleton( webhook.body ) ).toEqual(
				skeleton( payload( 'user_preferences_resume_marketing.json' ) )
			);
			expect( parseWebhook( webhook.body ).events[ 0 ] ).toMatchObject( {
				kind: 'user_preference',
				value: 'stop',
				waId: to.slice( 1 ),
			} );
			const sent = ( await client.sendTemplate( promo( to ) ) ) as {
				wamid: string;
			};
			await receiver.waitFor( () =>
				receiver.statuses().some( ( s ) => s.id === sent.wamid )
			);
			expect(
				receiver.statuses().find( ( s ) => s.id === sent.wamid )
					?.errors?.[ 0 ]?.code
			).toBe( 131050 );
		} );
	} );
} );
