/**
 * External dependencies
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Internal dependencies
 */
import { readEdgeConfig, type EdgeConfig } from './http/edge-config.js';
import {
	CLOUD_TRANSPORTS,
	isCloudTransportName,
	type CloudTransportName,
} from './whatsapp/transport.js';

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	/** postgres://... when the bridge runs on PostgreSQL; undefined for the embedded SQLite file. */
	databaseUrl: string | undefined;
	publicUrl: string;
	/** 32-byte key for AES-256-GCM of secrets at rest. */
	secretKey: Buffer;
	graphUrl: string;
	graphVersion: string;
	/** The Cloud API client's HTTP transport (`RONDINE_CLOUD_TRANSPORT`): `http1` (default) or `undici`. */
	cloudTransport: CloudTransportName;
	logLevel: string;
	/** Serve the WhatsApp emulator under /sandbox (tenants without Meta credentials use it). */
	sandbox: boolean;
	/** An emulator running as its own process (benchmarks, crash tests): sandbox tenants send there instead. */
	sandboxUrl: string | undefined;
	/** Control API token, site URL policy, timeouts, failure limits (src/http/edge-config.ts). */
	edge: EdgeConfig;
}

export class ConfigError extends Error {}

function readPort( value: string | undefined, fallback: number ): number {
	if ( value === undefined || value === '' ) {
		return fallback;
	}
	const port = Number( value );
	if ( ! Number.isInteger( port ) || port < 0 || port > 65535 ) {
		throw new ConfigError(
			`RONDINE_BRIDGE_PORT must be a port number, got "${ value }"`
		);
	}
	return port;
}

/**
 * The key comes from the environment in production. In development a key is
 * generated once into the data folder so that restarts can still decrypt.
 */
function readSecretKey( value: string | undefined, dataDir: string ): Buffer {
	if ( value ) {
		const key = Buffer.from( value, 'base64' );
		if ( key.length !== 32 ) {
			throw new ConfigError(
				'RONDINE_BRIDGE_SECRET_KEY must be 32 bytes, base64-encoded'
			);
		}
		return key;
	}
	const file = join( dataDir, 'secret.key' );
	if ( existsSync( file ) ) {
		const key = Buffer.from(
			readFileSync( file, 'utf8' ).trim(),
			'base64'
		);
		if ( key.length !== 32 ) {
			throw new ConfigError(
				`${ file } does not hold a 32-byte base64 key`
			);
		}
		return key;
	}
	const key = randomBytes( 32 );
	writeFileSync( file, key.toString( 'base64' ) + '\n', { mode: 0o600 } );
	return key;
}

/**
 * The Cloud API client's transport: `http1` when unset; an unknown name stops the start.
 *
 * @param value `RONDINE_CLOUD_TRANSPORT`.
 */
export function readCloudTransport(
	value: string | undefined
): CloudTransportName {
	if ( value === undefined || value === '' ) {
		return CLOUD_TRANSPORTS[ 0 ];
	}
	if ( ! isCloudTransportName( value ) ) {
		throw new ConfigError(
			`RONDINE_CLOUD_TRANSPORT must be one of ${ CLOUD_TRANSPORTS.join(
				', '
			) }, got "${ value }"`
		);
	}
	return value;
}

export function loadConfig( env: NodeJS.ProcessEnv = process.env ): Config {
	const port = readPort( env.RONDINE_BRIDGE_PORT, 8090 );
	const host = env.RONDINE_BRIDGE_HOST || '127.0.0.1';
	const dataDir = resolve( env.RONDINE_BRIDGE_DATA_DIR || '.rondine/bridge' );
	mkdirSync( dataDir, { recursive: true } );
	const databaseUrl = env.DATABASE_URL || undefined;
	if ( databaseUrl && ! /^postgres(ql)?:\/\//.test( databaseUrl ) ) {
		throw new ConfigError(
			'DATABASE_URL must start with postgres:// or postgresql://'
		);
	}
	const publicUrl = (
		env.RONDINE_BRIDGE_PUBLIC_URL || `http://${ host }:${ port }`
	).replace( /\/+$/, '' );
	return {
		port,
		host,
		dataDir,
		databaseUrl,
		publicUrl,
		secretKey: readSecretKey( env.RONDINE_BRIDGE_SECRET_KEY, dataDir ),
		graphUrl: (
			env.RONDINE_WHATSAPP_GRAPH_URL || 'https://graph.facebook.com'
		).replace( /\/+$/, '' ),
		graphVersion: env.RONDINE_WHATSAPP_GRAPH_VERSION || 'v23.0',
		cloudTransport: readCloudTransport( env.RONDINE_CLOUD_TRANSPORT ),
		logLevel: env.RONDINE_LOG_LEVEL || 'info',
		sandbox: env.RONDINE_BRIDGE_SANDBOX !== '0',
		sandboxUrl: env.RONDINE_SANDBOX_URL
			? env.RONDINE_SANDBOX_URL.replace( /\/+$/, '' )
			: undefined,
		edge: readEdgeConfig( env ),
	};
}
