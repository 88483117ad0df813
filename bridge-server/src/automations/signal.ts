/**
 * Wakes the run engines of this process once a transaction that started or answered runs has committed (a keyword's
 * auto-reply goes out at once instead of at the next tick). The webhook writer calls flushWake() after its commit.
 */

let pending = false;
const listeners = new Set< () => void >();

/** A run was started or answered in the transaction being written. */
export function noteRunsChanged(): void {
	pending = true;
}

/** After a commit: wake the engines when runs changed. */
export function flushWake(): void {
	if ( ! pending ) {
		return;
	}
	pending = false;
	for ( const listener of listeners ) {
		listener();
	}
}

export function onWake( listener: () => void ): () => void {
	listeners.add( listener );
	return () => {
		listeners.delete( listener );
	};
}
