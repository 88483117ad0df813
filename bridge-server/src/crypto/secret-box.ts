/**
 * External dependencies
 */
import {
	createCipheriv,
	createDecipheriv,
	hkdfSync,
	randomBytes,
} from 'node:crypto';

/** Sealed with the key derived for encryption (HKDF, below). */
const VERSION = 'v2';
/** Sealed before 0.2 with the bridge key itself: still opened, never written. */
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;
/** GCM's full tag: a shorter one given to decrypt is refused (a truncated tag is easier to forge). */
const TAG_BYTES = 16;

/** HKDF `info` labels: one key per purpose, so the AES key and the HMAC keys are never the same bytes. */
export const KEY_LABELS = {
	secretBox: 'rondine bridge v2: secret box aes-256-gcm',
	sandbox: 'rondine bridge v2: sandbox credentials hmac-sha256',
} as const;

/** A 32-byte key for one purpose, derived from the bridge key (HKDF-SHA256, empty salt, distinct info labels). */
export function deriveKey(
	bridgeKey: Buffer,
	label: ( typeof KEY_LABELS )[ keyof typeof KEY_LABELS ]
): Buffer {
	return Buffer.from(
		hkdfSync( 'sha256', bridgeKey, Buffer.alloc( 0 ), label, 32 )
	);
}

/**
 * AES-256-GCM for secrets at rest (site secrets, access tokens, app secrets), under a key derived from the bridge key
 * for this purpose only. Stored as "v2.<iv>.<tag>.<ciphertext>" in base64url; "v1." values (sealed with the bridge key
 * itself by earlier versions) are still opened, so an upgraded bridge reads what it stored before.
 */
export class SecretBox {
	private readonly key: Buffer;
	private readonly legacyKey: Buffer;

	constructor( bridgeKey: Buffer ) {
		if ( bridgeKey.length !== 32 ) {
			throw new Error( 'SecretBox needs a 32-byte key' );
		}
		this.key = deriveKey( bridgeKey, KEY_LABELS.secretBox );
		this.legacyKey = Buffer.from( bridgeKey );
	}

	seal( plain: string | Buffer ): string {
		const iv = randomBytes( IV_BYTES );
		const cipher = createCipheriv( 'aes-256-gcm', this.key, iv, {
			authTagLength: TAG_BYTES,
		} );
		const data = Buffer.concat( [
			cipher.update( plain ),
			cipher.final(),
		] );
		return [ VERSION, iv, cipher.getAuthTag(), data ]
			.map( ( part ) =>
				typeof part === 'string' ? part : part.toString( 'base64url' )
			)
			.join( '.' );
	}

	open( sealed: string ): Buffer {
		const parts = sealed.split( '.' );
		const [ version, iv, tag, data ] = parts;
		let key: Buffer | null = null;
		if ( version === VERSION ) {
			key = this.key;
		} else if ( version === LEGACY_VERSION ) {
			key = this.legacyKey;
		}
		if (
			parts.length !== 4 ||
			! key ||
			! iv ||
			! tag ||
			data === undefined
		) {
			throw new Error( 'Unrecognised sealed secret' );
		}
		const ivBytes = Buffer.from( iv, 'base64url' );
		const tagBytes = Buffer.from( tag, 'base64url' );
		if ( ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES ) {
			throw new Error( 'Unrecognised sealed secret' );
		}
		const decipher = createDecipheriv( 'aes-256-gcm', key, ivBytes, {
			authTagLength: TAG_BYTES,
		} );
		decipher.setAuthTag( tagBytes );
		return Buffer.concat( [
			decipher.update( Buffer.from( data, 'base64url' ) ),
			decipher.final(),
		] );
	}

	openString( sealed: string ): string {
		return this.open( sealed ).toString( 'utf8' );
	}

	/** Whether a sealed value predates the derived key (then `reseal` rewrites it). */
	static isLegacy( sealed: string ): boolean {
		return sealed.startsWith( `${ LEGACY_VERSION }.` );
	}

	/** The same secret sealed under the current key. */
	reseal( sealed: string ): string {
		return this.seal( this.open( sealed ) );
	}
}
