/**
 * When a delay step ends: a duration, a local date-time or the next weekday at a time, in the shop's timezone
 * (tenants.timezone), DST-correct through Intl (no timezone library).
 */

/**
 * Internal dependencies
 */
import type { Delay } from './types.js';

interface Local {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	/** 1 = Monday ... 7 = Sunday. */
	weekday: number;
}

const WEEKDAYS: Record< string, number > = {
	Mon: 1,
	Tue: 2,
	Wed: 3,
	Thu: 4,
	Fri: 5,
	Sat: 6,
	Sun: 7,
};

function localOf( ms: number, timeZone: string ): Local {
	const parts = new Intl.DateTimeFormat( 'en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		weekday: 'short',
	} ).formatToParts( ms );
	const get = ( type: string ) =>
		parts.find( ( p ) => p.type === type )?.value ?? '0';
	return {
		year: Number( get( 'year' ) ),
		month: Number( get( 'month' ) ),
		day: Number( get( 'day' ) ),
		hour: Number( get( 'hour' ) ) % 24,
		minute: Number( get( 'minute' ) ),
		weekday: WEEKDAYS[ get( 'weekday' ) ] ?? 1,
	};
}

/** The shop's local calendar date at an instant, as YYYY-MM-DD. */
export function localDay( ms: number, timeZone: string ): string {
	const l = localOf( ms, timeZone );
	return `${ l.year }-${ String( l.month ).padStart( 2, '0' ) }-${ String(
		l.day
	).padStart( 2, '0' ) }`;
}

/** A calendar date moved by whole days (YYYY-MM-DD in, YYYY-MM-DD out; no timezone involved). */
export function addDays( day: string, days: number ): string {
	const [ y, m, d ] = day.split( '-' ).map( Number );
	return new Date(
		Date.UTC( y as number, ( m as number ) - 1, ( d as number ) + days )
	)
		.toISOString()
		.slice( 0, 10 );
}

/**
 * The UTC instant of a wall-clock time in `timeZone`. A time skipped by a DST jump resolves to the instant after the
 * jump; a time that occurs twice, to the first.
 *
 * @param year     Year.
 * @param month    1-12.
 * @param day      Day of month (may overflow; Date.UTC normalizes it).
 * @param hour     Hour.
 * @param minute   Minute.
 * @param timeZone IANA zone.
 */
export function zonedTime(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	timeZone: string
): number {
	const wanted = Date.UTC( year, month - 1, day, hour, minute );
	const offsetAt = ( instant: number ) => {
		const l = localOf( instant, timeZone );
		return (
			Date.UTC( l.year, l.month - 1, l.day, l.hour, l.minute ) -
			Math.floor( instant / 60_000 ) * 60_000
		);
	};
	const matches = ( instant: number ) => {
		const l = localOf( instant, timeZone );
		return (
			Date.UTC( l.year, l.month - 1, l.day, l.hour, l.minute ) === wanted
		);
	};
	const candidates = [
		wanted - offsetAt( wanted - 86_400_000 ),
		wanted - offsetAt( wanted + 86_400_000 ),
	].filter( matches );
	if ( candidates.length > 0 ) {
		return Math.min( ...candidates );
	}
	// Skipped by a jump forward: with the offset before the jump, the instant lands after it.
	return wanted - offsetAt( wanted - 86_400_000 );
}

/** When a delay started at `now` ends. */
export function delayEnd(
	delay: Delay,
	now: number,
	timeZone: string
): number {
	switch ( delay.kind ) {
		case 'duration':
			return now + delay.minutes * 60_000;
		case 'until': {
			const [ date = '', time = '' ] = delay.at.split( 'T' );
			const [ y, m, d ] = date.split( '-' ).map( Number );
			const [ hh, mm ] = time.split( ':' ).map( Number );
			return Math.max(
				now,
				zonedTime(
					y as number,
					m as number,
					d as number,
					hh as number,
					mm as number,
					timeZone
				)
			);
		}
		case 'weekday': {
			const [ hh, mm ] = delay.time.split( ':' ).map( Number );
			const today = localOf( now, timeZone );
			for ( let ahead = 0; ahead <= 7; ahead++ ) {
				const weekday = ( ( today.weekday - 1 + ahead ) % 7 ) + 1;
				if ( weekday !== delay.weekday ) {
					continue;
				}
				const at = zonedTime(
					today.year,
					today.month,
					today.day + ahead,
					hh as number,
					mm as number,
					timeZone
				);
				if ( at > now ) {
					return at;
				}
			}
			return now + 7 * 86_400_000;
		}
	}
}
