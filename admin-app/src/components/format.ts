/**
 * WordPress dependencies
 */
import { dateI18n, getSettings } from '@wordpress/date';

const numberFormats = new Map< string, Intl.NumberFormat >();

/** Numbers in the language of wp-admin (the user's locale), not the browser's. */
function numbers( options: Intl.NumberFormatOptions = {} ): Intl.NumberFormat {
	const key = JSON.stringify( options );
	let format = numberFormats.get( key );
	if ( ! format ) {
		const locale = getSettings().l10n?.locale?.replace( '_', '-' );
		try {
			format = new Intl.NumberFormat( locale || undefined, options );
		} catch {
			format = new Intl.NumberFormat( undefined, options );
		}
		numberFormats.set( key, format );
	}
	return format;
}

export function formatNumber( value: number | null | undefined ): string {
	return typeof value === 'number' && Number.isFinite( value )
		? numbers().format( value )
		: '—';
}

/** `part` as a share of `whole`, e.g. "42.5%"; "—" when there is no whole. */
export function formatPercent( part: number, whole: number ): string {
	if ( ! whole ) {
		return '—';
	}
	const share = part / whole;
	return numbers( {
		style: 'percent',
		maximumFractionDigits: share >= 0.1 || share === 0 ? 0 : 1,
	} ).format( share );
}

export function percentOf( part: number, whole: number ): number {
	return whole ? Math.min( 100, Math.max( 0, ( part / whole ) * 100 ) ) : 0;
}

/** A moment shown in the shop's timezone, with WordPress's date and time formats. */
export function formatDateTime( iso: string | null | undefined ): string {
	if ( ! iso ) {
		return '—';
	}
	const { formats } = getSettings();
	return dateI18n( `${ formats.date } ${ formats.time }`, iso, undefined );
}

export function formatDuration( seconds: number ): string {
	const total = Math.max( 0, Math.round( seconds ) );
	const hours = Math.floor( total / 3600 );
	const minutes = Math.floor( ( total % 3600 ) / 60 );
	const rest = total % 60;
	if ( hours ) {
		return `${ hours } h ${ minutes } min`;
	}
	if ( minutes ) {
		return `${ minutes } min ${ rest } s`;
	}
	return `${ rest } s`;
}
