/**
 * Shared by the automation suites: a bridge with the webhooks, a scripted messenger and a manual clock; signed inbound
 * messages as Meta posts them; small readers of the automation tables.
 */

/**
 * Internal dependencies
 */
import { ManualClock } from '../../src/clock';
import { webhooksPlugin } from '../../src/webhooks/index';
import { signWebhook } from '../../src/whatsapp/webhook-signature';
import {
	startTestBridge,
	type TestBridge,
	type TestTenant,
} from '../helpers/bridge';
import type { TestStore } from '../helpers/database';
import { ScriptedMessenger } from '../helpers/scripted-messenger';

export const START = Date.UTC( 2026, 11, 7, 10, 0 );

export interface AutomationBridge {
	t: TestBridge;
	shop: TestTenant;
	clock: ManualClock;
	messenger: ScriptedMessenger;
}

export async function startAutomationBridge(
	store: TestStore,
	options: {
		tickMs?: number;
		script?: ConstructorParameters< typeof ScriptedMessenger >[ 0 ];
		/** Date triggers' round interval (tests tick them by hand). */
		dateTriggerMs?: number;
	} = {}
): Promise< AutomationBridge > {
	const clock = new ManualClock( START );
	const messenger = new ScriptedMessenger( options.script ?? ( () => null ) );
	const t = await startTestBridge( {
		store,
		clock,
		messenger,
		bridge: {
			webhooksPlugin,
			webhooksOptions: { reportOptOuts: false },
			automations: { tickMs: options.tickMs ?? 50 },
			dateTriggers: { intervalMs: options.dateTriggerMs ?? 30_000 },
		},
	} );
	const shop = await t.addTenant( { throughput: 1000 } );
	return { t, shop, clock, messenger };
}

export interface Inbound {
	id: string;
	from: string;
	text?: string;
	button?: { payload: string; text: string };
	context?: string;
}

/** Posts these customer messages as one signed webhook of the tenant's (sandbox) number. */
export async function postInbound(
	t: TestBridge,
	shop: TestTenant,
	messages: Inbound[]
): Promise< number > {
	const body = JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: `sandbox-waba-${ shop.id }`,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '15550783881',
								phone_number_id: `sandbox-${ shop.id }`,
							},
							contacts: messages.map( ( m ) => ( {
								profile: { name: 'Cliente' },
								wa_id: m.from.replace( /\D/g, '' ),
							} ) ),
							messages: messages.map( ( m ) => ( {
								from: m.from.replace( /\D/g, '' ),
								id: m.id,
								timestamp: String(
									Math.floor( t.clock.now() / 1000 )
								),
								...( m.context
									? {
											context: {
												from: '15550783881',
												id: m.context,
											},
										}
									: {} ),
								...( m.button
									? { type: 'button', button: m.button }
									: {
											type: 'text',
											text: { body: m.text },
										} ),
							} ) ),
						},
					},
				],
			},
		],
	} );
	const secret = t.bridge.accounts.sandboxAppSecret( shop.id );
	const response = await t.bridge.app.inject( {
		method: 'POST',
		url: '/v1/webhooks/whatsapp',
		headers: {
			'content-type': 'application/json',
			'x-hub-signature-256': signWebhook( secret, body ),
		},
		payload: body,
	} );
	return response.statusCode;
}

export const phoneOf = ( i: number ) =>
	`+3933${ String( 10_000_000 + i ).padStart( 8, '0' ) }`;

export const template = ( name: string ) => ( {
	name,
	language: 'it',
	category: 'MARKETING' as const,
	components: [
		{
			type: 'body' as const,
			parameters: [
				{
					type: 'text' as const,
					field: 'first_name',
					fallback: 'ciao',
				},
			],
		},
	],
} );

export interface StatusUpdate {
	wamid: string;
	status: 'sent' | 'delivered' | 'read' | 'failed';
	/** E.164 of the recipient. */
	to: string;
	/** Unix seconds. */
	timestamp: number;
	callback?: string;
	errors?: Array< { code: number; title: string } >;
}

/** Posts these message statuses as one signed webhook of the tenant's (sandbox) number. */
export async function postStatuses(
	t: TestBridge,
	shop: TestTenant,
	statuses: StatusUpdate[]
): Promise< number > {
	const body = JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: `sandbox-waba-${ shop.id }`,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '15550783881',
								phone_number_id: `sandbox-${ shop.id }`,
							},
							statuses: statuses.map( ( s ) => ( {
								id: s.wamid,
								status: s.status,
								timestamp: String( s.timestamp ),
								recipient_id: s.to.replace( /\D/g, '' ),
								...( s.callback
									? { biz_opaque_callback_data: s.callback }
									: {} ),
								...( s.errors ? { errors: s.errors } : {} ),
							} ) ),
						},
					},
				],
			},
		],
	} );
	const secret = t.bridge.accounts.sandboxAppSecret( shop.id );
	const response = await t.bridge.app.inject( {
		method: 'POST',
		url: '/v1/webhooks/whatsapp',
		headers: {
			'content-type': 'application/json',
			'x-hub-signature-256': signWebhook( secret, body ),
		},
		payload: body,
	} );
	return response.statusCode;
}
