/**
 * `npm run screenshots` (dev/screenshots.sh): every screen of the admin app, in English and Italian, into
 * docs/screenshots/. Not part of `npm test`: pictures are for people to look at, not assertions.
 */

/**
 * External dependencies
 */
import { defineConfig } from '@playwright/test';

/**
 * Internal dependencies
 */
import base from './playwright.config';

export default defineConfig( {
	...base,
	testDir: './screenshots',
	timeout: 180_000,
	reporter: [ [ 'list' ] ],
	use: {
		...base.use,
		viewport: { width: 1280, height: 800 },
		screenshot: 'off',
		trace: 'off',
	},
} );
