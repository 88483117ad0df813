#!/usr/bin/env node
/**
 * Size of the admin app's JavaScript, gzipped (level 9), WordPress globals excluded (they are not in the build:
 * `@wordpress/scripts` turns imports of `@wordpress/*`, React and ReactDOM into the `wp.*` globals WordPress ships).
 *
 * Prints the script every Rondine screen loads (index.js), the chunks loaded on demand (the campaigns list with
 * DataViews), and the total, against the budget of 150 KB.
 *
 * Usage: node bench/admin-size.mjs [--build]   (--build runs `npm run build -w admin-app` first)
 */

/**
 * External dependencies
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL( '..', import.meta.url ).pathname;
const dir = join( root, 'plugin', 'build', 'admin' );
const BUDGET = 150 * 1024;

if (
	process.argv.includes( '--build' ) ||
	! existsSync( join( dir, 'index.js' ) )
) {
	execSync( 'npm run build -w admin-app', { cwd: root, stdio: 'inherit' } );
}

const kb = ( bytes ) => `${ ( bytes / 1024 ).toFixed( 1 ) } KB`;
const size = ( file ) => {
	const raw = readFileSync( join( dir, file ) );
	return { raw: raw.length, gzip: gzipSync( raw, { level: 9 } ).length };
};

const files = readdirSync( dir )
	.filter( ( file ) => file.endsWith( '.js' ) )
	.sort();
const rows = files.map( ( file ) => ( { file, ...size( file ) } ) );
const initial = rows.find( ( row ) => row.file === 'index.js' );
const total = rows.reduce( ( sum, row ) => sum + row.gzip, 0 );
const css = readdirSync( dir )
	.filter( ( file ) => file.endsWith( '.css' ) && ! file.includes( '-rtl' ) )
	.map( ( file ) => ( { file, ...size( file ) } ) );

console.log( 'Admin app JavaScript (gzip -9), WordPress globals excluded:' );
for ( const row of rows ) {
	console.log(
		`  ${ row.file.padEnd( 22 ) } ${ kb( row.gzip ).padStart( 9 ) }  (${ kb( row.raw ) } minified)${
			row.file === 'index.js'
				? '  every screen'
				: '  on demand (campaigns list)'
		}`
	);
}
console.log(
	`  ${ 'initial (index.js)'.padEnd( 22 ) } ${ kb( initial.gzip ).padStart( 9 ) }  budget ${ kb( BUDGET ) }: ${ initial.gzip <= BUDGET ? 'within' : 'OVER' }`
);
console.log(
	`  ${ 'total'.padEnd( 22 ) } ${ kb( total ).padStart( 9 ) }  budget ${ kb( BUDGET ) }: ${ total <= BUDGET ? 'within' : 'OVER' }`
);
console.log( 'Stylesheets (gzip -9):' );
for ( const row of css ) {
	console.log(
		`  ${ row.file.padEnd( 22 ) } ${ kb( row.gzip ).padStart( 9 ) }`
	);
}
const deps =
	readFileSync( join( dir, 'index.asset.php' ), 'utf8' ).match(
		/array\(([^)]*)\)/
	)?.[ 1 ] ?? '';
console.log(
	`WordPress scripts it uses (index.asset.php): ${ deps.replace( /'/g, '' ) }`
);
