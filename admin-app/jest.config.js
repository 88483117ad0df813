const defaults = require( '@wordpress/scripts/config/jest-unit.config.js' );

module.exports = {
	...defaults,
	rootDir: __dirname,
	// A few dependencies of @wordpress/components ship ES modules only.
	transform: {
		'\\.m?[jt]sx?$':
			require.resolve( '@wordpress/scripts/config/babel-transform' ),
	},
	transformIgnorePatterns: [
		'/node_modules/(?!(uuid|@wordpress/theme|@wordpress/ui|@base-ui|@ariakit|date-fns)/)',
	],
	testMatch: [ '<rootDir>/src/**/test/*.[jt]s?(x)' ],
	setupFilesAfterEnv: [
		...( require( '@wordpress/jest-preset-default/jest-preset' )
			.setupFilesAfterEnv ?? [] ),
		'<rootDir>/src/test-setup.ts',
	],
};
