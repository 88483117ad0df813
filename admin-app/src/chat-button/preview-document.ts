/**
 * The HTML of the live preview: a plain page with the widget exactly as the storefront gets it (the configuration
 * as JSON, the built first stage as a module script), shown in an iframe of the same origin (the panel module loads from the plugin like on the storefront).
 *
 * @param config The widget configuration from the preview route.
 * @param script URL of the widget's first stage.
 * @param dir    Text direction of wp-admin.
 * @param lang   Language of wp-admin.
 */
export function previewDocument(
	config: Record< string, unknown >,
	script: string,
	dir: 'ltr' | 'rtl',
	lang: string
) {
	// `<` escaped so that no text in the settings can close the script element.
	const json = JSON.stringify( config ).replace( /</g, '\\u003c' );
	const attribute = ( value: string ) =>
		value
			.replace( /&/g, '&amp;' )
			.replace( /"/g, '&quot;' )
			.replace( /</g, '&lt;' );
	return (
		`<!doctype html><html lang="${ attribute( lang ) }" dir="${ dir }"><head><meta charset="utf-8">` +
		'<style>body{margin:0;min-height:100vh;background:#f6f7f7;font:14px/1.5 sans-serif;color:#1e1e1e}' +
		'main{padding:24px;max-width:420px}i{display:block;height:12px;margin:0 0 12px;border-radius:6px;background:#dcdcde}</style>' +
		'</head><body><main aria-hidden="true"><i style="width:60%"></i><i></i><i style="width:85%"></i><i style="width:40%"></i></main>' +
		`<script type="application/json" id="rondine-chat-config">${ json }</script>` +
		`<script type="module" src="${ attribute( script ) }"></script></body></html>`
	);
}
