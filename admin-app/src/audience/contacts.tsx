/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { Button, SearchControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { store } from '../store';
import { PATHS } from '../store/constants';
import type { ContactsQuery } from '../store/types';
import { formatNumber } from '../components/format';
import { buildHash } from '../router';

function consentLabel( consent: boolean | string | undefined ): string {
	if ( consent === true || consent === 'granted' ) {
		return __( 'Opted in', 'rondine' );
	}
	if ( consent === 'revoked' ) {
		return __( 'Opted out', 'rondine' );
	}
	return __( 'Not asked', 'rondine' );
}

export function ContactsScreen( {
	list,
	tag,
}: {
	list?: number;
	tag?: number;
} ) {
	const [ search, setSearch ] = useState( '' );
	const [ query, setQuery ] = useState< ContactsQuery >( {
		page: 1,
		per_page: 50,
		list,
		tag,
	} );
	const tagName = useSelect(
		( select ) =>
			tag
				? select( store )
						.getTags()
						?.find( ( item ) => item.id === tag )?.name
				: undefined,
		[ tag ]
	);
	const page = useSelect(
		( select ) => select( store ).getContacts( query ),
		[ query ]
	);
	const { reportError } = useDispatch( store );

	// Search once the owner pauses typing.
	useEffect( () => {
		const timer = setTimeout(
			() =>
				setQuery( ( current ) => ( {
					...current,
					search: search || undefined,
					page: 1,
				} ) ),
			300
		);
		return () => clearTimeout( timer );
	}, [ search ] );

	const exportCsv = async () => {
		try {
			const response = await apiFetch< Response, false >( {
				path: addQueryArgs( `${ PATHS.contacts }/export`, {
					list,
					tag,
				} ),
				parse: false,
			} );
			const url = URL.createObjectURL( await response.blob() );
			const link = document.createElement( 'a' );
			link.href = url;
			link.download = 'rondine-contacts.csv';
			link.click();
			URL.revokeObjectURL( url );
		} catch ( error ) {
			reportError( error, __( 'Export failed', 'rondine' ) );
		}
	};

	const total = page?.total ?? 0;
	const pages = Math.max( 1, Math.ceil( total / ( query.per_page ?? 50 ) ) );
	return (
		<div data-testid="rondine-contacts">
			<div className="rondine-contacts__toolbar">
				<SearchControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Search contacts', 'rondine' ) }
					value={ search }
					onChange={ setSearch }
				/>
				{ getBootData().canManageConnection && (
					<Button variant="secondary" onClick={ exportCsv }>
						{ __( 'Export CSV', 'rondine' ) }
					</Button>
				) }
			</div>
			{ page === null ? (
				<Spinner />
			) : (
				<>
					<p>
						{ tag
							? sprintf(
									/* translators: 1: number of contacts, 2: tag name. */
									__(
										'%1$s contacts tagged “%2$s”',
										'rondine'
									),
									formatNumber( total ),
									tagName ?? `#${ tag }`
								)
							: sprintf(
									/* translators: %s: number of contacts. */
									__( '%s contacts', 'rondine' ),
									formatNumber( total )
								) }
						{ tag ? (
							<>
								{ ' ' }
								<a
									href={ buildHash( [
										'audience',
										'contacts',
									] ) }
								>
									{ __( 'Show all contacts', 'rondine' ) }
								</a>
							</>
						) : null }
					</p>
					<table className="widefat striped">
						<thead>
							<tr>
								<th>{ __( 'Name', 'rondine' ) }</th>
								<th>{ __( 'Phone', 'rondine' ) }</th>
								<th>{ __( 'Email', 'rondine' ) }</th>
								<th>{ __( 'Country', 'rondine' ) }</th>
								<th>{ __( 'Consent', 'rondine' ) }</th>
								<th>{ __( 'Source', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ page.items.length === 0 && (
								<tr>
									<td colSpan={ 6 }>
										{ __(
											'No contacts match.',
											'rondine'
										) }
									</td>
								</tr>
							) }
							{ page.items.map( ( contact ) => (
								<tr key={ contact.id }>
									<td>
										{ [
											contact.first_name,
											contact.last_name,
										]
											.filter( Boolean )
											.join( ' ' ) }
									</td>
									<td>
										{ contact.phone ??
											__(
												'invalid or missing',
												'rondine'
											) }
									</td>
									<td>{ contact.email }</td>
									<td>{ contact.country }</td>
									<td>{ consentLabel( contact.consent ) }</td>
									<td>{ contact.source }</td>
								</tr>
							) ) }
						</tbody>
					</table>
					{ pages > 1 && (
						<div className="rondine-stats__pages">
							<Button
								variant="tertiary"
								disabled={ ( query.page ?? 1 ) <= 1 }
								onClick={ () =>
									setQuery( {
										...query,
										page: ( query.page ?? 1 ) - 1,
									} )
								}
							>
								{ __( 'Previous', 'rondine' ) }
							</Button>
							<span>
								{ sprintf(
									/* translators: 1: page number, 2: number of pages. */
									__( 'Page %1$d of %2$d', 'rondine' ),
									query.page ?? 1,
									pages
								) }
							</span>
							<Button
								variant="tertiary"
								disabled={ ( query.page ?? 1 ) >= pages }
								onClick={ () =>
									setQuery( {
										...query,
										page: ( query.page ?? 1 ) + 1,
									} )
								}
							>
								{ __( 'Next', 'rondine' ) }
							</Button>
						</div>
					) }
				</>
			) }
		</div>
	);
}
