/**
 * The bridge setting that chooses the Cloud API client's HTTP transport (RONDINE_CLOUD_TRANSPORT): http1 unless told,
 * undici when told, and an unknown name stops the start with a sentence that names the choices.
 */

/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { ConfigError, loadConfig } from '../../src/config';

const dataDir = mkdtempSync( join( tmpdir(), 'rondine-transport-' ) );
const env = {
	RONDINE_BRIDGE_DATA_DIR: dataDir,
	RONDINE_BRIDGE_SECRET_KEY: randomBytes( 32 ).toString( 'base64' ),
};

afterAll( () => {
	rmSync( dataDir, { recursive: true, force: true } );
} );

describe( 'RONDINE_CLOUD_TRANSPORT', () => {
	it( 'is http1 when unset or empty', () => {
		expect( loadConfig( env ).cloudTransport ).toBe( 'http1' );
		expect(
			loadConfig( { ...env, RONDINE_CLOUD_TRANSPORT: '' } ).cloudTransport
		).toBe( 'http1' );
	} );

	it( 'chooses undici or http1 when named', () => {
		expect(
			loadConfig( { ...env, RONDINE_CLOUD_TRANSPORT: 'undici' } )
				.cloudTransport
		).toBe( 'undici' );
		expect(
			loadConfig( { ...env, RONDINE_CLOUD_TRANSPORT: 'http1' } )
				.cloudTransport
		).toBe( 'http1' );
	} );

	it( 'refuses an unknown name with a clear error', () => {
		const start = () =>
			loadConfig( { ...env, RONDINE_CLOUD_TRANSPORT: 'fetch' } );
		expect( start ).toThrow( ConfigError );
		expect( start ).toThrow(
			'RONDINE_CLOUD_TRANSPORT must be one of http1, undici, got "fetch"'
		);
	} );
} );
