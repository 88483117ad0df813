/**
 * External dependencies
 */
import type { Page } from '@playwright/test';

/**
 * `wp.apiFetch` inside the logged-in page (cookie and nonce as the admin app sends them): what the app's own
 * requests would get, without going through its screens. A failed request resolves with `ok: false`.
 * @param page
 */
export function apiIn( page: Page ) {
	return ( path: string, method = 'GET', data?: unknown ) =>
		page.evaluate(
			async ( [ p, m, d ] ) => {
				try {
					return {
						ok: true,
						body: await (
							window as unknown as {
								wp: {
									apiFetch: (
										o: object
									) => Promise< unknown >;
								};
							}
						 ).wp.apiFetch( { path: p, method: m, data: d } ),
					};
				} catch ( error ) {
					return { ok: false, body: error };
				}
			},
			[ path, method, data ] as const
		) as Promise< { ok: boolean; body: Record< string, unknown > } >;
}
