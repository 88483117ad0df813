/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { store } from '../store';
import type { WhatsAppCredentials } from '../store/types';
import { formatDateTime } from '../components/format';

function ConnectionCard() {
	const settings = useSelect(
		( select ) => select( store ).getSettings(),
		[]
	);
	const connection = settings?.connection;

	return (
		<Card>
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Bridge connection', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				<p data-testid="rondine-connection-state">
					{ connection?.connected
						? sprintf(
								/* translators: 1: bridge URL, 2: date. */
								__(
									'Connected to %1$s since %2$s.',
									'rondine'
								),
								connection.bridge_url ?? '',
								formatDateTime( connection.connected_at )
							)
						: __( 'Not connected.', 'rondine' ) }
				</p>
				{ connection?.needs_new_code && (
					<Notice status="warning" isDismissible={ false }>
						{ __(
							'The stored connection can no longer be read (the site’s security keys in wp-config.php changed). Paste a new connection code from the bridge.',
							'rondine'
						) }
					</Notice>
				) }
				{ ! getBootData().canManageConnection ? (
					<Notice status="info" isDismissible={ false }>
						{ __(
							'Only an administrator can connect or disconnect the bridge and change the WhatsApp credentials: they decide where customer data goes.',
							'rondine'
						) }
					</Notice>
				) : (
					<ConnectionForm connected={ !! connection?.connected } />
				) }
			</CardBody>
		</Card>
	);
}

function ConnectionForm( { connected }: { connected: boolean } ) {
	const { saveSettings, disconnectBridge } = useDispatch( store );
	const [ code, setCode ] = useState( '' );
	const [ isSaving, setSaving ] = useState( false );

	const connect = async () => {
		setSaving( true );
		try {
			await saveSettings( { connection_code: code.trim() } );
			setCode( '' );
		} catch {
			// The notice says what is wrong with the code; it stays in the box to be fixed.
		} finally {
			setSaving( false );
		}
	};

	return (
		<>
			<TextareaControl
				__nextHasNoMarginBottom
				label={
					connected
						? __( 'New connection code', 'rondine' )
						: __( 'Connection code', 'rondine' )
				}
				help={ __(
					'The code starting with "rondine_" that the bridge printed when this shop was added to it.',
					'rondine'
				) }
				value={ code }
				onChange={ setCode }
				rows={ 3 }
			/>
			<Button
				variant="primary"
				onClick={ connect }
				isBusy={ isSaving }
				disabled={ isSaving || ! code.trim() }
			>
				{ __( 'Connect', 'rondine' ) }
			</Button>
			{ connected && (
				<Button
					variant="tertiary"
					isDestructive
					onClick={ () => {
						if (
							// eslint-disable-next-line no-alert -- a plain confirmation is enough here.
							window.confirm(
								__(
									'Disconnect from the bridge? Campaigns cannot be sent until a connection code is pasted again.',
									'rondine'
								)
							)
						) {
							disconnectBridge().catch( () => {} );
						}
					} }
				>
					{ __( 'Disconnect', 'rondine' ) }
				</Button>
			) }
		</>
	);
}

const EMPTY_CREDENTIALS: WhatsAppCredentials = {
	phone_number_id: '',
	waba_id: '',
	access_token: '',
	app_secret: '',
};

function WhatsAppCard( { connected }: { connected: boolean } ) {
	const { saveWhatsAppCredentials } = useDispatch( store );
	const [ credentials, setCredentials ] = useState( EMPTY_CREDENTIALS );
	const [ isSaving, setSaving ] = useState( false );
	const [ saved, setSaved ] = useState( false );
	const set = ( key: keyof WhatsAppCredentials ) => ( value: string ) =>
		setCredentials( { ...credentials, [ key ]: value } );

	const save = async () => {
		setSaving( true );
		try {
			await saveWhatsAppCredentials( credentials );
			// Secrets leave the browser once: the form forgets them.
			setCredentials( EMPTY_CREDENTIALS );
			setSaved( true );
		} catch {
			// The bridge's message is shown; the fields are kept to be corrected.
		} finally {
			setSaving( false );
		}
	};

	return (
		<Card>
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'WhatsApp Cloud API', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				<p>
					{ __(
						'Until these are set, the bridge uses its sandbox: messages are emulated and reach nobody. The credentials are checked with Meta, stored encrypted by the bridge and never shown again.',
						'rondine'
					) }
				</p>
				{ saved && (
					<Notice status="success" isDismissible={ false }>
						{ __( 'Credentials saved on the bridge.', 'rondine' ) }
					</Notice>
				) }
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Phone number ID', 'rondine' ) }
					value={ credentials.phone_number_id }
					onChange={ set( 'phone_number_id' ) }
					autoComplete="off"
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'WhatsApp Business Account ID', 'rondine' ) }
					value={ credentials.waba_id }
					onChange={ set( 'waba_id' ) }
					autoComplete="off"
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="password"
					label={ __( 'Access token', 'rondine' ) }
					value={ credentials.access_token }
					onChange={ set( 'access_token' ) }
					autoComplete="off"
				/>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					type="password"
					label={ __( 'App secret', 'rondine' ) }
					value={ credentials.app_secret }
					onChange={ set( 'app_secret' ) }
					autoComplete="off"
				/>
				<Button
					variant="primary"
					onClick={ save }
					isBusy={ isSaving }
					disabled={
						! connected ||
						isSaving ||
						Object.values( credentials ).some(
							( value ) => ! value.trim()
						)
					}
				>
					{ __( 'Save credentials', 'rondine' ) }
				</Button>
				{ ! connected && (
					<p>{ __( 'Connect the bridge first.', 'rondine' ) }</p>
				) }
			</CardBody>
		</Card>
	);
}

function ShopCard() {
	const settings = useSelect(
		( select ) => select( store ).getSettings(),
		[]
	);
	const { saveSettings } = useDispatch( store );
	const [ country, setCountry ] = useState( '' );
	const [ consentText, setConsentText ] = useState( '' );
	const [ isSaving, setSaving ] = useState( false );

	useEffect( () => {
		if ( settings ) {
			setCountry( settings.default_country );
			setConsentText( settings.consent_text );
		}
	}, [ settings ] );

	if ( ! settings ) {
		return <Spinner />;
	}
	const countries = settings.supported_phone_countries ?? [];
	const save = async () => {
		setSaving( true );
		try {
			await saveSettings( {
				default_country: country,
				consent_text: consentText,
			} );
		} catch {
			// Shown as a notice.
		} finally {
			setSaving( false );
		}
	};

	return (
		<Card>
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Audience and consent', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody>
				<SelectControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __(
						'Default country for phone numbers',
						'rondine'
					) }
					help={ sprintf(
						/* translators: %s: country code used now. */
						__(
							'Numbers written without an international prefix are read as numbers of this country. Now: %s.',
							'rondine'
						),
						settings.effective_country ?? settings.default_country
					) }
					value={ country }
					options={ [
						{
							value: '',
							label: __(
								'The shop’s country (WooCommerce setting)',
								'rondine'
							),
						},
						...countries.map( ( code ) => ( {
							value: code,
							label: code,
						} ) ),
					] }
					onChange={ setCountry }
				/>
				<TextareaControl
					__nextHasNoMarginBottom
					label={ __(
						'Opt-in text at checkout and in My Account',
						'rondine'
					) }
					help={ __(
						'{shop} stands for the shop’s name. Every consent records the exact wording shown.',
						'rondine'
					) }
					value={ consentText }
					onChange={ setConsentText }
					rows={ 3 }
				/>
				{ settings.consent_text_rendered && (
					<p className="rondine-settings__consent-preview">
						<input type="checkbox" disabled aria-hidden="true" />{ ' ' }
						{ settings.consent_text_rendered }
					</p>
				) }
				<Button
					variant="primary"
					onClick={ save }
					isBusy={ isSaving }
					disabled={ isSaving }
				>
					{ __( 'Save', 'rondine' ) }
				</Button>
			</CardBody>
		</Card>
	);
}

export function SettingsScreen() {
	const settings = useSelect(
		( select ) => select( store ).getSettings(),
		[]
	);
	if ( ! settings ) {
		return <Spinner />;
	}
	return (
		<div className="rondine-settings" data-testid="rondine-settings">
			<ConnectionCard />
			{ getBootData().canManageConnection && (
				<WhatsAppCard connected={ settings.connection.connected } />
			) }
			<ShopCard />
		</div>
	);
}
