/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import {
	buildComponents,
	type MappedComponent,
	type Variables,
} from '../../src/campaigns/template-mapping';
import { compileTemplateBody } from '../../src/dispatch/message-body';
import { templateMessageBody } from '../../src/whatsapp/client';

/** What the dispatcher sent before bodies were compiled: the object tree, serialized. */
function reference(
	name: string,
	language: string,
	components: MappedComponent[],
	to: string,
	variables: Variables,
	callback: string
): string {
	return JSON.stringify(
		templateMessageBody( {
			phoneNumberId: '',
			token: '',
			to,
			template: {
				name,
				language,
				components: buildComponents( components, variables ),
			},
			bizOpaqueCallbackData: callback,
		} )
	);
}

const MAPPINGS: Record< string, MappedComponent[] > = {
	'no parameters': [],
	'positional header, body and quick-reply buttons': [
		{
			type: 'header',
			parameters: [ { type: 'text', field: 'first_name' } ],
		},
		{
			type: 'body',
			parameters: [
				{ type: 'text', field: 'first_name', fallback: 'cliente' },
				{ type: 'text', text: 'SCONTO10' },
				{ type: 'text', field: 'coupon', fallback: '' },
				// The same field again, with another fallback.
				{ type: 'text', field: 'first_name', fallback: 'amico' },
			],
		},
		{
			type: 'button',
			sub_type: 'quick_reply',
			index: 0,
			parameters: [ { type: 'payload', text: 'STOP' } ],
		},
		{
			type: 'button',
			sub_type: 'quick_reply',
			index: 1,
			parameters: [ { type: 'payload', field: 'contact_id' } ],
		},
	],
	'named parameters and a URL button': [
		{
			type: 'body',
			parameters: [
				{
					type: 'text',
					field: 'first_name',
					parameter_name: 'first_name',
				},
				{
					type: 'text',
					field: 'order_total',
					fallback: '0',
					parameter_name: 'total',
				},
			],
		},
		{
			type: 'button',
			sub_type: 'url',
			index: 0,
			parameters: [ { type: 'text', field: 'cart_token' } ],
		},
	],
};

const RECIPIENTS: Array< [ string, Variables ] > = [
	[
		'+393331234567',
		{ first_name: 'Giulia', coupon: 'X1', contact_id: '7' },
	],
	// Missing fields: fallbacks, or an empty text.
	[ '+393331234568', {} ],
	// What JSON must escape, and text that looks like the compiler's own markers.
	[
		'+393331234569',
		{
			first_name: 'Zoë "la" \\ Rossi\n🍝',
			coupon: '\u0000rondine:0\u0000',
			contact_id: '</script>',
			order_total: '1.234,50 €',
			cart_token: 'a/b?c=d&e',
		},
	],
];

describe( 'compiled message bodies', () => {
	for ( const [ title, components ] of Object.entries( MAPPINGS ) ) {
		it( `${ title }: the same JSON as the object tree, for every recipient`, () => {
			const write = compileTemplateBody(
				'promo_autunno',
				'it',
				components
			);
			for ( const [ phone, variables ] of RECIPIENTS ) {
				const callback = `autumn:${ phone.slice( -3 ) }`;
				const body = write( phone, variables, callback );
				expect( body ).toBe(
					reference(
						'promo_autunno',
						'it',
						components,
						phone,
						variables,
						callback
					)
				);
				expect( JSON.parse( body ).to ).toBe( phone );
			}
		} );
	}

	it( 'a template name or fixed text with quotes and backslashes is kept as written', () => {
		const components: MappedComponent[] = [
			{
				type: 'body',
				parameters: [
					{ type: 'text', text: 'say "ciao" \\o/' },
					{ type: 'text', field: 'first_name' },
				],
			},
		];
		const write = compileTemplateBody( 'odd"name', 'en_US', components );
		expect( write( '+14155550100', { first_name: 'Ann' }, 'c:1' ) ).toBe(
			reference(
				'odd"name',
				'en_US',
				components,
				'+14155550100',
				{ first_name: 'Ann' },
				'c:1'
			)
		);
	} );
} );
