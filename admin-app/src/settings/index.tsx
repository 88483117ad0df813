/**
 * WordPress dependencies
 */
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	RadioControl,
	SelectControl,
	Spinner,
	TextareaControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { getSettings } from '@wordpress/date';
import { __, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { getBootData } from '../boot';
import { store } from '../store';
import type { OrderMessagesTo } from '../store/types';
import { formatDateTime } from '../components/format';
import { SendingPolicyCard } from './sending-policy';
import { WhatsAppCard } from './whatsapp';

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

/**
 * Every country as a choice, named in the user's language: the server's name (WooCommerce's) or the browser's,
 * sorted by name.
 *
 * @param countries Code → name, or null when the server did not name it.
 */
export function countryOptions(
	countries: Record< string, string | null >
): Array< { value: string; label: string } > {
	const locale = ( getSettings().l10n?.locale || 'en' ).replace( '_', '-' );
	let names: Intl.DisplayNames | null = null;
	try {
		names = new Intl.DisplayNames( [ locale ], { type: 'region' } );
	} catch {
		names = null;
	}
	return Object.entries( countries )
		.map( ( [ code, name ] ) => ( {
			value: code,
			label: name || names?.of( code ) || code,
		} ) )
		.sort( ( a, b ) => a.label.localeCompare( b.label, locale ) );
}

function ShopCard() {
	const settings = useSelect(
		( select ) => select( store ).getSettings(),
		[]
	);
	const { saveSettings } = useDispatch( store );
	const [ country, setCountry ] = useState( '' );
	const [ consentText, setConsentText ] = useState( '' );
	const [ orderMessagesTo, setOrderMessagesTo ] =
		useState< OrderMessagesTo >( 'consented' );
	const [ isSaving, setSaving ] = useState( false );

	useEffect( () => {
		if ( settings ) {
			setCountry( settings.default_country );
			setConsentText( settings.consent_text );
			setOrderMessagesTo( settings.order_messages_to ?? 'consented' );
		}
	}, [ settings ] );

	if ( ! settings ) {
		return <Spinner />;
	}
	const countries = countryOptions(
		settings.countries ??
			Object.fromEntries(
				( settings.supported_phone_countries ?? [] ).map( ( code ) => [
					code,
					null,
				] )
			)
	);
	const nameOf = ( code: string ) =>
		countries.find( ( option ) => option.value === code )?.label ?? code;
	const save = async () => {
		setSaving( true );
		try {
			await saveSettings( {
				default_country: country,
				consent_text: consentText,
				order_messages_to: orderMessagesTo,
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
						/* translators: %s: the country used now (its name). */
						__(
							'Numbers written without an international prefix are read as numbers of this country. Now: %s.',
							'rondine'
						),
						nameOf(
							settings.effective_country ??
								settings.default_country
						)
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
						...countries,
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
				<RadioControl
					label={ __(
						'Automation messages about an order go to',
						'rondine'
					) }
					help={ __(
						'Utility templates (order updates, shipping) sent by an automation that an order starts, to the order’s billing phone. A customer who stopped messages on WhatsApp gets none either way.',
						'rondine'
					) }
					selected={ orderMessagesTo }
					options={ [
						{
							value: 'consented',
							label: __(
								'Only customers who agreed to WhatsApp messages',
								'rondine'
							),
						},
						{
							value: 'customers',
							label: __(
								'Every customer who gave a phone number at checkout',
								'rondine'
							),
						},
					] }
					onChange={ ( value ) =>
						setOrderMessagesTo( value as OrderMessagesTo )
					}
				/>
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
			{ settings.connection.connected && <SendingPolicyCard /> }
		</div>
	);
}
