/**
 * WordPress dependencies
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { formatNumber } from '../components/format';

export interface Forecast {
	recipients: number;
	/** Recipients the 24 h window still allows at the start time. */
	available: number;
	/** Recipients over the limit. */
	over: number;
}

/**
 * How many recipients fit in the daily limit at the start time.
 *
 * `remainingNow` is what the bridge reports for the moving 24 h window now;
 * a start more than 24 h away finds the whole limit free again, a sooner one
 * finds at least what is free now (sends only leave the window).
 */
export function forecast(
	recipients: number,
	dailyLimit: number | null | undefined,
	remainingNow: number | null | undefined,
	startAt: Date | null,
	now: Date = new Date()
): Forecast | null {
	if ( typeof dailyLimit !== 'number' ) {
		return null;
	}
	const farAway =
		startAt !== null &&
		startAt.getTime() - now.getTime() >= 24 * 60 * 60 * 1000;
	const available = farAway
		? dailyLimit
		: Math.min( dailyLimit, remainingNow ?? dailyLimit );
	return {
		recipients,
		available,
		over: Math.max( 0, recipients - available ),
	};
}

/**
 * "12,400 recipients, 10,000 left in the 24 h window: 2,400 will fail and
 * can be retried" (or "will wait for the window").
 */
export function forecastText(
	value: Forecast,
	waitForWindow: boolean
): string {
	const recipients = sprintf(
		/* translators: %s: number of recipients. */
		_n( '%s recipient', '%s recipients', value.recipients, 'rondine' ),
		formatNumber( value.recipients )
	);
	const left = sprintf(
		/* translators: %s: number of messages still allowed. */
		__( '%s left in the 24 h window', 'rondine' ),
		formatNumber( value.available )
	);
	if ( value.over === 0 ) {
		return sprintf(
			/* translators: 1: "N recipients", 2: "N left in the 24 h window". */
			__( '%1$s, %2$s: everyone fits in the daily limit.', 'rondine' ),
			recipients,
			left
		);
	}
	const consequence = waitForWindow
		? sprintf(
				/* translators: %s: number of recipients over the limit. */
				_n(
					'%s will wait for the window',
					'%s will wait for the window',
					value.over,
					'rondine'
				),
				formatNumber( value.over )
			)
		: sprintf(
				/* translators: %s: number of recipients over the limit. */
				_n(
					'%s will fail and can be retried',
					'%s will fail and can be retried',
					value.over,
					'rondine'
				),
				formatNumber( value.over )
			);
	return sprintf(
		/* translators: 1: "N recipients", 2: "N left in the 24 h window", 3: what happens to the rest. */
		__( '%1$s, %2$s: %3$s.', 'rondine' ),
		recipients,
		left,
		consequence
	);
}
