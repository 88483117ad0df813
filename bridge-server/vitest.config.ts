/**
 * External dependencies
 */
import { defineConfig } from 'vitest/config';

export default defineConfig( {
	test: {
		include: [ 'test/**/*.test.ts' ],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Child-process tests (crash, two processes, benchmarks' helpers) run the built bridge: build it once.
		globalSetup: [ 'test/helpers/build-dist.ts' ],
		// Two cores: the heavy engine suites must not compete with each other for CPU and time.
		fileParallelism: false,
	},
} );
