/**
 * External dependencies
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (site secrets, access tokens, app secrets).
 * Stored as "v1.<iv>.<tag>.<ciphertext>" in base64url so a key rotation can add v2.
 */
export class SecretBox {
	constructor( private readonly key: Buffer ) {
		if ( key.length !== 32 ) {
			throw new Error( 'SecretBox needs a 32-byte key' );
		}
	}

	seal( plain: string | Buffer ): string {
		const iv = randomBytes( 12 );
		const cipher = createCipheriv( 'aes-256-gcm', this.key, iv );
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
		const [ version, iv, tag, data ] = sealed.split( '.' );
		if ( version !== VERSION || ! iv || ! tag || data === undefined ) {
			throw new Error( 'Unrecognised sealed secret' );
		}
		const decipher = createDecipheriv(
			'aes-256-gcm',
			this.key,
			Buffer.from( iv, 'base64url' )
		);
		decipher.setAuthTag( Buffer.from( tag, 'base64url' ) );
		return Buffer.concat( [
			decipher.update( Buffer.from( data, 'base64url' ) ),
			decipher.final(),
		] );
	}

	openString( sealed: string ): string {
		return this.open( sealed ).toString( 'utf8' );
	}
}
