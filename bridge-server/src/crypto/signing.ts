/**
 * External dependencies
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock, and how long a seen signature is remembered. */
export const SIGNATURE_WINDOW_SECONDS = 300;

// A type (not an interface) so it can be passed where a header record is expected.
export type SignedHeaders = {
	'x-rondine-site': string;
	'x-rondine-timestamp': string;
	'x-rondine-signature': string;
};

export function sha256Hex( body: string | Buffer ): string {
	return createHash( 'sha256' ).update( body ).digest( 'hex' );
}

/**
 * HMAC-SHA256( secret, METHOD \n PATH \n TIMESTAMP \n hex(sha256(body)) ), hex.
 * The same function signs the bridge's calls to a site and checks the site's calls to the bridge.
 */
export function computeSignature(
	secret: Buffer,
	method: string,
	path: string,
	timestamp: string,
	body: string | Buffer
): string {
	return createHmac( 'sha256', secret )
		.update(
			`${ method.toUpperCase() }\n${ path }\n${ timestamp }\n${ sha256Hex( body ) }`
		)
		.digest( 'hex' );
}

export function signRequest(
	siteId: string,
	secret: Buffer,
	method: string,
	path: string,
	body: string | Buffer,
	nowSeconds: number
): SignedHeaders {
	const timestamp = String( Math.floor( nowSeconds ) );
	return {
		'x-rondine-site': siteId,
		'x-rondine-timestamp': timestamp,
		'x-rondine-signature': computeSignature(
			secret,
			method,
			path,
			timestamp,
			body
		),
	};
}

export function signaturesEqual(
	expectedHex: string,
	givenHex: string
): boolean {
	if ( ! /^[0-9a-f]{64}$/i.test( givenHex ) ) {
		return false;
	}
	const a = Buffer.from( expectedHex, 'hex' );
	const b = Buffer.from( givenHex.toLowerCase(), 'hex' );
	return a.length === b.length && timingSafeEqual( a, b );
}
