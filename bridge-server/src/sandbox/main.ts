/**
 * The emulator as its own process, for benchmarks and manual tries:
 *
 *   SANDBOX_PORT=8091 SANDBOX_CONFIG='{"latencyMs":150}' node dist/sandbox/main.js
 *
 * Environment: SANDBOX_HOST (127.0.0.1), SANDBOX_PORT (0 = any free port), SANDBOX_CONTROL_TOKEN (the control API
 * exists only when it is set, at least 24 characters), SANDBOX_WEBHOOK_URL_PREFIXES (comma-separated: where accounts
 * created through the control API may send webhooks, e.g. `http://127.0.0.1:8090/v1/webhooks/whatsapp`; none by
 * default), SANDBOX_ALLOWED_HOSTS (comma-separated Host values answered besides loopback ones), SANDBOX_CONFIG (a JSON
 * configuration patch), SANDBOX_ACCOUNTS (a JSON array of accounts). Prints one JSON line `{"url": "..."}` once
 * listening; stops on SIGINT/SIGTERM.
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
	const token = env.SANDBOX_CONTROL_TOKEN || undefined;
	if ( token !== undefined && token.length < 24 ) {
		throw new Error(
			'SANDBOX_CONTROL_TOKEN must be at least 24 characters'
		);
	}
	const list = ( value: string | undefined ) =>
		( value ?? '' )
			.split( ',' )
			.map( ( item ) => item.trim() )
			.filter( ( item ) => item !== '' );
	const app = Fastify( {
		logger: false,
		keepAliveTimeout: 60_000,
		requestTimeout: 30_000,
		connectionTimeout: 120_000,
		onProtoPoisoning: 'error',
		onConstructorPoisoning: 'error',
	} );
	await app.register( sandboxPlugin, {
		sandbox,
		...( token ? { controlToken: token } : {} ),
		allowedHosts: list( env.SANDBOX_ALLOWED_HOSTS ),
		webhookUrlPrefixes: list( env.SANDBOX_WEBHOOK_URL_PREFIXES ),
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
