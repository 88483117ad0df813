/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import type { Route } from '../router';
import { buildHash } from '../router';
import { SegmentsList } from './segments';
import { SegmentEditor } from './segment-editor';
import { ListsScreen } from './lists';
import { ContactsScreen } from './contacts';
import { ContactScreen } from './contact';
import { TagsScreen } from './tags';

const TABS = [
	{ slug: 'segments', title: () => __( 'Segments', 'rondine' ) },
	{ slug: 'lists', title: () => __( 'Lists', 'rondine' ) },
	{ slug: 'contacts', title: () => __( 'Contacts', 'rondine' ) },
	{ slug: 'tags', title: () => __( 'Tags', 'rondine' ) },
];

/**
 * `#/audience/segments[/new|/<id>]`, `#/audience/lists[/<id>/import]`,
 * `#/audience/contacts[?list=<id>][&tag=<id>]`, `#/audience/contacts/<id>`, `#/audience/tags`.
 */
export function AudienceScreen( { route }: { route: Route } ) {
	const [ tab = 'segments', id, action ] = route.path;
	let body;
	if ( tab === 'lists' ) {
		body = (
			<ListsScreen
				importInto={ action === 'import' ? Number( id ) : undefined }
			/>
		);
	} else if ( tab === 'contacts' && id ) {
		body = <ContactScreen key={ id } id={ Number( id ) } />;
	} else if ( tab === 'contacts' ) {
		const list = route.query.list ? Number( route.query.list ) : undefined;
		const tag = route.query.tag ? Number( route.query.tag ) : undefined;
		body = (
			<ContactsScreen
				key={ `${ list ?? 'all' }-${ tag ?? 'all' }` }
				list={ list }
				tag={ tag }
			/>
		);
	} else if ( tab === 'tags' ) {
		body = <TagsScreen />;
	} else if ( id === 'new' ) {
		body = <SegmentEditor key="new" />;
	} else if ( id ) {
		body = <SegmentEditor key={ id } id={ Number( id ) } />;
	} else {
		body = <SegmentsList />;
	}
	return (
		<div className="rondine-audience">
			<ul className="subsubsub rondine-audience__tabs">
				{ TABS.map( ( item, index ) => (
					<li key={ item.slug }>
						<a
							href={ buildHash( [ 'audience', item.slug ] ) }
							className={
								item.slug === tab ? 'current' : undefined
							}
							aria-current={
								item.slug === tab ? 'page' : undefined
							}
						>
							{ item.title() }
						</a>
						{ index < TABS.length - 1 && ' | ' }
					</li>
				) ) }
			</ul>
			<div className="rondine-audience__body">{ body }</div>
		</div>
	);
}
