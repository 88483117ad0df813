/**
 * External dependencies
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	backoffDelayMs,
	classifyError,
	ERROR_TABLE,
	type ErrorAction,
} from '../../src/whatsapp/errors';

// What the WhatsApp facts (test/vectors/meta/WHATSAPP.md) say the dispatcher does with each code, written out independently of the table.
const EXPECTED: Array< [ number, ErrorAction, boolean ] > = [
	[ 130429, 'retry_later', true ],
	[ 4, 'retry_later', true ],
	[ 80007, 'retry_later', true ],
	[ 131057, 'retry', true ],
	[ 1, 'retry', true ],
	[ 2, 'retry', true ],
	[ 131000, 'retry', true ],
	[ 131016, 'retry', true ],
	[ 133004, 'retry', true ],
	[ 131056, 'pair_rate', true ],
	[ 131049, 'no_retry_24h', true ],
	[ 131048, 'pause_campaign', true ],
	[ 131050, 'opt_out', false ],
	[ 131026, 'fail', true ],
	// Template faults: a retry copies the template and its mapping, so it would fail the same way (issue 13).
	[ 132000, 'fail_template', false ],
	[ 132001, 'fail_template', false ],
	[ 132005, 'fail_template', false ],
	[ 132007, 'fail_template', false ],
	[ 132012, 'fail_template', false ],
	[ 132015, 'fail_template', false ],
	[ 132016, 'fail_template', false ],
	[ 100, 'fail', false ],
	[ 131008, 'fail', false ],
	[ 131009, 'fail', false ],
	[ 0, 'halt_tenant', true ],
	[ 190, 'halt_tenant', true ],
	[ 3, 'halt_tenant', true ],
	[ 10, 'halt_tenant', true ],
	[ 200, 'halt_tenant', true ],
	[ 250, 'halt_tenant', true ],
	[ 299, 'halt_tenant', true ],
	[ 368, 'halt_tenant', true ],
	[ 131031, 'halt_tenant', true ],
	[ 131042, 'halt_tenant', true ],
	[ 131064, 'halt_tenant', true ],
	[ 130497, 'halt_tenant', true ],
	[ 133010, 'halt_tenant', true ],
];

const RETRYING: ErrorAction[] = [
	'retry',
	'retry_later',
	'pair_rate',
	'no_retry_24h',
];

describe( 'classifyError', () => {
	it.each( EXPECTED )(
		'code %i leads to %s (retryable by "Retry failed": %s)',
		( code, action, retryable ) => {
			const found = classifyError( code );
			expect( found.action ).toBe( action );
			expect( found.retryable ).toBe( retryable );
			expect( found.reason ).toMatch( /^[a-z][a-z0-9_]*$/ );
			expect( found.backoff !== undefined ).toBe(
				RETRYING.includes( action )
			);
		}
	);

	it( 'covers every code listed in the WhatsApp facts table', () => {
		const facts = readFileSync(
			fileURLToPath(
				new URL( '../vectors/meta/WHATSAPP.md', import.meta.url )
			),
			'utf8'
		);
		const section = facts
			.split( '## Error codes' )[ 1 ]
			?.split( '## ' )[ 0 ];
		expect( section ).toBeDefined();
		const listed = new Set< number >();
		for ( const line of ( section ?? '' ).split( '\n' ) ) {
			const first = line.split( '|' )[ 1 ] ?? '';
			for ( const part of first.split( ',' ) ) {
				const range = part.trim().match( /^(\d+)(?:-(\d+))?$/ );
				if ( range ) {
					listed.add( Number( range[ 1 ] ) );
					if ( range[ 2 ] ) {
						listed.add( Number( range[ 2 ] ) );
					}
				}
			}
		}
		expect( listed.size ).toBeGreaterThan( 30 );
		const tested = new Set( EXPECTED.map( ( [ code ] ) => code ) );
		for ( const code of listed ) {
			expect( tested.has( code ), `code ${ code } is tested` ).toBe(
				true
			);
		}
	} );

	it( 'gives every distinct condition its own stable reason', () => {
		const reasons = [ ...ERROR_TABLE.values() ].map( ( c ) => c.reason );
		// 10 and the 200-299 range share "permission_denied"; nothing else repeats.
		expect( new Set( reasons ).size ).toBe( reasons.length );
	} );

	it( 'fails an unknown code for this recipient only, leaving it to "Retry failed"', () => {
		expect( classifyError( 999_999 ) ).toEqual( {
			action: 'fail',
			reason: 'unknown_error',
			retryable: true,
		} );
	} );

	it( 'treats a bad parameter naming the template as a template fault', () => {
		expect(
			classifyError( 100, 'Invalid parameter: template body param 2' )
				.action
		).toBe( 'fail_template' );
		expect(
			classifyError( 100, 'Message must be a template message.' ).action
		).toBe( 'fail_template' );
		expect( classifyError( 100, 'Invalid phone number' ).action ).toBe(
			'fail'
		);
	} );
} );

describe( 'backoffDelayMs', () => {
	it( 'waits 4^x seconds on pair rate, never less', () => {
		const hint = classifyError( 131056 ).backoff!;
		expect( backoffDelayMs( hint, 1, () => 0 ) ).toBe( 1_000 );
		expect( backoffDelayMs( hint, 2, () => 0 ) ).toBe( 4_000 );
		expect( backoffDelayMs( hint, 3, () => 0 ) ).toBe( 16_000 );
		expect( backoffDelayMs( hint, 3, () => 0.999 ) ).toBeLessThan( 20_001 );
	} );

	it( 'never retries a per-user marketing limit within 24 hours', () => {
		const hint = classifyError( 131049 ).backoff!;
		for ( const r of [ 0, 0.5, 0.999 ] ) {
			expect( backoffDelayMs( hint, 1, () => r ) ).toBeGreaterThanOrEqual(
				86_400_000
			);
		}
	} );

	it( 'caps the delay at the hint maximum plus jitter', () => {
		const hint = classifyError( 130429 ).backoff!;
		expect( backoffDelayMs( hint, 30, () => 0 ) ).toBe( hint.maxMs );
	} );
} );
