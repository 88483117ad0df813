/**
 * The two rates Meta enforces on a business number, in constant memory per key.
 */

/** Per-number throughput: a token bucket refilled continuously. */
export class TokenBucket {
	private tokens: number;

	private updatedAt: number;

	constructor(
		private ratePerSecond: number,
		private capacity: number,
		now: number
	) {
		this.tokens = capacity;
		this.updatedAt = now;
	}

	/** Change the rate (e.g. an upgrade to 1,000 mps) without losing the tokens already earned. */
	setRate( ratePerSecond: number, capacity: number, now: number ): void {
		this.refill( now );
		this.ratePerSecond = ratePerSecond;
		this.capacity = capacity;
		this.tokens = Math.min( this.tokens, capacity );
	}

	tryTake( now: number ): boolean {
		this.refill( now );
		if ( this.tokens < 1 ) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

	private refill( now: number ): void {
		const elapsed = Math.max( 0, now - this.updatedAt ) / 1000;
		this.tokens = Math.min(
			this.capacity,
			this.tokens + elapsed * this.ratePerSecond
		);
		this.updatedAt = now;
	}
}

/**
 * Pair rate as a generic cell rate algorithm: one number per recipient (the theoretical arrival time), allowing
 * `burst` messages at once and then one per `intervalMs`, so a burst borrows from the future as Meta describes.
 *
 * @param tat        The recipient's theoretical arrival time (0 when new).
 * @param now        Current time in ms.
 * @param intervalMs Time per message.
 * @param burst      Messages allowed at once.
 * @return The new theoretical arrival time, or null when the message must be refused.
 */
export function pairRateAdmit(
	tat: number,
	now: number,
	intervalMs: number,
	burst: number
): number | null {
	const start = Math.max( tat, now );
	if ( start - now > ( burst - 1 ) * intervalMs ) {
		return null;
	}
	return start + intervalMs;
}
