/**
 * Internal dependencies
 */
import type {
	Messenger,
	OutgoingMessage,
	SendOutcome,
	WhatsAppAccount,
} from '../../src/dispatch/messenger';
import { checkFreeForm } from '../../src/sandbox/free-form-checks';

/**
 * An in-memory Messenger (listmonk style) for the engine's decision tests: answers what `script` says for each send and
 * records every call, so a test can assert what was sent, how often, and to whom. A free-form message (text,
 * interactive, media) is first checked as the emulator checks it (Meta's limits), and refused with Meta's error when
 * Meta would refuse it, so a body the real API would reject cannot pass an engine test.
 */
export class ScriptedMessenger implements Messenger {
	readonly calls: Array< {
		account: WhatsAppAccount;
		message: OutgoingMessage;
	} > = [];
	private wamids = 0;

	constructor(
		private readonly script: (
			account: WhatsAppAccount,
			message: OutgoingMessage,
			attempt: number
		) => SendOutcome | null
	) {}

	/** Sends to `phone`, from one business number when given. */
	attemptsFor( phone: string, phoneNumberId?: string ): number {
		return this.calls.filter(
			( c ) =>
				c.message.to === phone &&
				( phoneNumberId === undefined ||
					c.account.phoneNumberId === phoneNumberId )
		).length;
	}

	async send(
		account: WhatsAppAccount,
		message: OutgoingMessage
	): Promise< SendOutcome > {
		this.calls.push( { account, message } );
		await new Promise( ( resolve ) => setTimeout( resolve, 2 ) );
		const body = JSON.parse( message.body ) as Record< string, unknown >;
		const type = typeof body.type === 'string' ? body.type : 'text';
		const refused =
			type === 'template' ? null : checkFreeForm( type, body );
		if ( refused ) {
			return {
				kind: 'error',
				code: refused.body.error.code,
				message: refused.body.error.message,
				details: refused.body.error.error_data?.details,
			};
		}
		const attempt = this.attemptsFor( message.to, account.phoneNumberId );
		return (
			this.script( account, message, attempt ) ?? {
				kind: 'accepted',
				wamid: `wamid.TEST${ ( this.wamids += 1 ) }`,
			}
		);
	}
}
