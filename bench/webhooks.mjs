#!/usr/bin/env node
/**
 * Webhook benchmark (issue 4): signed status webhooks applied durably while a campaign dispatches at 1,000 mps.
 *
 *   node bench/webhooks.mjs                       SQLite, then PostgreSQL when RONDINE_BENCH_PG_URL is set
 *   RONDINE_BENCH_SECONDS=10 node bench/webhooks.mjs
 *
 * For each database it runs, each on a fresh database and server process, with the load from a separate process on
 * loopback: the HMAC-only endpoint (context), the naive endpoint (one transaction per request) and the real endpoint
 * (group commit), with 1 status per request (Meta's usual case) and with 100. It prints one line per run and the ratios.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Internal dependencies
 */
import { benchOut as out, bundle, runLoad } from './lib/load-runner.mjs';

const seconds = Number( process.env.RONDINE_BENCH_SECONDS ?? 10 );
const pgUrl = process.env.RONDINE_BENCH_PG_URL;

function runServer( env ) {
	return new Promise( ( resolve, reject ) => {
		const child = spawn(
			process.execPath,
			[ join( out, 'webhooks-server.mjs' ) ],
			{
				env: { ...process.env, ...env },
				stdio: [ 'ignore', 'pipe', 'inherit' ],
			}
		);
		let buffer = '';
		child.stdout.on( 'data', ( chunk ) => {
			buffer += chunk;
			const line = buffer
				.split( '\n' )
				.find( ( l ) => l.startsWith( 'READY ' ) );
			if ( line ) {
				resolve( { child, info: JSON.parse( line.slice( 6 ) ) } );
			}
		} );
		child.on( 'exit', ( code ) =>
			reject( new Error( `server exited with ${ code }` ) )
		);
	} );
}

async function scenario( database, mode, perRequest ) {
	const { child, info } = await runServer( {
		BENCH_MODE: mode,
		BENCH_DATABASE: database,
		BENCH_PG_URL: pgUrl ?? '',
		BENCH_DIR: out,
		BENCH_SYNC: process.env.RONDINE_BENCH_SQLITE_SYNC ?? 'NORMAL',
		BENCH_DISPATCH: process.env.RONDINE_BENCH_DISPATCH ?? '1000',
	} );
	try {
		await fetch( `${ info.url }/bench/start`, { method: 'POST' } );
		const load = await runLoad( {
			LOAD_URL: info.url,
			LOAD_SECRET: info.appSecret,
			LOAD_PHONE_NUMBER_ID: info.phoneNumberId,
			LOAD_RECIPIENTS: String( info.recipients ),
			LOAD_PER_REQUEST: String( perRequest ),
			LOAD_SECONDS: String( seconds ),
			LOAD_CONNECTIONS: process.env.RONDINE_BENCH_CONNECTIONS ?? '64',
		} );
		const server = await (
			await fetch( `${ info.url }/bench/stats` )
		).json();
		return {
			database,
			mode,
			perRequest,
			...load,
			dispatchMps: server.dispatchMps,
			// Server CPU per status: independent of how much of a core the server got on a shared machine.
			cpuMsPerStatus:
				( server.cpuSeconds * 1000 ) /
				Math.max( 1, server.served * perRequest ),
			server,
		};
	} finally {
		child.kill( 'SIGTERM' );
		await new Promise( ( r ) => child.once( 'exit', r ) );
	}
}

const fmt = ( n, digits = 0 ) =>
	n.toLocaleString( 'en-US', {
		maximumFractionDigits: digits,
		minimumFractionDigits: digits,
	} );

async function main() {
	await bundle( 'webhooks-server' );
	await bundle( 'webhooks-load' );
	const databases = pgUrl ? [ 'sqlite', 'postgres' ] : [ 'sqlite' ];
	const only = process.env.RONDINE_BENCH_ONLY?.split( ',' );
	const fullPlan = [
		[ 'hmac', 1 ],
		[ 'naive', 1 ],
		[ 'group', 1 ],
		[ 'naive', 100 ],
		[ 'group', 100 ],
	];
	const plan = only
		? fullPlan.filter( ( [ mode, per ] ) =>
				only.includes( `${ mode }:${ per }` )
			)
		: fullPlan;
	console.log(
		`Webhook benchmark: ${ seconds } s per run, load from a separate process, dispatch stand-in at 1,000 mps`
	);
	console.log(
		'database  endpoint  statuses/req   statuses/s   requests/s   p50 ms   p99 ms   dispatch mps   server CPU ms/status   statuses/core-s'
	);
	const results = [];
	for ( const database of databases ) {
		for ( const [ mode, perRequest ] of plan ) {
			const r = await scenario( database, mode, perRequest );
			results.push( r );
			console.log(
				[
					String( database ).padEnd( 9 ),
					String( mode ).padEnd( 9 ),
					String( perRequest ).padStart( 12 ),
					fmt( r.statusesPerSecond ).padStart( 12 ),
					fmt( r.requestsPerSecond ).padStart( 12 ),
					fmt( r.p50, 1 ).padStart( 8 ),
					fmt( r.p99, 1 ).padStart( 8 ),
					fmt( r.dispatchMps ).padStart( 14 ),
					fmt( r.cpuMsPerStatus, 3 ).padStart( 22 ),
					fmt( 1000 / r.cpuMsPerStatus ).padStart( 17 ),
					r.failed ? `  ${ r.failed } non-200!` : '',
					r.wrapped ? '  (requests reused)' : '',
				].join( ' ' )
			);
		}
		if ( only ) {
			continue;
		}
		const find = ( mode, per ) =>
			results.find(
				( r ) =>
					r.database === database &&
					r.mode === mode &&
					r.perRequest === per
			);
		const group1 = find( 'group', 1 );
		const group100 = find( 'group', 100 );
		console.log(
			`${ database }: group/naive single = ${ fmt( group1.statusesPerSecond / find( 'naive', 1 ).statusesPerSecond, 2 ) }, ` +
				`group/naive x100 = ${ fmt( group100.statusesPerSecond / find( 'naive', 100 ).statusesPerSecond, 2 ) }, ` +
				`group/hmac-only single = ${ fmt( group1.statusesPerSecond / find( 'hmac', 1 ).statusesPerSecond, 2 ) }`
		);
	}
	if ( process.env.RONDINE_BENCH_JSON ) {
		console.log( JSON.stringify( results ) );
	}
}

main().catch( ( error ) => {
	console.error( error );
	process.exit( 1 );
} );
