/**
 * Media headers of templates (IMAGE, VIDEO, DOCUMENT): Meta's limits in one table, and the checks of the link or
 * uploaded media id a campaign gives for them.
 *
 * The bridge does not fetch the media. A link is checked for its shape only (https, no credentials, a public host
 * name or address, the file type by its extension when it has one) and Meta fetches it when it sends: fetching a URL a
 * tenant chose would make the bridge a way into its own network (docs/SECURITY.md "SSRF"), and Meta checks the bytes
 * anyway. The type and size the site declares (it knows them from its Media Library) are checked against the table.
 * The admin app (admin-app/src/campaigns/media.ts) and the plugin (plugin/src/Rest/MediaRules.php) copy this table
 * to warn the owner as they type; this one decides.
 */

/**
 * Internal dependencies
 */
import { isIP } from 'node:net';

import { refusedAddress, type SitePolicy } from '../net/site-url.js';

export type MediaKind = 'image' | 'video' | 'document';

export interface MediaRule {
	/** MIME types Meta accepts for this header. */
	types: readonly string[];
	/** File name extensions of those types (a link's path is checked against them when it has an extension). */
	extensions: readonly string[];
	/** Largest file Meta accepts, in bytes. */
	maxBytes: number;
}

const MB = 1024 * 1024;

/** Meta's media limits for template headers (bridge-server/test/vectors/meta/WHATSAPP.md "Media headers"). */
export const MEDIA_RULES: Readonly< Record< MediaKind, MediaRule > > = {
	image: {
		types: [ 'image/jpeg', 'image/png' ],
		extensions: [ 'jpg', 'jpeg', 'png' ],
		maxBytes: 5 * MB,
	},
	video: {
		types: [ 'video/mp4', 'video/3gpp' ],
		extensions: [ 'mp4', '3gp', '3gpp' ],
		maxBytes: 16 * MB,
	},
	document: {
		types: [
			'application/pdf',
			'text/plain',
			'application/msword',
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			'application/vnd.ms-excel',
			'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'application/vnd.ms-powerpoint',
			'application/vnd.openxmlformats-officedocument.presentationml.presentation',
		],
		extensions: [
			'pdf',
			'txt',
			'doc',
			'docx',
			'xls',
			'xlsx',
			'ppt',
			'pptx',
		],
		maxBytes: 100 * MB,
	},
};

export function isMediaKind( value: unknown ): value is MediaKind {
	return value === 'image' || value === 'video' || value === 'document';
}

/** What a campaign gives for a media header: a public https link or the id of media uploaded to the Cloud API. */
export interface MediaParameter {
	type: MediaKind;
	link?: string | undefined;
	id?: string | undefined;
	/** Documents: the file name shown to the recipient. */
	filename?: string | undefined;
	/** Declared by the site (its Media Library knows them); checked against MEDIA_RULES. */
	mime_type?: string | undefined;
	size?: number | undefined;
}

/** Host names that never name a public server. */
const LOCAL_NAMES =
	/(^|\.)(localhost|local|internal|intranet|lan|home|corp|test|invalid|example)$/i;

/**
 * Why this media cannot fill a header of kind `kind`, or null when it can.
 *
 * @param kind   The header's format, lower case.
 * @param media  What the campaign gives.
 * @param policy The site URL policy: development stacks (explicit settings) allow private and http links.
 */
export function mediaProblem(
	kind: MediaKind,
	media: MediaParameter,
	policy: SitePolicy
): string | null {
	const rule = MEDIA_RULES[ kind ];
	if ( media.type !== kind ) {
		return `The template's header is a ${ kind }, but a ${ media.type } was given.`;
	}
	if (
		media.mime_type !== undefined &&
		! rule.types.includes( media.mime_type )
	) {
		return `WhatsApp does not accept a ${ media.mime_type } file as a ${ kind } header (accepted: ${ rule.types.join( ', ' ) }).`;
	}
	if ( media.size !== undefined && media.size > rule.maxBytes ) {
		return `The ${ kind } is ${ ( media.size / MB ).toFixed( 1 ) } MB; WhatsApp accepts at most ${ rule.maxBytes / MB } MB for a ${ kind } header.`;
	}
	if ( media.id !== undefined ) {
		return /^[0-9]{1,30}$/.test( media.id )
			? null
			: 'The media id must be the number the Cloud API answered when the file was uploaded.';
	}
	if ( media.link === undefined || media.link.trim() === '' ) {
		return `The template's header needs a ${ kind }: choose one from the Media Library or give its link.`;
	}
	return linkProblem( kind, media.link, policy );
}

function linkProblem(
	kind: MediaKind,
	link: string,
	policy: SitePolicy
): string | null {
	let url: URL;
	try {
		url = new URL( link );
	} catch {
		return `"${ link }" is not a link.`;
	}
	const host = url.hostname.replace( /^\[|\]$/g, '' );
	const literal = isIP( host ) !== 0;
	const refused = literal ? refusedAddress( host, policy ) : null;
	const privateName =
		! literal && ( ! host.includes( '.' ) || LOCAL_NAMES.test( host ) );
	if ( url.username || url.password ) {
		return 'The link must not contain a user name or password.';
	}
	if ( refused || ( privateName && ! policy.allowPrivate ) ) {
		return `WhatsApp cannot fetch the ${ kind } from ${ host }: the link must be on a public address.`;
	}
	const isPrivate = literal
		? refusedAddress( host, { ...policy, allowPrivate: false } ) !== null
		: privateName;
	if (
		url.protocol !== 'https:' &&
		! (
			url.protocol === 'http:' &&
			( policy.allowHttp || ( policy.allowPrivate && isPrivate ) )
		)
	) {
		return `The link of the ${ kind } must start with https:// (WhatsApp fetches media over HTTPS only).`;
	}
	const extension = url.pathname.match( /\.([a-z0-9]{1,5})$/i )?.[ 1 ];
	if (
		extension !== undefined &&
		! MEDIA_RULES[ kind ].extensions.includes( extension.toLowerCase() )
	) {
		return `A .${ extension.toLowerCase() } file cannot be a ${ kind } header (accepted: ${ MEDIA_RULES[ kind ].extensions.map( ( e ) => `.${ e }` ).join( ', ' ) }).`;
	}
	return null;
}
