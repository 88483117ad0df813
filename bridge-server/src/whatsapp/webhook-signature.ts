/**
 * External dependencies
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const PREFIX = 'sha256=';

/**
 * The `X-Hub-Signature-256` value Meta sends with a webhook: `sha256=` and the hex HMAC-SHA256 of the raw body bytes,
 * keyed with the app secret.
 *
 * @param appSecret The Meta app's secret.
 * @param rawBody   The exact bytes of the body.
 */
export function signWebhook(
	appSecret: string,
	rawBody: Buffer | string
): string {
	return (
		PREFIX +
		createHmac( 'sha256', appSecret ).update( rawBody ).digest( 'hex' )
	);
}

/**
 * Whether a webhook body was signed with this app secret. Works on the raw bytes as received (a re-serialised body
 * differs), compares in constant time, and fails closed: a missing or malformed header is a wrong signature.
 *
 * @param appSecret The Meta app's secret.
 * @param rawBody   The exact bytes received.
 * @param header    The `X-Hub-Signature-256` header, if any.
 */
export function verifyWebhookSignature(
	appSecret: string,
	rawBody: Buffer | string,
	header: string | string[] | undefined
): boolean {
	if ( typeof header !== 'string' || ! header.startsWith( PREFIX ) ) {
		return false;
	}
	const given = header.slice( PREFIX.length );
	if ( ! /^[0-9a-fA-F]{64}$/.test( given ) ) {
		return false;
	}
	const expected = createHmac( 'sha256', appSecret )
		.update( rawBody )
		.digest();
	return timingSafeEqual( Buffer.from( given, 'hex' ), expected );
}
