/**
 * Simulated customers: a message, a button tap or a marketing preference (`stop` / `resume`) from a phone, posted to
 * the account's webhook as Meta would.
 */

/**
 * Internal dependencies
 */
import { phoneDigits } from './config.js';
import { SandboxError, type SandboxState } from './state.js';
import { newWamid, wamidOf } from './wamid.js';
import { changePayload } from './webhook-sender.js';

export interface InboundInput {
	phoneNumberId: string;
	from: string;
	/** `text` (optionally a reply), `button` (template quick reply), `interactive`, or a marketing `stop` / `resume`. */
	kind: 'text' | 'button' | 'interactive' | 'stop' | 'resume';
	text?: string;
	payload?: string;
	title?: string;
	/** The business message replied to; defaults to the last one sent to this phone for replies and buttons. */
	contextWamid?: string | null;
	name?: string;
}

/**
 * Simulate a customer's message, button tap or marketing preference, sent to the account's webhook now.
 *
 * @param state The emulator's state.
 * @param input What the customer does.
 * @return The webhook receiver's HTTP status (null when it did not answer) and the inbound message id.
 */
export async function inbound(
	state: SandboxState,
	input: InboundInput
): Promise< { webhookStatus: number | null; messageId: string | null } > {
	const account = state.accounts.get( input.phoneNumberId );
	if ( ! account ) {
		throw new SandboxError(
			'No sandbox account has this phoneNumberId.',
			404
		);
	}
	const from = phoneDigits( String( input.from ?? '' ) );
	if ( from.length < 6 ) {
		throw new SandboxError( 'from must be a phone number.' );
	}
	const now = state.now();
	const timestamp = Math.floor( now / 1000 );
	const metadata = {
		display_phone_number: phoneDigits( account.displayPhoneNumber ),
		phone_number_id: account.phoneNumberId,
	};
	if ( input.kind === 'stop' || input.kind === 'resume' ) {
		if ( input.kind === 'stop' ) {
			state.optedOut.add( from );
		} else {
			state.optedOut.delete( from );
		}
		state.config.optedOut = [ ...state.optedOut ];
		const webhookStatus = await state.webhooks.postNow(
			account,
			changePayload( account, 'user_preferences', {
				messaging_product: 'whatsapp',
				metadata,
				contacts: [ { wa_id: from } ],
				user_preferences: [
					{
						wa_id: from,
						detail: `User requested to ${ input.kind } marketing messages`,
						category: 'marketing_messages',
						value: input.kind,
						timestamp,
					},
				],
			} )
		);
		return { webhookStatus, messageId: null };
	}
	const record = account.phones.get( from );
	let contextId = input.contextWamid ?? null;
	if (
		input.contextWamid === undefined &&
		record &&
		record.lastMessage > 0
	) {
		contextId = wamidOf( from, record.lastMessage );
	}
	if ( input.kind !== 'text' && ! contextId ) {
		throw new SandboxError(
			'A button tap answers a message: this phone was sent none, and no contextWamid was given.'
		);
	}
	const messageId = newWamid( from );
	const message: Record< string, unknown > = {
		from,
		id: messageId,
		timestamp: String( timestamp ),
	};
	if ( contextId ) {
		message.context = {
			from: metadata.display_phone_number,
			id: contextId,
		};
	}
	if ( input.kind === 'text' ) {
		message.type = 'text';
		message.text = { body: input.text ?? '' };
	} else if ( input.kind === 'button' ) {
		const payload = input.payload ?? input.text ?? '';
		message.type = 'button';
		message.button = { payload, text: input.text ?? payload };
	} else if ( input.kind === 'interactive' ) {
		message.type = 'interactive';
		message.interactive = {
			type: 'button_reply',
			button_reply: {
				id: input.payload ?? '',
				title: input.title ?? input.payload ?? '',
			},
		};
	} else {
		throw new SandboxError(
			'kind must be text, button, interactive, stop or resume.'
		);
	}
	if ( record ) {
		record.lastInboundAt = now;
	} else {
		account.phones.set( from, {
			count: 0,
			firstCallback: null,
			callbacks: null,
			lastMessage: 0,
			tat: 0,
			lastInboundAt: now,
		} );
	}
	const webhookStatus = await state.webhooks.postNow(
		account,
		changePayload( account, 'messages', {
			messaging_product: 'whatsapp',
			metadata,
			contacts: [
				{
					profile: { name: input.name ?? 'Sandbox Customer' },
					wa_id: from,
				},
			],
			messages: [ message ],
		} )
	);
	return { webhookStatus, messageId };
}
