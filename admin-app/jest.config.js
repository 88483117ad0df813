const defaults = require( '@wordpress/scripts/config/jest-unit.config.js' );

module.exports = {
	...defaults,
	rootDir: __dirname,
	testMatch: [ '<rootDir>/src/**/test/*.[jt]s?(x)' ],
	setupFilesAfterEnv: [
		...( require( '@wordpress/jest-preset-default/jest-preset' )
			.setupFilesAfterEnv ?? [] ),
		'<rootDir>/src/test-setup.ts',
	],
};
