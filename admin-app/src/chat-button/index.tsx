/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	ColorPalette,
	Notice,
	RadioControl,
	RangeControl,
	SelectControl,
	Spinner,
	TextControl,
	TextareaControl,
	ToggleControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';

/**
 * Internal dependencies
 */
import { AgentsEditor } from './agents-editor';
import { AutomationKeyword } from './automation-keyword';
import { fetchSettings, fetchStats, saveSettings } from './api';
import { LivePreview } from './preview';
import type { ChatButtonSettings, ClickStats, SettingsError } from './types';
import { problemsOfChangedFields, validateChatButton } from './validate';
import { getBootData } from '../boot';
import './style.scss';

const COLORS = [
	{ name: __( 'WhatsApp green', 'rondine' ), color: '#25d366' },
	{ name: __( 'Teal', 'rondine' ), color: '#128c7e' },
	{ name: __( 'Dark', 'rondine' ), color: '#1e1e1e' },
	{ name: __( 'Blue', 'rondine' ), color: '#3858e9' },
];

export function ChatButtonScreen() {
	const [ settings, setSettings ] = useState< ChatButtonSettings | null >(
		null
	);
	const [ saved, setSaved ] = useState< ChatButtonSettings | null >( null );
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ errors, setErrors ] = useState< Record< string, string > >( {} );
	const [ errorMessage, setErrorMessage ] = useState< string | null >( null );
	// After a save the browser refused, every problem shows, not only those of fields changed since the last save.
	const [ checked, setChecked ] = useState( false );
	const [ saving, setSaving ] = useState( false );
	const [ stats, setStats ] = useState< ClickStats | null >( null );
	const { createSuccessNotice } = useDispatch( noticesStore );
	const timezone = getBootData().siteTimezone || 'UTC';

	const dirty =
		settings !== null &&
		JSON.stringify( settings ) !== JSON.stringify( saved );
	// Leaving the page with unsaved changes asks first, as the block editor does.
	useEffect( () => {
		if ( ! dirty ) {
			return;
		}
		const warn = ( event: BeforeUnloadEvent ) => event.preventDefault();
		window.addEventListener( 'beforeunload', warn );
		return () => window.removeEventListener( 'beforeunload', warn );
	}, [ dirty ] );

	useEffect( () => {
		fetchSettings().then(
			( loaded ) => {
				setSettings( loaded );
				setSaved( loaded );
			},
			( failure: SettingsError ) => setLoadError( failure.message )
		);
		fetchStats().then( setStats, () => setStats( null ) );
	}, [] );

	if ( loadError ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ loadError }
			</Notice>
		);
	}
	if ( ! settings ) {
		return <Spinner />;
	}

	const change = < K extends keyof ChatButtonSettings >(
		key: K,
		value: ChatButtonSettings[ K ]
	) => setSettings( { ...settings, [ key ]: value } );
	// Checked in the browser as typed: an incomplete form is neither previewed nor sent.
	const problems = validateChatButton( settings );
	const complete = ! Object.keys( problems ).length;
	const shown = {
		...( checked
			? problems
			: problemsOfChangedFields( problems, settings, saved ) ),
		...errors,
	};
	let refused = Object.values( checked ? problems : {} );
	if ( errorMessage ) {
		refused = Object.keys( errors ).length
			? Object.values( errors )
			: [ errorMessage ];
	}
	const help = ( key: string, fallback?: string ) => shown[ key ] ?? fallback;

	const save = async () => {
		if ( ! complete ) {
			setChecked( true );
			return;
		}
		setSaving( true );
		try {
			const result = await saveSettings( settings );
			setSettings( result );
			setSaved( result );
			setErrors( {} );
			setErrorMessage( null );
			setChecked( false );
			createSuccessNotice( __( 'Chat button saved.', 'rondine' ), {
				type: 'snackbar',
			} );
		} catch ( failure ) {
			const error = failure as SettingsError;
			setErrors( error.data?.errors ?? {} );
			setErrorMessage( error.message );
		} finally {
			setSaving( false );
		}
	};

	return (
		<div className="rondine-chat-settings">
			<div className="rondine-chat-settings__layout">
				<div className="rondine-chat-settings__form">
					{ refused.length > 0 && (
						<Notice status="error" isDismissible={ false }>
							<p>{ __( 'Nothing was saved:', 'rondine' ) }</p>
							<ul>
								{ refused.map( ( message ) => (
									<li key={ message }>{ message }</li>
								) ) }
							</ul>
						</Notice>
					) }

					<Card>
						<CardBody>
							<ToggleControl
								__nextHasNoMarginBottom
								label={ __(
									'Show the chat button on the storefront',
									'rondine'
								) }
								checked={ settings.enabled }
								onChange={ ( enabled ) =>
									change( 'enabled', enabled )
								}
							/>
							{ stats && (
								<p className="rondine-chat-settings__stats">
									{ sprintf(
										/* translators: %d: number of clicks. */
										_n(
											'%d click on WhatsApp in the last 30 days.',
											'%d clicks on WhatsApp in the last 30 days.',
											stats.total,
											'rondine'
										),
										stats.total
									) }
								</p>
							) }
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>{ __( 'Agents', 'rondine' ) }</h2>
						</CardHeader>
						<CardBody>
							{ shown.agents && (
								<p className="rondine-chat-settings__error">
									{ shown.agents }
								</p>
							) }
							<AgentsEditor
								agents={ settings.agents }
								errors={ shown }
								timezone={ timezone }
								onChange={ ( agents ) =>
									change( 'agents', agents )
								}
							/>
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>{ __( 'Texts', 'rondine' ) }</h2>
						</CardHeader>
						<CardBody>
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __(
									'Button text (call to action)',
									'rondine'
								) }
								value={ settings.cta }
								onChange={ ( cta ) => change( 'cta', cta ) }
								help={ help( 'cta' ) }
							/>
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'Panel title', 'rondine' ) }
								value={ settings.title }
								onChange={ ( title ) =>
									change( 'title', title )
								}
								help={ help(
									'title',
									__(
										'Shown at the top of the chat panel.',
										'rondine'
									)
								) }
							/>
							<TextareaControl
								__nextHasNoMarginBottom
								label={ __( 'Greeting', 'rondine' ) }
								value={ settings.greeting }
								onChange={ ( greeting ) =>
									change( 'greeting', greeting )
								}
								help={ help( 'greeting' ) }
							/>
							<TextareaControl
								__nextHasNoMarginBottom
								label={ __( 'Prefilled message', 'rondine' ) }
								value={ settings.message }
								onChange={ ( message ) =>
									change( 'message', message )
								}
								help={ help(
									'message',
									__(
										'Variables: {SITE} {TITLE} {URL}, and on product pages {PRODUCT} {PRICE} {SKU}. Put what needs a product in square brackets, e.g. [about {PRODUCT} at {PRICE}]: on other pages it is left out. {PRODUCT|our products} says what to write when there is no product.',
										'rondine'
									)
								) }
							/>
							<ToggleControl
								__nextHasNoMarginBottom
								label={ __(
									'{URL} keeps the query string',
									'rondine'
								) }
								checked={ settings.full_url }
								onChange={ ( full ) =>
									change( 'full_url', full )
								}
								help={ __(
									'Off by default: page addresses can carry order keys, password reset links or session ids, which should not be sent in a WhatsApp message.',
									'rondine'
								) }
							/>
							<AutomationKeyword
								keyword={ settings.keyword }
								onChange={ ( keyword ) =>
									change( 'keyword', keyword )
								}
							/>
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __(
									'Keyword before the message',
									'rondine'
								) }
								value={ settings.keyword }
								onChange={ ( keyword ) =>
									change( 'keyword', keyword )
								}
								help={ help(
									'keyword',
									__(
										'Optional, one word (e.g. #web): lets automatic replies recognise chats started from the shop.',
										'rondine'
									)
								) }
							/>
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>{ __( 'Look', 'rondine' ) }</h2>
						</CardHeader>
						<CardBody>
							<RadioControl
								label={ __( 'Position', 'rondine' ) }
								selected={ settings.position }
								options={ [
									{
										label: __( 'Bottom right', 'rondine' ),
										value: 'right',
									},
									{
										label: __( 'Bottom left', 'rondine' ),
										value: 'left',
									},
								] }
								onChange={ ( position ) =>
									change(
										'position',
										position as ChatButtonSettings[ 'position' ]
									)
								}
							/>
							<fieldset>
								<legend>{ __( 'Colour', 'rondine' ) }</legend>
								<ColorPalette
									colors={ COLORS }
									value={ settings.color }
									disableCustomColors={ false }
									clearable={ false }
									onChange={ ( color ) =>
										color && change( 'color', color )
									}
								/>
								{ shown.color && (
									<p className="rondine-chat-settings__error">
										{ shown.color }
									</p>
								) }
							</fieldset>
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>{ __( 'When to show', 'rondine' ) }</h2>
						</CardHeader>
						<CardBody>
							<TextControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								type="number"
								min={ 0 }
								max={ 300 }
								label={ __(
									'Delay before showing (seconds)',
									'rondine'
								) }
								value={ String( settings.delay ) }
								onChange={ ( delay ) =>
									change( 'delay', Number( delay ) )
								}
								help={ help( 'delay' ) }
							/>
							<RangeControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __(
									'Show after scrolling (% of the page)',
									'rondine'
								) }
								value={ settings.scroll }
								min={ 0 }
								max={ 100 }
								onChange={ ( scroll ) =>
									change( 'scroll', scroll ?? 0 )
								}
								help={ help( 'scroll' ) }
							/>
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'Devices', 'rondine' ) }
								value={ settings.device }
								options={ [
									{
										label: __(
											'Phones and computers',
											'rondine'
										),
										value: 'all',
									},
									{
										label: __( 'Phones only', 'rondine' ),
										value: 'mobile',
									},
									{
										label: __(
											'Computers only',
											'rondine'
										),
										value: 'desktop',
									},
								] }
								onChange={ ( device ) =>
									change(
										'device',
										device as ChatButtonSettings[ 'device' ]
									)
								}
							/>
							<ToggleControl
								__nextHasNoMarginBottom
								label={ __(
									'Only on product pages',
									'rondine'
								) }
								checked={ settings.product_only }
								onChange={ ( only ) =>
									change( 'product_only', only )
								}
							/>
							<TextareaControl
								__nextHasNoMarginBottom
								label={ __( 'Only on these pages', 'rondine' ) }
								value={ settings.include_pages }
								onChange={ ( value ) =>
									change( 'include_pages', value )
								}
								help={ help(
									'include_pages',
									__(
										'One path per line, * as wildcard (e.g. /shop/*). Empty: every page.',
										'rondine'
									)
								) }
							/>
							<TextareaControl
								__nextHasNoMarginBottom
								label={ __(
									'Never on these pages',
									'rondine'
								) }
								value={ settings.exclude_pages }
								onChange={ ( value ) =>
									change( 'exclude_pages', value )
								}
								help={ help(
									'exclude_pages',
									__(
										'One path per line, e.g. /checkout/',
										'rondine'
									)
								) }
							/>
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>
								{ __( 'Outside working hours', 'rondine' ) }
							</h2>
						</CardHeader>
						<CardBody>
							<RadioControl
								label={ __(
									'When nobody is working',
									'rondine'
								) }
								selected={ settings.off_hours }
								options={ [
									{
										label: __(
											"Show the button with a we'll-reply-later note",
											'rondine'
										),
										value: 'note',
									},
									{
										label: __(
											'Hide the button',
											'rondine'
										),
										value: 'hide',
									},
								] }
								onChange={ ( value ) =>
									change(
										'off_hours',
										value as ChatButtonSettings[ 'off_hours' ]
									)
								}
							/>
							{ settings.off_hours === 'note' && (
								<TextareaControl
									__nextHasNoMarginBottom
									label={ __( 'Note', 'rondine' ) }
									value={ settings.later_note }
									onChange={ ( value ) =>
										change( 'later_note', value )
									}
									help={ help( 'later_note' ) }
								/>
							) }
						</CardBody>
					</Card>

					<Card>
						<CardHeader>
							<h2>{ __( 'Consent', 'rondine' ) }</h2>
						</CardHeader>
						<CardBody>
							<ToggleControl
								__nextHasNoMarginBottom
								label={ __(
									'Ask visitors to accept before WhatsApp opens',
									'rondine'
								) }
								checked={ settings.consent_required }
								onChange={ ( value ) =>
									change( 'consent_required', value )
								}
							/>
							{ settings.consent_required && (
								<TextareaControl
									__nextHasNoMarginBottom
									label={ __(
										'What visitors accept',
										'rondine'
									) }
									value={ settings.consent_text }
									onChange={ ( value ) =>
										change( 'consent_text', value )
									}
									help={ help( 'consent_text' ) }
								/>
							) }
						</CardBody>
					</Card>

					<div className="rondine-chat-settings__actions">
						<Button
							variant="primary"
							isBusy={ saving }
							disabled={ saving || ! dirty }
							accessibleWhenDisabled
							onClick={ save }
						>
							{ __( 'Save', 'rondine' ) }
						</Button>
					</div>
				</div>
				<LivePreview settings={ settings } complete={ complete } />
			</div>
		</div>
	);
}
