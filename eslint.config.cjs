/**
 * Shared ESLint flat config for every Rondine workspace.
 *
 * Each workspace re-exports it from its own `eslint.config.cjs` so that
 * `wp-scripts lint-js` (which looks for a config in the workspace folder)
 * and plain `npx eslint` from the repository root both use it.
 */
const wpPlugin = require( '@wordpress/eslint-plugin' );

module.exports = [
	{
		ignores: [
			'**/build/**',
			'**/dist/**',
			'**/node_modules/**',
			'**/vendor/**',
			'**/coverage/**',
			'**/playwright-report/**',
			'**/test-results/**',
			'.rondine/**',
		],
	},

	...wpPlugin.configs.recommended,

	{
		rules: {
			// One text domain for the whole product.
			'@wordpress/i18n-text-domain': [
				'error',
				{ allowedTextDomain: 'rondine' },
			],
			// Types live in TypeScript, not in JSDoc.
			'jsdoc/require-param-type': 'off',
			'jsdoc/require-returns-type': 'off',
			'jsdoc/require-param': 'off',
			'jsdoc/require-returns': 'off',
		},
	},

	{
		// Node-side code (bridge, build scripts, benchmarks, e2e) may use Node globals and console.
		files: [
			'**/bin/**',
			'**/scripts/**',
			'bench/**',
			'bridge-server/**',
			'e2e/**',
			'**/*.config.{js,cjs,mjs,ts}',
		],
		languageOptions: {
			globals: {
				process: 'readonly',
				console: 'readonly',
				__dirname: 'readonly',
				require: 'readonly',
				module: 'writable',
				Buffer: 'readonly',
			},
		},
		rules: {
			'no-console': 'off',
			'import/no-extraneous-dependencies': 'off',
		},
	},

	...wpPlugin.configs[ 'test-unit' ].map( ( config ) => ( {
		...config,
		files: [
			'**/@(test|__tests__)/**/*.{js,jsx,ts,tsx}',
			'**/?(*.)test.{js,jsx,ts,tsx}',
		],
	} ) ),

	...wpPlugin.configs[ 'test-playwright' ].map( ( config ) => ( {
		...config,
		files: [ 'e2e/**/*.{js,ts}', '**/*.spec.{js,ts}' ],
	} ) ),
];
