/**
 * The bridge process: configuration from the environment, storage (migrated at boot), the HTTP API with the emulator
 * under /sandbox, the scheduler and the dispatcher; SIGINT/SIGTERM stop it gracefully.
 */

/**
 * External dependencies
 */
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';

/**
 * Internal dependencies
 */
import { createBridge } from './bridge.js';
import { loadConfig } from './config.js';
import { CloudMessenger } from './dispatch/cloud-messenger.js';
import type { SandboxAccountInput } from './sandbox/index.js';
import { migrate, openStorage, sqliteFileIn } from './storage/database.js';
import { webhooksPlugin } from './webhooks/index.js';

/** Tells an emulator running as its own process about a sandbox tenant (its control API). */
async function registerExternalSandboxAccount(
	url: string,
	token: string | undefined,
	account: SandboxAccountInput
): Promise< void > {
	const response = await fetch( `${ url }/_control/accounts`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...( token ? { authorization: `Bearer ${ token }` } : {} ),
		},
		body: JSON.stringify( account ),
	} );
	if ( ! response.ok ) {
		throw new Error(
			`the emulator at ${ url } refused the account: HTTP ${ response.status }`
		);
	}
}

/**
 * V8 grows the old generation by a factor it picks from the GC's speed (up to 4x) before collecting it again. Sending
 * 1,000 messages a second, most of what reaches the old generation is short-lived (requests in flight), so the heap
 * grew to two or three times what is live before each major GC: a 100k campaign peaked at 210 to 240 MB RSS. A 10 %
 * growth step keeps it near what is live (docs/BENCHMARKS.md, "Bridge dispatch"; 15 % until the fourth session, when
 * collecting on one thread, bin/rondine-bridge, made each major GC cheaper and the peak higher). Not a limit: the heap
 * still grows as far as it needs, only collected sooner. Set at run time because this flag is read at each GC, so it holds however
 * the process was started; the young generation's size can only be set at start (bin/rondine-bridge). A
 * `--heap-growing-percent` given to node wins.
 */
function tuneHeapGrowth(): void {
	if (
		! process.execArgv.some( ( flag ) =>
			/^--heap[-_]growing[-_]percent/.test( flag )
		)
	) {
		setFlagsFromString( '--heap-growing-percent=10' );
	}
}

async function main(): Promise< void > {
	tuneHeapGrowth();
	const config = loadConfig();
	const log = pino( {
		level: config.logLevel,
		base: { service: 'rondine-bridge' },
	} );
	const storage = openStorage( {
		databaseUrl: config.databaseUrl,
		sqliteFile: sqliteFileIn( config.dataDir ),
		poolSize: Number( process.env.RONDINE_BRIDGE_DB_POOL || 10 ),
	} );
	await migrate( storage.db );
	const messenger = new CloudMessenger( {
		transport: config.cloudTransport,
		connections: 256,
		headersTimeoutMs: 30_000,
		bodyTimeoutMs: 30_000,
	} );
	// The emulator's code (and its own phone metadata) is loaded only when this process serves it.
	const sandbox =
		config.sandbox && ! config.sandboxUrl
			? await import( './sandbox/index.js' )
			: null;
	const bridge = await createBridge( {
		storage,
		secretKey: config.secretKey,
		publicUrl: config.publicUrl,
		graphUrl: config.graphUrl,
		graphVersion: config.graphVersion,
		messenger,
		directory: messenger,
		logger: log,
		httpLogger: process.env.RONDINE_LOG_REQUESTS === '1',
		edge: config.edge,
		allowedHosts: config.edge.allowedHosts,
		...( config.sandboxUrl
			? {
					sandboxGraphUrl: config.sandboxUrl,
					onSandboxTenant: ( tenant, account, appSecret ) =>
						registerExternalSandboxAccount(
							config.sandboxUrl as string,
							config.edge.sandboxControlToken,
							{
								tenantId: tenant.id,
								phoneNumberId: account.phoneNumberId,
								wabaId: account.wabaId,
								token: account.accessToken,
								appSecret,
								webhookUrl: `${ config.publicUrl }/v1/webhooks/whatsapp`,
								throughputMps: tenant.throughput_mps,
								tier: tenant.messaging_limit_tier,
								qualityRating: tenant.quality,
							}
						),
				}
			: {} ),
		...( sandbox
			? {
					sandboxPlugin: sandbox.sandboxPlugin,
					// The control API only when an operator gives its token (never by default).
					...( config.edge.sandboxControlToken
						? {
								sandboxControl: {
									token: config.edge.sandboxControlToken,
									withRealTenants:
										config.edge
											.sandboxControlWithRealTenants,
								},
							}
						: {} ),
					onSandboxTenant: ( tenant, account, appSecret ) =>
						sandbox.ensureSandboxAccount( {
							tenantId: tenant.id,
							phoneNumberId: account.phoneNumberId,
							wabaId: account.wabaId,
							token: account.accessToken,
							appSecret,
							webhookUrl: `${ config.publicUrl }/v1/webhooks/whatsapp`,
							throughputMps: tenant.throughput_mps,
							tier: tenant.messaging_limit_tier,
							qualityRating: tenant.quality,
						} ),
				}
			: {} ),
		webhooksPlugin,
	} );
	await bridge.app.listen( { host: config.host, port: config.port } );
	await bridge.startEngine();
	log.info(
		{
			url: config.publicUrl,
			storage: storage.dialect,
			sandbox: config.sandbox,
			worker: bridge.workerId,
		},
		'bridge listening'
	);
	let stopping = false;
	const stop = async ( signal: string ) => {
		if ( stopping ) {
			return;
		}
		stopping = true;
		log.info( { signal }, 'bridge stopping' );
		const force = setTimeout( () => process.exit( 1 ), 30_000 );
		force.unref();
		await bridge.close();
		await messenger.close();
		await storage.close();
		process.exit( 0 );
	};
	// Benchmarks (bench/bridge-dispatch.mjs) read the process's own CPU time and peak memory.
	process.on( 'SIGUSR2', () => {
		const cpu = process.cpuUsage();
		process.stdout.write(
			JSON.stringify( {
				usage: {
					cpuUserUs: cpu.user,
					cpuSystemUs: cpu.system,
					rss: process.memoryUsage().rss,
					maxRssKb: process.resourceUsage().maxRSS,
				},
			} ) + '\n'
		);
	} );
	process.once( 'SIGINT', () => void stop( 'SIGINT' ) );
	process.once( 'SIGTERM', () => void stop( 'SIGTERM' ) );
}

main().catch( ( error: unknown ) => {
	process.stderr.write(
		`rondine bridge: ${ error instanceof Error ? ( error.stack ?? error.message ) : String( error ) }\n`
	);
	process.exit( 1 );
} );
