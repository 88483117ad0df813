/**
 * Reads a test runner's report and prints "<passed> <failed> <skipped>".
 *
 * Usage: node count-results.mjs <jest|vitest|playwright|junit> <report file>
 *
 * A report that is missing or unreadable prints "0 1 0": a runner that crashed before reporting is one failure.
 */

/**
 * External dependencies
 */
import { readFileSync } from 'node:fs';

const [ format, file ] = process.argv.slice( 2 );

function counts() {
	const text = readFileSync( file, 'utf8' );
	switch ( format ) {
		case 'jest':
		case 'vitest': {
			const report = JSON.parse( text );
			// A suite that failed to load (syntax error, missing import) has no tests but fails the run.
			const broken = ( report.testResults ?? [] ).filter(
				( suite ) =>
					suite.status === 'failed' &&
					( suite.assertionResults ?? [] ).length === 0
			).length;
			return [
				report.numPassedTests,
				report.numFailedTests + broken,
				( report.numPendingTests ?? 0 ) + ( report.numTodoTests ?? 0 ),
			];
		}
		case 'playwright': {
			const { stats, errors = [] } = JSON.parse( text );
			return [
				stats.expected + stats.flaky,
				stats.unexpected + errors.length,
				stats.skipped,
			];
		}
		case 'junit': {
			let tests = 0;
			let failures = 0;
			let skipped = 0;
			// Only the outermost <testsuite> elements: nested suites repeat their children's counts.
			let depth = 0;
			for ( const match of text.matchAll(
				/<(\/?)testsuite(?:s)?\b([^>]*?)(\/?)>/g
			) ) {
				const [ tag, closing, attributes, selfClosing ] = match;
				if ( tag.startsWith( '<testsuites' ) || tag.startsWith( '</testsuites' ) ) {
					continue;
				}
				if ( closing ) {
					depth--;
					continue;
				}
				if ( depth === 0 ) {
					const number = ( name ) =>
						Number( ( attributes.match( new RegExp( `\\b${ name }="(\\d+)"` ) ) ?? [] )[ 1 ] ?? 0 );
					tests += number( 'tests' );
					failures += number( 'failures' ) + number( 'errors' );
					skipped += number( 'skipped' );
				}
				if ( ! selfClosing ) {
					depth++;
				}
			}
			return [ tests - failures - skipped, failures, skipped ];
		}
		default:
			throw new Error( `unknown format ${ format }` );
	}
}

try {
	console.log( counts().join( ' ' ) );
} catch {
	console.log( '0 1 0' );
}
