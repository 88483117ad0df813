/**
 * WordPress dependencies
 */
import { Button, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { MappedParameter, Template } from '../store/types';

export type MediaKind = 'image' | 'video' | 'document';

/**
 * Meta's limits for template media headers. The bridge decides (bridge-server/src/campaigns/media.ts); this copy
 * warns the owner while choosing.
 */
export const MEDIA_RULES: Record<
	MediaKind,
	{ types: string[]; maxBytes: number }
> = {
	image: { types: [ 'image/jpeg', 'image/png' ], maxBytes: 5 * 1024 * 1024 },
	video: { types: [ 'video/mp4', 'video/3gpp' ], maxBytes: 16 * 1024 * 1024 },
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
		maxBytes: 100 * 1024 * 1024,
	},
};

/** The template's media header kind, or null when it has none. */
export function mediaHeaderOf(
	template: Template | undefined
): MediaKind | null {
	const header = template?.components.find( ( c ) => c.type === 'HEADER' );
	const format = String( header?.format ?? '' ).toLowerCase();
	return format === 'image' || format === 'video' || format === 'document'
		? format
		: null;
}

/** What is wrong with the chosen media, in the owner's words, or null. */
export function mediaProblem(
	kind: MediaKind,
	media: MappedParameter | null
): string | null {
	if ( ! media || ( ! media.link?.trim() && ! media.id ) ) {
		return __(
			'The template has an image, video or document at the top: choose it from the Media Library or give its link.',
			'rondine'
		);
	}
	const rule = MEDIA_RULES[ kind ];
	if ( media.mime_type && ! rule.types.includes( media.mime_type ) ) {
		return sprintf(
			/* translators: 1: file type such as image/gif, 2: accepted types. */
			__(
				'WhatsApp does not accept this file type for the header (%1$s). Accepted: %2$s.',
				'rondine'
			),
			media.mime_type,
			rule.types.join( ', ' )
		);
	}
	if ( media.size !== undefined && media.size > rule.maxBytes ) {
		return sprintf(
			/* translators: %s: largest size, e.g. 5 MB. */
			__(
				'The header file is too large: WhatsApp accepts at most %s.',
				'rondine'
			),
			`${ rule.maxBytes / ( 1024 * 1024 ) } MB`
		);
	}
	if ( media.link && ! /^https?:\/\//i.test( media.link ) ) {
		return __(
			'The link of the header file must be a public https:// address.',
			'rondine'
		);
	}
	return null;
}

interface MediaAttachment {
	url: string;
	mime: string;
	filesizeInBytes?: number;
	filename?: string;
}

interface MediaFrame {
	on: ( event: string, callback: () => void ) => void;
	open: () => void;
	state: () => {
		get: ( key: string ) => {
			first: () => { toJSON: () => MediaAttachment };
		};
	};
}

type WpMedia = ( options: Record< string, unknown > ) => MediaFrame;

/** The header's media: chosen from the Media Library (wp.media, enqueued by the admin page) or typed as a link. */
export function MediaHeaderField( {
	kind,
	value,
	onChange,
}: {
	kind: MediaKind;
	value: MappedParameter | null;
	onChange: ( value: MappedParameter | null ) => void;
} ) {
	const media = ( window as unknown as { wp?: { media?: WpMedia } } ).wp
		?.media;
	const choose = () => {
		if ( ! media ) {
			return;
		}
		const frame = media( {
			title: __( 'Choose the header file', 'rondine' ),
			library: { type: MEDIA_RULES[ kind ].types },
			multiple: false,
			button: { text: __( 'Use this file', 'rondine' ) },
		} );
		frame.on( 'select', () => {
			const file = frame.state().get( 'selection' ).first().toJSON();
			onChange( {
				type: kind,
				link: file.url,
				mime_type: file.mime,
				...( file.filesizeInBytes
					? { size: file.filesizeInBytes }
					: {} ),
				...( kind === 'document' && file.filename
					? { filename: file.filename }
					: {} ),
			} );
		} );
		frame.open();
	};
	return (
		<div
			className="rondine-editor__media"
			data-testid="rondine-header-media"
		>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="url"
				label={ __( 'Header file (link)', 'rondine' ) }
				help={ __(
					'WhatsApp fetches it from this address: it must be public (https). Images JPEG or PNG up to 5 MB, videos MP4 up to 16 MB, documents (PDF…) up to 100 MB.',
					'rondine'
				) }
				value={ value?.link ?? '' }
				onChange={ ( link ) =>
					onChange( link ? { type: kind, link } : null )
				}
			/>
			{ media && (
				<Button
					__next40pxDefaultSize
					variant="secondary"
					onClick={ choose }
				>
					{ __( 'Choose from the Media Library', 'rondine' ) }
				</Button>
			) }
		</div>
	);
}
