/**
 * The webhook load generator (bench/webhooks-load.ts) as a separate process: bundled with rolldown (only our
 * TypeScript; dependencies stay in node_modules), then run with its LOAD_* environment. Shared by bench/webhooks.mjs and
 * bench/webhooks-dispatch.mjs.
 */

/**
 * External dependencies
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..', '..' );
export const benchOut = join( root, '.rondine', 'bench' );

/**
 * Bundles bench/<name>.ts into .rondine/bench/<name>.mjs.
 * @param name
 */
export async function bundle( name ) {
	mkdirSync( benchOut, { recursive: true } );
	await build( {
		input: join( root, 'bench', `${ name }.ts` ),
		platform: 'node',
		// Dependencies stay in node_modules (better-sqlite3 is native); only our TypeScript is bundled.
		external: ( id ) => ! id.startsWith( '.' ) && ! id.startsWith( '/' ),
		resolve: { extensionAlias: { '.js': [ '.ts', '.js' ] } },
		output: { file: join( benchOut, `${ name }.mjs` ), format: 'esm' },
		logLevel: 'silent',
	} );
}

/**
 * Runs the bundled load generator; resolves with its result (the last stdout line). `onPhase('measuring' | 'done')`
 * is called, and awaited before anything else is read, when the measured window starts and ends.
 * @param {NodeJS.ProcessEnv}                     env     The load generator's environment.
 * @param {(phase: string) => Promise<unknown>} onPhase Called at each phase.
 */
export function runLoad( env, onPhase = async () => {} ) {
	return new Promise( ( resolve, reject ) => {
		const child = spawn(
			process.execPath,
			[ join( benchOut, 'webhooks-load.mjs' ) ],
			{
				env: { ...process.env, ...env },
				stdio: [ 'ignore', 'pipe', 'inherit' ],
			}
		);
		let last = '';
		/** @type {Promise<unknown>} */
		let phases = Promise.resolve();
		createInterface( { input: child.stdout } ).on( 'line', ( line ) => {
			if ( line.startsWith( '{"phase"' ) ) {
				const { phase } = JSON.parse( line );
				phases = phases.then( () => onPhase( phase ) );
			} else if ( line.trim() ) {
				last = line;
			}
		} );
		child.on( 'exit', ( code ) => {
			if ( code !== 0 ) {
				reject( new Error( `load exited ${ code }` ) );
				return;
			}
			phases.then( () => resolve( JSON.parse( last ) ), reject );
		} );
	} );
}
