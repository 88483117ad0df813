/**
 * WordPress dependencies
 */
import { CheckboxControl, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { CampaignAudience } from '../store/types';
import { formatNumber } from '../components/format';
import { buildHash } from '../router';

function toggle( ids: number[], id: number, on: boolean ) {
	return on
		? [ ...ids.filter( ( existing ) => existing !== id ), id ]
		: ids.filter( ( existing ) => existing !== id );
}

/**
 * Several segments and lists; the count is of distinct valid phones with
 * marketing consent across all of them, as the plugin computes it.
 */
export function AudiencePicker( {
	value,
	onChange,
	onCount,
}: {
	value: CampaignAudience;
	onChange: ( audience: CampaignAudience ) => void;
	onCount: ( count: number | null ) => void;
} ) {
	const { segments, lists } = useSelect(
		( select ) => ( {
			segments: select( store ).getSegments(),
			lists: select( store ).getLists(),
		} ),
		[]
	);
	const { countAudience } = useDispatch( store );
	const [ count, setCount ] = useState< number | null >( null );
	const [ isCounting, setCounting ] = useState( false );

	const key = JSON.stringify( value );
	useEffect( () => {
		if ( ! value.segments.length && ! value.lists.length ) {
			setCount( 0 );
			onCount( 0 );
			return;
		}
		let current = true;
		setCounting( true );
		// Wait for the owner to stop clicking before asking for a count.
		const timer = setTimeout( async () => {
			try {
				const result = await countAudience( value );
				if ( current ) {
					setCount( result.count );
					onCount( result.count );
				}
			} catch {
				if ( current ) {
					setCount( null );
					onCount( null );
				}
			} finally {
				if ( current ) {
					setCounting( false );
				}
			}
		}, 300 );
		return () => {
			current = false;
			clearTimeout( timer );
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `value`.
	}, [ key ] );

	if ( segments === null || lists === null ) {
		return <Spinner />;
	}
	return (
		<fieldset className="rondine-editor__audience">
			<legend>{ __( 'Audience', 'rondine' ) }</legend>
			<div className="rondine-editor__audience-columns">
				<div>
					<h4>{ __( 'Segments', 'rondine' ) }</h4>
					{ segments.length === 0 && (
						<p>
							<a
								href={ buildHash( [
									'audience',
									'segments',
									'new',
								] ) }
							>
								{ __( 'Create a segment', 'rondine' ) }
							</a>
						</p>
					) }
					{ segments.map( ( segment ) => (
						<CheckboxControl
							__nextHasNoMarginBottom
							key={ segment.id }
							label={ segment.name }
							checked={ value.segments.includes( segment.id ) }
							onChange={ ( on ) =>
								onChange( {
									...value,
									segments: toggle(
										value.segments,
										segment.id,
										on
									),
								} )
							}
						/>
					) ) }
				</div>
				<div>
					<h4>{ __( 'Lists', 'rondine' ) }</h4>
					{ lists.length === 0 && (
						<p>
							<a href={ buildHash( [ 'audience', 'lists' ] ) }>
								{ __( 'Import a list', 'rondine' ) }
							</a>
						</p>
					) }
					{ lists.map( ( list ) => (
						<CheckboxControl
							__nextHasNoMarginBottom
							key={ list.id }
							label={
								typeof list.members === 'number'
									? sprintf(
											/* translators: 1: list name, 2: number of contacts. */
											__( '%1$s (%2$s)', 'rondine' ),
											list.name,
											formatNumber( list.members )
										)
									: list.name
							}
							checked={ value.lists.includes( list.id ) }
							onChange={ ( on ) =>
								onChange( {
									...value,
									lists: toggle( value.lists, list.id, on ),
								} )
							}
						/>
					) ) }
				</div>
			</div>
			<p
				className="rondine-editor__count"
				data-testid="rondine-audience-count"
				aria-live="polite"
			>
				{ isCounting && <Spinner /> }
				{ count !== null &&
					sprintf(
						/* translators: %s: number of recipients. */
						_n(
							'%s recipient (each phone once, opted-in contacts only)',
							'%s recipients (each phone once, opted-in contacts only)',
							count,
							'rondine'
						),
						formatNumber( count )
					) }
			</p>
		</fieldset>
	);
}
