/**
 * External dependencies
 */
import { execFileSync } from 'node:child_process';

/**
 * Internal dependencies
 */
import { loadEnv } from './env';

/**
 * One SQL query on the shop's MariaDB over the environment's socket, for checks that must not go through Rondine's
 * code; rows of tab-separated columns.
 * @param query SQL.
 */
export function sql( query: string ): string[][] {
	const env = loadEnv() as ReturnType< typeof loadEnv > & {
		database?: { name: string; user: string; password: string };
	};
	const database = env.database ?? {
		name: 'wordpress',
		user: 'root',
		password: '',
	};
	const output = execFileSync(
		'mariadb',
		[
			'--no-defaults',
			`--socket=${ env.mysqlSocket }`,
			`--user=${ database.user }`,
			...( database.password
				? [ `--password=${ database.password }` ]
				: [] ),
			'--batch',
			'--skip-column-names',
			database.name,
			'-e',
			query,
		],
		{ encoding: 'utf8' }
	);
	return output
		.split( '\n' )
		.filter( Boolean )
		.map( ( line ) => line.split( '\t' ) );
}
