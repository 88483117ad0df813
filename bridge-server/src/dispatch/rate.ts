/**
 * Sending pace of one business number in this process: a token bucket at the number's throughput that slows down
 * when WhatsApp answers 130429 and climbs back while it does not. The bucket holds only a short burst so that the
 * pace seen by WhatsApp stays even (its own limiter is a bucket too, and network jitter bunches requests).
 */
export class AdaptiveRate {
	private tokens = 0;
	private updatedAt: number;
	private rate: number;
	private lastThrottleAt = Number.NEGATIVE_INFINITY;

	constructor(
		private base: number,
		private readonly now: () => number = () => performance.now(),
		private readonly burstSeconds = 0.05
	) {
		this.rate = base;
		this.updatedAt = now();
	}

	get currentRate(): number {
		return this.rate;
	}

	/** The target changed (new throughput, or another process joined and took a share). */
	setBase( base: number ): void {
		if ( base !== this.base ) {
			this.rate = Math.min( base, this.rate * ( base / this.base ) );
			this.base = base;
		}
	}

	private refill(): void {
		const now = this.now();
		const elapsed = Math.max( 0, now - this.updatedAt ) / 1000;
		this.updatedAt = now;
		// Recover 10 % of the base per second once a second has passed without 130429.
		if ( this.rate < this.base && now - this.lastThrottleAt > 1_000 ) {
			this.rate = Math.min(
				this.base,
				this.rate + this.base * 0.1 * elapsed
			);
		}
		const capacity = Math.max( 1, this.rate * this.burstSeconds );
		this.tokens = Math.min( capacity, this.tokens + elapsed * this.rate );
	}

	/** Takes up to `wanted` tokens; answers how many were granted. */
	take( wanted: number ): number {
		this.refill();
		const granted = Math.min( wanted, Math.floor( this.tokens ) );
		this.tokens -= granted;
		return granted;
	}

	/** Milliseconds until the next token. */
	waitMs(): number {
		this.refill();
		return this.tokens >= 1
			? 0
			: Math.ceil( ( ( 1 - this.tokens ) / this.rate ) * 1000 );
	}

	/** WhatsApp said 130429: slow down (at most once per 200 ms, a burst of answers is one signal). */
	throttled(): void {
		const now = this.now();
		if ( now - this.lastThrottleAt > 200 ) {
			this.rate = Math.max( this.base * 0.1, this.rate * 0.8 );
			this.tokens = 0;
		}
		this.lastThrottleAt = now;
	}
}
