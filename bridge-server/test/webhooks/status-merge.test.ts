/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	counterDelta,
	EMPTY_MESSAGE_STATE,
	mergeStatus,
	type MessageState,
	type MessageStatus,
	type StatusUpdate,
} from '../../src/webhooks/status-merge';

function applyAll(
	updates: StatusUpdate[],
	start: MessageState = EMPTY_MESSAGE_STATE
): MessageState {
	return updates.reduce( mergeStatus, start );
}

function permutations< T >( items: T[] ): T[][] {
	if ( items.length <= 1 ) {
		return [ items ];
	}
	return items.flatMap( ( item, index ) =>
		permutations( [
			...items.slice( 0, index ),
			...items.slice( index + 1 ),
		] ).map( ( rest ) => [ item, ...rest ] )
	);
}

const sent: StatusUpdate = { status: 'sent', timestamp: 100 };
const delivered: StatusUpdate = { status: 'delivered', timestamp: 110 };
const read: StatusUpdate = { status: 'read', timestamp: 120 };
const failed: StatusUpdate = { status: 'failed', timestamp: 105 };

describe( 'mergeStatus', () => {
	it( 'moves forward through sent, delivered and read with each time recorded', () => {
		expect( applyAll( [ sent, delivered, read ] ) ).toEqual( {
			status: 'read',
			sentAt: 100,
			deliveredAt: 110,
			readAt: 120,
			failedAt: null,
		} );
	} );

	it( 'ends in the same state whatever the order of sent, delivered and read', () => {
		const expected = applyAll( [ sent, delivered, read ] );
		for ( const order of permutations( [ sent, delivered, read ] ) ) {
			expect( applyAll( order ) ).toEqual( expected );
		}
	} );

	it( 'never lowers a read message when a late sent arrives, but keeps its sent time', () => {
		const state = applyAll( [ read, sent ] );
		expect( state.status ).toBe( 'read' );
		expect( state.sentAt ).toBe( 100 );
	} );

	it( 'treats read without delivered as delivered at the read time', () => {
		const state = applyAll( [ read ] );
		expect( state ).toMatchObject( {
			status: 'read',
			deliveredAt: 120,
			readAt: 120,
		} );
		expect( counterDelta( null, state.status ) ).toEqual( {
			sent: 1,
			delivered: 1,
			read: 1,
			failed: 0,
		} );
	} );

	it( 'keeps a failed message failed when a late sent arrives', () => {
		expect( applyAll( [ failed, sent ] ).status ).toBe( 'failed' );
		expect( applyAll( [ sent, failed ] ).status ).toBe( 'failed' );
	} );

	it( 'ignores a failure reported for a message already delivered or read', () => {
		expect( applyAll( [ delivered, failed ] ) ).toEqual(
			applyAll( [ delivered ] )
		);
		expect( applyAll( [ read, failed ] ) ).toEqual( applyAll( [ read ] ) );
	} );

	it( 'lets proof of delivery win over an earlier failure report, in any order', () => {
		for ( const order of permutations( [ sent, failed, delivered ] ) ) {
			expect( applyAll( order ) ).toMatchObject( {
				status: 'delivered',
				failedAt: null,
			} );
		}
	} );

	it( 'returns the very same object for a duplicate, so duplicates are recognisable', () => {
		const once = applyAll( [ sent, delivered ] );
		expect( mergeStatus( once, delivered ) ).toBe( once );
		expect( mergeStatus( once, sent ) ).toBe( once );
	} );

	it( 'keeps the earliest time when copies of one status carry different timestamps', () => {
		const state = applyAll( [
			{ status: 'delivered', timestamp: 200 },
			{ status: 'delivered', timestamp: 150 },
		] );
		expect( state.deliveredAt ).toBe( 150 );
	} );

	it( 'is idempotent and order-free over every sequence of up to three copies of each status', () => {
		const all: StatusUpdate[] = [ sent, delivered, read, failed ];
		// Every non-empty subset of statuses, each sequence given forwards then backwards.
		const subsets = all.reduce< StatusUpdate[][] >(
			( sets, update ) => [
				...sets,
				...sets.map( ( set ) => [ ...set, update ] ),
			],
			[ [] ]
		);
		for ( const chosen of subsets.filter( ( set ) => set.length > 0 ) ) {
			const reference = applyAll( chosen );
			for ( const order of permutations( chosen ) ) {
				expect(
					applyAll( [ ...order, ...order.slice().reverse() ] )
				).toEqual( reference );
			}
		}
	} );
} );

describe( 'counterDelta', () => {
	const cases: Array<
		[ MessageStatus | null, MessageStatus | null, Record< string, number > ]
	> = [
		[ null, 'sent', { sent: 1, delivered: 0, read: 0, failed: 0 } ],
		[ 'accepted', 'sent', { sent: 1, delivered: 0, read: 0, failed: 0 } ],
		[ 'sent', 'delivered', { sent: 0, delivered: 1, read: 0, failed: 0 } ],
		[ 'delivered', 'read', { sent: 0, delivered: 0, read: 1, failed: 0 } ],
		[ 'accepted', 'read', { sent: 1, delivered: 1, read: 1, failed: 0 } ],
		[ 'sent', 'failed', { sent: -1, delivered: 0, read: 0, failed: 1 } ],
		[
			'failed',
			'delivered',
			{ sent: 1, delivered: 1, read: 0, failed: -1 },
		],
		[ 'read', 'read', { sent: 0, delivered: 0, read: 0, failed: 0 } ],
	];
	it.each( cases )(
		'from %s to %s moves the milestone counters by %o',
		( from, to, delta ) => {
			expect( counterDelta( from, to ) ).toEqual( delta );
		}
	);
} );
