#!/usr/bin/env node
/**
 * JavaScript translations of the admin app, without WP-CLI.
 *
 * 1. Extracts every `__()`, `_x()`, `_n()`, `_nx()` call with the `rondine`
 *    text domain from admin-app/src (tests left out), with its translators
 *    comment, into plugin/languages/rondine-js.pot.
 * 2. Merges them into each plugin/languages/rondine-js-<locale>.po: existing
 *    translations are kept, new strings are added untranslated, strings that
 *    left the code are dropped.
 * 3. Writes the Jed 1.x JSON that `wp_set_script_translations( 'rondine-admin',
 *    'rondine', <plugin>/languages )` loads:
 *    plugin/languages/rondine-<locale>-<md5( 'build/admin/index.js' )>.json.
 *    Strings of the chunks loaded on demand are in it too: WordPress only
 *    looks up the file of the enqueued script.
 *
 * Usage: node admin-app/bin/make-json-translations.mjs [--check]
 *   --check: exit 1 when a .po lacks a translation or the .pot/.json are stale.
 */

/**
 * External dependencies
 */
import { parse } from '@babel/parser';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join( dirname( fileURLToPath( import.meta.url ) ), '..', '..' );
const sourceDir = join( root, 'admin-app', 'src' );
const languagesDir = join( root, 'plugin', 'languages' );
const DOMAIN = 'rondine';
const SCRIPT = 'build/admin/index.js';
const check = process.argv.includes( '--check' );

const FUNCTIONS = {
	__: { single: 0, domain: 1 },
	_x: { single: 0, context: 1, domain: 2 },
	_n: { single: 0, plural: 1, domain: 3 },
	_nx: { single: 0, plural: 1, context: 3, domain: 4 },
};

function sourceFiles( dir ) {
	return readdirSync( dir, { withFileTypes: true } ).flatMap( ( entry ) => {
		const path = join( dir, entry.name );
		if ( entry.isDirectory() ) {
			return [ 'test', 'test-utils', '__tests__' ].includes( entry.name )
				? []
				: sourceFiles( path );
		}
		return /\.(ts|tsx|js|jsx)$/.test( entry.name ) &&
			! /\.(test|d)\.[jt]sx?$/.test( entry.name )
			? [ path ]
			: [];
	} );
}

function literal( node ) {
	if ( ! node ) {
		return null;
	}
	if ( node.type === 'StringLiteral' ) {
		return node.value;
	}
	if ( node.type === 'TemplateLiteral' && node.expressions.length === 0 ) {
		return node.quasis[ 0 ].value.cooked;
	}
	return null;
}

/** Every translatable call in a file, with the translators comment above it. */
function extract( file ) {
	const code = readFileSync( file, 'utf8' );
	const ast = parse( code, {
		sourceType: 'module',
		plugins: [ 'typescript', 'jsx' ],
		attachComment: true,
	} );
	const found = [];
	const comments = ast.comments ?? [];
	const visit = ( node ) => {
		if ( ! node || typeof node.type !== 'string' ) {
			return;
		}
		if (
			node.type === 'CallExpression' &&
			node.callee.type === 'Identifier' &&
			FUNCTIONS[ node.callee.name ]
		) {
			const spec = FUNCTIONS[ node.callee.name ];
			const args = node.arguments;
			if ( literal( args[ spec.domain ] ) === DOMAIN ) {
				const single = literal( args[ spec.single ] );
				if ( single !== null ) {
					const line = node.loc.start.line;
					const translators = comments
						.filter(
							( comment ) =>
								/translators:/i.test( comment.value ) &&
								comment.loc.end.line >= line - 2 &&
								comment.loc.end.line <= line
						)
						.map( ( comment ) =>
							comment.value.replace( /^\s*\**\s*/, '' ).trim()
						)[ 0 ];
					found.push( {
						msgid: single,
						plural:
							spec.plural !== undefined
								? literal( args[ spec.plural ] )
								: null,
						context:
							spec.context !== undefined
								? literal( args[ spec.context ] )
								: null,
						reference: `${ relative( root, file ) }:${ line }`,
						translators,
					} );
				}
			}
		}
		for ( const key of Object.keys( node ) ) {
			if ( key === 'loc' || key.endsWith( 'Comments' ) ) {
				continue;
			}
			const value = node[ key ];
			if ( Array.isArray( value ) ) {
				value.forEach( visit );
			} else if ( value && typeof value === 'object' ) {
				visit( value );
			}
		}
	};
	visit( ast.program );
	return found;
}

const keyOf = ( entry ) =>
	entry.context ? `${ entry.context }\u0004${ entry.msgid }` : entry.msgid;

function collect() {
	const entries = new Map();
	for ( const file of sourceFiles( sourceDir ).sort() ) {
		for ( const entry of extract( file ) ) {
			const key = keyOf( entry );
			const existing = entries.get( key );
			if ( existing ) {
				existing.references.push( entry.reference );
				existing.translators ??= entry.translators;
				existing.plural ??= entry.plural;
			} else {
				entries.set( key, {
					...entry,
					references: [ entry.reference ],
				} );
			}
		}
	}
	return entries;
}

/* ---- PO files ---------------------------------------------------------- */

const quote = ( text ) =>
	'"' +
	text
		.replace( /\\/g, '\\\\' )
		.replace( /"/g, '\\"' )
		.replace( /\n/g, '\\n' )
		.replace( /\t/g, '\\t' ) +
	'"';

function unquote( line ) {
	const body = line.trim().replace( /^"|"$/g, '' );
	return body.replace(
		/\\(.)/g,
		( _, char ) =>
			( { n: '\n', t: '\t', '"': '"', '\\': '\\' } )[ char ] ?? char
	);
}

/** Reads a .po file into a map of key -> { msgstr: string[], fuzzy }. */
function readPo( file ) {
	const translations = new Map();
	let header = '';
	if ( ! existsSync( file ) ) {
		return { header, translations };
	}
	const blocks = readFileSync( file, 'utf8' ).split( /\r?\n\r?\n/ );
	for ( const block of blocks ) {
		const fields = {};
		let current = null;
		let fuzzy = false;
		for ( const line of block.split( /\r?\n/ ) ) {
			if ( line.startsWith( '#,' ) && line.includes( 'fuzzy' ) ) {
				fuzzy = true;
			}
			const match =
				/^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$/.exec(
					line
				);
			if ( match ) {
				current = match[ 1 ];
				fields[ current ] = unquote( match[ 2 ] );
			} else if ( line.startsWith( '"' ) && current ) {
				fields[ current ] += unquote( line );
			}
		}
		if ( fields.msgid === undefined ) {
			continue;
		}
		if ( fields.msgid === '' ) {
			header = fields.msgstr ?? '';
			continue;
		}
		const key = fields.msgctxt
			? `${ fields.msgctxt }\u0004${ fields.msgid }`
			: fields.msgid;
		const msgstr =
			fields.msgstr !== undefined
				? [ fields.msgstr ]
				: Object.keys( fields )
						.filter( ( name ) => name.startsWith( 'msgstr[' ) )
						.sort()
						.map( ( name ) => fields[ name ] );
		translations.set( key, { msgstr, fuzzy } );
	}
	return { header, translations };
}

function writePo( entries, header, translations, plurals ) {
	const out = [ `msgid ""`, `msgstr ""` ];
	for ( const line of header.split( '\n' ).filter( Boolean ) ) {
		out.push( quote( `${ line }\n` ) );
	}
	for ( const entry of entries.values() ) {
		out.push( '' );
		if ( entry.translators ) {
			out.push( `#. ${ entry.translators }` );
		}
		out.push( `#: ${ entry.references.join( ' ' ) }` );
		const existing = translations?.get( keyOf( entry ) );
		if ( existing?.fuzzy ) {
			out.push( '#, fuzzy' );
		}
		if ( entry.context ) {
			out.push( `msgctxt ${ quote( entry.context ) }` );
		}
		out.push( `msgid ${ quote( entry.msgid ) }` );
		if ( entry.plural ) {
			out.push( `msgid_plural ${ quote( entry.plural ) }` );
			for ( let i = 0; i < plurals; i++ ) {
				out.push(
					`msgstr[${ i }] ${ quote( existing?.msgstr[ i ] ?? '' ) }`
				);
			}
		} else {
			out.push( `msgstr ${ quote( existing?.msgstr[ 0 ] ?? '' ) }` );
		}
	}
	return out.join( '\n' ) + '\n';
}

function headerValue( header, name ) {
	const match = new RegExp( `^${ name }:\\s*(.*)$`, 'mi' ).exec( header );
	return match ? match[ 1 ].trim() : null;
}

/* ---- main ---------------------------------------------------------------- */

let stale = false;
const write = ( file, content ) => {
	const before = existsSync( file ) ? readFileSync( file, 'utf8' ) : null;
	if ( before !== content ) {
		stale = true;
		if ( ! check ) {
			writeFileSync( file, content );
		}
	}
};

const entries = collect();
const potHeader = [
	'Project-Id-Version: Rondine admin app',
	'MIME-Version: 1.0',
	'Content-Type: text/plain; charset=UTF-8',
	'Content-Transfer-Encoding: 8bit',
	'X-Domain: rondine',
].join( '\n' );
write(
	join( languagesDir, 'rondine-js.pot' ),
	writePo( entries, potHeader, null, 2 )
);

const md5 = createHash( 'md5' ).update( SCRIPT ).digest( 'hex' );
let missing = 0;
for ( const name of readdirSync( languagesDir ) ) {
	const match = /^rondine-js-([a-z]{2,3}(?:_[A-Z]{2})?)\.po$/.exec( name );
	if ( ! match ) {
		continue;
	}
	const locale = match[ 1 ];
	const poFile = join( languagesDir, name );
	const { header, translations } = readPo( poFile );
	const pluralForms =
		headerValue( header, 'Plural-Forms' ) ?? 'nplurals=2; plural=(n != 1);';
	const plurals = Number( /nplurals=(\d+)/.exec( pluralForms )?.[ 1 ] ?? 2 );
	write(
		poFile,
		writePo( entries, header || potHeader, translations, plurals )
	);

	const messages = {
		'': { domain: 'messages', lang: locale, 'plural-forms': pluralForms },
	};
	for ( const [ key, entry ] of entries ) {
		const found = translations.get( key );
		if ( ! found || found.fuzzy || ! found.msgstr.some( Boolean ) ) {
			missing++;
			console.warn( `${ locale }: untranslated: ${ entry.msgid }` );
			continue;
		}
		messages[ key ] = found.msgstr;
	}
	const json =
		JSON.stringify( {
			'translation-revision-date':
				headerValue( header, 'PO-Revision-Date' ) ?? '',
			generator: 'rondine admin-app/bin/make-json-translations.mjs',
			domain: 'messages',
			locale_data: { messages },
		} ) + '\n';
	write(
		join( languagesDir, `${ DOMAIN }-${ locale }-${ md5 }.json` ),
		json
	);
	console.log(
		`${ locale }: ${ Object.keys( messages ).length - 1 } of ${
			entries.size
		} strings translated -> ${ DOMAIN }-${ locale }-${ md5 }.json`
	);
}

if ( check && ( stale || missing ) ) {
	console.error(
		stale
			? 'Translation files are out of date: run node admin-app/bin/make-json-translations.mjs'
			: `${ missing } strings have no translation.`
	);
	process.exit( 1 );
}
