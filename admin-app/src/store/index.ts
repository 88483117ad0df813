/**
 * WordPress dependencies
 */
import { createReduxStore, register } from '@wordpress/data';

/**
 * Internal dependencies
 */
import * as actions from './actions';
import * as resolvers from './resolvers';
import * as selectors from './selectors';
import reducer from './reducer';
import { STORE_NAME } from './constants';

export const storeConfig = {
	reducer,
	actions,
	selectors,
	resolvers,
};

export const store = createReduxStore( STORE_NAME, storeConfig );

register( store );

declare module '@wordpress/data' {
	interface StoreRegistry {
		[ STORE_NAME ]: typeof store;
	}
}

export { STORE_NAME };
export type * from './types';
