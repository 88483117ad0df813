/**
 * WordPress dependencies
 */
import { Button, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { Template } from '../store/types';
import { WhatsAppBubble } from '../components/whatsapp-bubble';
import { useRoute } from '../router';

export function templateStatusLabel( status: string ): string {
	switch ( status.toUpperCase() ) {
		case 'APPROVED':
			return __( 'Approved', 'rondine' );
		case 'PENDING':
			return __( 'Pending review', 'rondine' );
		case 'REJECTED':
			return __( 'Rejected', 'rondine' );
		case 'PAUSED':
			return __( 'Paused', 'rondine' );
		case 'DISABLED':
			return __( 'Disabled', 'rondine' );
	}
	return status;
}

function categoryLabel( category: string ): string {
	switch ( category.toUpperCase() ) {
		case 'MARKETING':
			return __( 'Marketing', 'rondine' );
		case 'UTILITY':
			return __( 'Utility', 'rondine' );
		case 'AUTHENTICATION':
			return __( 'Authentication', 'rondine' );
	}
	return category;
}

const keyOf = ( template: Template ) =>
	`${ template.name }|${ template.language }`;

export function TemplatesScreen() {
	const { templates, hasFailed } = useSelect(
		( select ) => ( {
			templates: select( store ).getTemplates(),
			hasFailed: select( store ).hasResolutionFailed(
				'getTemplates',
				[]
			),
		} ),
		[]
	);
	const { syncTemplates } = useDispatch( store );
	const [ isSyncing, setSyncing ] = useState( false );
	// "#/templates?template=name|language" opens that template (the dashboard's "Needs attention" links here).
	const wanted = useRoute().query.template ?? null;
	const [ selected, setSelected ] = useState< string | null >( wanted );
	useEffect( () => {
		if ( wanted ) {
			setSelected( wanted );
		}
	}, [ wanted ] );

	const sync = async () => {
		setSyncing( true );
		try {
			await syncTemplates();
		} catch {
			// Shown as a notice.
		} finally {
			setSyncing( false );
		}
	};

	if ( templates === null ) {
		return hasFailed ? (
			<p>
				{ __(
					'Templates could not be read from the bridge. Check the connection in Settings.',
					'rondine'
				) }
			</p>
		) : (
			<Spinner />
		);
	}
	const current =
		templates.find( ( template ) => keyOf( template ) === selected ) ??
		templates[ 0 ];

	return (
		<div className="rondine-templates" data-testid="rondine-templates">
			<p>
				{ __(
					'Templates are created and reviewed in WhatsApp Manager. Only approved templates can be used in a campaign.',
					'rondine'
				) }{ ' ' }
				<Button
					variant="secondary"
					onClick={ sync }
					isBusy={ isSyncing }
				>
					{ __( 'Sync now', 'rondine' ) }
				</Button>
			</p>
			{ templates.length === 0 ? (
				<div className="rondine-empty">
					<p>
						{ __(
							'No templates yet. Create one in WhatsApp Manager, wait for its approval, then sync.',
							'rondine'
						) }
					</p>
				</div>
			) : (
				<div className="rondine-templates__layout">
					<table className="widefat striped">
						<thead>
							<tr>
								<th>{ __( 'Name', 'rondine' ) }</th>
								<th>{ __( 'Status', 'rondine' ) }</th>
								<th>{ __( 'Category', 'rondine' ) }</th>
								<th>{ __( 'Language', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ templates.map( ( template ) => (
								<tr
									key={ keyOf( template ) }
									className={
										current === template
											? 'is-selected'
											: undefined
									}
								>
									<td>
										<Button
											variant="link"
											onClick={ () =>
												setSelected( keyOf( template ) )
											}
										>
											{ template.name }
										</Button>
									</td>
									<td>
										<span
											className={ `rondine-template-status is-${ template.status.toLowerCase() }` }
										>
											{ templateStatusLabel(
												template.status
											) }
										</span>
										{ template.rejected_reason &&
											template.rejected_reason !==
												'NONE' && (
												<span>
													{ ' ' }
													(
													{ template.rejected_reason }
													)
												</span>
											) }
									</td>
									<td>
										{ categoryLabel( template.category ) }
									</td>
									<td>{ template.language }</td>
								</tr>
							) ) }
						</tbody>
					</table>
					{ current && (
						<div
							className="rondine-templates__preview"
							data-testid="rondine-template-preview"
							data-template={ keyOf( current ) }
						>
							<h3>{ __( 'Preview', 'rondine' ) }</h3>
							<WhatsAppBubble template={ current } />
						</div>
					) }
				</div>
			) }
		</div>
	);
}
