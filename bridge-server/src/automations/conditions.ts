/**
 * A condition step's test: rules on the contact's values (`contact.<field>`) and the trigger event's data
 * (`event.<key>`); `has_tag` reads the contact's `tags` (a comma-separated value the site sends with the contact).
 */

/**
 * Internal dependencies
 */
import type { ConditionRule } from './types.js';

function valueOf(
	field: string,
	contact: Record< string, string >,
	event: Record< string, unknown >
): unknown {
	const [ scope, ...rest ] = field.split( '.' );
	const key = rest.join( '.' );
	const source: Record< string, unknown > =
		scope === 'contact' ? contact : event;
	return Object.hasOwn( source, key ) ? source[ key ] : undefined;
}

function tagsOf( contact: Record< string, string > ): string[] {
	const raw = Object.hasOwn( contact, 'tags' ) ? contact.tags : '';
	return String( raw ?? '' )
		.split( ',' )
		.map( ( t ) => t.trim().toLowerCase() )
		.filter( Boolean );
}

export function test(
	rule: ConditionRule,
	contact: Record< string, string >,
	event: Record< string, unknown >
): boolean {
	if ( rule.op === 'has_tag' ) {
		return tagsOf( contact ).includes(
			String( rule.value ?? '' ).toLowerCase()
		);
	}
	const value = valueOf( rule.field, contact, event );
	switch ( rule.op ) {
		case 'exists':
			return value !== undefined && value !== null && value !== '';
		case 'eq':
			return String( value ?? '' ) === String( rule.value ?? '' );
		case 'neq':
			return String( value ?? '' ) !== String( rule.value ?? '' );
		case 'contains':
			return String( value ?? '' )
				.toLowerCase()
				.includes( String( rule.value ?? '' ).toLowerCase() );
		case 'gt':
			return Number( value ) > Number( rule.value );
		case 'lt':
			return Number( value ) < Number( rule.value );
		default:
			return false;
	}
}

/** `all` rules must all hold, `any` at least one of them (when given). */
export function evaluate(
	condition: { all?: ConditionRule[]; any?: ConditionRule[] },
	contact: Record< string, string >,
	event: Record< string, unknown >
): boolean {
	const all = condition.all ?? [];
	const any = condition.any ?? [];
	return (
		all.every( ( r ) => test( r, contact, event ) ) &&
		( any.length === 0 || any.some( ( r ) => test( r, contact, event ) ) )
	);
}
