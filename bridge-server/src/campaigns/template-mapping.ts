/**
 * Internal dependencies
 */
import type { SitePolicy } from '../net/site-url.js';
import { STRICT_SITE_POLICY } from '../net/site-url.js';
import { isMediaKind, mediaProblem, type MediaKind } from './media.js';
import type {
	MessageTemplate,
	TemplateComponent,
} from '../dispatch/messenger.js';

/**
 * How the owner mapped the template's variables: each parameter is either a contact field (`field`, resolved per
 * recipient at snapshot time, `fallback` when the contact has no value) or a fixed text.
 */
export interface MappedParameter {
	type: 'text' | 'payload' | MediaKind;
	field?: string;
	text?: string;
	fallback?: string;
	/** Named template parameters ({{first_name}} style). */
	parameter_name?: string;
	/** Media headers (type image, video or document): a public https link or an uploaded media id (src/campaigns/media.ts). */
	link?: string;
	id?: string;
	filename?: string;
	mime_type?: string;
	size?: number;
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
				if ( isMediaKind( parameter.type ) ) {
					return mediaParameter( parameter );
				}
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

/** A media header parameter as Meta expects it: `{type:"image", image:{link}}` (or `{id}`; documents may name the file). */
function mediaParameter( parameter: MappedParameter ): {
	type: string;
	[ key: string ]: unknown;
} {
	const media: Record< string, string > = {};
	if ( parameter.id !== undefined ) {
		media.id = parameter.id;
	} else {
		media.link = parameter.link ?? '';
	}
	if ( parameter.type === 'document' && parameter.filename ) {
		media.filename = parameter.filename;
	}
	return { type: parameter.type, [ parameter.type ]: media };
}

/** Number of {{n}} / {{name}} placeholders in a template component's text. */
function placeholderCount( text: string | undefined ): number {
	return new Set( ( text ?? '' ).match( /\{\{\s*[\w.]+\s*\}\}/g ) ?? [] )
		.size;
}

/**
 * Why this mapping cannot be sent with this template, or null when it fits. Checked when a campaign is saved and
 * again when it is scheduled, so the owner hears it then rather than from 10,000 failed sends: a media header without
 * its image, video or document, a variable count that differs, a fixed text left empty.
 *
 * @param template   The template as the Cloud API lists it.
 * @param components The campaign's mapping.
 * @param policy     Which media links are allowed (the site URL policy; strict unless a development setting opens it).
 */
export function mappingProblem(
	template: MessageTemplate,
	components: MappedComponent[],
	policy: SitePolicy = STRICT_SITE_POLICY
): string | null {
	for ( const kind of [ 'header', 'body' ] as const ) {
		const definition = template.components.find(
			( c ) => c.type.toLowerCase() === kind
		);
		const format = String( definition?.format ?? 'TEXT' ).toUpperCase();
		const mapped = components.find( ( c ) => c.type === kind );
		if ( definition && format !== 'TEXT' ) {
			const media = format.toLowerCase();
			if ( ! isMediaKind( media ) ) {
				continue; // LOCATION headers take no parameter here.
			}
			const given = mapped?.parameters ?? [];
			if ( given.length !== 1 || ! given[ 0 ] ) {
				return `The template's header is a ${ media }: choose the ${ media } to send (from the Media Library or a link).`;
			}
			const first = given[ 0 ];
			const problem = mediaProblem(
				media,
				{
					type: isMediaKind( first.type ) ? first.type : media,
					link: first.link,
					id: first.id,
					filename: first.filename,
					mime_type: first.mime_type,
					size: first.size,
				},
				policy
			);
			if ( problem ) {
				return problem;
			}
			if ( ! isMediaKind( first.type ) ) {
				return `The template's header is a ${ media }, but a ${ first.type } was given.`;
			}
			continue;
		}
		const expected = definition ? placeholderCount( definition.text ) : 0;
		const count = mapped?.parameters.length ?? 0;
		if ( expected !== count ) {
			return `The template's ${ kind } has ${ expected } variable(s) but ${ count } are mapped.`;
		}
		for ( const parameter of mapped?.parameters ?? [] ) {
			if ( isMediaKind( parameter.type ) ) {
				return `The template's ${ kind } takes text, not a ${ parameter.type }.`;
			}
			if ( ! parameter.field && ( parameter.text ?? '' ).trim() === '' ) {
				return `A variable of the template's ${ kind } is empty: WhatsApp refuses empty values; give it a text or a contact field.`;
			}
		}
	}
	return null;
}
