/**
 * `npm run bridge -- tenant add "Shop" [--json]`, `tenant list [--json]`, `tenant rotate-secret <id> [--json]`,
 * `tenant set-limits <id> [--tier TIER_250] [--throughput 80]` (sandbox tenants; live ones read them from Meta),
 * `webhooks replay [--site <id>] [--json]` (apply again the webhook events stored but not applied).
 */

/**
 * Internal dependencies
 */
import { loadConfig } from './config.js';
import { SecretBox } from './crypto/secret-box.js';
import { migrate, openStorage, sqliteFileIn } from './storage/database.js';
import {
	createTenant,
	listTenants,
	rotateTenantSecret,
	setTenantLimits,
} from './tenants/store.js';
import { connectionCode, isTier, usesSandbox } from './tenants/tenants.js';
import { DEFAULT_OPT_OUT_PAYLOADS } from './webhooks/consent.js';
import { replayUnappliedWebhooks } from './webhooks/replay.js';
import { TenantDirectory } from './webhooks/tenant-directory.js';

const USAGE = `Usage:
  tenant add "<shop name>" [--json]      create a tenant and print its one-time connection code
  tenant list [--json]                    list tenants
  tenant rotate-secret <site id> [--json] new secret (the old connection stops working) and a new connection code
  tenant set-limits <site id> [--tier TIER_250] [--throughput 80]
  webhooks replay [--site <site id>] [--json]
                                          apply again the webhook events that were stored but could not be applied
                                          (after fixing the cause); events already applied are never applied twice
`;

class UsageError extends Error {}

function option( args: string[], name: string ): string | undefined {
	const index = args.indexOf( name );
	return index >= 0 ? args[ index + 1 ] : undefined;
}

async function run( argv: string[] ): Promise< string > {
	const json = argv.includes( '--json' );
	const args = argv.filter( ( a ) => a !== '--json' );
	const [ group, command, ...rest ] = args;
	if (
		! command ||
		! (
			group === 'tenant' ||
			( group === 'webhooks' && command === 'replay' )
		)
	) {
		throw new UsageError( USAGE );
	}
	const config = loadConfig();
	const storage = openStorage( {
		databaseUrl: config.databaseUrl,
		sqliteFile: sqliteFileIn( config.dataDir ),
	} );
	try {
		await migrate( storage.db );
		const box = new SecretBox( config.secretKey );
		const now = Date.now();
		if ( group === 'webhooks' ) {
			const site = option( rest, '--site' );
			if ( rest.includes( '--site' ) && ! site ) {
				throw new UsageError( USAGE );
			}
			const result = await replayUnappliedWebhooks( {
				db: storage.db,
				directory: new TenantDirectory( { db: storage.db, box } ),
				defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
				...( site ? { tenantId: site } : {} ),
			} );
			return json
				? JSON.stringify( result )
				: `Replayed webhook events: ${ result.applied } applied, ${ result.failed } failed again (still unapplied, with the new error in webhook_events.apply_error).\n`;
		}
		switch ( command ) {
			case 'add': {
				const name = rest[ 0 ]?.trim();
				if ( ! name ) {
					throw new UsageError(
						'tenant add needs the shop name: tenant add "My shop"\n'
					);
				}
				const { tenant, secret } = await createTenant(
					storage.db,
					box,
					name,
					now
				);
				const code = connectionCode(
					config.publicUrl,
					tenant.id,
					secret
				);
				return json
					? JSON.stringify( {
							site_id: tenant.id,
							name,
							bridge_url: config.publicUrl,
							connection_code: code,
						} )
					: `Tenant "${ name }" created (site id ${ tenant.id }).\n` +
							`Paste this connection code in Rondine > Settings (shown once):\n\n${ code }\n`;
			}
			case 'list': {
				const tenants = await listTenants( storage.db );
				const rows = tenants.map( ( t ) => ( {
					site_id: t.id,
					name: t.name,
					mode: usesSandbox( t ) ? 'sandbox' : 'live',
					site_rest_url: t.site_rest_url,
					tier: t.messaging_limit_tier,
					throughput_mps: t.throughput_mps,
					halted_reason: t.halted_reason,
					phone_number_id: t.phone_number_id,
					webhooks_verified: t.webhooks_verified_at !== null,
				} ) );
				return json
					? JSON.stringify( rows )
					: rows
							.map(
								( r ) =>
									`${ r.site_id }  ${ r.mode.padEnd( 7 ) }  ${ r.tier.padEnd( 14 ) }  ${ r.name }`
							)
							.join( '\n' ) + '\n';
			}
			case 'rotate-secret': {
				const id = rest[ 0 ];
				const secret = id
					? await rotateTenantSecret( storage.db, box, id, now )
					: undefined;
				if ( ! id || ! secret ) {
					throw new UsageError(
						`No tenant with site id "${ id ?? '' }".\n`
					);
				}
				const code = connectionCode( config.publicUrl, id, secret );
				return json
					? JSON.stringify( { site_id: id, connection_code: code } )
					: `New connection code for ${ id } (the previous one no longer works):\n\n${ code }\n`;
			}
			case 'set-limits': {
				const id = rest[ 0 ];
				const tier = option( rest, '--tier' );
				const throughput = option( rest, '--throughput' );
				if ( ! id || ( tier !== undefined && ! isTier( tier ) ) ) {
					throw new UsageError( USAGE );
				}
				const mps =
					throughput === undefined ? undefined : Number( throughput );
				if (
					mps !== undefined &&
					( ! Number.isInteger( mps ) || mps < 1 || mps > 10_000 )
				) {
					throw new UsageError(
						'--throughput must be a whole number of messages per second (1-10000).\n'
					);
				}
				const updated = await setTenantLimits(
					storage.db,
					id,
					{
						...( tier && isTier( tier )
							? { messaging_limit_tier: tier }
							: {} ),
						...( mps !== undefined ? { throughput_mps: mps } : {} ),
					},
					now
				);
				if ( ! updated ) {
					throw new UsageError(
						`No tenant with site id "${ id }".\n`
					);
				}
				return json
					? JSON.stringify( {
							site_id: id,
							tier,
							throughput_mps: mps,
						} )
					: 'Updated.\n';
			}
			default:
				throw new UsageError( USAGE );
		}
	} finally {
		await storage.close();
	}
}

run( process.argv.slice( 2 ) ).then(
	( out ) => {
		process.stdout.write( out.endsWith( '\n' ) ? out : `${ out }\n` );
	},
	( error: unknown ) => {
		process.stderr.write(
			error instanceof Error ? error.message : String( error )
		);
		process.exit( error instanceof UsageError ? 2 : 1 );
	}
);
