/**
 * JSON.parse that refuses prototype poisoning, as Fastify's own parser does with `onProtoPoisoning: 'error'` and
 * `onConstructorPoisoning: 'error'` (secure-json-parse): a `__proto__` key, or a `constructor` key holding a
 * `prototype`, anywhere in the document is an error. Costs one regular expression over the text when neither appears.
 */

const SUSPECT_PROTO =
	/"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const SUSPECT_CONSTRUCTOR =
	/"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

export class ForbiddenJsonError extends SyntaxError {}

function check( value: unknown ): void {
	const stack: unknown[] = [ value ];
	while ( stack.length > 0 ) {
		const node = stack.pop();
		if ( typeof node !== 'object' || node === null ) {
			continue;
		}
		if ( Object.prototype.hasOwnProperty.call( node, '__proto__' ) ) {
			throw new ForbiddenJsonError(
				'Object contains forbidden prototype property'
			);
		}
		const ctor = ( node as Record< string, unknown > ).constructor;
		if (
			Object.prototype.hasOwnProperty.call( node, 'constructor' ) &&
			typeof ctor === 'object' &&
			ctor !== null &&
			Object.prototype.hasOwnProperty.call( ctor, 'prototype' )
		) {
			throw new ForbiddenJsonError(
				'Object contains forbidden prototype property'
			);
		}
		for ( const child of Object.values( node ) ) {
			if ( typeof child === 'object' && child !== null ) {
				stack.push( child );
			}
		}
	}
}

/**
 * Parse JSON text; throws a SyntaxError when it is not JSON or tries to poison a prototype.
 *
 * @param text The JSON text.
 */
export function parseJson( text: string ): unknown {
	const value: unknown = JSON.parse( text );
	if ( SUSPECT_PROTO.test( text ) || SUSPECT_CONSTRUCTOR.test( text ) ) {
		check( value );
	}
	return value;
}
