/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	createGroupCommitter,
	GroupCommitClosedError,
} from '../../src/webhooks/group-commit';

function deferred(): { promise: Promise< void >; resolve: () => void } {
	let resolve = () => {};
	const promise = new Promise< void >( ( r ) => ( resolve = r ) );
	return { promise, resolve };
}

describe( 'createGroupCommitter', () => {
	it( 'commits requests that arrive during a commit together in the next transaction', async () => {
		const batches: number[][] = [];
		const gate = deferred();
		const committer = createGroupCommitter< number, number >( {
			async commitBatch( items ) {
				batches.push( items );
				if ( batches.length === 1 ) {
					await gate.promise;
				}
				return items.map( ( item ) => item * 10 );
			},
		} );
		const first = committer.submit( 1 );
		// The writer takes the first request on the next turn of the event loop and is then busy committing it.
		await new Promise( ( resolve ) => setImmediate( resolve ) );
		const rest = [ 2, 3, 4, 5 ].map( ( item ) => committer.submit( item ) );
		expect( committer.pending ).toBe( 4 );
		gate.resolve();
		expect( await Promise.all( [ first, ...rest ] ) ).toEqual( [
			10, 20, 30, 40, 50,
		] );
		expect( batches ).toEqual( [ [ 1 ], [ 2, 3, 4, 5 ] ] );
	} );

	it( 'settles no request before its transaction has committed', async () => {
		const gate = deferred();
		let committed = false;
		const committer = createGroupCommitter< string, string >( {
			async commitBatch( items ) {
				await gate.promise;
				committed = true;
				return items;
			},
		} );
		let settled = false;
		const reply = committer.submit( 'a' ).then( () => ( settled = true ) );
		await new Promise( ( r ) => setTimeout( r, 20 ) );
		expect( settled ).toBe( false );
		gate.resolve();
		await reply;
		expect( committed ).toBe( true );
	} );

	it( 'takes every request queued in the same turn into one transaction, at most maxBatch', async () => {
		const sizes: number[] = [];
		const gate = deferred();
		const committer = createGroupCommitter< number, number >( {
			maxBatch: 3,
			async commitBatch( items ) {
				sizes.push( items.length );
				await gate.promise;
				return items;
			},
		} );
		const replies = Array.from( { length: 8 }, ( _, i ) =>
			committer.submit( i )
		);
		gate.resolve();
		expect( await Promise.all( replies ) ).toEqual( [
			0, 1, 2, 3, 4, 5, 6, 7,
		] );
		expect( sizes ).toEqual( [ 3, 3, 2 ] );
	} );

	it( 'closes a transaction once it holds maxWeight of work, but always takes at least one item', async () => {
		const batches: number[][] = [];
		const committer = createGroupCommitter< number, number >( {
			weight: ( item ) => item,
			maxWeight: 100,
			async commitBatch( items ) {
				batches.push( items );
				return items;
			},
		} );
		await Promise.all(
			[ 60, 30, 20, 500, 1, 1 ].map( ( item ) =>
				committer.submit( item )
			)
		);
		expect( batches ).toEqual( [ [ 60, 30, 20 ], [ 500 ], [ 1, 1 ] ] );
	} );

	it( 'runs up to `concurrency` transactions at once, each with the requests queued when it began', async () => {
		let inFlight = 0;
		let most = 0;
		const gate = deferred();
		const committer = createGroupCommitter< number, number >( {
			concurrency: 2,
			async commitBatch( items ) {
				inFlight++;
				most = Math.max( most, inFlight );
				await gate.promise;
				inFlight--;
				return items;
			},
		} );
		const first = committer.submit( 1 );
		await new Promise( ( resolve ) => setImmediate( resolve ) );
		const second = committer.submit( 2 );
		await new Promise( ( resolve ) => setImmediate( resolve ) );
		const third = committer.submit( 3 );
		await new Promise( ( resolve ) => setImmediate( resolve ) );
		expect( committer.pending ).toBe( 1 );
		gate.resolve();
		expect( await Promise.all( [ first, second, third ] ) ).toEqual( [
			1, 2, 3,
		] );
		expect( most ).toBe( 2 );
	} );

	it( 'isolates a failing item: only its request gets the error, the others commit', async () => {
		const committed: number[] = [];
		const gate = deferred();
		const committer = createGroupCommitter< number, number >( {
			async commitBatch( items ) {
				await gate.promise;
				if ( items.includes( 3 ) ) {
					throw new Error( 'batch holds a bad item' );
				}
				committed.push( ...items );
				return items;
			},
			async commitOne( item ) {
				if ( item === 3 ) {
					throw new Error( 'bad item 3' );
				}
				committed.push( item );
				return item;
			},
		} );
		const replies = [ 1, 2, 3, 4 ].map( ( item ) =>
			committer.submit( item ).then( String, ( e: Error ) => e.message )
		);
		gate.resolve();
		expect( await Promise.all( replies ) ).toEqual( [
			'1',
			'2',
			'bad item 3',
			'4',
		] );
		expect( committed.sort() ).toEqual( [ 1, 2, 4 ] );
	} );

	it( 'finishes queued work on close and refuses new work afterwards', async () => {
		const committer = createGroupCommitter< number, number >( {
			async commitBatch( items ) {
				await new Promise( ( r ) => setTimeout( r, 5 ) );
				return items;
			},
		} );
		const replies = [ 1, 2, 3 ].map( ( item ) => committer.submit( item ) );
		await committer.close();
		expect( await Promise.all( replies ) ).toEqual( [ 1, 2, 3 ] );
		await expect( committer.submit( 4 ) ).rejects.toBeInstanceOf(
			GroupCommitClosedError
		);
	} );
} );
