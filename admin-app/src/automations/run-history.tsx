/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { Notice, Spinner } from '@wordpress/components';
import { useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { addQueryArgs } from '@wordpress/url';

/**
 * Internal dependencies
 */
import { formatDateTime } from '../components/format';
import { buildHash } from '../router';
import { AUTOMATION_PATHS, automationsStore } from './store';
import type { Run } from './types';

const iso = ( ms: number | null | undefined ) =>
	typeof ms === 'number' ? new Date( ms ).toISOString() : null;

/** Where a run stands, in words. */
export function runStateLabel( run: Run ): string {
	const reasons: Record< string, string > = {
		opted_out: __( 'Ended: the contact opted out', 'rondine' ),
		goal_reached: __( 'Ended: goal reached', 'rondine' ),
		automation_stopped: __(
			'Ended: the automation was changed with “stop now”',
			'rondine'
		),
		archived: __( 'Ended: the automation was archived', 'rondine' ),
		send_failed: __( 'Ended: a message could not be sent', 'rondine' ),
		no_marketing_consent: __(
			'Ended: a marketing message needs the contact’s consent',
			'rondine'
		),
		no_utility_context: __(
			'Ended: a service message needs an order or a recent conversation',
			'rondine'
		),
	};
	if ( run.exit_reason ) {
		return reasons[ run.exit_reason ] ?? run.exit_reason;
	}
	const states: Record< string, string > = {
		active: __( 'In progress', 'rondine' ),
		completed: __( 'Completed', 'rondine' ),
		failed: __( 'Failed', 'rondine' ),
	};
	return states[ run.state ] ?? run.state;
}

/**
 * A contact's runs across automations (GET /runs?phone=), newest first, each with the steps it went through. A failure
 * (no bridge, or a bridge without automations yet) is shown here, not as a notice for the whole screen.
 */
export function RunHistory( { phone }: { phone: string | null } ) {
	const [ runs, setRuns ] = useState< Run[] | null >( null );
	const [ failure, setFailure ] = useState( '' );
	const automations = useSelect(
		( select ) => select( automationsStore ).getAutomations(),
		[]
	);
	useEffect( () => {
		if ( ! phone ) {
			setRuns( [] );
			return;
		}
		apiFetch< { runs?: Run[] } >( {
			path: addQueryArgs( AUTOMATION_PATHS.runs, { phone } ),
		} )
			.then( ( answer ) => setRuns( answer.runs ?? [] ) )
			.catch( ( error: { message?: string } ) => {
				setRuns( [] );
				setFailure(
					error?.message ||
						__( 'The automations could not be read.', 'rondine' )
				);
			} );
	}, [ phone ] );
	if ( runs === null ) {
		return <Spinner />;
	}
	if ( failure ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ failure }
			</Notice>
		);
	}
	if ( runs.length === 0 ) {
		return (
			<p>
				{ __(
					'No automation has run for this contact yet.',
					'rondine'
				) }
			</p>
		);
	}
	return (
		<table className="widefat striped" data-testid="rondine-contact-runs">
			<thead>
				<tr>
					<th>{ __( 'Started', 'rondine' ) }</th>
					<th>{ __( 'Automation', 'rondine' ) }</th>
					<th>{ __( 'State', 'rondine' ) }</th>
					<th>{ __( 'Steps', 'rondine' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ runs.map( ( run ) => {
					const automation = automations?.find(
						( a ) => a.id === run.automation_id
					);
					return (
						<tr key={ run.id }>
							<td>{ formatDateTime( iso( run.started_at ) ) }</td>
							<td>
								{ run.automation_id ? (
									<a
										href={ buildHash( [
											'automations',
											run.automation_id,
										] ) }
									>
										{ automation?.name ??
											run.automation_id }
									</a>
								) : (
									'—'
								) }
							</td>
							<td>{ runStateLabel( run ) }</td>
							<td>
								<ol className="rondine-run__history">
									{ ( run.history ?? [] ).map(
										( entry, index ) => (
											<li key={ index }>
												{ `${ entry.step } · ${ formatDateTime(
													iso( entry.entered_at )
												) }${ entry.outcome ? ` · ${ entry.outcome }` : '' }` }
											</li>
										)
									) }
								</ol>
							</td>
						</tr>
					);
				} ) }
			</tbody>
		</table>
	);
}
