/**
 * The sending policy (issue 16, item 5; docs/design/automations-contract.md "Sending policy"), without the database:
 * the API's shape and its stored form, quiet hours in the recipient's local time, and a message's category for the
 * marketing frequency cap. src/dispatch/claim.ts applies it when messages are claimed.
 */

/**
 * External dependencies
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Internal dependencies
 */
import type { Tenant, WhenCapped } from '../storage/schema.js';

/** The cap counts at most this many days back (the policy route refuses more; older marketing sends are pruned). */
export const MAX_CAP_DAYS = 90;
/** The most messages a cap may allow in its window. */
export const MAX_CAP_MESSAGES = 50;

/** GET|PUT /v1/sending-policy. */
export interface SendingPolicy {
	quiet_hours: { enabled: boolean; start: string; end: string };
	frequency_cap: {
		enabled: boolean;
		max_messages: number;
		days: number;
		when_capped: WhenCapped;
	};
}

/** "HH:MM", 00:00 to 23:59. */
export const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

function minuteOf( time: string ): number {
	const [ hours, minutes ] = time.split( ':' ).map( Number );
	return ( hours as number ) * 60 + ( minutes as number );
}

function timeOf( minute: number ): string {
	const pad = ( n: number ) => String( n ).padStart( 2, '0' );
	return `${ pad( Math.floor( minute / 60 ) ) }:${ pad( minute % 60 ) }`;
}

/** The tenant's policy as the API shows it. */
export function policyOf( tenant: Tenant ): SendingPolicy {
	return {
		quiet_hours: {
			enabled: tenant.quiet_hours_enabled === 1,
			start: timeOf( tenant.quiet_start_minute ),
			end: timeOf( tenant.quiet_end_minute ),
		},
		frequency_cap: {
			enabled: tenant.cap_enabled === 1,
			max_messages: tenant.cap_max_messages,
			days: tenant.cap_days,
			when_capped: tenant.cap_when_capped,
		},
	};
}

/** The API's policy as the tenant's columns (the route has validated the shape; start ≠ end is checked there). */
export function policyColumns( policy: SendingPolicy ) {
	return {
		quiet_hours_enabled: policy.quiet_hours.enabled ? 1 : 0,
		quiet_start_minute: minuteOf( policy.quiet_hours.start ),
		quiet_end_minute: minuteOf( policy.quiet_hours.end ),
		cap_enabled: policy.frequency_cap.enabled ? 1 : 0,
		cap_max_messages: policy.frequency_cap.max_messages,
		cap_days: policy.frequency_cap.days,
		cap_when_capped: policy.frequency_cap.when_capped,
	};
}

/*
 * A country's timezone (IANA), for the quiet hours of a phone from that country. A phone number tells the country, not
 * the region, so a country spanning several zones gets ONE zone: the zone where most of its people live, which for
 * these is also the capital's unless noted: US America/New_York (Eastern), CA America/Toronto, MX America/Mexico_City,
 * BR America/Sao_Paulo, AR America/Argentina/Buenos_Aires, CL America/Santiago, EC America/Guayaquil, RU Europe/Moscow,
 * KZ Asia/Almaty, MN Asia/Ulaanbaatar, ID Asia/Jakarta, MY Asia/Kuala_Lumpur, AU Australia/Sydney (Canberra shares it),
 * NZ Pacific/Auckland, CD Africa/Kinshasa, ES Europe/Madrid (not the Canaries), PT Europe/Lisbon (not the Azores),
 * UA Europe/Kyiv, FM Pacific/Pohnpei, KI Pacific/Tarawa, PF Pacific/Tahiti. A country missing here falls back to the
 * shop's own timezone (tenants.timezone), then UTC.
 */
const COUNTRY_ZONES: Readonly< Record< string, string > > = {
	// Europe.
	AD: 'Europe/Andorra',
	AL: 'Europe/Tirane',
	AT: 'Europe/Vienna',
	AX: 'Europe/Mariehamn',
	BA: 'Europe/Sarajevo',
	BE: 'Europe/Brussels',
	BG: 'Europe/Sofia',
	BY: 'Europe/Minsk',
	CH: 'Europe/Zurich',
	CY: 'Asia/Nicosia',
	CZ: 'Europe/Prague',
	DE: 'Europe/Berlin',
	DK: 'Europe/Copenhagen',
	EE: 'Europe/Tallinn',
	ES: 'Europe/Madrid',
	FI: 'Europe/Helsinki',
	FO: 'Atlantic/Faroe',
	FR: 'Europe/Paris',
	GB: 'Europe/London',
	GG: 'Europe/Guernsey',
	GI: 'Europe/Gibraltar',
	GR: 'Europe/Athens',
	HR: 'Europe/Zagreb',
	HU: 'Europe/Budapest',
	IE: 'Europe/Dublin',
	IM: 'Europe/Isle_of_Man',
	IS: 'Atlantic/Reykjavik',
	IT: 'Europe/Rome',
	JE: 'Europe/Jersey',
	LI: 'Europe/Vaduz',
	LT: 'Europe/Vilnius',
	LU: 'Europe/Luxembourg',
	LV: 'Europe/Riga',
	MC: 'Europe/Monaco',
	MD: 'Europe/Chisinau',
	ME: 'Europe/Podgorica',
	MK: 'Europe/Skopje',
	MT: 'Europe/Malta',
	NL: 'Europe/Amsterdam',
	NO: 'Europe/Oslo',
	PL: 'Europe/Warsaw',
	PT: 'Europe/Lisbon',
	RO: 'Europe/Bucharest',
	RS: 'Europe/Belgrade',
	RU: 'Europe/Moscow',
	SE: 'Europe/Stockholm',
	SI: 'Europe/Ljubljana',
	SK: 'Europe/Bratislava',
	SM: 'Europe/San_Marino',
	TR: 'Europe/Istanbul',
	UA: 'Europe/Kyiv',
	VA: 'Europe/Vatican',
	XK: 'Europe/Belgrade',
	// The Americas.
	AG: 'America/Antigua',
	AR: 'America/Argentina/Buenos_Aires',
	BB: 'America/Barbados',
	BO: 'America/La_Paz',
	BR: 'America/Sao_Paulo',
	BS: 'America/Nassau',
	BZ: 'America/Belize',
	CA: 'America/Toronto',
	CL: 'America/Santiago',
	CO: 'America/Bogota',
	CR: 'America/Costa_Rica',
	CU: 'America/Havana',
	DO: 'America/Santo_Domingo',
	EC: 'America/Guayaquil',
	GT: 'America/Guatemala',
	GY: 'America/Guyana',
	HN: 'America/Tegucigalpa',
	HT: 'America/Port-au-Prince',
	JM: 'America/Jamaica',
	MX: 'America/Mexico_City',
	NI: 'America/Managua',
	PA: 'America/Panama',
	PE: 'America/Lima',
	PR: 'America/Puerto_Rico',
	PY: 'America/Asuncion',
	SR: 'America/Paramaribo',
	SV: 'America/El_Salvador',
	TT: 'America/Port_of_Spain',
	US: 'America/New_York',
	UY: 'America/Montevideo',
	VE: 'America/Caracas',
	// Asia and the Middle East.
	AE: 'Asia/Dubai',
	AF: 'Asia/Kabul',
	AM: 'Asia/Yerevan',
	AZ: 'Asia/Baku',
	BD: 'Asia/Dhaka',
	BH: 'Asia/Bahrain',
	BN: 'Asia/Brunei',
	BT: 'Asia/Thimphu',
	CN: 'Asia/Shanghai',
	GE: 'Asia/Tbilisi',
	HK: 'Asia/Hong_Kong',
	ID: 'Asia/Jakarta',
	IL: 'Asia/Jerusalem',
	IN: 'Asia/Kolkata',
	IQ: 'Asia/Baghdad',
	IR: 'Asia/Tehran',
	JO: 'Asia/Amman',
	JP: 'Asia/Tokyo',
	KG: 'Asia/Bishkek',
	KH: 'Asia/Phnom_Penh',
	KR: 'Asia/Seoul',
	KW: 'Asia/Kuwait',
	KZ: 'Asia/Almaty',
	LA: 'Asia/Vientiane',
	LB: 'Asia/Beirut',
	LK: 'Asia/Colombo',
	MM: 'Asia/Yangon',
	MN: 'Asia/Ulaanbaatar',
	MO: 'Asia/Macau',
	MV: 'Indian/Maldives',
	MY: 'Asia/Kuala_Lumpur',
	NP: 'Asia/Kathmandu',
	OM: 'Asia/Muscat',
	PH: 'Asia/Manila',
	PK: 'Asia/Karachi',
	PS: 'Asia/Gaza',
	QA: 'Asia/Qatar',
	SA: 'Asia/Riyadh',
	SG: 'Asia/Singapore',
	SY: 'Asia/Damascus',
	TH: 'Asia/Bangkok',
	TJ: 'Asia/Dushanbe',
	TM: 'Asia/Ashgabat',
	TW: 'Asia/Taipei',
	UZ: 'Asia/Tashkent',
	VN: 'Asia/Ho_Chi_Minh',
	YE: 'Asia/Aden',
	// Africa.
	AO: 'Africa/Luanda',
	BF: 'Africa/Ouagadougou',
	BJ: 'Africa/Porto-Novo',
	BW: 'Africa/Gaborone',
	CD: 'Africa/Kinshasa',
	CI: 'Africa/Abidjan',
	CM: 'Africa/Douala',
	CV: 'Atlantic/Cape_Verde',
	DZ: 'Africa/Algiers',
	EG: 'Africa/Cairo',
	ET: 'Africa/Addis_Ababa',
	GH: 'Africa/Accra',
	GN: 'Africa/Conakry',
	KE: 'Africa/Nairobi',
	LY: 'Africa/Tripoli',
	MA: 'Africa/Casablanca',
	MG: 'Indian/Antananarivo',
	ML: 'Africa/Bamako',
	MU: 'Indian/Mauritius',
	MZ: 'Africa/Maputo',
	NA: 'Africa/Windhoek',
	NE: 'Africa/Niamey',
	NG: 'Africa/Lagos',
	RW: 'Africa/Kigali',
	SD: 'Africa/Khartoum',
	SN: 'Africa/Dakar',
	TN: 'Africa/Tunis',
	TZ: 'Africa/Dar_es_Salaam',
	UG: 'Africa/Kampala',
	ZA: 'Africa/Johannesburg',
	ZM: 'Africa/Lusaka',
	ZW: 'Africa/Harare',
	// Oceania.
	AU: 'Australia/Sydney',
	FJ: 'Pacific/Fiji',
	FM: 'Pacific/Pohnpei',
	KI: 'Pacific/Tarawa',
	NC: 'Pacific/Noumea',
	NZ: 'Pacific/Auckland',
	PF: 'Pacific/Tahiti',
	PG: 'Pacific/Port_Moresby',
	WS: 'Pacific/Apia',
};

/** The timezone a country's phones are taken to be in (see COUNTRY_ZONES), or undefined for a country not listed. */
export function countryZone( country: string ): string | undefined {
	return COUNTRY_ZONES[ country ];
}

/**
 * The recipient's timezone: the phone's country (libphonenumber-js; for a number whose country its metadata cannot
 * tell, the main country of its calling code), then that country's zone; else `fallback` (the shop's), else UTC.
 *
 * @param phone    E.164.
 * @param fallback The shop's timezone, when set.
 */
export function recipientZone(
	phone: string,
	fallback: string | null | undefined
): string {
	const parsed = parsePhoneNumberFromString( phone );
	const country = parsed?.country ?? parsed?.getPossibleCountries()[ 0 ];
	return (
		( country === undefined ? undefined : COUNTRY_ZONES[ country ] ) ??
		fallback ??
		'UTC'
	);
}

const formatters = new Map< string, Intl.DateTimeFormat >();

function formatter( zone: string ): Intl.DateTimeFormat {
	let format = formatters.get( zone );
	if ( ! format ) {
		format = new Intl.DateTimeFormat( 'en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		} );
		formatters.set( zone, format );
	}
	return format;
}

/** The wall clock in `zone` at `at` (ms), as the fields of a UTC date. */
function wallClock( at: number, zone: string ) {
	const parts: Record< string, number > = {};
	for ( const part of formatter( zone ).formatToParts( at ) ) {
		if ( part.type !== 'literal' ) {
			parts[ part.type ] = Number( part.value );
		}
	}
	return {
		year: parts.year as number,
		month: parts.month as number,
		day: parts.day as number,
		minute: ( parts.hour as number ) * 60 + ( parts.minute as number ),
		/** The wall clock read as if it were UTC, in ms (whole seconds). */
		asUtc: Date.UTC(
			parts.year as number,
			( parts.month as number ) - 1,
			parts.day as number,
			parts.hour as number,
			parts.minute as number,
			parts.second as number
		),
	};
}

/** The zone's offset from UTC at `at`, ms (positive east of Greenwich). */
function offsetAt( at: number, zone: string ): number {
	const whole = at - ( ( ( at % 1000 ) + 1000 ) % 1000 );
	return wallClock( whole, zone ).asUtc - whole;
}

/**
 * The instant the wall clock in `zone` shows this date and minute (DST through Intl). A wall time skipped by a
 * spring-forward change (an end minute inside the gap, e.g. 02:30 in Rome on the last Sunday of March) comes out as
 * the same wall time plus the gap (03:30): later, never inside quiet hours.
 */
function instantOf(
	zone: string,
	year: number,
	month: number,
	day: number,
	minute: number
): number {
	const wall = Date.UTC( year, month - 1, day, 0, minute );
	let at = wall - offsetAt( wall, zone );
	// The offset at the guess may differ from the one at the answer (a DST change in between): correct once.
	const offset = offsetAt( at, zone );
	if ( wall - offset !== at ) {
		at = Math.max( at, wall - offset );
	}
	return at;
}

/** Whether the minute of the day `minute` is within quiet hours [start, end) (spanning midnight when start > end). */
export function isQuietMinute(
	minute: number,
	start: number,
	end: number
): boolean {
	if ( start === end ) {
		return false;
	}
	return start < end
		? minute >= start && minute < end
		: minute >= start || minute < end;
}

/**
 * When a message due at `now` may be sent to a recipient in `zone` under quiet hours [start, end) (minutes of the
 * local day): `now` itself outside them, else the first instant of the end minute, local time, DST-correct.
 *
 * @param now   The moment, ms.
 * @param zone  The recipient's IANA timezone.
 * @param start Quiet hours' first minute of the day (local).
 * @param end   The first minute after them.
 */
export function nextAllowedAt(
	now: number,
	zone: string,
	start: number,
	end: number
): number {
	const local = wallClock( now, zone );
	if ( ! isQuietMinute( local.minute, start, end ) ) {
		return now;
	}
	// Quiet hours spanning midnight and begun this evening end tomorrow; otherwise they end today.
	const tomorrow = start > end && local.minute >= start;
	const date = new Date(
		Date.UTC(
			local.year,
			local.month - 1,
			local.day + ( tomorrow ? 1 : 0 )
		)
	);
	return instantOf(
		zone,
		date.getUTCFullYear(),
		date.getUTCMonth() + 1,
		date.getUTCDate(),
		end
	);
}

/** Meta's template categories; SERVICE is a free-form reply inside the customer-service window. */
export type MessageCategory =
	'MARKETING' | 'UTILITY' | 'AUTHENTICATION' | 'SERVICE';

/**
 * An automation message's category, from its body (`{"v":2,"category":…,"request":…}`, docs/design/
 * automations-contract.md "Runs"; anything but UTILITY, AUTHENTICATION and SERVICE counts as MARKETING); null for a
 * campaign message, whose body is the contact's values and whose category is its template's.
 *
 * @param body messages.body.
 */
export function automationCategory( body: string ): MessageCategory | null {
	if ( ! body.includes( '"v":2' ) ) {
		return null;
	}
	const parsed = parseBody( body );
	if ( parsed?.v !== 2 || typeof parsed.request !== 'object' ) {
		return null;
	}
	const category = String( parsed.category ?? '' ).toUpperCase();
	return category === 'UTILITY' ||
		category === 'AUTHENTICATION' ||
		category === 'SERVICE'
		? category
		: 'MARKETING';
}

function parseBody(
	body: string
): { v?: unknown; category?: unknown; request?: unknown } | null {
	try {
		const parsed: unknown = JSON.parse( body );
		return typeof parsed === 'object' && parsed !== null
			? ( parsed as { v?: unknown } )
			: null;
	} catch {
		return null;
	}
}

/** A template's category as the Cloud API lists it; a template the cache does not know counts as MARKETING. */
export function templateCategory( category: unknown ): MessageCategory {
	const value = String( category ?? '' ).toUpperCase();
	return value === 'UTILITY' || value === 'AUTHENTICATION'
		? value
		: 'MARKETING';
}
