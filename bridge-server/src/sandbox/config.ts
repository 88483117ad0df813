/**
 * What the emulator can be told to do: latency, faults, status webhooks and special recipients.
 * Changed at run time through `POST /_control/config`, so a test can turn faults on and off mid-campaign.
 */

export interface StatusWebhookConfig {
	/** Send status webhooks at all. */
	enabled: boolean;
	/** Delay from acceptance to each status. */
	sentDelayMs: number;
	deliveredDelayMs: number;
	readDelayMs: number;
	/** Share of accepted messages that get `delivered`; of those, the share that get `read`. */
	deliveredRate: number;
	readRate: number;
	/** Share of statuses sent twice (the copy a little later), as Meta's at-least-once delivery does. */
	duplicateRate: number;
	/** Share of messages whose statuses are shuffled in time (a `read` before `delivered`, a late `sent`). */
	outOfOrderRate: number;
	/** Share of marketing messages that fail with 131049 (per-user marketing limit). */
	marketingLimitRate: number;
	/** Statuses per webhook request (Meta batches up to 1,000; 1 is its usual case). */
	batchSize: number;
	/** How often due statuses are collected and posted. */
	flushIntervalMs: number;
	/** Webhook requests in flight at once. */
	concurrency: number;
	/** Attempts per webhook request before it is dropped (Meta retries for days; an emulator must stay bounded). */
	maxAttempts: number;
	/** First retry delay; doubles each time. */
	retryBaseMs: number;
	/** Time allowed for the receiver to answer. */
	timeoutMs: number;
}

export interface FaultConfig {
	/** Share of sends answered with a 5xx Meta error (131000, 2 or 133004); nothing is sent. */
	serverErrorRate: number;
	/** Share of sends that are accepted (the phone gets the message) but never answered: the client times out. */
	timeoutRate: number;
	/** How long a "timeout" send keeps the connection before closing it. */
	timeoutHoldMs: number;
	/** Share of sends whose connection is cut before anything is processed. */
	dropBeforeRate: number;
	/** Share of sends whose connection is cut after the message was accepted. */
	dropAfterRate: number;
}

export interface SandboxConfig {
	/** Added to every answer, as the Graph API's own latency. */
	latencyMs: number;
	/** Uniform extra latency, 0 to this. */
	latencyJitterMs: number;
	/** Throughput for accounts created without one (Meta's default is 80). */
	defaultThroughputMps: number;
	/** Burst a number's bucket holds, in seconds of its throughput. */
	burstSeconds: number;
	/** Pair rate: one message to the same recipient per this many ms ... */
	pairIntervalMs: number;
	/** ... with bursts of up to this many borrowed from the future. */
	pairBurst: number;
	faults: FaultConfig;
	statuses: StatusWebhookConfig;
	/** Phones (digits, `+` optional) that are not on WhatsApp: accepted, then a failed status 131026. */
	notOnWhatsApp: string[];
	/** Phones that stopped marketing messages: marketing templates accepted, then a failed status 131050. */
	optedOut: string[];
}

export const DEFAULT_CONFIG: SandboxConfig = {
	latencyMs: 0,
	latencyJitterMs: 0,
	defaultThroughputMps: 80,
	burstSeconds: 1,
	pairIntervalMs: 6_000,
	pairBurst: 45,
	faults: {
		serverErrorRate: 0,
		timeoutRate: 0,
		timeoutHoldMs: 60_000,
		dropBeforeRate: 0,
		dropAfterRate: 0,
	},
	statuses: {
		enabled: true,
		sentDelayMs: 50,
		deliveredDelayMs: 300,
		readDelayMs: 1_500,
		deliveredRate: 0.97,
		readRate: 0.6,
		duplicateRate: 0,
		outOfOrderRate: 0,
		marketingLimitRate: 0,
		batchSize: 100,
		flushIntervalMs: 50,
		concurrency: 8,
		maxAttempts: 5,
		retryBaseMs: 500,
		timeoutMs: 10_000,
	},
	notOnWhatsApp: [],
	optedOut: [],
};

export type SandboxConfigPatch = Partial<
	Omit< SandboxConfig, 'faults' | 'statuses' >
> & {
	faults?: Partial< FaultConfig >;
	statuses?: Partial< StatusWebhookConfig >;
};

const RATES = new Set( [
	'serverErrorRate',
	'timeoutRate',
	'dropBeforeRate',
	'dropAfterRate',
	'deliveredRate',
	'readRate',
	'duplicateRate',
	'outOfOrderRate',
	'marketingLimitRate',
] );

export class ConfigError extends Error {}

function checkNumbers( group: string, values: Record< string, unknown > ) {
	for ( const [ key, value ] of Object.entries( values ) ) {
		if ( typeof value === 'boolean' && key === 'enabled' ) {
			continue;
		}
		if (
			typeof value !== 'number' ||
			! Number.isFinite( value ) ||
			value < 0
		) {
			throw new ConfigError(
				`${ group }${ key } must be a number of at least 0.`
			);
		}
		if ( RATES.has( key ) && value > 1 ) {
			throw new ConfigError(
				`${ group }${ key } is a share from 0 to 1.`
			);
		}
	}
}

/**
 * A new configuration with a patch applied; the patch is checked first and nothing changes when it is wrong.
 *
 * @param base  The current configuration.
 * @param patch What to change.
 */
export function applyConfigPatch(
	base: SandboxConfig,
	patch: unknown
): SandboxConfig {
	if (
		typeof patch !== 'object' ||
		patch === null ||
		Array.isArray( patch )
	) {
		throw new ConfigError( 'The configuration must be a JSON object.' );
	}
	const { faults, statuses, notOnWhatsApp, optedOut, ...top } =
		patch as Record< string, unknown >;
	for ( const key of Object.keys( top ) ) {
		if ( ! ( key in base ) ) {
			throw new ConfigError( `Unknown setting ${ key }.` );
		}
	}
	checkNumbers( '', top );
	const next: SandboxConfig = {
		...base,
		...( top as Partial< SandboxConfig > ),
		faults: { ...base.faults },
		statuses: { ...base.statuses },
	};
	for ( const [ name, group ] of [
		[ 'faults', faults ],
		[ 'statuses', statuses ],
	] as const ) {
		if ( group === undefined ) {
			continue;
		}
		if ( typeof group !== 'object' || group === null ) {
			throw new ConfigError( `${ name } must be an object.` );
		}
		for ( const key of Object.keys( group ) ) {
			if ( ! ( key in next[ name ] ) ) {
				throw new ConfigError( `Unknown setting ${ name }.${ key }.` );
			}
		}
		checkNumbers( `${ name }.`, group as Record< string, unknown > );
		Object.assign( next[ name ], group );
	}
	for ( const [ name, list ] of [
		[ 'notOnWhatsApp', notOnWhatsApp ],
		[ 'optedOut', optedOut ],
	] as const ) {
		if ( list === undefined ) {
			continue;
		}
		if (
			! Array.isArray( list ) ||
			! list.every( ( p ) => typeof p === 'string' )
		) {
			throw new ConfigError(
				`${ name } must be a list of phone numbers.`
			);
		}
		next[ name ] = list.map( phoneDigits );
	}
	if ( next.statuses.batchSize < 1 || next.statuses.batchSize > 1_000 ) {
		throw new ConfigError( 'statuses.batchSize must be from 1 to 1000.' );
	}
	if ( next.statuses.flushIntervalMs < 1 || next.statuses.concurrency < 1 ) {
		throw new ConfigError(
			'statuses.flushIntervalMs and statuses.concurrency must be at least 1.'
		);
	}
	if ( next.defaultThroughputMps <= 0 || next.pairIntervalMs <= 0 ) {
		throw new ConfigError(
			'defaultThroughputMps and pairIntervalMs must be more than 0.'
		);
	}
	return next;
}

/** A phone as WhatsApp ids are written: digits only. */
export function phoneDigits( phone: string ): string {
	return phone.replace( /\D/g, '' );
}
