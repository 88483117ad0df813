/**
 * WordPress dependencies
 */
import { getSettings } from '@wordpress/date';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';

/**
 * The shop's timezone: WordPress's `timezone_string` when set, otherwise a
 * fixed offset from UTC ("UTC+2" style settings have no name).
 */
export function shopTimezone(): { name: string | null; offsetHours: number } {
	const settings = getSettings().timezone;
	const name = getBootData().siteTimezone || settings.string || null;
	return { name, offsetHours: Number( settings.offset ) || 0 };
}

const pad = ( value: number ) => String( value ).padStart( 2, '0' );

/** Offset of `zone` from UTC at `instant`, in minutes. */
function zoneOffsetMinutes( instant: Date, zone: string ): number {
	const parts = new Intl.DateTimeFormat( 'en-US', {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	} ).formatToParts( instant );
	const get = ( type: string ) =>
		Number( parts.find( ( part ) => part.type === type )?.value ?? 0 );
	const asUtc = Date.UTC(
		get( 'year' ),
		get( 'month' ) - 1,
		get( 'day' ),
		get( 'hour' ),
		get( 'minute' ),
		get( 'second' )
	);
	return Math.round( ( asUtc - instant.getTime() ) / 60000 );
}

/**
 * `YYYY-MM-DDTHH:mm` on the shop's wall clock to an ISO instant in UTC.
 * Returns null for an incomplete or impossible value.
 */
export function shopTimeToUtc(
	local: string,
	zone = shopTimezone()
): string | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec( local );
	if ( ! match ) {
		return null;
	}
	const [ , y, mo, d, h, mi ] = match.map( Number ) as number[];
	const wall = Date.UTC( y!, mo! - 1, d!, h!, mi! );
	if ( Number.isNaN( wall ) ) {
		return null;
	}
	let offset = zone.offsetHours * 60;
	if ( zone.name ) {
		// Two passes settle the offset on either side of a DST change.
		offset = zoneOffsetMinutes(
			new Date( wall - offset * 60000 ),
			zone.name
		);
		offset = zoneOffsetMinutes(
			new Date( wall - offset * 60000 ),
			zone.name
		);
	}
	return new Date( wall - offset * 60000 ).toISOString();
}

/** An ISO instant to `YYYY-MM-DDTHH:mm` on the shop's wall clock. */
export function utcToShopTime( iso: string, zone = shopTimezone() ): string {
	const instant = new Date( iso );
	const offset = zone.name
		? zoneOffsetMinutes( instant, zone.name )
		: zone.offsetHours * 60;
	const wall = new Date( instant.getTime() + offset * 60000 );
	return `${ wall.getUTCFullYear() }-${ pad( wall.getUTCMonth() + 1 ) }-${ pad(
		wall.getUTCDate()
	) }T${ pad( wall.getUTCHours() ) }:${ pad( wall.getUTCMinutes() ) }`;
}

/** The shop's timezone as shown to the owner ("Europe/Rome" or "UTC+2"). */
export function shopTimezoneLabel( zone = shopTimezone() ): string {
	if ( zone.name ) {
		return zone.name;
	}
	const sign = zone.offsetHours < 0 ? '-' : '+';
	return `UTC${ sign }${ Math.abs( zone.offsetHours ) }`;
}
