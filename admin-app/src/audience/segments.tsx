/**
 * WordPress dependencies
 */
import { Button, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { ContactGroupsTable } from './contact-groups-table';
import { formatNumber } from '../components/format';
import { buildHash } from '../router';

export function SegmentsList() {
	const segments = useSelect(
		( select ) => select( store ).getSegments(),
		[]
	);
	const { deleteSegment, invalidateResolutionForStoreSelector } =
		useDispatch( store );
	// Counts move with every sync, import and opt-out, and a segment just saved has none yet: read them again each
	// time the list is shown (the plugin keeps them for a minute).
	useEffect( () => {
		invalidateResolutionForStoreSelector( 'getSegments' );
	}, [ invalidateResolutionForStoreSelector ] );
	if ( segments === null ) {
		return <Spinner />;
	}
	return (
		<div data-testid="rondine-segments">
			<p>
				<Button
					variant="primary"
					href={ buildHash( [ 'audience', 'segments', 'new' ] ) }
				>
					{ __( 'New segment', 'rondine' ) }
				</Button>
			</p>
			<ContactGroupsTable
				isEmpty={ segments.length === 0 }
				empty={ __(
					'No segments yet. A segment picks customers by what they bought and where they live (for example: spent over 100 in the last year, in Italy) and stays up to date: it is computed again when a campaign starts.',
					'rondine'
				) }
			>
				{ segments.map( ( segment ) => (
					<tr key={ segment.id }>
						<td>
							<a
								href={ buildHash( [
									'audience',
									'segments',
									segment.id,
								] ) }
							>
								{ segment.name }
							</a>
						</td>
						<td>{ formatNumber( segment.count ) }</td>
						<td>
							<Button
								variant="link"
								isDestructive
								onClick={ () => {
									if (
										// eslint-disable-next-line no-alert -- a plain confirmation is enough for a delete.
										window.confirm(
											sprintf(
												/* translators: %s: segment name. */
												__(
													'Delete the segment “%s”?',
													'rondine'
												),
												segment.name
											)
										)
									) {
										deleteSegment( segment.id ).catch(
											() => {}
										);
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
