/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { TokenBucket, pairRateAdmit } from '../../src/sandbox/limits';
import { newWamid } from '../../src/sandbox/wamid';

describe( 'TokenBucket', () => {
	it( 'allows the burst, then the rate', () => {
		const bucket = new TokenBucket( 10, 10, 0 );
		let taken = 0;
		for ( let i = 0; i < 20; i++ ) {
			taken += bucket.tryTake( 0 ) ? 1 : 0;
		}
		expect( taken ).toBe( 10 );
		expect( bucket.tryTake( 50 ) ).toBe( false );
		expect( bucket.tryTake( 100 ) ).toBe( true );
		expect( bucket.tryTake( 100 ) ).toBe( false );
	} );

	it( 'keeps earned tokens when the rate is upgraded', () => {
		const bucket = new TokenBucket( 80, 80, 0 );
		for ( let i = 0; i < 80; i++ ) {
			bucket.tryTake( 0 );
		}
		bucket.setRate( 1_000, 1_000, 0 );
		expect( bucket.tryTake( 0 ) ).toBe( false );
		expect( bucket.tryTake( 1 ) ).toBe( true );
	} );
} );

describe( 'pair rate', () => {
	it( 'allows a burst of 45 to one recipient, then one per 6 seconds, borrowing from the future', () => {
		let tat = 0;
		let admitted = 0;
		for ( let i = 0; i < 50; i++ ) {
			const next = pairRateAdmit( tat, 0, 6_000, 45 );
			if ( next !== null ) {
				tat = next;
				admitted++;
			}
		}
		expect( admitted ).toBe( 45 );
		// The burst is paid back: after 6 s only one more, after 45 × 6 s the full burst again.
		expect( pairRateAdmit( tat, 6_000, 6_000, 45 ) ).not.toBeNull();
		expect( pairRateAdmit( tat + 6_000, 6_000, 6_000, 45 ) ).toBeNull();
		expect( pairRateAdmit( tat, 45 * 6_000, 6_000, 45 ) ).toBe(
			46 * 6_000
		);
	} );
} );

describe( 'wamid', () => {
	it( "has Meta's layout and never repeats", () => {
		const ids = new Set(
			Array.from( { length: 10_000 }, () => newWamid( '393471234567' ) )
		);
		expect( ids.size ).toBe( 10_000 );
		const [ id ] = ids;
		const record = Buffer.from( id!.slice( 'wamid.'.length ), 'base64' );
		expect( [ ...record.subarray( 0, 3 ) ] ).toEqual( [ 0x1c, 0x18, 12 ] );
		expect( record.subarray( 3, 15 ).toString() ).toBe( '393471234567' );
		// Meta's own example decodes the same way.
		const meta = Buffer.from(
			'HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA',
			'base64'
		);
		expect( [ ...meta.subarray( 0, 3 ) ] ).toEqual( [ 0x1c, 0x18, 11 ] );
		expect( [ ...meta.subarray( 14, 19 ) ] ).toEqual( [
			...record.subarray( 15, 20 ),
		] );
	} );
} );
