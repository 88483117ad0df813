/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';

// Meta's wamids are base64 of a small binary record: 0x1c 0x18, the recipient's wa_id with its length, a fixed
// marker, then an 18-20 character upper-case hex id. Ours have the same layout, so they look and sort the same.
// A wamid is a function of the recipient and a per-process message number, so the emulator keeps only the number.
const PROCESS_PART = randomBytes( 4 ).toString( 'hex' ).toUpperCase();
let counter = 0;

/** The number of a new message, unique in this process. */
export function nextMessageNumber(): number {
	counter++;
	return counter;
}

/**
 * The wamid of message number `n` to `waId`.
 *
 * @param waId The recipient's WhatsApp id (digits).
 * @param n    From nextMessageNumber().
 */
export function wamidOf( waId: string, n: number ): string {
	const id =
		PROCESS_PART + n.toString( 16 ).toUpperCase().padStart( 12, '0' );
	const phone = Buffer.from( waId, 'ascii' );
	const record = Buffer.concat( [
		Buffer.from( [ 0x1c, 0x18, phone.length ] ),
		phone,
		Buffer.from( [ 0x15, 0x02, 0x00, 0x11, 0x18, id.length ] ),
		Buffer.from( id, 'ascii' ),
		Buffer.from( [ 0x00 ] ),
	] );
	return 'wamid.' + record.toString( 'base64' );
}

/**
 * A new, unique message id for a message to `waId`.
 *
 * @param waId The recipient's WhatsApp id (digits).
 */
export function newWamid( waId: string ): string {
	return wamidOf( waId, nextMessageNumber() );
}
