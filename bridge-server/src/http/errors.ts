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

export const notFound = ( what: string ) =>
	new ApiError( 404, 'not_found', `${ what } not found.` );

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
