/**
 * Group commit: many concurrent webhook requests share one database transaction.
 *
 * A request's reply may only leave once its event is durable, and a durable commit costs a disk flush (SQLite) or a
 * round trip plus a WAL flush (PostgreSQL). One transaction per request caps the endpoint at the flush rate. Here
 * each request appends its work to a queue and waits; a single writer takes everything queued (up to `maxBatch`),
 * commits it in one transaction, then settles every waiting request. While a commit runs, new requests pile up and go
 * into the next one, so the batch size grows by itself with the load and the flush cost is shared.
 *
 * If a batch fails, its items are committed again one by one (`commitOne`), so one bad item costs the others nothing
 * and only that item's request sees the error.
 */

export interface GroupCommitterOptions< T, R > {
	/** Commits all items in one transaction and returns one result per item, in order. */
	commitBatch: ( items: T[] ) => Promise< R[] >;
	/** Commits a single item on its own; used to isolate a failing item after a batch failed. */
	commitOne?: ( item: T ) => Promise< R >;
	/** Largest number of items in one transaction. */
	maxBatch?: number;
	/**
	 * How much work an item is (e.g. its number of events), and how much one transaction may hold: a few big webhook
	 * batches must not make one long transaction that every waiting request (and the event loop, on SQLite) sits behind.
	 */
	weight?: ( item: T ) => number;
	maxWeight?: number;
	/**
	 * Transactions committed at once (default 1). SQLite has one writer anyway; PostgreSQL overlaps the round trips and
	 * WAL flushes of a few transactions.
	 */
	concurrency?: number;
	/** Called when a whole batch failed and is retried item by item. */
	onBatchError?: ( error: unknown, size: number ) => void;
}

interface Waiting< T, R > {
	item: T;
	resolve: ( result: R ) => void;
	reject: ( error: unknown ) => void;
}

export interface GroupCommitter< T, R > {
	/** Resolves with the item's result once the transaction holding it has committed. */
	submit: ( item: T ) => Promise< R >;
	/** Resolves when everything submitted so far is committed. New submissions are refused after this. */
	close: () => Promise< void >;
	/** Items waiting for a transaction (not counting the one being committed). */
	readonly pending: number;
	readonly stats: { batches: number; items: number; largestBatch: number };
}

export class GroupCommitClosedError extends Error {
	constructor() {
		super( 'The webhook writer is shutting down' );
	}
}

export function createGroupCommitter< T, R >(
	options: GroupCommitterOptions< T, R >
): GroupCommitter< T, R > {
	const maxBatch = options.maxBatch ?? 2_000;
	const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
	let queue: Waiting< T, R >[] = [];
	const writers = new Set< Promise< void > >();
	const concurrency = Math.max( 1, options.concurrency ?? 1 );
	let closed = false;
	const stats = { batches: 0, items: 0, largestBatch: 0 };

	async function commitIsolated( batch: Waiting< T, R >[] ): Promise< void > {
		for ( const waiting of batch ) {
			try {
				const result = options.commitOne
					? await options.commitOne( waiting.item )
					: ( await options.commitBatch( [ waiting.item ] ) )[ 0 ];
				waiting.resolve( result as R );
			} catch ( error ) {
				waiting.reject( error );
			}
		}
	}

	async function drain(): Promise< void > {
		for (;;) {
			/*
			 * Let the event loop take in the requests that arrived meanwhile before choosing the batch. With SQLite a
			 * whole transaction can run in microtasks without the loop ever reading the sockets, so without this turn
			 * every batch would hold a single request and group commit would never group.
			 */
			await new Promise< void >( ( resolve ) => setImmediate( resolve ) );
			if ( queue.length === 0 ) {
				return;
			}
			let size = 0;
			let weight = 0;
			while (
				size < queue.length &&
				size < maxBatch &&
				( size === 0 || weight < maxWeight )
			) {
				weight += options.weight
					? options.weight(
							( queue[ size ] as Waiting< T, R > ).item
						)
					: 1;
				size++;
			}
			const batch =
				size === queue.length ? queue : queue.slice( 0, size );
			queue = size === queue.length ? [] : queue.slice( size );
			stats.batches++;
			stats.items += batch.length;
			stats.largestBatch = Math.max( stats.largestBatch, batch.length );
			let results: R[];
			try {
				results = await options.commitBatch(
					batch.map( ( waiting ) => waiting.item )
				);
			} catch ( error ) {
				options.onBatchError?.( error, batch.length );
				if ( batch.length === 1 && ! options.commitOne ) {
					batch[ 0 ]!.reject( error );
				} else {
					await commitIsolated( batch );
				}
				continue;
			}
			batch.forEach( ( waiting, index ) =>
				waiting.resolve( results[ index ] as R )
			);
		}
	}

	function kick(): void {
		while ( writers.size < concurrency && queue.length > 0 ) {
			const writer: Promise< void > = drain().finally( () => {
				writers.delete( writer );
				// Items that arrived during the last await of drain().
				if ( queue.length > 0 ) {
					kick();
				}
			} );
			writers.add( writer );
		}
	}

	return {
		submit( item: T ): Promise< R > {
			if ( closed ) {
				return Promise.reject( new GroupCommitClosedError() );
			}
			return new Promise< R >( ( resolve, reject ) => {
				queue.push( { item, resolve, reject } );
				kick();
			} );
		},
		async close(): Promise< void > {
			closed = true;
			while ( writers.size > 0 ) {
				await Promise.all( [ ...writers ] );
			}
		},
		get pending() {
			return queue.length;
		},
		stats,
	};
}
