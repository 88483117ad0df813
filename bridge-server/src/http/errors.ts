import { DomainError, type DomainErrorKind } from '../errors.js';

/** An error that reaches the client as `{ error: { code, message } }` with its HTTP status. */
export class ApiError extends Error {
	constructor(
		readonly statusCode: number,
		readonly code: string,
		message: string
	) {
		super( message );
	}
}

/** The one place where the domain's errors (src/errors.ts) become HTTP statuses. */
export const STATUS_OF_KIND: Record< DomainErrorKind, number > = {
	invalid: 400,
	not_found: 404,
	conflict: 409,
	unprocessable: 422,
	upstream_unavailable: 502,
};

/** An error a route may answer with: an ApiError as it is, a DomainError with its kind's status; null otherwise. */
export function httpErrorOf(
	error: unknown
): { statusCode: number; code: string; message: string } | null {
	if ( error instanceof ApiError ) {
		return error;
	}
	if ( error instanceof DomainError ) {
		return {
			statusCode: STATUS_OF_KIND[ error.kind ],
			code: error.code,
			message: error.message,
		};
	}
	return null;
}

export const errorSchema = {
	$id: 'Error',
	type: 'object',
	required: [ 'error' ],
	properties: {
		error: {
			type: 'object',
			required: [ 'code', 'message' ],
			properties: {
				code: { type: 'string' },
				message: { type: 'string' },
			},
		},
	},
} as const;
