/**
 * WordPress dependencies
 */
import { Button, Notice, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { buildHash, navigate } from '../router';
import { formatNumber } from '../components/format';
import { errorMessage } from '../store/actions';
import type { StarterKey } from './flow';
import { stateLabels, triggerSummary } from './labels';
import { automationsStore } from './store';
import { LIVE_REFRESH_MS } from '../store/constants';

/** The ready-made starting points, in words. */
function starters(): Array< { key: StarterKey; title: string; text: string } > {
	return [
		{
			key: 'welcome',
			title: __( 'Welcome after opt-in', 'rondine' ),
			text: __(
				'A template sent when a contact gives WhatsApp consent.',
				'rondine'
			),
		},
		{
			key: 'keyword',
			title: __( 'Keyword auto-reply with buttons', 'rondine' ),
			text: __(
				'Answers a keyword (the chat button can send it) with buttons, then acts on the tapped one.',
				'rondine'
			),
		},
		{
			key: 'reminder',
			title: __( 'No answer in 24 hours: reminder', 'rondine' ),
			text: __(
				'A template, then a reminder to those who did not reply within a day.',
				'rondine'
			),
		},
		{
			key: 'birthday',
			title: __( 'Birthday', 'rondine' ),
			text: __( 'Wishes sent on the contact’s birthday.', 'rondine' ),
		},
	];
}

/** `#/automations`: the automations with their runs, and the starting points for a new one. */
export function AutomationsList() {
	const { automations, isLoaded, failure } = useSelect( ( select ) => {
		const s = select( automationsStore );
		return {
			automations: s.getAutomations(),
			isLoaded: s.hasFinishedResolution( 'getAutomations', [] ),
			failure: s.hasResolutionFailed( 'getAutomations', [] )
				? errorMessage( s.getResolutionError( 'getAutomations', [] ) )
				: null,
		};
	}, [] );
	const { refreshAutomations } = useDispatch( automationsStore );
	// Runs move while the screen is open, and the list may have been loaded earlier in this visit: reload it now and
	// every few seconds (a missed reload is retried on the next tick).
	useEffect( () => {
		const reload = () => refreshAutomations().catch( () => {} );
		reload();
		const timer = setInterval( reload, LIVE_REFRESH_MS );
		return () => clearInterval( timer );
	}, [ refreshAutomations ] );
	const states = stateLabels();
	return (
		<div className="rondine-automations">
			<h3>{ __( 'Start a new automation', 'rondine' ) }</h3>
			<ul className="rondine-automations__starters">
				{ starters().map( ( item ) => (
					<li key={ item.key }>
						<strong>{ item.title }</strong>
						<p>{ item.text }</p>
						<Button
							variant="secondary"
							onClick={ () =>
								navigate( [ 'automations', 'new' ], {
									starter: item.key,
								} )
							}
							aria-label={ `${ __( 'Start from', 'rondine' ) } ${ item.title }` }
						>
							{ __( 'Start from this', 'rondine' ) }
						</Button>
					</li>
				) ) }
				<li>
					<strong>{ __( 'Blank', 'rondine' ) }</strong>
					<p>
						{ __( 'An empty flow to build yourself.', 'rondine' ) }
					</p>
					<Button
						variant="secondary"
						onClick={ () => navigate( [ 'automations', 'new' ] ) }
					>
						{ __( 'New automation', 'rondine' ) }
					</Button>
				</li>
			</ul>
			{ ! isLoaded && <Spinner /> }
			{ failure && (
				<Notice status="error" isDismissible={ false }>
					{ failure }
				</Notice>
			) }
			{ isLoaded && automations && automations.length === 0 && (
				<p>{ __( 'There is no automation yet.', 'rondine' ) }</p>
			) }
			{ automations && automations.length > 0 && (
				<table className="widefat striped rondine-automations__table">
					<thead>
						<tr>
							<th scope="col">{ __( 'Name', 'rondine' ) }</th>
							<th scope="col">{ __( 'State', 'rondine' ) }</th>
							<th scope="col">{ __( 'Trigger', 'rondine' ) }</th>
							<th scope="col">
								{ __( 'In progress', 'rondine' ) }
							</th>
							<th scope="col">
								{ __( 'Completed', 'rondine' ) }
							</th>
							<th scope="col">{ __( 'Failed', 'rondine' ) }</th>
						</tr>
					</thead>
					<tbody>
						{ automations.map( ( automation ) => (
							<tr key={ automation.id }>
								<th scope="row">
									<a
										href={ buildHash( [
											'automations',
											automation.id,
										] ) }
									>
										{ automation.name }
									</a>
								</th>
								<td>
									{ states[ automation.state ] ??
										automation.state }
								</td>
								<td>
									{ triggerSummary( automation.trigger ) }
								</td>
								<td>
									{ formatNumber(
										automation.runs?.active ?? 0
									) }
								</td>
								<td>
									{ formatNumber(
										automation.runs?.completed ?? 0
									) }
								</td>
								<td>
									{ formatNumber(
										automation.runs?.failed ?? 0
									) }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</div>
	);
}
