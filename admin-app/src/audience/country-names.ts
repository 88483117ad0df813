/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';

/**
 * Internal dependencies
 */
import { store } from '../store';

/**
 * A function that names a country code in the owner's language (from the segment builder's country list), or gives
 * the code back while the list loads or when it is not a country.
 */
export function useCountryName(): ( code: string | undefined ) => string {
	const fields = useSelect(
		( select ) => select( store ).getAudienceFields(),
		[]
	);
	const options =
		fields?.fields.find( ( field ) => field.type === 'countries' )
			?.options ?? [];
	return ( code ) =>
		options.find( ( option ) => option.value === code )?.label ??
		code ??
		'';
}
