/**
 * Internal dependencies
 */
import {
	CloudApiClient,
	type CloudApiClientOptions,
	type SendResult,
} from '../whatsapp/client.js';
import {
	WhatsAppApiError,
	type MessageTemplate,
	type Messenger,
	type OutgoingMessage,
	type PhoneNumberInfo,
	type SendOutcome,
	type WhatsAppAccount,
	type WhatsAppDirectory,
} from './messenger.js';

const THROUGHPUT_BY_LEVEL: Record< string, number > = {
	STANDARD: 80,
	HIGH: 1_000,
};

/**
 * The engine's Messenger and WhatsAppDirectory over the Cloud API client (src/whatsapp/client.ts), one keep-alive
 * client per Graph base URL and version (Meta, or the emulator).
 */
export class CloudMessenger implements Messenger, WhatsAppDirectory {
	private readonly clients = new Map< string, CloudApiClient >();

	constructor( private readonly options: CloudApiClientOptions = {} ) {}

	private client( account: WhatsAppAccount ): CloudApiClient {
		const key = `${ account.graphUrl }|${ account.version }`;
		let client = this.clients.get( key );
		if ( ! client ) {
			client = new CloudApiClient( {
				...this.options,
				baseUrl: account.graphUrl,
				version: account.version,
			} );
			this.clients.set( key, client );
		}
		return client;
	}

	send(
		account: WhatsAppAccount,
		message: OutgoingMessage
	): Promise< SendOutcome > {
		return this.client( account )
			.sendTemplateJson(
				account.phoneNumberId,
				account.accessToken,
				message.to,
				message.body
			)
			.then( outcomeOf );
	}

	async listTemplates(
		account: WhatsAppAccount
	): Promise< MessageTemplate[] > {
		const result = await this.client( account ).listTemplates(
			account.wabaId,
			account.accessToken
		);
		if ( 'ok' in result ) {
			return result.value.map( ( t ) => ( {
				id: t.id,
				name: t.name,
				language: t.language,
				status: t.status,
				category: t.category,
				// What the admin app reads: the placeholders' format, why Meta rejected it.
				...( typeof t.parameter_format === 'string'
					? { parameter_format: t.parameter_format }
					: {} ),
				...( typeof t.rejected_reason === 'string'
					? { rejected_reason: t.rejected_reason }
					: {} ),
				components: t.components as MessageTemplate[ 'components' ],
			} ) );
		}
		throw failure( result );
	}

	async phoneNumberInfo(
		account: WhatsAppAccount
	): Promise< PhoneNumberInfo > {
		const result = await this.client( account ).getPhoneNumber(
			account.phoneNumberId,
			account.accessToken
		);
		if ( ! ( 'ok' in result ) ) {
			throw failure( result );
		}
		const value = result.value;
		const info: PhoneNumberInfo = {};
		if ( value.display_phone_number ) {
			info.displayPhoneNumber = value.display_phone_number;
		}
		if ( value.verified_name ) {
			info.verifiedName = value.verified_name;
		}
		if ( value.quality_rating ) {
			info.qualityRating = value.quality_rating;
		}
		if ( value.whatsapp_business_manager_messaging_limit ) {
			info.messagingLimitTier =
				value.whatsapp_business_manager_messaging_limit;
		}
		const level = value.throughput?.level;
		if ( level && Object.hasOwn( THROUGHPUT_BY_LEVEL, level ) ) {
			info.throughputMps = THROUGHPUT_BY_LEVEL[ level ];
		}
		return info;
	}

	async close(): Promise< void > {
		await Promise.all(
			[ ...this.clients.values() ].map( ( c ) => c.close() )
		);
		this.clients.clear();
	}
}

/**
 * The engine's outcome of a send's result.
 *
 * @param result The client's result.
 */
function outcomeOf( result: SendResult ): SendOutcome {
	if ( 'ok' in result ) {
		const accepted: SendOutcome = {
			kind: 'accepted',
			wamid: result.wamid,
		};
		if ( result.messageStatus ) {
			accepted.messageStatus = result.messageStatus;
		}
		if ( result.waId ) {
			accepted.waId = result.waId;
		}
		return accepted;
	}
	if ( 'error' in result ) {
		const outcome: SendOutcome = {
			kind: 'error',
			code: result.error.code,
			message: result.error.message,
		};
		if ( result.error.subcode !== null ) {
			outcome.subcode = result.error.subcode;
		}
		if ( result.error.details ) {
			outcome.details = result.error.details;
		}
		return outcome;
	}
	if ( 'notSent' in result ) {
		return { kind: 'not_sent', reason: result.notSent };
	}
	return { kind: 'unknown', reason: result.unknown };
}

function failure(
	result:
		| { error: { code: number; message: string } }
		| { notSent: string }
		| { unknown: string }
) {
	if ( 'error' in result ) {
		return new WhatsAppApiError(
			`${ result.error.message } (code ${ result.error.code })`,
			result.error.code
		);
	}
	return new WhatsAppApiError(
		'notSent' in result ? result.notSent : result.unknown
	);
}
