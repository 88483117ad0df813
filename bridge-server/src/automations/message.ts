/**
 * The v2 body of an automation's message (contract: Automation messages): `{"v":2,"category":…,"request":{…}}` where
 * `request` is the Cloud API message without `messaging_product`, `recipient_type`, `to` and
 * `biz_opaque_callback_data`, which the dispatcher adds (v2Request).
 */

/**
 * Internal dependencies
 */
import {
	buildComponents,
	type Variables,
} from '../campaigns/template-mapping.js';
import type { TemplateCategory, TemplateRef } from './types.js';

export interface V2Body {
	v: 2;
	category: TemplateCategory;
	request: Record< string, unknown >;
}

/** Contact values with the trigger event's data as `event.<key>`. */
export function valuesOf(
	contact: Variables,
	event: Record< string, unknown >
): Variables {
	const values: Variables = { ...contact };
	for ( const [ key, value ] of Object.entries( event ) ) {
		if (
			typeof value === 'string' ||
			typeof value === 'number' ||
			typeof value === 'boolean'
		) {
			values[ `event.${ key }` ] = String( value );
		}
	}
	return values;
}

export function templateBody(
	template: TemplateRef,
	values: Variables
): V2Body {
	const body: Record< string, unknown > = {
		name: template.name,
		language: { policy: 'deterministic', code: template.language },
	};
	// An empty value takes the mapping's fallback, as a campaign's contact fields do (Meta refuses an empty
	// parameter): an order without a tracking number, a contact without a last name.
	const given: Variables = Object.create( null );
	for ( const [ key, value ] of Object.entries( values ) ) {
		if ( value !== '' ) {
			given[ key ] = value;
		}
	}
	const components = buildComponents( template.components ?? [], given );
	if ( components.length > 0 ) {
		body.components = components;
	}
	return {
		v: 2,
		category: template.category ?? 'MARKETING',
		request: { type: 'template', template: body },
	};
}

/** `{first_name}` and `{event.total}` placeholders read the values; unknown ones become empty. */
export function fillText( text: string, values: Variables ): string {
	return text.replace( /\{([\w.-]+)\}/g, ( _, key: string ) =>
		Object.hasOwn( values, key ) ? String( values[ key ] ?? '' ) : ''
	);
}

export function textBody(
	text: string,
	buttons: Array< { id: string; title: string } >,
	values: Variables
): V2Body {
	const filled = fillText( text, values );
	if ( buttons.length === 0 ) {
		return {
			v: 2,
			category: 'SERVICE',
			request: { type: 'text', text: { body: filled } },
		};
	}
	return {
		v: 2,
		category: 'SERVICE',
		request: {
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: filled },
				action: {
					buttons: buttons.map( ( b ) => ( {
						type: 'reply',
						reply: { id: b.id, title: b.title },
					} ) ),
				},
			},
		},
	};
}

/** Whether a stored message body is v2 (an automation's) rather than a campaign's variables. */
export function isV2( body: unknown ): body is V2Body {
	return (
		typeof body === 'object' &&
		body !== null &&
		( body as { v?: unknown } ).v === 2 &&
		typeof ( body as { request?: unknown } ).request === 'object'
	);
}
