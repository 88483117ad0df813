/**
 * Internal dependencies
 */
import type { Config, Product } from '../types';

const LONE_SURROGATE =
	/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const VARIABLE = /\{(SITE|TITLE|URL|PRODUCT|PRICE|SKU)(?:\|([^{}[\]]*))?\}/g;

/**
 * The prefilled message's template language (the chat button screen explains it to the shop owner):
 *
 * - `{NAME}` is replaced by the variable's value on this page (SITE TITLE URL PRODUCT PRICE SKU).
 * - `{NAME|text}` uses `text` when the variable has no value on this page (e.g. `{PRODUCT|your products}`).
 * - `[ … ]` is an optional part: when a variable inside it has no value and no fallback, the whole part, brackets
 *   included, is left out; otherwise only the brackets go. Square brackets with no variable inside stay as written.
 * - Elsewhere an empty variable becomes nothing, and what it leaves is tidied: brackets or quotes around nothing
 *   (`()`, `“”`, `«»`) go with it, and so do the spaces before it when punctuation, a line end or the end follows.
 *   Runs of spaces and tabs become one space.
 *
 * @param template The shop owner's template.
 * @param values   Variable name → value on this page ('' when there is none).
 */
export function renderTemplate(
	template: string,
	values: Record< string, string >
) {
	// An empty variable becomes NUL until the tidying below, so that only what it leaves behind is touched.
	const fill = ( text: string, optional?: boolean ) => {
		let missing;
		const out = text.replace( VARIABLE, ( _, name: string, fallback ) => {
			const value = values[ name ] || fallback;
			missing ||= ! value;
			return value || '\0';
		} );
		return optional && missing ? '' : out;
	};
	return fill(
		template.replace( /\[([^[\]]*)\]/g, ( whole, inner: string ) =>
			inner.search( VARIABLE ) < 0 ? whole : fill( inner, true )
		)
	)
		.replace( /[(“«][ \t]*((?:\0[ \t]*)+)[)”»]/g, '$1' )
		.replace(
			/(^|\n)?[ \t]*(?:\0[ \t]*)+(?=([,.;:!?)\n]|$)?)/g,
			( _, start?: string, end?: string ) =>
				start ?? ( end === undefined ? ' ' : '' )
		)
		.replace( /[ \t]+/g, ' ' )
		.trim();
}

/**
 * The prefilled message: the keyword first, then the template with its variables filled for this page.
 *
 * @param config  The widget configuration.
 * @param product The product shown on this page, if any.
 */
export function buildMessage( config: Config, product: Product | null ) {
	const text = renderTemplate( config.message, {
		SITE: config.site,
		TITLE: document.title,
		// Without its query string and fragment, which can carry order keys, reset tokens or session ids,
		// unless the shop allows the full address.
		URL: config.fullUrl
			? location.href
			: location.origin + location.pathname,
		PRODUCT: product?.name ?? '',
		PRICE: product?.price ?? '',
		SKU: product?.sku ?? '',
	} );
	return ( config.keyword + ' ' + text ).trim();
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
