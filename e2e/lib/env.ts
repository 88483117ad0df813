/**
 * External dependencies
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface EnvUser {
	id: number;
	login: string;
	password: string;
	role: string;
	email: string;
}

/** What dev/lib/stack.sh writes to <env>/env.json about a running stack. */
export interface RondineEnv {
	env: string;
	wpUrl: string;
	adminUrl: string;
	rondineUrl: string;
	restUrl: string;
	adminUser: string;
	adminPassword: string;
	users: Record<
		'admin' | 'manager' | 'editor' | 'author' | 'customer',
		EnvUser
	>;
	bridgeUrl: string | null;
	emulatorUrl: string | null;
	siteId: string | null;
	wordpressDir: string;
	mysqlSocket: string;
	logs: string;
}

let cached: RondineEnv | undefined;

/**
 * The stack under test: RONDINE_ENV_FILE (set by `npm test`), else the `npm start` environment.
 */
export function loadEnv(): RondineEnv {
	if ( cached ) {
		return cached;
	}
	const file =
		process.env.RONDINE_ENV_FILE ??
		fileURLToPath(
			new URL( '../../.rondine/dev/env.json', import.meta.url )
		);
	let text: string;
	try {
		text = readFileSync( file, 'utf8' );
	} catch {
		throw new Error(
			`No running Rondine stack: ${ file } is missing. Run \`npm start\` (or \`npm test\`), or set RONDINE_ENV_FILE.`
		);
	}
	cached = JSON.parse( text ) as RondineEnv;
	return cached;
}
