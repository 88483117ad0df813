/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	TextControl,
} from '@wordpress/components';
import { useDispatch } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import { PATHS } from '../store/constants';
import type { WhatsAppCredentials, WhatsAppNumberCheck } from '../store/types';
import { qualityLabel, tierLabel } from '../components/whatsapp-labels';

const EMPTY: WhatsAppCredentials = {
	phone_number_id: '',
	waba_id: '',
	access_token: '',
	app_secret: '',
};

type Field = keyof Omit< WhatsAppCredentials, 'verify_token' >;

/**
 * What is wrong with the shape of a value as typed, or null (empty values are not judged: they are just missing).
 *
 * @param field The field.
 * @param value As typed.
 */
export function shapeProblem( field: Field, value: string ): string | null {
	const typed = value.trim();
	if ( ! typed ) {
		return null;
	}
	switch ( field ) {
		case 'phone_number_id':
		case 'waba_id':
			if ( ! /^\d+$/.test( typed ) ) {
				return __(
					'Only digits: copy the ID itself, not a phone number with + or spaces, nor a name.',
					'rondine'
				);
			}
			return typed.length < 6
				? __(
						'Too short for an ID: copy all of its digits.',
						'rondine'
					)
				: null;
		case 'access_token':
			if ( /\s/.test( typed ) ) {
				return __(
					'The token has spaces or line breaks in it: copy it again in one piece.',
					'rondine'
				);
			}
			return typed.length < 20
				? __(
						'Too short for an access token: copy the whole token.',
						'rondine'
					)
				: null;
		case 'app_secret':
			if ( /\s/.test( typed ) ) {
				return __(
					'The app secret has spaces in it: copy it again in one piece.',
					'rondine'
				);
			}
			return typed.length < 8
				? __(
						'Too short for an app secret: copy the whole secret.',
						'rondine'
					)
				: null;
	}
	return null;
}

interface Failure {
	message: string;
	detail?: string | null;
}

/**
 * Connecting the shop's own WhatsApp number, guided: what each value is and where Meta shows it, checked as typed,
 * then checked with WhatsApp (the number's display number and verified name shown back) before it is saved.
 *
 * @param props           Props.
 * @param props.connected Whether the site is connected to a bridge.
 */
export function WhatsAppCard( { connected }: { connected: boolean } ) {
	const { saveWhatsAppCredentials } = useDispatch( store );
	const [ credentials, setCredentials ] = useState( EMPTY );
	const [ checked, setChecked ] = useState< {
		key: string;
		number: WhatsAppNumberCheck;
	} | null >( null );
	const [ failure, setFailure ] = useState< Failure | null >( null );
	const [ busy, setBusy ] = useState< 'check' | 'save' | null >( null );
	const [ saved, setSaved ] = useState( false );

	const set = ( key: Field ) => ( value: string ) => {
		setCredentials( { ...credentials, [ key ]: value } );
		setSaved( false );
	};
	const key = [
		credentials.phone_number_id.trim(),
		credentials.waba_id.trim(),
		credentials.access_token.trim(),
	].join( '|' );
	const number = checked?.key === key ? checked.number : null;
	const ready = ( fields: Field[] ) =>
		fields.every(
			( field ) =>
				credentials[ field ].trim() &&
				! shapeProblem( field, credentials[ field ] )
		);
	const canCheck =
		connected &&
		! busy &&
		ready( [ 'phone_number_id', 'waba_id', 'access_token' ] );
	const canSave =
		canCheck && !! number && ready( [ 'app_secret' ] ) && ! busy;

	const check = async () => {
		setBusy( 'check' );
		setFailure( null );
		try {
			const answer = await apiFetch< WhatsAppNumberCheck >( {
				path: `${ PATHS.whatsapp }/check`,
				method: 'POST',
				data: {
					phone_number_id: credentials.phone_number_id.trim(),
					waba_id: credentials.waba_id.trim(),
					access_token: credentials.access_token.trim(),
				},
			} );
			setChecked( { key, number: answer } );
		} catch ( error ) {
			const refused = error as {
				message?: string;
				data?: { detail?: string | null };
			};
			setChecked( null );
			setFailure( {
				message:
					refused.message ??
					__( 'The request failed. Please try again.', 'rondine' ),
				detail: refused.data?.detail,
			} );
		} finally {
			setBusy( null );
		}
	};

	const save = async () => {
		setBusy( 'save' );
		try {
			await saveWhatsAppCredentials( {
				phone_number_id: credentials.phone_number_id.trim(),
				waba_id: credentials.waba_id.trim(),
				access_token: credentials.access_token.trim(),
				app_secret: credentials.app_secret.trim(),
			} );
			// Secrets leave the browser once: the form forgets them.
			setCredentials( EMPTY );
			setChecked( null );
			setSaved( true );
		} catch {
			// The notice says what to do; the fields are kept to be corrected.
		} finally {
			setBusy( null );
		}
	};

	const field = ( name: Field, label: string, help: string ) => (
		<TextControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			type={
				name === 'access_token' || name === 'app_secret'
					? 'password'
					: 'text'
			}
			inputMode={
				name === 'phone_number_id' || name === 'waba_id'
					? 'numeric'
					: undefined
			}
			label={ label }
			value={ credentials[ name ] }
			onChange={ set( name ) }
			autoComplete="off"
			help={
				shapeProblem( name, credentials[ name ] ) ? (
					<span className="rondine-settings__field-error">
						{ shapeProblem( name, credentials[ name ] ) }
					</span>
				) : (
					help
				)
			}
		/>
	);

	return (
		<Card>
			<CardHeader>
				<h3 className="rondine-card-title">
					{ __( 'Your WhatsApp number', 'rondine' ) }
				</h3>
			</CardHeader>
			<CardBody className="rondine-settings__whatsapp">
				<p>
					{ __(
						'Until you connect your own number, Rondine uses a test number: messages are simulated and reach nobody. To send for real you need a WhatsApp Business number in a Meta app; the values below come from Meta’s App Dashboard (developers.facebook.com → My Apps → your app → WhatsApp → API Setup). They are checked with WhatsApp, stored encrypted and never shown again.',
						'rondine'
					) }
				</p>
				{ saved && (
					<Notice status="success" isDismissible={ false }>
						{ __( 'Credentials saved on the bridge.', 'rondine' ) }
					</Notice>
				) }
				{ field(
					'phone_number_id',
					__( 'Phone number ID', 'rondine' ),
					__(
						'A long number that stands for your WhatsApp number at Meta (it is not the phone number): API Setup → “Phone number ID”, under your number.',
						'rondine'
					)
				) }
				{ field(
					'waba_id',
					__( 'WhatsApp Business Account ID', 'rondine' ),
					__(
						'API Setup → “WhatsApp Business Account ID”, just below the phone number ID.',
						'rondine'
					)
				) }
				{ field(
					'access_token',
					__( 'Access token', 'rondine' ),
					__(
						'A permanent token: Meta Business Settings → Users → System users → Generate new token, for your app, with the whatsapp_business_messaging and whatsapp_business_management permissions. It usually starts with “EA”. (API Setup’s temporary token stops working after 24 hours.)',
						'rondine'
					)
				) }
				<div className="rondine-settings__actions">
					<Button
						variant="secondary"
						onClick={ check }
						isBusy={ busy === 'check' }
						disabled={ ! canCheck }
					>
						{ __( 'Check with WhatsApp', 'rondine' ) }
					</Button>
				</div>
				{ failure && (
					<Notice status="error" isDismissible={ false }>
						<p>{ failure.message }</p>
						{ failure.detail && (
							<details>
								<summary>
									{ __( 'Technical details', 'rondine' ) }
								</summary>
								<code>{ failure.detail }</code>
							</details>
						) }
					</Notice>
				) }
				{ number && (
					<div
						className="rondine-settings__number"
						data-testid="rondine-whatsapp-check"
					>
						<p>
							<strong>
								{ __(
									'WhatsApp recognises this number:',
									'rondine'
								) }
							</strong>
						</p>
						<dl>
							<dt>{ __( 'Number', 'rondine' ) }</dt>
							<dd>{ number.display_phone_number ?? '—' }</dd>
							<dt>
								{ __(
									'Name customers see (verified name)',
									'rondine'
								) }
							</dt>
							<dd>{ number.verified_name ?? '—' }</dd>
							<dt>{ __( 'Quality', 'rondine' ) }</dt>
							<dd>{ qualityLabel( number.quality ) }</dd>
							<dt>{ __( 'Daily limit', 'rondine' ) }</dt>
							<dd>
								{ tierLabel( number.messaging_limit_tier ) }
							</dd>
						</dl>
						<p>
							{ __(
								'If this is your number, add the app secret and save.',
								'rondine'
							) }
						</p>
					</div>
				) }
				{ field(
					'app_secret',
					__( 'App secret', 'rondine' ),
					__(
						'App Dashboard → App settings → Basic → App secret (“Show”). It lets Rondine check that delivery reports really come from WhatsApp.',
						'rondine'
					)
				) }
				<Button
					variant="primary"
					onClick={ save }
					isBusy={ busy === 'save' }
					disabled={ ! canSave }
				>
					{ __( 'Save credentials', 'rondine' ) }
				</Button>
				{ ! connected && (
					<p>{ __( 'Connect the bridge first.', 'rondine' ) }</p>
				) }
				{ connected && ! number && (
					<p className="rondine-settings__hint">
						{ __(
							'Check the number with WhatsApp first: saving is possible once WhatsApp has recognised it.',
							'rondine'
						) }
					</p>
				) }
			</CardBody>
		</Card>
	);
}
