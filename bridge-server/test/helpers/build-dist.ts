/**
 * External dependencies
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..', '..' );

/** Builds dist/ for the tests that run the bridge as real processes. Type errors are for `typecheck`, not here. */
export default function setup(): void {
	try {
		execFileSync(
			process.execPath,
			[
				join( root, '..', 'node_modules', 'typescript', 'bin', 'tsc' ),
				'-p',
				'tsconfig.build.json',
			],
			{
				cwd: root,
				stdio: 'pipe',
			}
		);
	} catch {
		// tsc still emits when it reports errors.
	}
	if ( ! existsSync( join( root, 'dist', 'main.js' ) ) ) {
		throw new Error( 'bridge-server/dist/main.js was not built' );
	}
}
