/** Milliseconds since the epoch. Injected so the scheduler and the daily limit can be tested without waiting. */
export interface Clock {
	now: () => number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told (tests). */
export class ManualClock implements Clock {
	constructor( private current: number ) {}

	now(): number {
		return this.current;
	}

	set( ms: number ): void {
		this.current = ms;
	}

	advance( ms: number ): void {
		this.current += ms;
	}
}

/** The system clock shifted by an offset that tests can move forward (for real processes and real timers). */
export class OffsetClock implements Clock {
	offset = 0;

	now(): number {
		return Date.now() + this.offset;
	}

	advance( ms: number ): void {
		this.offset += ms;
	}
}
