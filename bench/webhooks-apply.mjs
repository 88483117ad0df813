#!/usr/bin/env node
/**
 * The webhook apply step alone, in process, on SQLite: CPU milliseconds per status for group commits of N single-status
 * deliveries (what the writer commits under load) against a table of 200,000 sent recipients. No HTTP and no other
 * process, so the figure hardly moves with the machine's load: use it to compare builds (A/B) of the webhooks apply
 * path (src/webhooks/apply.ts and the owners it calls, message-statuses.ts and message-lookup.ts above all).
 *
 *   npm run build -w bridge-server
 *   node bench/webhooks-apply.mjs [--per 100] [--batches 600] [--dist <another build's dist folder>]
 */

/**
 * External dependencies
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';

/**
 * Internal dependencies
 */
import { dist as defaultDist } from './lib/bridge-process.mjs';

function arg( name, fallback ) {
	const i = process.argv.indexOf( `--${ name }` );
	return i >= 0 ? process.argv[ i + 1 ] : fallback;
}
const dist = arg( 'dist', defaultDist );
const PER = Number( arg( 'per', '100' ) );
const BATCHES = Number( arg( 'batches', '600' ) );
// --callback: statuses carry the callback data `<campaign>:<recipient id>` (the form every build accepts) instead of
// being found by the customer's number and the wamid.
const CALLBACK = process.argv.includes( '--callback' );
const RECIPIENTS = 200_000;

const { openStorage, migrate } = await import(
	join( dist, 'storage', 'database.js' )
);
const { applyDeliveries, DEFAULT_OPT_OUT_PAYLOADS } = await import(
	join( dist, 'webhooks', 'apply.js' )
);
const { parseWebhook } = await import(
	join( dist, 'whatsapp', 'webhook-types.js' )
);

const dir = mkdtempSync( join( tmpdir(), 'rondine-apply-' ) );
const storage = openStorage( { sqliteFile: join( dir, 'bridge.sqlite' ) } );
const db = storage.db;
await migrate( db );
// Builds before migration 0105 keep the message in the recipient row.
const messagesTable =
	(
		await sql`select name from sqlite_master where type = 'table' and name = 'messages'`.execute(
			db
		)
	).rows.length > 0;
await db
	.insertInto( 'tenants' )
	.values( {
		id: 't',
		name: 'Bench',
		secret: Buffer.alloc( 32 ),
		default_country: 'IT',
		timezone: 'Europe/Rome',
		throughput_mps: 1000,
		messaging_limit_tier: 'TIER_UNLIMITED',
		quality: 'GREEN',
		phone_number_id: 'p',
		created_at: 0,
		updated_at: 0,
	} )
	.execute();
await db
	.insertInto( 'campaigns' )
	.values( {
		tenant_id: 't',
		id: 'h',
		name: 'h',
		audience: '{}',
		template_name: 'x',
		template_language: 'en',
		template_components: '[]',
		start_at: 0,
		options: '{}',
		state: 'completed',
		audience_done: 1,
		snapshot_attempts: 0,
		created_at: 0,
		updated_at: 0,
	} )
	.execute();
await db
	.insertInto( 'campaign_counters' )
	.values( { tenant_id: 't', campaign_id: 'h' } )
	.execute();
for ( let start = 0; start < RECIPIENTS; start += 10_000 ) {
	await db.transaction().execute( async ( trx ) => {
		for ( let from = start; from < start + 10_000; from += 500 ) {
			const rows = [];
			for ( let i = from; i < from + 500; i++ ) {
				rows.push( {
					tenant_id: 't',
					campaign_id: 'h',
					phone: `+39333${ String( i ).padStart( 7, '0' ) }`,
					variables: '{}',
					state: 'completed',
					attempts: 1,
					next_attempt_at: 0,
					updated_at: 0,
					wamid: `wamid.bench.${ i }`,
					message_status: 'accepted',
					sent_at: 1,
				} );
			}
			if ( ! messagesTable ) {
				await trx.insertInto( 'recipients' ).values( rows ).execute();
				continue;
			}
			// Since migration 0105: the run, then its step-0 message.
			const runs = await trx
				.insertInto( 'recipients' )
				.values(
					rows.map( ( r ) => ( {
						tenant_id: r.tenant_id,
						campaign_id: r.campaign_id,
						phone: r.phone,
						variables: r.variables,
						state: 'ended',
						updated_at: 0,
					} ) )
				)
				.returning( 'id' )
				.execute();
			await trx
				.insertInto( 'messages' )
				.values(
					rows.map( ( r, j ) => ( {
						tenant_id: r.tenant_id,
						campaign_id: r.campaign_id,
						run_id: runs[ j ].id,
						step: 0,
						phone: r.phone,
						body: r.variables,
						state: r.state,
						attempts: r.attempts,
						next_attempt_at: 0,
						updated_at: 0,
						wamid: r.wamid,
						message_status: r.message_status,
						sent_at: r.sent_at,
					} ) )
				)
				.execute();
		}
	} );
}

const NAMES = [ 'sent', 'delivered', 'read' ];
/** Status n: recipient n / 3 gets sent, delivered, read in turn (as bench/webhooks-load.ts sends them). */
function body( n ) {
	const r = Math.floor( n / 3 ) % RECIPIENTS;
	return JSON.stringify( {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: 'w',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: {
								display_phone_number: '15550783881',
								phone_number_id: 'p',
							},
							statuses: [
								{
									id: `wamid.bench.${ r }`,
									status: NAMES[ n % 3 ],
									timestamp: String(
										1_750_000_000 + ( n % 3 ) * 60
									),
									recipient_id: `39333${ String( r ).padStart( 7, '0' ) }`,
									...( CALLBACK
										? {
												biz_opaque_callback_data: `h:${ r + 1 }`,
											}
										: {} ),
									pricing: {
										billable: true,
										pricing_model: 'PMP',
										type: 'regular',
										category: 'marketing',
									},
								},
							],
						},
					},
				],
			},
		],
	} );
}

// Deliveries are prepared (parsed, as the endpoint hands them to the writer) outside the measurement.
let next = 0;
function prepare() {
	const deliveries = [];
	for ( let i = 0; i < PER; i++, next++ ) {
		const text = body( next );
		deliveries.push( {
			tenantIds: [ 't' ],
			body: text,
			events: parseWebhook( JSON.parse( text ) ).events.map(
				( event ) => ( { tenantId: 't', event } )
			),
			receivedAt: Date.now(),
		} );
	}
	return deliveries;
}
const commit = ( deliveries ) =>
	db.transaction().execute( ( trx ) =>
		applyDeliveries( trx, deliveries, {
			defaultOptOutPayloads: DEFAULT_OPT_OUT_PAYLOADS,
		} )
	);

for ( let i = 0; i < 50; i++ ) {
	await commit( prepare() );
}
const batches = Array.from( { length: BATCHES }, prepare );
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for ( const deliveries of batches ) {
	await commit( deliveries );
}
const cpu = process.cpuUsage( cpu0 );
const statuses = BATCHES * PER;
console.log(
	`apply on SQLite, ${ PER } single-status deliveries per commit, ${ RECIPIENTS.toLocaleString( 'en-US' ) } recipients: ` +
		`${ ( ( cpu.user + cpu.system ) / 1000 / statuses ).toFixed( 4 ) } CPU ms/status, ` +
		`${ ( ( performance.now() - t0 ) / statuses ).toFixed( 4 ) } wall ms/status (${ dist })`
);
await storage.close();
rmSync( dir, { recursive: true, force: true } );
