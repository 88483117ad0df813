/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';

// Tests talk to a fake server at the fetch layer: apiFetch's own
// middlewares (path to URL, JSON parsing, error handling) stay real.
apiFetch.use( apiFetch.createRootURLMiddleware( 'http://localhost/wp-json/' ) );
