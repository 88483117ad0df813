/**
 * What the emulator observed, for tests and benchmarks (the control API's `/received`, `/stats`, `/reset`): what each
 * phone received, duplicates, and the counters per account.
 */

/**
 * Internal dependencies
 */
import { phoneDigits } from './config.js';
import { emptyStats, type Account, type SandboxState } from './state.js';
import { wamidOf } from './wamid.js';

export interface ReceivedSummary {
	phone: string;
	/** Messages accepted for this phone, over every business number. */
	count: number;
	/** Counts per `biz_opaque_callback_data`. */
	callbacks: Record< string, number >;
	lastWamid: string | null;
}

/**
 * What a phone received, over every business number.
 *
 * @param state The emulator's state.
 * @param phone The phone, `+` and separators allowed.
 */
export function received(
	state: SandboxState,
	phone: string
): ReceivedSummary {
	const digits = phoneDigits( phone );
	const callbacks: Record< string, number > = {};
	let count = 0;
	let lastWamid: string | null = null;
	for ( const account of state.accounts.values() ) {
		const record = account.phones.get( digits );
		if ( ! record || record.count === 0 ) {
			continue;
		}
		count += record.count;
		lastWamid = wamidOf( digits, record.lastMessage );
		if ( record.callbacks ) {
			for ( const [ data, n ] of record.callbacks ) {
				callbacks[ data ] = ( callbacks[ data ] ?? 0 ) + n;
			}
		} else {
			const data = record.firstCallback ?? '';
			callbacks[ data ] = ( callbacks[ data ] ?? 0 ) + record.count;
		}
	}
	return { phone: digits, count, callbacks, lastWamid };
}

/**
 * Every phone's count at a glance: how many phones got anything, and which got the same message twice.
 *
 * @param state          The emulator's state.
 * @param callbackPrefix Only messages whose callback data starts with this (e.g. a campaign id).
 */
export function receivedSummary(
	state: SandboxState,
	callbackPrefix = ''
): {
	phones: number;
	messages: number;
	/** Phones that got more than one message (with the prefix). */
	phonesWithSeveral: number;
	/** (phone, callback data) pairs received more than once: a duplicate send. */
	duplicates: number;
	examples: Array< { phone: string; callback: string; count: number } >;
} {
	let phones = 0;
	let messages = 0;
	let phonesWithSeveral = 0;
	let duplicates = 0;
	const examples: Array< {
		phone: string;
		callback: string;
		count: number;
	} > = [];
	const records = function* ( accounts: Iterable< Account > ) {
		for ( const account of accounts ) {
			yield* account.phones;
		}
	};
	for ( const [ phone, record ] of records( state.accounts.values() ) ) {
		let entries: Array< [ string, number ] > = [];
		if ( record.callbacks ) {
			entries = [ ...record.callbacks ];
		} else if ( record.count > 0 ) {
			entries = [ [ record.firstCallback ?? '', record.count ] ];
		}
		let own = 0;
		for ( const [ callback, n ] of entries ) {
			if ( ! callback.startsWith( callbackPrefix ) ) {
				continue;
			}
			own += n;
			if ( n > 1 ) {
				duplicates++;
				if ( examples.length < 20 ) {
					examples.push( {
						phone,
						callback,
						count: n,
					} );
				}
			}
		}
		if ( own > 0 ) {
			phones++;
			messages += own;
			if ( own > 1 ) {
				phonesWithSeveral++;
			}
		}
	}
	return { phones, messages, phonesWithSeveral, duplicates, examples };
}

export function stats( state: SandboxState ): Record< string, unknown > {
	const accounts: Record< string, unknown > = {};
	let accepted = 0;
	const errorsByCode: Record< string, number > = {};
	for ( const account of state.accounts.values() ) {
		accepted += account.stats.accepted;
		for ( const [ code, n ] of Object.entries( account.stats.errors ) ) {
			errorsByCode[ code ] = ( errorsByCode[ code ] ?? 0 ) + n;
		}
		accounts[ account.phoneNumberId ] = {
			tenantId: account.tenantId,
			wabaId: account.wabaId,
			throughputMps: account.throughputMps,
			tier: account.tier,
			...account.stats,
		};
	}
	return {
		accepted,
		errors: errorsByCode,
		phones: [ ...state.accounts.values() ].reduce(
			( n, account ) => n + account.phones.size,
			0
		),
		webhooks: state.webhooks.snapshot(),
		accounts,
	};
}

/**
 * Forget what phones received and the counters; accounts, templates and configuration stay.
 *
 * @param state The emulator's state.
 */
export function reset( state: SandboxState ): void {
	for ( const account of state.accounts.values() ) {
		account.phones.clear();
		account.stats = emptyStats();
		account.currentSecondCount = 0;
	}
	Object.assign( state.webhooks.stats, {
		delivered: 0,
		statusesDelivered: 0,
		failedAttempts: 0,
		dropped: 0,
	} );
}
