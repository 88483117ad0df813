/**
 * Internal dependencies
 */
import type {
	Messenger,
	OutgoingMessage,
	SendOutcome,
	WhatsAppAccount,
} from '../../src/dispatch/messenger';

/**
 * An in-memory Messenger (listmonk style) for the engine's decision tests: answers what `script` says for each send and
 * records every call, so a test can assert what was sent, how often, and to whom.
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
		const attempt = this.attemptsFor( message.to, account.phoneNumberId );
		await new Promise( ( resolve ) => setTimeout( resolve, 2 ) );
		return (
			this.script( account, message, attempt ) ?? {
				kind: 'accepted',
				wamid: `wamid.TEST${ ( this.wamids += 1 ) }`,
			}
		);
	}
}
