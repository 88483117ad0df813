/**
 * Internal dependencies
 */
import type { PriceFormat, Product } from '../types';

type Json = Record< string, unknown >;

function isProduct( node: unknown ): node is Json {
	const type = ( node as Json | null )?.[ '@type' ];
	return (
		type === 'Product' ||
		( Array.isArray( type ) && type.includes( 'Product' ) )
	);
}

function first( value: unknown ): Json | undefined {
	return ( Array.isArray( value ) ? value[ 0 ] : value ) as Json | undefined;
}

/**
 * A price as the shop writes it: in the shop's currency with WooCommerce's price format (what wc_price() prints,
 * "49,90 €" for an Italian shop), another currency in the page language's format.
 *
 * @param amount   The amount.
 * @param currency ISO 4217 code.
 * @param format   The shop's price format, if known.
 * @param lang     The page's language.
 */
export function formatPrice(
	amount: number,
	currency: string,
	format: PriceFormat | null | undefined,
	lang: string
): string {
	if ( format && ( ! currency || currency === format.currency ) ) {
		const [ whole, fraction ] = Math.abs( amount )
			.toFixed( format.decimals )
			.split( '.' );
		const number =
			whole!.replace( /\B(?=(\d{3})+$)/g, format.thousandSeparator ) +
			( fraction ? format.decimalSeparator + fraction : '' );
		return (
			( amount < 0 ? '-' : '' ) + format.pattern.replace( '%s', number )
		);
	}
	try {
		return new Intl.NumberFormat( lang || undefined, {
			style: 'currency',
			currency,
		} ).format( amount );
	} catch {
		return ( amount + ' ' + currency ).trim();
	}
}

/**
 * The product of this page from its Product structured data, as WooCommerce prints it (a single node or one of an
 * `@graph`, offers with a `priceSpecification` list whose first entry is the current price, or an AggregateOffer),
 * for when the plugin could not ask WooCommerce itself.
 *
 * @param lang   The page's language, for a price in another currency than the shop's.
 * @param format The shop's price format, if known.
 */
export function readProduct(
	lang: string,
	format?: PriceFormat | null
): Product | null {
	for ( const script of document.querySelectorAll(
		'script[type="application/ld+json"]'
	) ) {
		let data: unknown;
		try {
			data = JSON.parse( script.textContent || '' );
		} catch {
			continue;
		}
		const nodes = ( Array.isArray( data ) ? data : [ data ] ).flatMap(
			( node: Json ) => ( node?.[ '@graph' ] as unknown[] ) || [ node ]
		);
		const product = nodes.find( isProduct );
		if ( ! product ) {
			continue;
		}
		const offer = first( product.offers ) || {};
		const spec = first( offer.priceSpecification ) || {};
		const amount = spec.price ?? offer.price ?? offer.lowPrice;
		const currency = ( spec.priceCurrency ?? offer.priceCurrency ) as
			string | undefined;
		const value = Number( amount ?? NaN );
		const price =
			amount === '' || ! Number.isFinite( value )
				? ''
				: formatPrice( value, currency || '', format, lang );
		return {
			name: String( product.name ?? '' ),
			price,
			sku: String( product.sku ?? '' ),
		};
	}
	return null;
}
