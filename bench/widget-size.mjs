#!/usr/bin/env node
/**
 * Chat button size beside the best-known WordPress WhatsApp buttons, from the built files (npm run build -w widget).
 *
 *   node bench/widget-size.mjs
 *
 * Ours: gzip level 9 of plugin/build/widget/rondine-chat.js (the first stage, its CSS inside, inlined in every page)
 * and of rondine-chat-panel.js (Preact + the panel, its CSS inside, loaded on intent). Theirs: the gzipped sizes of
 * their published front-end assets as given in issue 6 (Joinchat 4.0 KB JS + 5.7 KB CSS, 1.8 + 2.4 KB in its
 * button-only mode; Click to Chat 5.4 KB JS). Ratios are theirs / ours: how many times smaller we are.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const build = join(
	dirname( fileURLToPath( import.meta.url ) ),
	'..',
	'plugin',
	'build',
	'widget'
);
const gzip = ( file ) =>
	gzipSync( readFileSync( join( build, file ) ), { level: 9 } ).length;
const KB = 1024;

const initial = gzip( 'rondine-chat.js' );
const panel = gzip( 'rondine-chat-panel.js' );
const ours = { initial, full: initial + panel };
const theirs = [
	{ name: 'Joinchat (full)', bytes: ( 4.0 + 5.7 ) * KB },
	{ name: 'Joinchat (button only)', bytes: ( 1.8 + 2.4 ) * KB },
	{ name: 'Click to Chat', bytes: 5.4 * KB },
];

const kb = ( bytes ) => ( bytes / KB ).toFixed( 2 ).padStart( 6 ) + ' KB';
console.log( 'Rondine chat button, gzipped:' );
console.log(
	`  initial (button, JS + CSS, no request)  ${ kb( ours.initial ) }`
);
console.log( `  panel (loaded on intent)                ${ kb( panel ) }` );
console.log( `  full (initial + panel)                  ${ kb( ours.full ) }` );
console.log( '' );
console.log( 'Compared (their size / ours):' );
console.log(
	`  ${ 'plugin'.padEnd( 26 ) }${ 'their size'.padStart( 10 ) }   vs our initial   vs our full`
);
for ( const { name, bytes } of theirs ) {
	console.log(
		`  ${ name.padEnd( 26 ) }${ kb( bytes ).padStart( 10 ) }   ${ (
			bytes / ours.initial
		)
			.toFixed( 2 )
			.padStart(
				8
			) }x       ${ ( bytes / ours.full ).toFixed( 2 ).padStart( 6 ) }x`
	);
}
