/**
 * Internal dependencies
 */
import type {
	MessageTemplate,
	TemplateComponent,
} from '../dispatch/messenger.js';

/**
 * How the owner mapped the template's variables: each parameter is either a contact field (`field`, resolved per
 * recipient at snapshot time, `fallback` when the contact has no value) or a fixed text.
 */
export interface MappedParameter {
	type: 'text' | 'payload';
	field?: string;
	text?: string;
	fallback?: string;
	/** Named template parameters ({{first_name}} style). */
	parameter_name?: string;
}

export interface MappedComponent {
	type: 'header' | 'body' | 'button';
	sub_type?: 'quick_reply' | 'url';
	index?: number;
	parameters: MappedParameter[];
}

export type Variables = Record< string, string >;

/**
 * The own value of `name` in `record`, never one inherited from Object.prototype: field names come from the template
 * mapping and the site (input), so `__proto__`, `constructor` or `toString` must read as "no value".
 */
export function ownValue(
	record: Record< string, unknown > | null | undefined,
	name: string
): unknown {
	return record !== null &&
		typeof record === 'object' &&
		Object.hasOwn( record, name )
		? record[ name ]
		: undefined;
}

/** Fields a contact row from the site may carry at top level; anything else is read from `fields`. */
const CONTACT_FIELDS = new Set( [
	'first_name',
	'last_name',
	'email',
	'phone',
	'contact_id',
	'country',
] );

export function referencedFields( components: MappedComponent[] ): string[] {
	const fields = new Set< string >();
	for ( const component of components ) {
		for ( const parameter of component.parameters ) {
			if ( parameter.field ) {
				fields.add( parameter.field );
			}
		}
	}
	return [ ...fields ];
}

export function pickVariables(
	fields: string[],
	contact: Record< string, unknown >
): Variables {
	const extra = ownValue( contact, 'fields' ) as
		Record< string, unknown > | undefined;
	// No prototype: a field named "__proto__" is stored as an own property like any other, never as the prototype.
	const variables: Variables = Object.create( null );
	for ( const field of fields ) {
		const value = CONTACT_FIELDS.has( field )
			? ownValue( contact, field )
			: ownValue( extra, field );
		if (
			value !== undefined &&
			value !== null &&
			value !== '' &&
			typeof value !== 'object' &&
			typeof value !== 'function'
		) {
			variables[ field ] = String( value );
		}
	}
	return variables;
}

/** The Cloud API `template.components` for one recipient. */
export function buildComponents(
	components: MappedComponent[],
	variables: Variables
): TemplateComponent[] {
	return components.map( ( component ) => {
		const built: TemplateComponent = {
			type: component.type,
			parameters: component.parameters.map( ( parameter ) => {
				const value = parameter.field
					? ( ( ownValue( variables, parameter.field ) as
							string | undefined ) ??
						parameter.fallback ??
						'' )
					: ( parameter.text ?? '' );
				const base =
					parameter.type === 'payload'
						? { type: 'payload', payload: value }
						: { type: 'text', text: value };
				return parameter.parameter_name
					? { ...base, parameter_name: parameter.parameter_name }
					: base;
			} ),
		};
		if ( component.type === 'button' ) {
			built.sub_type = component.sub_type ?? 'quick_reply';
			built.index = String( component.index ?? 0 );
		}
		return built;
	} );
}

/** Number of {{n}} / {{name}} placeholders in a template component's text. */
function placeholderCount( text: string | undefined ): number {
	return new Set( ( text ?? '' ).match( /\{\{\s*[\w.]+\s*\}\}/g ) ?? [] )
		.size;
}

/**
 * Why this mapping cannot be sent with this template, or null when it fits. Checked when a campaign is saved, so the
 * owner hears it then rather than from 10,000 failed sends.
 */
export function mappingProblem(
	template: MessageTemplate,
	components: MappedComponent[]
): string | null {
	for ( const kind of [ 'header', 'body' ] as const ) {
		const definition = template.components.find(
			( c ) => c.type.toLowerCase() === kind
		);
		const expected =
			definition && ( definition.format ?? 'TEXT' ) === 'TEXT'
				? placeholderCount( definition.text )
				: 0;
		const mapped =
			components.find( ( c ) => c.type === kind )?.parameters.length ?? 0;
		if ( definition && ( definition.format ?? 'TEXT' ) !== 'TEXT' ) {
			continue;
		}
		if ( expected !== mapped ) {
			return `The template's ${ kind } has ${ expected } variable(s) but ${ mapped } are mapped.`;
		}
	}
	return null;
}
