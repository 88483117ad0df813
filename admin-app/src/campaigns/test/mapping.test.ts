/**
 * External dependencies
 */
import { describe, expect, it } from '@jest/globals';

/**
 * Internal dependencies
 */
import {
	fromComponents,
	incompleteSlots,
	templateSlots,
	toComponents,
} from '../mapping';
import type { Template } from '../../store/types';

const template: Template = {
	name: 'spring_sale',
	language: 'it',
	status: 'APPROVED',
	category: 'MARKETING',
	sendable: true,
	components: [
		{ type: 'HEADER', format: 'TEXT', text: 'Ciao {{1}}' },
		{ type: 'BODY', text: '{{1}}, il {{2}} è per te. Di nuovo {{1}}!' },
		{
			type: 'BUTTONS',
			buttons: [
				{ type: 'QUICK_REPLY', text: 'Stop' },
				{ type: 'URL', text: 'Shop', url: 'https://shop.test/{{1}}' },
			],
		},
	],
};

describe( 'template variable mapping', () => {
	it( 'finds each placeholder once, per component, with URL buttons by position', () => {
		expect( templateSlots( template ).map( ( slot ) => slot.id ) ).toEqual(
			[ 'header:1', 'body:1', 'body:2', 'button:1:1' ]
		);
	} );

	it( 'builds the bridge component mapping, fields with fallbacks and fixed texts', () => {
		const slots = templateSlots( template );
		const components = toComponents( slots, {
			'header:1': { field: 'first_name', text: 'cliente' },
			'body:1': { field: 'first_name', text: 'Ciao' },
			'body:2': { field: '', text: 'weekend' },
			'button:1:1': { field: '', text: 'saldi' },
		} );
		expect( components ).toEqual( [
			{
				type: 'header',
				parameters: [
					{ type: 'text', field: 'first_name', fallback: 'cliente' },
				],
			},
			{
				type: 'body',
				parameters: [
					{ type: 'text', field: 'first_name', fallback: 'Ciao' },
					{ type: 'text', text: 'weekend' },
				],
			},
			{
				type: 'button',
				sub_type: 'url',
				index: 1,
				parameters: [ { type: 'text', text: 'saldi' } ],
			},
		] );
		// And back, as the editor reopens a saved campaign.
		expect( fromComponents( slots, components ) ).toEqual( {
			'header:1': { field: 'first_name', text: 'cliente' },
			'body:1': { field: 'first_name', text: 'Ciao' },
			'body:2': { field: '', text: 'weekend' },
			'button:1:1': { field: '', text: 'saldi' },
		} );
	} );

	it( 'names the parameters of a template with named placeholders', () => {
		const named: Template = {
			...template,
			parameter_format: 'NAMED',
			components: [ { type: 'BODY', text: 'Ciao {{first_name}}' } ],
		};
		const slots = templateSlots( named );
		expect(
			toComponents( slots, {
				'body:first_name': { field: 'first_name', text: 'amico' },
			} )
		).toEqual( [
			{
				type: 'body',
				parameters: [
					{
						type: 'text',
						field: 'first_name',
						fallback: 'amico',
						parameter_name: 'first_name',
					},
				],
			},
		] );
	} );

	it( 'reports variables that would be sent empty', () => {
		const slots = templateSlots( template );
		expect(
			incompleteSlots( slots, {
				'header:1': { field: 'first_name', text: '' },
				'body:1': { field: 'first_name', text: 'Ciao' },
				'body:2': { field: '', text: '  ' },
			} ).map( ( slot ) => slot.id )
		).toEqual( [ 'header:1', 'body:2', 'button:1:1' ] );
	} );
} );
