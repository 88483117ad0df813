/**
 * WordPress dependencies
 */
import {
	Button,
	CheckboxControl,
	FormFileUpload,
	Notice,
	RadioControl,
	SelectControl,
} from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { store } from '../store';
import type { ContactList, ImportReport } from '../store/types';
import { IMPORT_FIELDS, guessMapping, parseCsv } from './csv';
import { formatNumber } from '../components/format';

function importFieldLabel( field: string ): string {
	switch ( field ) {
		case 'phone':
			return __( 'Phone', 'rondine' );
		case 'first_name':
			return __( 'First name', 'rondine' );
		case 'last_name':
			return __( 'Last name', 'rondine' );
		case 'email':
			return __( 'Email', 'rondine' );
		case 'country':
			return __( 'Country', 'rondine' );
		case 'consent':
			return __( 'Marketing consent (yes/no)', 'rondine' );
		case 'tags':
			return __( 'Tags', 'rondine' );
		case 'birthday':
			return __( 'Date of birth (1990–05–31 or 31/05/1990)', 'rondine' );
	}
	return field;
}

/**
 * Upload a CSV into a list: map its columns, say how consent is known, then
 * read the report of what was imported and which rows were rejected, and why.
 */
export function ListImport( {
	list,
	onDone,
}: {
	list: ContactList;
	onDone: () => void;
} ) {
	const defaultCountry = useSelect(
		( select ) => select( store ).getSettings()?.effective_country ?? '',
		[]
	);
	const { importList } = useDispatch( store );
	const [ file, setFile ] = useState< File | null >( null );
	const [ rows, setRows ] = useState< string[][] >( [] );
	const [ mapping, setMapping ] = useState< Record< string, string > >( {} );
	const [ consent, setConsent ] = useState< 'column' | 'attest' | 'none' >(
		'none'
	);
	const [ attested, setAttested ] = useState( false );
	const [ report, setReport ] = useState< ImportReport | null >( null );
	const [ isImporting, setImporting ] = useState( false );

	const header = rows[ 0 ] ?? [];
	const hasPhone = Object.values( mapping ).includes( 'phone' );
	const hasConsentColumn = Object.values( mapping ).includes( 'consent' );

	const choose = async ( chosen: File | undefined ) => {
		if ( ! chosen ) {
			return;
		}
		const text = await chosen.slice( 0, 64 * 1024 ).text();
		const parsed = parseCsv( text );
		setFile( chosen );
		setRows( parsed );
		const guessed = guessMapping( parsed[ 0 ] ?? [] );
		setMapping( guessed );
		setConsent(
			Object.values( guessed ).includes( 'consent' ) ? 'column' : 'none'
		);
		setReport( null );
	};

	const run = async () => {
		if ( ! file ) {
			return;
		}
		setImporting( true );
		try {
			setReport(
				await importList( list.id, {
					file,
					// The plugin reads columns by their header name.
					mapping: Object.fromEntries(
						Object.entries( mapping ).map( ( [ index, field ] ) => [
							field,
							header[ Number( index ) ] ?? '',
						] )
					),
					consent_mode: consent,
					attestation: consent === 'attest' && attested,
					default_country: defaultCountry,
				} )
			);
		} catch {
			// The plugin's message is shown; nothing was imported.
		} finally {
			setImporting( false );
		}
	};

	return (
		<div className="rondine-import" data-testid="rondine-import">
			<h3>
				{ sprintf(
					/* translators: %s: list name. */
					__( 'Import contacts into “%s”', 'rondine' ),
					list.name
				) }
			</h3>
			<FormFileUpload
				__next40pxDefaultSize
				accept=".csv,text/csv"
				onChange={ ( event ) =>
					choose( event.currentTarget.files?.[ 0 ] )
				}
				render={ ( { openFileDialog } ) => (
					<Button variant="secondary" onClick={ openFileDialog }>
						{ file
							? file.name
							: __( 'Choose a CSV file', 'rondine' ) }
					</Button>
				) }
			/>
			{ header.length > 0 && (
				<>
					<table className="widefat striped rondine-import__mapping">
						<thead>
							<tr>
								<th>{ __( 'Column', 'rondine' ) }</th>
								<th>{ __( 'First rows', 'rondine' ) }</th>
								<th>{ __( 'Import as', 'rondine' ) }</th>
							</tr>
						</thead>
						<tbody>
							{ header.map( ( column, index ) => (
								<tr key={ index }>
									<th scope="row">{ column }</th>
									<td>
										{ rows
											.slice( 1, 4 )
											.map(
												( row ) => row[ index ] ?? ''
											)
											.join( ' · ' ) }
									</td>
									<td>
										<SelectControl
											__nextHasNoMarginBottom
											__next40pxDefaultSize
											label={ sprintf(
												/* translators: %s: CSV column name. */
												__(
													'Import column %s as',
													'rondine'
												),
												column
											) }
											hideLabelFromVision
											value={
												mapping[ String( index ) ] ?? ''
											}
											options={ [
												{
													value: '' as string,
													label: __(
														'Do not import',
														'rondine'
													),
												},
												...IMPORT_FIELDS.map(
													( field ) => ( {
														value: field,
														label: importFieldLabel(
															field
														),
													} )
												),
											] }
											onChange={ ( field ) => {
												const next = { ...mapping };
												for ( const [
													key,
													value,
												] of Object.entries( next ) ) {
													if (
														field &&
														value === field
													) {
														delete next[ key ];
													}
												}
												if ( field ) {
													next[ String( index ) ] =
														field;
												} else {
													delete next[
														String( index )
													];
												}
												setMapping( next );
											} }
										/>
									</td>
								</tr>
							) ) }
						</tbody>
					</table>
					<p>
						{ sprintf(
							/* translators: %s: country code. */
							__(
								'Numbers without an international prefix are read as numbers of %s.',
								'rondine'
							),
							defaultCountry || '—'
						) }
					</p>
					<RadioControl
						label={ __( 'Marketing consent', 'rondine' ) }
						selected={ consent }
						options={ [
							...( hasConsentColumn
								? [
										{
											value: 'column',
											label: __(
												'From the consent column',
												'rondine'
											),
										},
									]
								: [] ),
							{
								value: 'attest',
								label: __(
									'All these contacts opted in',
									'rondine'
								),
							},
							{
								value: 'none',
								label: __(
									'Unknown: import without consent (they will not receive marketing campaigns)',
									'rondine'
								),
							},
						] }
						onChange={ ( value ) =>
							setConsent( value as typeof consent )
						}
					/>
					{ consent === 'attest' && (
						<CheckboxControl
							__nextHasNoMarginBottom
							label={ __(
								'I confirm that every contact in this file gave consent to receive marketing messages on WhatsApp from this shop, and that I can prove it.',
								'rondine'
							) }
							checked={ attested }
							onChange={ setAttested }
						/>
					) }
					{ ! hasPhone && (
						<Notice status="warning" isDismissible={ false }>
							{ __(
								'Choose the column that holds the phone number.',
								'rondine'
							) }
						</Notice>
					) }
					<Button
						variant="primary"
						onClick={ run }
						isBusy={ isImporting }
						disabled={
							isImporting ||
							! hasPhone ||
							( consent === 'attest' && ! attested )
						}
					>
						{ __( 'Import', 'rondine' ) }
					</Button>{ ' ' }
					<Button variant="tertiary" onClick={ onDone }>
						{ __( 'Close', 'rondine' ) }
					</Button>
				</>
			) }
			{ report && (
				<div
					className="rondine-import__report"
					data-testid="rondine-import-report"
				>
					<Notice
						status={
							report.rejected.length ? 'warning' : 'success'
						}
						isDismissible={ false }
					>
						{ sprintf(
							/* translators: 1: contacts imported, 2: rows rejected. */
							__( '%1$s imported, %2$s rejected.', 'rondine' ),
							formatNumber( report.imported ),
							formatNumber( report.rejected.length )
						) }
					</Notice>
					{ report.rejected.length > 0 && (
						<table
							className="widefat striped"
							data-testid="rondine-import-rejected"
						>
							<caption>
								{ _n(
									'This row was not imported:',
									'These rows were not imported:',
									report.rejected.length,
									'rondine'
								) }
							</caption>
							<thead>
								<tr>
									<th>{ __( 'Row', 'rondine' ) }</th>
									<th>{ __( 'Value', 'rondine' ) }</th>
									<th>{ __( 'Reason', 'rondine' ) }</th>
								</tr>
							</thead>
							<tbody>
								{ report.rejected.map( ( rejected ) => (
									<tr key={ rejected.row }>
										<td>{ rejected.row }</td>
										<td>{ rejected.value ?? '' }</td>
										<td>
											{ rejected.message ??
												rejected.reason }
										</td>
									</tr>
								) ) }
							</tbody>
						</table>
					) }
					{ ( report.consent_refused ?? [] ).length > 0 && (
						<table
							className="widefat striped"
							data-testid="rondine-import-consent-refused"
						>
							<caption>
								{ __(
									'Imported without consent: these people withdrew their consent before, and a file cannot give it back.',
									'rondine'
								) }
							</caption>
							<thead>
								<tr>
									<th>{ __( 'Row', 'rondine' ) }</th>
									<th>{ __( 'Value', 'rondine' ) }</th>
									<th>{ __( 'Reason', 'rondine' ) }</th>
								</tr>
							</thead>
							<tbody>
								{ ( report.consent_refused ?? [] ).map(
									( refused ) => (
										<tr key={ refused.row }>
											<td>{ refused.row }</td>
											<td>{ refused.value ?? '' }</td>
											<td>
												{ consentRefusedLabel(
													refused.reason
												) }
											</td>
										</tr>
									)
								) }
							</tbody>
						</table>
					) }
				</div>
			) }
		</div>
	);
}

/**
 * The label of a reason why an imported row did not get the consent the file gave.
 *
 * @param reason Reason code from the import report.
 */
function consentRefusedLabel( reason: string ): string {
	switch ( reason ) {
		case 'previously_revoked':
			return __( 'Previously revoked', 'rondine' );
		default:
			return reason;
	}
}
