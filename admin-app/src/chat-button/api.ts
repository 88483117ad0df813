/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

/**
 * Internal dependencies
 */
import type { ChatButtonSettings, ClickStats, Preview } from './types';

export const CHAT_BUTTON_PATH = '/rondine/v1/chat-button';

export const fetchSettings = () =>
	apiFetch< ChatButtonSettings >( { path: CHAT_BUTTON_PATH } );

export const saveSettings = ( settings: ChatButtonSettings ) =>
	apiFetch< ChatButtonSettings >( {
		path: CHAT_BUTTON_PATH,
		method: 'PUT',
		data: settings,
	} );

export const fetchPreview = ( settings: ChatButtonSettings ) =>
	apiFetch< Preview >( {
		path: CHAT_BUTTON_PATH + '/preview',
		method: 'POST',
		data: settings,
	} );

export const fetchStats = () =>
	apiFetch< ClickStats >( { path: CHAT_BUTTON_PATH + '/stats?days=30' } );
