/**
 * Internal dependencies
 */
import {
	buildComponents,
	type MappedComponent,
	type Variables,
} from '../campaigns/template-mapping.js';
import { templateMessageBody } from '../whatsapp/client.js';

const TO = -1;
const CALLBACK = -2;

/** The JSON request body of one campaign's message to one recipient. */
export type BodyWriter = (
	to: string,
	variables: Variables,
	callback: string
) => string;

/**
 * Compiles, once per campaign, the JSON of its send request (`templateMessageBody` of `buildComponents`, serialized)
 * into the literal text between the values that change per recipient: the number, the callback data and each
 * parameter that reads a contact field. A send then joins those pieces with its own values, instead of building
 * and serializing a tree of objects per message (a good share of the dispatcher's allocation at 1,000 messages a
 * second).
 *
 * The text comes from the same two functions with marker values in place of the changing ones, so it cannot drift from
 * them; test/engine/message-body.test.ts checks the result against them, value by value.
 *
 * @param templateName Template name.
 * @param languageCode Template language.
 * @param components   The campaign's mapping.
 */
export function compileTemplateBody(
	templateName: string,
	languageCode: string,
	components: MappedComponent[]
): BodyWriter {
	// A NUL cannot occur in a template's name, language or fixed texts: the markers are unambiguous.
	const marker = ( key: string ) => `\u0000rondine:${ key }\u0000`;
	const fields: Array< { field: string; fallback: string } > = [];
	const marked = components.map( ( component ) => ( {
		...component,
		parameters: component.parameters.map( ( parameter ) => {
			if ( ! parameter.field ) {
				return parameter;
			}
			fields.push( {
				field: parameter.field,
				fallback: parameter.fallback ?? '',
			} );
			const { field, fallback, ...rest } = parameter;
			return { ...rest, text: marker( String( fields.length - 1 ) ) };
		} ),
	} ) );
	const json = JSON.stringify(
		templateMessageBody( {
			phoneNumberId: '',
			token: '',
			to: marker( 'to' ),
			template: {
				name: templateName,
				language: languageCode,
				components: buildComponents( marked, {} ),
			},
			bizOpaqueCallbackData: marker( 'callback' ),
		} )
	);
	// Each marker appears once, as a JSON string; split the text around them, in the order they appear.
	const pieces: string[] = [];
	// What goes in each gap: the index of a field, or TO / CALLBACK.
	const slots: number[] = [];
	const pattern = /"\\u0000rondine:(\w+)\\u0000"/g;
	let from = 0;
	for ( const match of json.matchAll( pattern ) ) {
		pieces.push( json.slice( from, match.index ) );
		const key = match[ 1 ] as string;
		let slot = Number( key );
		if ( key === 'to' ) {
			slot = TO;
		} else if ( key === 'callback' ) {
			slot = CALLBACK;
		}
		slots.push( slot );
		from = ( match.index as number ) + match[ 0 ].length;
	}
	pieces.push( json.slice( from ) );
	if ( slots.length !== fields.length + 2 ) {
		throw new Error( 'The template body could not be compiled.' );
	}

	return ( to, variables, callback ) => {
		let body = pieces[ 0 ] as string;
		for ( let i = 0; i < slots.length; i++ ) {
			const slot = slots[ i ] as number;
			let value: unknown;
			if ( slot === TO ) {
				value = to;
			} else if ( slot === CALLBACK ) {
				value = callback;
			} else {
				const { field, fallback } = fields[ slot ] as {
					field: string;
					fallback: string;
				};
				// Own properties only: an inherited name (constructor, toString...) is no value.
				value =
					( Object.hasOwn( variables, field )
						? variables[ field ]
						: undefined ) ?? fallback;
			}
			body += JSON.stringify( value ) + ( pieces[ i + 1 ] as string );
		}
		return body;
	};
}

/**
 * The send request of an automation's message (src/automations, body v2: `{"v":2,"category":…,"request":{…}}`): its
 * stored request as it is, with the number and the callback data added.
 */
export const v2BodyWriter: BodyWriter = ( to, body, callback ) =>
	JSON.stringify( {
		messaging_product: 'whatsapp',
		recipient_type: 'individual',
		to,
		...( ( body as unknown as { request?: Record< string, unknown > } )
			.request ?? {} ),
		biz_opaque_callback_data: callback,
	} );
