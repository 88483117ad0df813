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
import type { Automation, Step } from '../automations/types';

/** A fresh registry with the real `rondine/admin`, `rondine/automations` and `core/notices` stores. */
export function createAutomationsRegistry() {
	return createTestRegistry().registry;
}

export function renderWithAutomations( ui: ReactElement ) {
	const registry = createAutomationsRegistry();
	const result = render(
		<RegistryProvider value={ registry }>{ ui }</RegistryProvider>
	);
	return { ...result, registry };
}

export const AUTOMATION_ID = '7d0f6c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f';

/** A definition as GET /automations/{id} answers it (the contract's shape). */
export function automationFixture(
	overrides: Partial< Automation > = {}
): Automation {
	const steps: Step[] = [
		{
			id: 's1',
			type: 'send_text',
			text: 'Ciao {first_name}',
			buttons: [],
			when_closed: 'skip',
			next: 's2',
		},
		{
			id: 's2',
			type: 'delay',
			delay: { kind: 'duration', minutes: 60 },
			next: 's3',
		},
		{
			id: 's3',
			type: 'notify',
			subject: 'Nuovo contatto',
			text: 'Scrivigli',
			next: null,
		},
	];
	return {
		id: AUTOMATION_ID,
		name: 'Risposta PROMO',
		state: 'draft',
		version: 1,
		trigger: { type: 'keyword', keyword: 'PROMO' },
		reentry: { mode: 'every_time' },
		exit_on: [],
		steps,
		created_at: 1796000000000,
		updated_at: 1796000000000,
		...overrides,
	};
}
