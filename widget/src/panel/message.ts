/**
 * Internal dependencies
 */
import type { Config, Product } from '../types';

const LONE_SURROGATE =
	/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The prefilled message: the keyword first, then the template with its variables filled for this page.
 * A variable without a value (a product variable outside a product page) becomes empty.
 *
 * @param config  The widget configuration.
 * @param product The product shown on this page, if any.
 */
export function buildMessage( config: Config, product: Product | null ) {
	const values: Record< string, string > = {
		SITE: config.site,
		TITLE: document.title,
		// Without its query string and fragment, which can carry order keys, reset tokens or session ids, unless
		// the shop allows the full address.
		URL: config.fullUrl
			? location.href
			: location.origin + location.pathname,
		PRODUCT: product?.name ?? '',
		PRICE: product?.price ?? '',
		SKU: product?.sku ?? '',
	};
	return [
		config.keyword,
		config.message.replace(
			/\{(SITE|TITLE|URL|PRODUCT|PRICE|SKU)\}/g,
			( _, name: string ) => values[ name ]!
		),
	]
		.join( ' ' )
		.replace( /[ \t]+/g, ' ' )
		.trim();
}

/**
 * The wa.me link. The text is percent-encoded as UTF-8 (any language, emoji included); a broken UTF-16 pair,
 * which encodeURIComponent would throw on, becomes U+FFFD.
 *
 * @param phone International number, digits only.
 * @param text  The message.
 */
export function whatsappLink( phone: string, text: string ) {
	return (
		'https://wa.me/' +
		phone +
		( text
			? '?text=' +
				encodeURIComponent( text.replace( LONE_SURROGATE, '\uFFFD' ) )
			: '' )
	);
}
