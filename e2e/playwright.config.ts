/**
 * External dependencies
 */
import { defineConfig } from '@playwright/test';

/**
 * Internal dependencies
 */
import { loadEnv } from './lib/env';

const env = loadEnv();

export default defineConfig( {
	testDir: './tests',
	// One browser against one WordPress: tests share the site's state, and the machine has two cores.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !! process.env.CI,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	// Per stack, so that runs against different environments never share (and delete) each other's artifacts.
	outputDir: `${ env.env }/e2e-results`,
	reporter: [
		[ 'list' ],
		[
			'json',
			{
				outputFile:
					process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ??
					'./test-results/results.json',
			},
		],
	],
	use: {
		baseURL: env.wpUrl,
		headless: true,
		locale: 'en-US',
		timezoneId: 'Europe/Rome',
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: {
			// Debian's Chromium; Playwright's own browsers are never downloaded.
			executablePath: process.env.RONDINE_CHROMIUM ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				// Nothing leaves the machine (gravatar, fonts, ...): only 127.0.0.1 resolves.
				'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
			],
		},
	},
	projects: [ { name: 'chromium' } ],
} );
