/**
 * Errors of the bridge's domain (campaigns, templates, tenants...): what went wrong, in the domain's words. They know
 * nothing of HTTP; src/http/errors.ts maps each kind to its status in one place (STATUS_OF_KIND), and app.ts's error
 * handler answers `{ error: { code, message } }` with it.
 */
export type DomainErrorKind =
	| 'invalid' // the request itself is malformed (400)
	| 'not_found' // what it names does not exist for this tenant (404)
	| 'conflict' // the thing is not in a state that allows this (409)
	| 'unprocessable' // well-formed but refused by a rule (422)
	| 'upstream_unavailable'; // the WhatsApp Cloud API could not answer (502)

export class DomainError extends Error {
	constructor(
		readonly kind: DomainErrorKind,
		readonly code: string,
		message: string
	) {
		super( message );
	}
}

export const notFound = ( what: string ) =>
	new DomainError( 'not_found', 'not_found', `${ what } not found.` );
