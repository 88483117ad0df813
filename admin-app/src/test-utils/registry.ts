/**
 * WordPress dependencies
 */
import { createReduxStore, createRegistry } from '@wordpress/data';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { storeConfig } from '../store';
import { STORE_NAME } from '../store/constants';
import {
	AUTOMATIONS_STORE,
	automationsStoreConfig,
} from '../automations/store';

/** A fresh registry with the real `rondine/admin`, `rondine/automations` and `core/notices` stores. */
export function createTestRegistry() {
	const registry = createRegistry();
	registry.register( noticesStore );
	const store = createReduxStore( STORE_NAME, storeConfig );
	registry.register( store );
	registry.register(
		createReduxStore( AUTOMATIONS_STORE, automationsStoreConfig )
	);
	return { registry, store };
}
