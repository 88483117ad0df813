/**
 * WordPress dependencies
 */
import { Button, Spinner, TextControl } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { ContactGroupsTable } from './contact-groups-table';
import type { Tag } from '../store/types';
import { formatNumber } from '../components/format';
import { buildHash } from '../router';

function RenameForm( { tag, onDone }: { tag: Tag; onDone: () => void } ) {
	const { renameTag } = useDispatch( store );
	const [ name, setName ] = useState( tag.name );
	const [ isSaving, setSaving ] = useState( false );
	const save = async () => {
		setSaving( true );
		try {
			await renameTag( tag.id, name.trim() );
			onDone();
		} catch {
			// Shown as a notice; the form keeps what was typed.
			setSaving( false );
		}
	};
	return (
		<form
			className="rondine-lists__create"
			onSubmit={ ( event ) => {
				event.preventDefault();
				save();
			} }
		>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ sprintf(
					/* translators: %s: current tag name. */
					__( 'New name for “%s”', 'rondine' ),
					tag.name
				) }
				hideLabelFromVision
				value={ name }
				onChange={ setName }
				autoFocus // eslint-disable-line jsx-a11y/no-autofocus -- the owner just asked to rename this tag.
			/>
			<Button
				variant="primary"
				type="submit"
				isBusy={ isSaving }
				disabled={ isSaving || ! name.trim() }
			>
				{ __( 'Save', 'rondine' ) }
			</Button>
			<Button variant="tertiary" onClick={ onDone }>
				{ __( 'Cancel', 'rondine' ) }
			</Button>
		</form>
	);
}

/**
 * `#/audience/tags`: create, rename and delete contact tags, with how many
 * contacts have each.
 */
export function TagsScreen() {
	const tags = useSelect( ( select ) => select( store ).getTags(), [] );
	const { createTag, deleteTag } = useDispatch( store );
	const [ name, setName ] = useState( '' );
	const [ isCreating, setCreating ] = useState( false );
	const [ renaming, setRenaming ] = useState< number | null >( null );

	if ( tags === null ) {
		return <Spinner />;
	}

	const create = async () => {
		setCreating( true );
		try {
			await createTag( name.trim() );
			setName( '' );
		} catch {
			// Shown as a notice.
		} finally {
			setCreating( false );
		}
	};

	const remove = ( tag: Tag ) => {
		const question = sprintf(
			/* translators: 1: tag name, 2: number of contacts. */
			_n(
				'Delete the tag “%1$s”? It will be taken off %2$s contact. Segments that use it will no longer match anyone through it.',
				'Delete the tag “%1$s”? It will be taken off %2$s contacts. Segments that use it will no longer match anyone through it.',
				tag.count,
				'rondine'
			),
			tag.name,
			formatNumber( tag.count )
		);
		// eslint-disable-next-line no-alert -- a plain confirmation is enough for a delete.
		if ( window.confirm( question ) ) {
			deleteTag( tag.id ).catch( () => {} );
		}
	};

	return (
		<div data-testid="rondine-tags">
			<form
				className="rondine-lists__create"
				onSubmit={ ( event ) => {
					event.preventDefault();
					if ( name.trim() && ! isCreating ) {
						create();
					}
				} }
			>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'New tag', 'rondine' ) }
					value={ name }
					onChange={ setName }
				/>
				<Button
					variant="primary"
					type="submit"
					isBusy={ isCreating }
					disabled={ isCreating || ! name.trim() }
				>
					{ __( 'Add tag', 'rondine' ) }
				</Button>
			</form>
			<ContactGroupsTable
				isEmpty={ tags.length === 0 }
				empty={ __(
					'No tags yet. Tags mark contacts (for example “fair 2025” or “wholesale”) so that segments can pick them; they are given by a CSV import or on a contact.',
					'rondine'
				) }
			>
				{ tags.map( ( tag ) => (
					<tr key={ tag.id } data-testid="rondine-tag-row">
						<td>
							{ renaming === tag.id ? (
								<RenameForm
									tag={ tag }
									onDone={ () => setRenaming( null ) }
								/>
							) : (
								tag.name
							) }
						</td>
						<td>
							<a
								href={ buildHash( [ 'audience', 'contacts' ], {
									tag: tag.id,
								} ) }
								aria-label={ sprintf(
									/* translators: 1: number of contacts, 2: tag name. */
									__(
										'%1$s contacts tagged “%2$s”',
										'rondine'
									),
									formatNumber( tag.count ),
									tag.name
								) }
							>
								{ formatNumber( tag.count ) }
							</a>
						</td>
						<td>
							<Button
								variant="link"
								onClick={ () => setRenaming( tag.id ) }
								disabled={ renaming === tag.id }
								label={ sprintf(
									/* translators: %s: tag name. */
									__( 'Rename “%s”', 'rondine' ),
									tag.name
								) }
							>
								{ __( 'Rename', 'rondine' ) }
							</Button>{ ' ' }
							<Button
								variant="link"
								isDestructive
								onClick={ () => remove( tag ) }
								label={ sprintf(
									/* translators: %s: tag name. */
									__( 'Delete “%s”', 'rondine' ),
									tag.name
								) }
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
