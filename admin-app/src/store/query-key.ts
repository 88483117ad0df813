/**
 * A stable cache key for a query object: the same filters in any key order
 * give the same key, and empty values are left out.
 */
export function queryKey(
	prefix: string,
	query: Record< string, unknown > = {}
): string {
	const parts = Object.keys( query )
		.filter(
			( key ) =>
				query[ key ] !== undefined &&
				query[ key ] !== null &&
				query[ key ] !== ''
		)
		.sort()
		.map(
			( key ) =>
				`${ encodeURIComponent( key ) }=${ encodeURIComponent(
					String( query[ key ] )
				) }`
		);
	return parts.length ? `${ prefix }?${ parts.join( '&' ) }` : prefix;
}
