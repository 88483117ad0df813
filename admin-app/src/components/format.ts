/**
 * WordPress dependencies
 */
import { dateI18n, getSettings } from '@wordpress/date';

const numberFormat = new Intl.NumberFormat();

export function formatNumber( value: number | null | undefined ): string {
	return typeof value === 'number' && Number.isFinite( value )
		? numberFormat.format( value )
		: '—';
}

/** `part` as a share of `whole`, e.g. "42.5%"; "—" when there is no whole. */
export function formatPercent( part: number, whole: number ): string {
	if ( ! whole ) {
		return '—';
	}
	const percent = ( part / whole ) * 100;
	return `${ percent.toFixed( percent >= 10 || percent === 0 ? 0 : 1 ) }%`;
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
