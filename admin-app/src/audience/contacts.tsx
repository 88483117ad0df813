/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	SearchControl,
	SelectControl,
	Spinner,
} from '@wordpress/components';
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
import { consentLabel } from './consent';
import { useCountryName } from './country-names';

type BulkAction = '' | 'add_tag' | 'remove_tag' | 'add_to_list' | 'delete';

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
	const [ selected, setSelected ] = useState< number[] >( [] );
	const [ action, setAction ] = useState< BulkAction >( '' );
	const [ target, setTarget ] = useState( '' );
	const [ isApplying, setApplying ] = useState( false );
	const loaded = useSelect( ( select ) => {
		const selectors = select( store );
		return {
			tags: selectors.getTags(),
			lists: selectors.getLists(),
			fields: selectors.getAudienceFields(),
		};
	}, [] );
	const tags = loaded.tags ?? [];
	const lists = loaded.lists ?? [];
	const countries =
		loaded.fields?.fields.find( ( field ) => field.type === 'countries' )
			?.options ?? [];
	const { invalidateResolutionForStoreSelector } = useDispatch( store );
	const countryName = useCountryName();
	const filter = ( change: Partial< ContactsQuery > ) => {
		setSelected( [] );
		setQuery( ( current ) => ( { ...current, ...change, page: 1 } ) );
	};
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
					list: query.list,
					tag: query.tag,
					consent: query.consent,
					country: query.country,
					search: query.search,
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

	const applyBulk = async () => {
		if ( ! action || selected.length === 0 ) {
			return;
		}
		if (
			action === 'delete' &&
			// eslint-disable-next-line no-alert -- a plain confirmation is enough for a delete.
			! window.confirm(
				sprintf(
					/* translators: %s: number of contacts. */
					__(
						'Erase %s contacts? Their details are deleted here and on the messaging server, and orders or imports will not add them again unless they agree to messages again themselves. Their consent history is kept without their details.',
						'rondine'
					),
					formatNumber( selected.length )
				)
			)
		) {
			return;
		}
		setApplying( true );
		try {
			await apiFetch( {
				path: `${ PATHS.contacts }/bulk`,
				method: 'POST',
				data: {
					ids: selected,
					action,
					...( action === 'add_to_list'
						? { list: Number( target ) }
						: {} ),
					...( action === 'add_tag' || action === 'remove_tag'
						? { tag: Number( target ) }
						: {} ),
				},
			} );
			setSelected( [] );
			setAction( '' );
			setTarget( '' );
			invalidateResolutionForStoreSelector( 'getContacts' );
			invalidateResolutionForStoreSelector( 'getLists' );
			invalidateResolutionForStoreSelector( 'getTags' );
		} catch ( error ) {
			reportError( error, __( 'Contacts not changed', 'rondine' ) );
		} finally {
			setApplying( false );
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
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Consent', 'rondine' ) }
					value={ ( query.consent ?? '' ) as string }
					options={ [
						{ value: '' as string, label: __( 'Any', 'rondine' ) },
						{ value: 'granted', label: consentLabel( 'granted' ) },
						{ value: 'revoked', label: consentLabel( 'revoked' ) },
						{ value: 'none', label: consentLabel( 'none' ) },
					] }
					onChange={ ( value: string ) =>
						filter( { consent: value || undefined } )
					}
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Tag', 'rondine' ) }
					value={ query.tag ? String( query.tag ) : '' }
					options={ [
						{ value: '', label: __( 'Any', 'rondine' ) },
						...tags.map( ( item ) => ( {
							value: String( item.id ),
							label: item.name,
						} ) ),
					] }
					onChange={ ( value ) =>
						filter( { tag: value ? Number( value ) : undefined } )
					}
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'List', 'rondine' ) }
					value={ query.list ? String( query.list ) : '' }
					options={ [
						{ value: '', label: __( 'Any', 'rondine' ) },
						...lists.map( ( item ) => ( {
							value: String( item.id ),
							label: item.name,
						} ) ),
					] }
					onChange={ ( value ) =>
						filter( { list: value ? Number( value ) : undefined } )
					}
				/>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Country', 'rondine' ) }
					value={ query.country ?? '' }
					options={ [
						{ value: '', label: __( 'Any', 'rondine' ) },
						...countries,
					] }
					onChange={ ( value ) =>
						filter( { country: value || undefined } )
					}
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
					<div
						className="rondine-contacts__bulk"
						data-testid="rondine-contacts-bulk"
					>
						<SelectControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ sprintf(
								/* translators: %s: number of contacts selected. */
								__( 'With %s selected', 'rondine' ),
								formatNumber( selected.length )
							) }
							value={ action }
							options={ [
								{ value: '', label: __( '—', 'rondine' ) },
								{
									value: 'add_tag',
									label: __( 'Add a tag', 'rondine' ),
								},
								{
									value: 'remove_tag',
									label: __( 'Remove a tag', 'rondine' ),
								},
								{
									value: 'add_to_list',
									label: __( 'Add to a list', 'rondine' ),
								},
								// Erasing is for those who decide where customer data goes (like the full export).
								...( getBootData().canManageConnection
									? [
											{
												value: 'delete',
												label: __( 'Erase', 'rondine' ),
											},
										]
									: [] ),
							] }
							onChange={ ( value ) => {
								setAction( value as BulkAction );
								setTarget( '' );
							} }
						/>
						{ ( action === 'add_tag' ||
							action === 'remove_tag' ) && (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'Tag', 'rondine' ) }
								value={ target }
								options={ [
									{ value: '', label: __( '—', 'rondine' ) },
									...tags.map( ( item ) => ( {
										value: String( item.id ),
										label: item.name,
									} ) ),
								] }
								onChange={ setTarget }
							/>
						) }
						{ action === 'add_to_list' && (
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'List', 'rondine' ) }
								value={ target }
								options={ [
									{ value: '', label: __( '—', 'rondine' ) },
									...lists.map( ( item ) => ( {
										value: String( item.id ),
										label: item.name,
									} ) ),
								] }
								onChange={ setTarget }
							/>
						) }
						<Button
							variant="secondary"
							isDestructive={ action === 'delete' }
							isBusy={ isApplying }
							disabled={
								isApplying ||
								! action ||
								selected.length === 0 ||
								( action !== 'delete' && ! target )
							}
							onClick={ applyBulk }
						>
							{ __( 'Apply', 'rondine' ) }
						</Button>
					</div>
					<table className="widefat striped">
						<thead>
							<tr>
								<td className="check-column">
									<input
										type="checkbox"
										aria-label={ __(
											'Select all',
											'rondine'
										) }
										checked={
											page.items.length > 0 &&
											page.items.every( ( contact ) =>
												selected.includes( contact.id )
											)
										}
										onChange={ ( event ) =>
											setSelected(
												event.target.checked
													? page.items.map(
															( contact ) =>
																contact.id
														)
													: []
											)
										}
									/>
								</td>
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
									<td colSpan={ 7 }>
										{ __(
											'No contacts match.',
											'rondine'
										) }
									</td>
								</tr>
							) }
							{ page.items.map( ( contact ) => (
								<tr key={ contact.id }>
									<td className="check-column">
										<input
											type="checkbox"
											aria-label={ sprintf(
												/* translators: %s: phone number. */
												__( 'Select %s', 'rondine' ),
												contact.phone ??
													String( contact.id )
											) }
											checked={ selected.includes(
												contact.id
											) }
											onChange={ ( event ) =>
												setSelected(
													event.target.checked
														? [
																...selected,
																contact.id,
															]
														: selected.filter(
																( item ) =>
																	item !==
																	contact.id
															)
												)
											}
										/>
									</td>
									<td>
										<a
											href={ buildHash( [
												'audience',
												'contacts',
												contact.id,
											] ) }
										>
											{ [
												contact.first_name,
												contact.last_name,
											]
												.filter( Boolean )
												.join( ' ' ) ||
												__( '(no name)', 'rondine' ) }
										</a>
									</td>
									<td>
										{ contact.phone ??
											__(
												'invalid or missing',
												'rondine'
											) }
									</td>
									<td>{ contact.email }</td>
									<td>{ countryName( contact.country ) }</td>
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
								onClick={ () => {
									setSelected( [] );
									setQuery( {
										...query,
										page: ( query.page ?? 1 ) - 1,
									} );
								} }
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
								onClick={ () => {
									setSelected( [] );
									setQuery( {
										...query,
										page: ( query.page ?? 1 ) + 1,
									} );
								} }
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
