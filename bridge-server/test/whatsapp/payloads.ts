/**
 * External dependencies
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Meta's example payloads, copied verbatim into test/vectors/meta (see its SOURCES.md). */
export const PAYLOADS_DIR = fileURLToPath(
	new URL( '../vectors/meta/whatsapp-payloads/', import.meta.url )
);

export const OPENAPI_FILE = fileURLToPath(
	new URL( '../vectors/meta/whatsapp-openapi-v23.yaml', import.meta.url )
);

/** The exact bytes of one payload file. */
export function payloadBytes( name: string ): Buffer {
	return readFileSync( PAYLOADS_DIR + name );
}

export function payload( name: string ): unknown {
	return JSON.parse( payloadBytes( name ).toString( 'utf8' ) );
}

export function payloadNames(): string[] {
	return readdirSync( PAYLOADS_DIR ).filter( ( n ) => n.endsWith( '.json' ) );
}
