/*
 * The @wordpress/scripts build, with one change: @wordpress/dataviews is
 * bundled instead of being loaded from a `wp.*` global, because WordPress
 * does not ship it as a script (the Site Editor bundles its own copy).
 *
 * The version is the one built for WordPress 6.8's packages (4.17, components
 * 29): it takes Menu and Badge from wp-components' private APIs, unlocked
 * through the wp-private-apis global that WordPress ships, so it adds about
 * 45 KB gzipped. DataViews 19 brought its own @wordpress/ui, theme and
 * private-apis copies and weighed about 210 KB (docs/BENCHMARKS.md).
 */
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );

const BUNDLED = new Set( [ '@wordpress/dataviews' ] );

module.exports = {
	...defaultConfig,
	plugins: [
		...defaultConfig.plugins.filter(
			( plugin ) =>
				! ( plugin instanceof DependencyExtractionWebpackPlugin )
		),
		new DependencyExtractionWebpackPlugin( {
			requestToExternal( request ) {
				if (
					BUNDLED.has( request ) ||
					[ ...BUNDLED ].some( ( name ) =>
						request.startsWith( `${ name }/` )
					)
				) {
					return false;
				}
				return undefined;
			},
		} ),
	],
};
