/**
 * External dependencies
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';

/**
 * WordPress dependencies
 */
import { RegistryProvider } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { createTestRegistry } from './registry';

/** Renders `ui` against a fresh registry holding the real stores. */
export function renderWithStore( ui: ReactElement ) {
	const { registry, store } = createTestRegistry();
	const result = render(
		<RegistryProvider value={ registry }>{ ui }</RegistryProvider>
	);
	return { ...result, registry, store };
}
