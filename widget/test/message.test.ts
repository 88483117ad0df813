/**
 * The prefilled message's template rule and prices in the shop's format.
 */

/**
 * External dependencies
 */
import { describe, expect, it } from 'vitest';

/**
 * Internal dependencies
 */
import { renderTemplate } from '../src/panel/message';
import { formatPrice } from '../src/panel/product';
import type { PriceFormat } from '../src/types';

const OFF_PRODUCT = {
	SITE: 'Bottega Demo',
	TITLE: 'Chi siamo',
	URL: 'https://shop.test/chi-siamo/',
	PRODUCT: '',
	PRICE: '',
	SKU: '',
};
const ON_PRODUCT = {
	...OFF_PRODUCT,
	TITLE: 'Borsa Firenze',
	PRODUCT: 'Borsa Firenze',
	PRICE: '49,90 €',
	SKU: 'BRS-1',
};

describe( 'the message template', () => {
	it( 'fills variables that have a value', () => {
		expect(
			renderTemplate(
				'Ciao {SITE}, vorrei informazioni su {PRODUCT} ({PRICE})',
				ON_PRODUCT
			)
		).toBe(
			'Ciao Bottega Demo, vorrei informazioni su Borsa Firenze (49,90 €)'
		);
	} );

	it( 'never leaves "()" or stray spaces where a variable is empty', () => {
		const text = renderTemplate(
			'Ciao {SITE}, vorrei informazioni su {PRODUCT} ({PRICE}) {URL}',
			OFF_PRODUCT
		);
		expect( text ).toBe(
			'Ciao Bottega Demo, vorrei informazioni su https://shop.test/chi-siamo/'
		);
		expect( text ).not.toContain( '()' );
		expect(
			renderTemplate( '{PRODUCT}, {SKU}! «{PRICE}» grazie', OFF_PRODUCT )
		).toBe( ',! grazie' );
	} );

	it( 'leaves out an optional [part] when a variable in it is empty, keeps it otherwise', () => {
		const template =
			'Ciao {SITE}[, vorrei informazioni su {PRODUCT} a {PRICE} (codice {SKU})]. {URL}';
		expect( renderTemplate( template, OFF_PRODUCT ) ).toBe(
			'Ciao Bottega Demo. https://shop.test/chi-siamo/'
		);
		expect( renderTemplate( template, ON_PRODUCT ) ).toBe(
			'Ciao Bottega Demo, vorrei informazioni su Borsa Firenze a 49,90 € (codice BRS-1). https://shop.test/chi-siamo/'
		);
	} );

	it( 'uses the fallback of {NAME|text} when the variable is empty', () => {
		const template = 'Vorrei informazioni su {PRODUCT|i vostri prodotti}';
		expect( renderTemplate( template, OFF_PRODUCT ) ).toBe(
			'Vorrei informazioni su i vostri prodotti'
		);
		expect( renderTemplate( template, ON_PRODUCT ) ).toBe(
			'Vorrei informazioni su Borsa Firenze'
		);
		// A fallback counts as a value inside an optional part.
		expect(
			renderTemplate( 'Ciao[ da {PRODUCT|una pagina}]', OFF_PRODUCT )
		).toBe( 'Ciao da una pagina' );
	} );

	it( "keeps the owner's own text: brackets without variables, punctuation spacing, line breaks", () => {
		expect(
			renderTemplate(
				'[Web] Bonjour {SITE} !\nQuestion : {TITLE} ?',
				OFF_PRODUCT
			)
		).toBe( '[Web] Bonjour Bottega Demo !\nQuestion : Chi siamo ?' );
		expect(
			renderTemplate( 'Riga uno {SKU}\n{PRODUCT} riga due', OFF_PRODUCT )
		).toBe( 'Riga uno\nriga due' );
		// Unknown names stay as written.
		expect( renderTemplate( '{NOME} {site}', OFF_PRODUCT ) ).toBe(
			'{NOME} {site}'
		);
	} );
} );

describe( 'prices', () => {
	const italian: PriceFormat = {
		currency: 'EUR',
		decimals: 2,
		decimalSeparator: ',',
		thousandSeparator: '.',
		pattern: '%s €',
	};

	it( "writes the shop's currency as WooCommerce does, whatever the page language", () => {
		expect( formatPrice( 49.9, 'EUR', italian, 'en-US' ) ).toBe(
			'49,90 €'
		);
		expect( formatPrice( 1249, 'EUR', italian, 'en-US' ) ).toBe(
			'1.249,00 €'
		);
		expect( formatPrice( -5, 'EUR', italian, 'en-US' ) ).toBe( '-5,00 €' );
		expect(
			formatPrice(
				1249.5,
				'USD',
				{
					...italian,
					currency: 'USD',
					decimalSeparator: '.',
					thousandSeparator: ',',
					pattern: '$%s',
				},
				'it-IT'
			)
		).toBe( '$1,249.50' );
		expect(
			formatPrice( 1234.5678, 'EUR', { ...italian, decimals: 4 }, 'en' )
		).toBe( '1.234,5678 €' );
		expect(
			formatPrice(
				12,
				'JPY',
				{
					...italian,
					currency: 'JPY',
					decimals: 0,
					pattern: '¥ %s',
				},
				'it-IT'
			)
		).toBe( '¥ 12' );
	} );

	it( "writes another currency, or any without the shop's format, in the page language", () => {
		const intl = ( lang: string, currency: string, amount: number ) =>
			new Intl.NumberFormat( lang, {
				style: 'currency',
				currency,
			} ).format( amount );
		expect( formatPrice( 49.9, 'USD', italian, 'it-IT' ) ).toBe(
			intl( 'it-IT', 'USD', 49.9 )
		);
		expect( formatPrice( 49.9, 'EUR', null, 'it-IT' ) ).toBe(
			intl( 'it-IT', 'EUR', 49.9 )
		);
		expect( formatPrice( 49.9, 'XXXX', null, 'it-IT' ) ).toBe(
			'49.9 XXXX'
		);
	} );
} );
