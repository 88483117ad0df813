/*
 * The @wordpress/scripts build, with one change: packages that WordPress
 * 6.6 to 6.8 do not ship as scripts (or ship in a version that refuses to
 * serve them) are bundled instead of being loaded from `wp.*` globals.
 *
 * - @wordpress/dataviews: not a WordPress script at all.
 * - @wordpress/ui and @wordpress/theme (used by DataViews 19): not in 6.8; an
 *   `wp-theme` dependency in index.asset.php would make WordPress silently
 *   drop the whole admin script.
 * - @wordpress/private-apis: 6.8's copy refuses @wordpress/ui and
 *   @wordpress/theme (they are not on its list of core modules), so those two
 *   get a private copy of their own. Nothing here unlocks anything that
 *   comes from a WordPress global.
 */
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );

const BUNDLED = new Set( [
	'@wordpress/dataviews',
	'@wordpress/ui',
	'@wordpress/theme',
	'@wordpress/private-apis',
] );

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
