/**
 * The emulator as its own process, for benchmarks and manual tries:
 *
 *   SANDBOX_PORT=8091 SANDBOX_CONFIG='{"latencyMs":150}' node dist/sandbox/main.js
 *
 * Environment: SANDBOX_HOST (127.0.0.1), SANDBOX_PORT (0 = any free port), SANDBOX_CONTROL_TOKEN (optional),
 * SANDBOX_CONFIG (a JSON configuration patch), SANDBOX_ACCOUNTS (a JSON array of accounts). Prints one JSON line
 * `{"url": "..."}` once listening; stops on SIGINT/SIGTERM.
 */

/**
 * External dependencies
 */
import Fastify from 'fastify';

/**
 * Internal dependencies
 */
import { Sandbox, sandboxPlugin, type SandboxAccountInput } from './index.js';

async function main(): Promise< void > {
	const env = process.env;
	const sandbox = new Sandbox(
		env.SANDBOX_CONFIG ? JSON.parse( env.SANDBOX_CONFIG ) : {}
	);
	const accounts = env.SANDBOX_ACCOUNTS
		? ( JSON.parse( env.SANDBOX_ACCOUNTS ) as SandboxAccountInput[] )
		: [];
	for ( const account of accounts ) {
		sandbox.ensureAccount( account );
	}
	const app = Fastify( { logger: false, keepAliveTimeout: 60_000 } );
	await app.register( sandboxPlugin, {
		sandbox,
		...( env.SANDBOX_CONTROL_TOKEN
			? { controlToken: env.SANDBOX_CONTROL_TOKEN }
			: {} ),
	} );
	const url = await app.listen( {
		host: env.SANDBOX_HOST ?? '127.0.0.1',
		port: Number( env.SANDBOX_PORT ?? 0 ),
	} );
	process.stdout.write( JSON.stringify( { url } ) + '\n' );
	const stop = async () => {
		await app.close();
		await sandbox.close();
		process.exit( 0 );
	};
	process.once( 'SIGINT', stop );
	process.once( 'SIGTERM', stop );
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`sandbox: ${ error instanceof Error ? error.message : String( error ) }\n`
	);
	process.exit( 1 );
} );
