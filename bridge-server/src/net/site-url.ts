/**
 * Which addresses the bridge may call on a tenant's behalf (the site's REST URL, docs/SECURITY.md "SSRF").
 *
 * A tenant chooses its site's URL, so without care the bridge could be made to call its own network: loopback, private
 * ranges, link-local and the cloud metadata service. The URL is checked when it is saved (PUT /v1/site) and again on
 * every connection: the host name is resolved, every address checked, and the socket connects to the checked address
 * (a custom `lookup`), so a name that resolves elsewhere later (DNS rebinding) is still refused.
 */

/**
 * External dependencies
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Resolves a host name to all its addresses (injectable for tests). */
export type Resolver = (
	hostname: string
) => Promise< Array< { address: string; family: number } > >;

export interface SitePolicy {
	/**
	 * Allow loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) and CGNAT (100.64/10) addresses, and `http://`
	 * to them: development stacks whose site runs on 127.0.0.1. `RONDINE_ALLOW_PRIVATE_SITE_URLS=1`. Link-local
	 * (incl. the metadata service 169.254.169.254), unspecified, multicast and reserved addresses stay refused.
	 */
	allowPrivate: boolean;
	/** Allow `http://` to public addresses too (`RONDINE_ALLOW_HTTP_SITE_URLS=1`, development only). */
	allowHttp: boolean;
	/** DNS resolution; `dns.lookup` with all addresses by default. */
	resolve?: Resolver;
}

export const STRICT_SITE_POLICY: SitePolicy = {
	allowPrivate: false,
	allowHttp: false,
};

export class SiteUrlError extends Error {}

function subnets( list: Array< [ string, number, 'ipv4' | 'ipv6' ] > ) {
	const block = new BlockList();
	for ( const [ address, prefix, family ] of list ) {
		block.addSubnet( address, prefix, family );
	}
	return block;
}

/** Never called, whatever the settings. */
const ALWAYS_REFUSED = subnets( [
	[ '0.0.0.0', 8, 'ipv4' ], // "this network", incl. 0.0.0.0
	[ '169.254.0.0', 16, 'ipv4' ], // link-local, incl. the metadata service 169.254.169.254
	[ '192.0.0.0', 24, 'ipv4' ], // IETF protocol assignments
	[ '192.0.2.0', 24, 'ipv4' ], // documentation
	[ '198.18.0.0', 15, 'ipv4' ], // benchmarking
	[ '198.51.100.0', 24, 'ipv4' ], // documentation
	[ '203.0.113.0', 24, 'ipv4' ], // documentation
	[ '224.0.0.0', 4, 'ipv4' ], // multicast
	[ '240.0.0.0', 4, 'ipv4' ], // reserved, incl. 255.255.255.255
	[ '::', 128, 'ipv6' ], // unspecified
	[ '64:ff9b::', 96, 'ipv6' ], // NAT64 (may reach any IPv4 address)
	[ '64:ff9b:1::', 48, 'ipv6' ],
	[ '100::', 64, 'ipv6' ], // discard
	[ '2001:db8::', 32, 'ipv6' ], // documentation
	[ '2002::', 16, 'ipv6' ], // 6to4 (embeds any IPv4 address)
	[ 'fe80::', 10, 'ipv6' ], // link-local
	[ 'fec0::', 10, 'ipv6' ], // site-local (deprecated)
	[ 'ff00::', 8, 'ipv6' ], // multicast
	[ 'fd00:ec2::254', 128, 'ipv6' ], // AWS metadata over IPv6
] );

/** Refused unless `allowPrivate`: this machine and private networks. */
const PRIVATE = subnets( [
	[ '127.0.0.0', 8, 'ipv4' ],
	[ '10.0.0.0', 8, 'ipv4' ],
	[ '172.16.0.0', 12, 'ipv4' ],
	[ '192.168.0.0', 16, 'ipv4' ],
	[ '100.64.0.0', 10, 'ipv4' ], // CGNAT
	[ '::1', 128, 'ipv6' ],
	[ 'fc00::', 7, 'ipv6' ], // unique local
] );

/** IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are checked as the IPv4 address they carry. */
function unmapped( address: string ): { address: string; family: 4 | 6 } {
	const bare = address.replace( /^\[|\]$/g, '' ).replace( /%.*$/, '' );
	const family = isIP( bare );
	if ( family === 4 ) {
		return { address: bare, family: 4 };
	}
	const mapped = bare.match(
		/^::(?:ffff:(?:0{1,4}:)?)?(\d+\.\d+\.\d+\.\d+)$/i
	);
	if ( mapped && isIP( mapped[ 1 ] as string ) === 4 ) {
		return { address: mapped[ 1 ] as string, family: 4 };
	}
	const hex = bare.match( /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i );
	if ( hex ) {
		const high = parseInt( hex[ 1 ] as string, 16 );
		const low = parseInt( hex[ 2 ] as string, 16 );
		const bytes = [
			Math.floor( high / 256 ),
			high % 256,
			Math.floor( low / 256 ),
			low % 256,
		];
		return { address: bytes.join( '.' ), family: 4 };
	}
	return { address: bare, family: 6 };
}

/**
 * Why an address may not be called, or null when it may.
 *
 * @param address An IPv4 or IPv6 address.
 * @param policy  The settings.
 */
export function refusedAddress(
	address: string,
	policy: Pick< SitePolicy, 'allowPrivate' >
): string | null {
	const { address: plain, family } = unmapped( address );
	if ( isIP( plain ) === 0 ) {
		return 'not an IP address';
	}
	const type = family === 4 ? 'ipv4' : 'ipv6';
	if ( ALWAYS_REFUSED.check( plain, type ) ) {
		return 'a reserved, link-local or metadata address';
	}
	if ( ! policy.allowPrivate && PRIVATE.check( plain, type ) ) {
		return 'a loopback or private address';
	}
	return null;
}

/** Whether an address is loopback or private (where `http://` is allowed with `allowPrivate`). */
function isPrivate( address: string ): boolean {
	const { address: plain, family } = unmapped( address );
	return PRIVATE.check( plain, family === 4 ? 'ipv4' : 'ipv6' );
}

const defaultResolve: Resolver = ( hostname ) =>
	new Promise( ( resolve, reject ) => {
		dnsLookup(
			hostname,
			{ all: true, verbatim: true },
			( error, addresses ) =>
				error ? reject( error ) : resolve( addresses )
		);
	} );

/**
 * The host's addresses, all checked: throws a SiteUrlError when one is refused (a name with one private address among
 * public ones is refused as a whole) or when the name does not resolve.
 *
 * @param hostname A host name or an IP literal (IPv6 with or without brackets).
 * @param policy   The settings.
 */
export async function checkedAddresses(
	hostname: string,
	policy: SitePolicy
): Promise< Array< { address: string; family: number } > > {
	const bare = hostname.replace( /^\[|\]$/g, '' );
	const family = isIP( bare );
	const addresses =
		family !== 0
			? [ { address: bare, family } ]
			: await ( policy.resolve ?? defaultResolve )( bare ).catch(
					( error: { code?: string } ) => {
						throw new SiteUrlError(
							`the site's host name does not resolve (${ error.code ?? 'error' })`
						);
					}
				);
	if ( addresses.length === 0 ) {
		throw new SiteUrlError( "the site's host name does not resolve" );
	}
	for ( const { address } of addresses ) {
		const reason = refusedAddress( address, policy );
		if ( reason ) {
			throw new SiteUrlError(
				`the site's address is not allowed (${ reason })`
			);
		}
	}
	return addresses;
}

/**
 * Checks a host that is an IP literal (those never reach a socket's `lookup`); host names pass (the lookup checks them).
 *
 * @param hostname A URL's hostname.
 * @param policy   The settings.
 */
export function checkIpLiteral( hostname: string, policy: SitePolicy ): void {
	const bare = hostname.replace( /^\[|\]$/g, '' );
	if ( isIP( bare ) === 0 ) {
		return;
	}
	const reason = refusedAddress( bare, policy );
	if ( reason ) {
		throw new SiteUrlError(
			`the site's address is not allowed (${ reason })`
		);
	}
}

/**
 * Checks a site URL before it is saved: http(s) only, no credentials in it, https unless the host is private and
 * `allowPrivate` is on (or `allowHttp`), and every address its host resolves to allowed.
 *
 * @param value  The URL.
 * @param policy The settings.
 */
export async function checkSiteUrl(
	value: string,
	policy: SitePolicy
): Promise< URL > {
	let url: URL;
	try {
		url = new URL( value );
	} catch {
		throw new SiteUrlError( 'the site URL is not a URL' );
	}
	if ( url.protocol !== 'https:' && url.protocol !== 'http:' ) {
		throw new SiteUrlError( 'the site URL must be https://' );
	}
	if ( url.username !== '' || url.password !== '' ) {
		throw new SiteUrlError(
			'the site URL must not carry a user name or password'
		);
	}
	const addresses = await checkedAddresses( url.hostname, policy );
	if (
		url.protocol === 'http:' &&
		! policy.allowHttp &&
		! (
			policy.allowPrivate &&
			addresses.every( ( { address } ) => isPrivate( address ) )
		)
	) {
		throw new SiteUrlError(
			'the site URL must be https:// (http:// only for a site on this machine or a private network, with RONDINE_ALLOW_PRIVATE_SITE_URLS=1)'
		);
	}
	return url;
}

/**
 * A `lookup` for net/tls connections that resolves, checks every address, and hands the socket only checked ones; the
 * connection then goes to an address that was checked (no second resolution in between). IP literals never reach a
 * lookup: callers check them first (checkSiteUrl / checkedAddresses on the URL's host).
 *
 * @param policy The settings.
 */
export function checkedLookup( policy: SitePolicy ): LookupFunction {
	return ( hostname, options, callback ) => {
		checkedAddresses( hostname, policy ).then(
			( addresses ) => {
				const wanted =
					options.family === 4 || options.family === 6
						? addresses.filter(
								( a ) => a.family === options.family
							)
						: addresses;
				if ( wanted.length === 0 ) {
					const error = Object.assign(
						new Error( `no address for ${ hostname }` ),
						{ code: 'ENOTFOUND' }
					);
					callback( error, '', 0 );
					return;
				}
				if ( options.all ) {
					(
						callback as unknown as (
							error: null,
							addresses: LookupAddress[]
						) => void
					 )( null, wanted );
				} else {
					const first = wanted[ 0 ] as LookupAddress;
					callback( null, first.address, first.family );
				}
			},
			( error: Error ) =>
				callback(
					Object.assign( error, { code: 'ESITEREFUSED' } ),
					'',
					0
				)
		);
	};
}
