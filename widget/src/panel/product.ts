/**
 * Internal dependencies
 */
import type { Product } from '../types';

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
 * The product of this page from its Product structured data, as WooCommerce prints it (a single node or one of an
 * `@graph`, offers with a `priceSpecification` list whose first entry is the current price, or an AggregateOffer),
 * for when the plugin could not ask WooCommerce itself.
 *
 * @param lang The page's language, for the price format.
 */
export function readProduct( lang: string ): Product | null {
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
		const currency = ( spec.priceCurrency ??
			offer.priceCurrency ) as string;
		let price =
			amount === undefined || amount === null ? '' : String( amount );
		try {
			if ( price && currency ) {
				price = new Intl.NumberFormat( lang || undefined, {
					style: 'currency',
					currency,
				} ).format( +price );
			}
		} catch {
			price += ' ' + currency;
		}
		return {
			name: String( product.name ?? '' ),
			price,
			sku: String( product.sku ?? '' ),
		};
	}
	return null;
}
