#!/usr/bin/env node
// Import rules of bridge-server/src, checked by `npm run lint -w bridge-server` (so by `npm test`'s lint suite):
//   1. no import cycles between modules (type-only imports included: a cycle of types is a cycle of design);
//   2. layers only import downwards: a module of a lower layer never imports one of a higher layer (LAYERS below).
// Written on TypeScript's own API (ts.preProcessFile and ts.resolveModuleName) rather than with dependency-cruiser or
// madge: dependency-cruiser 16 (the last to run on Node 20) does not parse TypeScript 6, and madge's parser lags it too.
//
// Usage: node scripts/check-layers.mjs [src dir]   (exit 1 with one line per violation)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire( import.meta.url );
const ts = require( 'typescript' );

// From the bottom up. A module belongs to the layer with the LONGEST prefix matching its path relative to src/ (so a
// route plugin that lives beside its domain, like stats/index, can be named into the http layer).
export const LAYERS = [
	// Time, crypto, the database and the domain's own error type: imported by everyone, import nothing of ours above.
	{
		name: 'foundation',
		prefixes: [ 'clock', 'crypto/', 'storage/', 'errors' ],
	},
	// The outside world: the WhatsApp Cloud API client, outbound HTTP rules (JSON parsing, the site URL policy).
	{ name: 'ports', prefixes: [ 'whatsapp/', 'net/' ] },
	// What the bridge does: tenants, audiences, campaigns, dispatch, webhook effects, privacy, stats.
	{
		name: 'domain',
		prefixes: [
			'tenants/',
			'audience/',
			'campaigns/',
			'dispatch/',
			'webhooks/',
			'privacy/',
			'stats/',
			'automations/',
		],
	},
	// HTTP: the API's edge and routes, the route plugins kept beside their domain, and the emulator (a fake Meta, served
	// over HTTP).
	{
		name: 'http',
		prefixes: [
			'http/',
			'sandbox/',
			'stats/index',
			'privacy/routes',
			'webhooks/index',
			'automations/routes',
		],
	},
	// Wiring: configuration from the environment, the Fastify app, the process entry points.
	{
		name: 'composition',
		prefixes: [ 'config', 'app', 'bridge', 'main', 'cli' ],
	},
];

function layerOf( rel ) {
	let best = -1;
	let length = -1;
	LAYERS.forEach( ( layer, i ) => {
		for ( const prefix of layer.prefixes ) {
			if ( rel.startsWith( prefix ) && prefix.length > length ) {
				best = i;
				length = prefix.length;
			}
		}
	} );
	return best;
}

function listFiles( dir ) {
	const out = [];
	for ( const entry of fs.readdirSync( dir, { withFileTypes: true } ) ) {
		const full = path.join( dir, entry.name );
		if ( entry.isDirectory() ) {
			out.push( ...listFiles( full ) );
		} else if (
			entry.name.endsWith( '.ts' ) &&
			! entry.name.endsWith( '.d.ts' )
		) {
			out.push( full );
		}
	}
	return out;
}

/**
 * The problems of the modules under a source folder: one sentence each, empty when the rules hold.
 *
 * @param {string} root The source folder (bridge-server/src).
 * @return {{ modules: number, problems: string[] }} What was checked and what is wrong.
 */
export function checkLayers( root ) {
	const options = {
		module: ts.ModuleKind.NodeNext,
		moduleResolution: ts.ModuleResolutionKind.NodeNext,
		allowJs: false,
	};
	const host = ts.createCompilerHost( options );
	const files = listFiles( root ).sort();
	const graph = new Map();
	for ( const file of files ) {
		const info = ts.preProcessFile(
			fs.readFileSync( file, 'utf8' ),
			true,
			true
		);
		const targets = new Set();
		for ( const ref of info.importedFiles ) {
			const resolved = ts.resolveModuleName(
				ref.fileName,
				file,
				options,
				host
			).resolvedModule;
			if (
				resolved &&
				! resolved.isExternalLibraryImport &&
				resolved.resolvedFileName.startsWith( root + path.sep )
			) {
				targets.add( resolved.resolvedFileName );
			}
		}
		graph.set( file, [ ...targets ].sort() );
	}

	const rel = ( file ) => path.relative( root, file ).replace( /\.ts$/, '' );
	const problems = [];

	for ( const [ file, targets ] of graph ) {
		const from = layerOf( rel( file ) );
		if ( from < 0 ) {
			problems.push(
				`${ rel( file ) }: in no layer (add its folder to LAYERS in scripts/check-layers.mjs)`
			);
			continue;
		}
		for ( const target of targets ) {
			const to = layerOf( rel( target ) );
			if ( to > from ) {
				problems.push(
					`layer: ${ rel( file ) } (${ LAYERS[ from ].name }) imports ${ rel( target ) } (${ LAYERS[ to ].name })`
				);
			}
		}
	}

	// Cycles: Tarjan's strongly connected components; every component of more than one module (or a self-import) is one.
	let index = 0;
	const stack = [];
	const state = new Map();
	function connect( node ) {
		state.set( node, { index, low: index, onStack: true } );
		index++;
		stack.push( node );
		for ( const next of graph.get( node ) ?? [] ) {
			if ( ! state.has( next ) ) {
				connect( next );
				state.get( node ).low = Math.min(
					state.get( node ).low,
					state.get( next ).low
				);
			} else if ( state.get( next ).onStack ) {
				state.get( node ).low = Math.min(
					state.get( node ).low,
					state.get( next ).index
				);
			}
		}
		if ( state.get( node ).low === state.get( node ).index ) {
			const component = [];
			let member;
			do {
				member = stack.pop();
				state.get( member ).onStack = false;
				component.push( member );
			} while ( member !== node );
			if (
				component.length > 1 ||
				( graph.get( node ) ?? [] ).includes( node )
			) {
				problems.push(
					`cycle: ${ component.map( rel ).sort().join( ' <-> ' ) }`
				);
			}
		}
	}
	for ( const file of graph.keys() ) {
		if ( ! state.has( file ) ) {
			connect( file );
		}
	}
	return { modules: files.length, problems };
}

const isMain =
	process.argv[ 1 ] &&
	path.resolve( process.argv[ 1 ] ) ===
		path.resolve( new URL( import.meta.url ).pathname );
if ( isMain ) {
	const root = path.resolve(
		process.argv[ 2 ] ??
			path.join(
				path.dirname( new URL( import.meta.url ).pathname ),
				'..',
				'src'
			)
	);
	const { modules, problems } = checkLayers( root );
	if ( problems.length > 0 ) {
		console.error( problems.join( '\n' ) );
		console.error(
			`check-layers: ${ problems.length } problem(s) in ${ modules } modules`
		);
		process.exit( 1 );
	}
	console.log(
		`check-layers: ${ modules } modules, no cycle, every import goes down a layer or stays in it`
	);
}
