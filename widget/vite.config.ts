/**
 * External dependencies
 */
import { defineConfig } from 'vite';

/**
 * Two entries, built separately so they share no chunk: the button (inlined in every page by the plugin) and the
 * panel (imported by the button on intent, by URL). Both minified with terser, which gives the smallest gzip here.
 */
export default defineConfig( {
	oxc: {
		jsx: { runtime: 'automatic', importSource: 'preact' },
	},
	build: {
		outDir: '../plugin/build/widget',
		emptyOutDir: true,
		target: 'es2020',
		minify: 'terser',
		terserOptions: {
			ecma: 2020,
			module: true,
			compress: { passes: 3, unsafe_arrows: true },
			format: { comments: false },
		},
		cssMinify: 'lightningcss',
		reportCompressedSize: false,
		lib: {
			entry: {
				'rondine-chat': 'src/button.ts',
				'rondine-chat-panel': 'src/panel/index.tsx',
			},
			formats: [ 'es' ],
			fileName: ( _format, name ) => `${ name }.js`,
		},
	},
} );
