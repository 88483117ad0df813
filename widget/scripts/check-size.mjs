#!/usr/bin/env node
/**
 * Size budget of the storefront chat button, checked after every build: fails (exit 1) when over budget.
 *
 * The initial stage (rondine-chat.js, its CSS included) is inlined in every storefront page; the panel
 * (rondine-chat-panel.js, its CSS included) is loaded on intent. Sizes are gzip level 9, as a server would send them.
 */

/**
 * External dependencies
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(
	new URL( '../../plugin/build/widget/', import.meta.url )
);
const KB = 1024;
// 1,600 B: 1.5 KB plus the check that the panel imported is the plugin's own (same origin, its build path), about 85 B.
// Total 9.5 KB: 9 KB plus the prefilled message's template rule (optional parts, fallbacks, tidying where a variable
// is empty) and prices in the shop's WooCommerce format, about 330 B; the panel is loaded on intent only.
export const BUDGET = { initial: 1600, total: 9.5 * KB };

export function gzipSize( file ) {
	return gzipSync( readFileSync( dir + file ), { level: 9 } ).length;
}

export function sizes() {
	const initial = gzipSize( 'rondine-chat.js' );
	const panel = gzipSize( 'rondine-chat-panel.js' );
	return { initial, panel, total: initial + panel };
}

if ( process.argv[ 1 ] === fileURLToPath( import.meta.url ) ) {
	const { initial, panel, total } = sizes();
	const line = ( label, bytes, budget ) =>
		`${ label.padEnd( 24 ) }${ String( bytes ).padStart( 6 ) } B gzip` +
		( budget
			? `  budget ${ budget } B  ${ bytes <= budget ? 'ok' : 'OVER BUDGET' }`
			: '' );
	console.log( line( 'initial (JS + CSS)', initial, BUDGET.initial ) );
	console.log( line( 'panel (JS + CSS)', panel ) );
	console.log( line( 'with panel', total, BUDGET.total ) );
	if ( initial > BUDGET.initial || total > BUDGET.total ) {
		console.error( 'widget: size budget exceeded' );
		process.exit( 1 );
	}
}
