/**
 * WordPress dependencies
 */
import { Button, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { ContactGroupsTable } from './contact-groups-table';
import { formatNumber } from '../components/format';
import { buildHash, navigate } from '../router';
import { ListImport } from './import';

export function ListsScreen( { importInto }: { importInto?: number } ) {
	const lists = useSelect( ( select ) => select( store ).getLists(), [] );
	const { saveList, deleteList } = useDispatch( store );
	const [ name, setName ] = useState( '' );
	const [ isCreating, setCreating ] = useState( false );

	if ( lists === null ) {
		return <Spinner />;
	}
	const importing = lists.find( ( list ) => list.id === importInto );
	if ( importing ) {
		return (
			<ListImport
				list={ importing }
				onDone={ () => navigate( [ 'audience', 'lists' ] ) }
			/>
		);
	}

	const create = async () => {
		setCreating( true );
		try {
			const list = await saveList( { name: name.trim() } );
			setName( '' );
			navigate( [ 'audience', 'lists', list.id, 'import' ] );
		} catch {
			// Shown as a notice.
		} finally {
			setCreating( false );
		}
	};

	return (
		<div data-testid="rondine-lists">
			<div className="rondine-lists__create">
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'New list', 'rondine' ) }
					value={ name }
					onChange={ setName }
				/>
				<Button
					variant="primary"
					onClick={ create }
					isBusy={ isCreating }
					disabled={ isCreating || ! name.trim() }
				>
					{ __( 'Create and import a CSV', 'rondine' ) }
				</Button>
			</div>
			<ContactGroupsTable
				isEmpty={ lists.length === 0 }
				empty={ __(
					'No lists yet. A list is a fixed group of contacts, for example imported from a CSV file of a fair or a newsletter.',
					'rondine'
				) }
			>
				{ lists.map( ( list ) => (
					<tr key={ list.id }>
						<td>
							<a
								href={ buildHash( [ 'audience', 'contacts' ], {
									list: list.id,
								} ) }
							>
								{ list.name }
							</a>
						</td>
						<td>{ formatNumber( list.members ) }</td>
						<td>
							<Button
								variant="link"
								href={ buildHash( [
									'audience',
									'lists',
									list.id,
									'import',
								] ) }
							>
								{ __( 'Import CSV', 'rondine' ) }
							</Button>{ ' ' }
							<Button
								variant="link"
								isDestructive
								onClick={ () => {
									if (
										// eslint-disable-next-line no-alert -- a plain confirmation is enough for a delete.
										window.confirm(
											sprintf(
												/* translators: %s: list name. */
												__(
													'Delete the list “%s”? Its contacts stay in the audience.',
													'rondine'
												),
												list.name
											)
										)
									) {
										deleteList( list.id ).catch( () => {} );
									}
								} }
							>
								{ __( 'Delete', 'rondine' ) }
							</Button>
						</td>
					</tr>
				) ) }
			</ContactGroupsTable>
		</div>
	);
}
