/**
 * External dependencies
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Internal dependencies
 */
import { signRequest } from '../../src/crypto/signing';

const dist = join(
	dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'..',
	'dist'
);

export function freePort(): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const server = createServer();
		server.once( 'error', reject );
		server.listen( 0, '127.0.0.1', () => {
			const address = server.address();
			server.close( () =>
				resolve(
					typeof address === 'object' && address ? address.port : 0
				)
			);
		} );
	} );
}

export interface Child {
	process: ChildProcess;
	exited: Promise< number | null >;
	output: string[];
	kill: ( signal?: NodeJS.Signals ) => Promise< void >;
}

/** Spawns `node dist/<script>` and resolves once a stdout line matches `ready`. */
function spawnNode(
	script: string,
	env: Record< string, string >,
	ready: ( line: string ) => boolean
): Promise< { child: Child; line: string } > {
	const proc = spawn( process.execPath, [ join( dist, script ) ], {
		env: { ...process.env, ...env },
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	const output: string[] = [];
	const exited = new Promise< number | null >( ( resolve ) =>
		proc.once( 'exit', ( code ) => resolve( code ) )
	);
	const child: Child = {
		process: proc,
		exited,
		output,
		async kill( signal = 'SIGKILL' ) {
			if ( proc.exitCode === null && proc.signalCode === null ) {
				proc.kill( signal );
			}
			await exited;
		},
	};
	proc.stderr?.on( 'data', ( chunk: Buffer ) =>
		output.push( chunk.toString() )
	);
	return new Promise( ( resolve, reject ) => {
		const lines = createInterface( {
			input: proc.stdout as NodeJS.ReadableStream,
		} );
		const timer = setTimeout( () => {
			// Never leave a half-started process behind.
			proc.kill( 'SIGKILL' );
			reject(
				new Error( `${ script } did not start: ${ output.join( '' ) }` )
			);
		}, 20_000 );
		lines.on( 'line', ( line ) => {
			output.push( line );
			if ( ready( line ) ) {
				clearTimeout( timer );
				resolve( { child, line } );
			}
		} );
		void exited.then( ( code ) => {
			clearTimeout( timer );
			reject(
				new Error(
					`${ script } exited with ${ code }: ${ output.join( '\n' ) }`
				)
			);
		} );
	} );
}

export interface EmulatorProcess {
	url: string;
	/** The control API's token (SANDBOX_CONTROL_TOKEN; a bridge using this emulator needs it). */
	token: string;
	child: Child;
	get: < T >( path: string ) => Promise< T >;
	post: ( path: string, body: unknown ) => Promise< void >;
}

/**
 * The WhatsApp emulator as its own process (src/sandbox/main.ts), with its control API behind a fresh token.
 *
 * @param config                     The emulator's configuration patch.
 * @param options
 * @param options.webhookUrlPrefixes Where accounts created through the control API may send webhooks (bridges' URLs).
 */
export async function startEmulatorProcess(
	config: Record< string, unknown >,
	options: { webhookUrlPrefixes?: string[] } = {}
): Promise< EmulatorProcess > {
	const token = randomBytes( 24 ).toString( 'hex' );
	const { child, line } = await spawnNode(
		'sandbox/main.js',
		{
			SANDBOX_CONFIG: JSON.stringify( config ),
			SANDBOX_PORT: '0',
			SANDBOX_CONTROL_TOKEN: token,
			SANDBOX_WEBHOOK_URL_PREFIXES: (
				options.webhookUrlPrefixes ?? []
			).join( ',' ),
		},
		( l ) => l.startsWith( '{"url"' )
	);
	const url = ( JSON.parse( line ) as { url: string } ).url;
	const authorization = `Bearer ${ token }`;
	return {
		url,
		token,
		child,
		async get< T >( path: string ) {
			return ( await (
				await fetch( `${ url }${ path }`, {
					headers: { authorization },
				} )
			).json() ) as T;
		},
		async post( path: string, body: unknown ) {
			const response = await fetch( `${ url }${ path }`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization },
				body: JSON.stringify( body ),
			} );
			if ( ! response.ok ) {
				throw new Error(
					`emulator ${ path }: HTTP ${ response.status }`
				);
			}
		},
	};
}

/** A bridge process (src/main.ts) with the given environment; resolves once it listens and its engine runs. */
export async function startBridgeProcess(
	env: Record< string, string >
): Promise< Child > {
	const { child } = await spawnNode(
		'main.js',
		{ RONDINE_LOG_LEVEL: 'info', RONDINE_BRIDGE_HOST: '127.0.0.1', ...env },
		( l ) => l.includes( '"bridge listening"' )
	);
	return child;
}

/** A signed request to a bridge over real HTTP, as the plugin sends it. */
export async function signedFetch(
	baseUrl: string,
	tenant: { id: string; secret: Buffer },
	method: string,
	path: string,
	body?: unknown
): Promise< { status: number; json: any } > {
	const payload = body === undefined ? '' : JSON.stringify( body );
	const response = await fetch( `${ baseUrl }${ path }`, {
		method,
		headers: {
			...signRequest(
				tenant.id,
				tenant.secret,
				method,
				path,
				payload,
				Date.now() / 1000
			),
			...( payload ? { 'content-type': 'application/json' } : {} ),
		},
		...( payload ? { body: payload } : {} ),
	} );
	const text = await response.text();
	return { status: response.status, json: text ? JSON.parse( text ) : null };
}
