/**
 * WordPress dependencies
 */
import { createRoot } from '@wordpress/element';

/**
 * Internal dependencies
 */
import './store';
import { App } from './app';
import './index.scss';

function mount() {
	const root = document.getElementById( 'rondine-admin-root' );
	if ( root ) {
		createRoot( root ).render( <App /> );
	}
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', mount );
} else {
	mount();
}
