/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	signWebhook,
	verifyWebhookSignature,
} from '../../src/whatsapp/webhook-signature';
import { payloadBytes } from './payloads';

const SECRET = '6c3f1b2e9d8a7f60a5b4c3d2e1f00a1b';

// Expected values computed independently (Python's hmac module) over the payload files' exact bytes.
const VECTORS: Array< [ string, string ] > = [
	[
		'status_sent_marketing_with_conversation_and_pricing.json',
		'sha256=11a7178aede5358d2e22f6ccaf45d7c80b2f3babb73e3f0f27bc81392032a6e2',
	],
	[
		'user_preferences_resume_marketing.json',
		'sha256=fce188dd970a8916878a696da7c3a963ba99ef196e32c9e3135146b857f1d1ca',
	],
];

describe( 'webhook signature', () => {
	it( 'matches the RFC-style HMAC-SHA256 reference value', () => {
		expect(
			signWebhook( 'key', 'The quick brown fox jumps over the lazy dog' )
		).toBe(
			'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
		);
	} );

	it.each( VECTORS )( 'signs %s over its raw bytes', ( name, expected ) => {
		const raw = payloadBytes( name );
		expect( signWebhook( SECRET, raw ) ).toBe( expected );
		expect( verifyWebhookSignature( SECRET, raw, expected ) ).toBe( true );
		expect(
			verifyWebhookSignature(
				SECRET,
				raw,
				expected.toUpperCase().replace( 'SHA256=', 'sha256=' )
			)
		).toBe( true );
	} );

	it( 'rejects a re-serialised body, which is not the bytes Meta signed', () => {
		const [ name, expected ] = VECTORS[ 0 ]!;
		const raw = payloadBytes( name );
		const reserialised = JSON.stringify( JSON.parse( raw.toString() ) );
		expect( verifyWebhookSignature( SECRET, reserialised, expected ) ).toBe(
			false
		);
	} );

	it( 'fails closed on a missing, malformed, truncated or foreign signature', () => {
		const raw = payloadBytes( VECTORS[ 0 ]![ 0 ] );
		const good = signWebhook( SECRET, raw );
		const bad: Array< string | string[] | undefined > = [
			undefined,
			'',
			[ good ],
			good.slice( 'sha256='.length ),
			'sha1=' + good.slice( 'sha256='.length ),
			good.slice( 0, -2 ),
			good + '00',
			'sha256=' + 'z'.repeat( 64 ),
			signWebhook( 'another-app-secret', raw ),
		];
		for ( const header of bad ) {
			expect( verifyWebhookSignature( SECRET, raw, header ) ).toBe(
				false
			);
		}
	} );

	it( 'detects a single flipped byte in the body', () => {
		const raw = Buffer.from( payloadBytes( VECTORS[ 1 ]![ 0 ] ) );
		const good = signWebhook( SECRET, raw );
		raw[ 10 ] = raw[ 10 ] === 0x41 ? 0x42 : 0x41;
		expect( verifyWebhookSignature( SECRET, raw, good ) ).toBe( false );
	} );
} );
