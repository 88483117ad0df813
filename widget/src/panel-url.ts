/**
 * The chat panel's URL, when it is the one the plugin generated: on the same origin as the button's script (the
 * page's own, since the plugin inlines the button) and the plugin's built panel file. Anything else is refused, because
 * the imported module runs with all the rights of the page (and of whoever is logged in).
 *
 * @param url  The panel URL from the configuration.
 * @param base The URL of the button's script (`import.meta.url`; the page's URL when inlined).
 * @return The URL to import, or '' when it is not the plugin's panel.
 */
export function panelUrl( url: string, base: string ): string {
	const panel = new URL( url, base );
	return panel.origin === new URL( base ).origin &&
		panel.pathname.endsWith( '/build/widget/rondine-chat-panel.js' )
		? panel.href
		: '';
}
