/**
 * WordPress dependencies
 */
import { __ } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/**
 * Internal dependencies
 */
import { Notices } from './components/notices';
import { Dashboard } from './dashboard';
import { CampaignsScreen } from './campaigns';
import { AutomationsScreen } from './automations';
import { AudienceScreen } from './audience';
import { TemplatesScreen } from './templates';
import { SettingsScreen } from './settings';
import { ChatButtonSlot } from './chat-button-slot';
import { buildHash, useRoute } from './router';
import type { Route } from './router';

interface Section {
	slug: string;
	title: () => string;
	render: ( route: Route ) => ReactNode;
}

const SECTIONS: Section[] = [
	{
		slug: 'dashboard',
		title: () => __( 'Dashboard', 'rondine' ),
		render: () => <Dashboard />,
	},
	{
		slug: 'campaigns',
		title: () => __( 'Campaigns', 'rondine' ),
		render: ( route ) => <CampaignsScreen route={ route } />,
	},
	{
		slug: 'automations',
		title: () => __( 'Automations', 'rondine' ),
		render: ( route ) => <AutomationsScreen route={ route } />,
	},
	{
		slug: 'audience',
		title: () => __( 'Audience', 'rondine' ),
		render: ( route ) => <AudienceScreen route={ route } />,
	},
	{
		slug: 'templates',
		title: () => __( 'Templates', 'rondine' ),
		render: () => <TemplatesScreen />,
	},
	{
		slug: 'chat-button',
		title: () => __( 'Chat button', 'rondine' ),
		render: () => <ChatButtonSlot />,
	},
	{
		slug: 'settings',
		title: () => __( 'Settings', 'rondine' ),
		render: () => <SettingsScreen />,
	},
];

export function App() {
	const route = useRoute();
	const current =
		SECTIONS.find( ( section ) => section.slug === route.screen ) ??
		SECTIONS[ 0 ]!;
	return (
		<div className="rondine-admin">
			<h1 className="wp-heading-inline">
				{ __( 'Rondine', 'rondine' ) }
			</h1>
			<nav
				className="nav-tab-wrapper rondine-admin__nav"
				aria-label={ __( 'Rondine sections', 'rondine' ) }
			>
				{ SECTIONS.map( ( section ) => (
					<a
						key={ section.slug }
						href={ buildHash( [ section.slug ] ) }
						className={ `nav-tab${
							section === current ? ' nav-tab-active' : ''
						}` }
						aria-current={
							section === current ? 'page' : undefined
						}
					>
						{ section.title() }
					</a>
				) ) }
			</nav>
			<Notices />
			<main
				className={ `rondine-admin__screen rondine-${ current.slug }` }
				data-testid={ `rondine-screen-${ current.slug }` }
			>
				<h2 className="rondine-admin__title">{ current.title() }</h2>
				{ current.render( route ) }
			</main>
		</div>
	);
}
