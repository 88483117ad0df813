/**
 * Contacts, segments and a campaign's recipients as the shop owner uses them (issue 13, defects 6, 8 and 9), through
 * the screens with the mouse and keyboard: the stats table that follows the cards, with names that open the contact
 * and a CSV that opens right in Italian Excel; the contact's page with its messages and consent history; search by
 * "333 123"; a segment built by choosing a country by its name.
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { loadEnv } from '../lib/env';
import { sql as sqlRows } from '../lib/sql';
import { login } from '../lib/login';

const env = loadEnv() as ReturnType< typeof loadEnv > & {
	database?: { name: string; user: string; password: string };
};

const rondine = ( hash: string ) =>
	`/wp-admin/admin.php?page=rondine#/${ hash }`;

/** One SQL statement on the site's MariaDB, over the environment's socket. */
function sql( query: string ): string {
	return sqlRows( query )
		.map( ( row ) => row.join( '\t' ) )
		.join( '\n' );
}

/**
 * The administrator's own language in their profile (Users → Profile → Language): WordPress's REST API only offers
 * the languages whose core files are installed, which the test site has none of, so it is written as the profile
 * screen would. '' is the site's language.
 * @param locale it_IT, or '' for the site's.
 */
function setAdminLocale( locale: string ) {
	const id = Number( env.users.admin.id );
	sql(
		`DELETE FROM wp_usermeta WHERE user_id = ${ id } AND meta_key = 'locale'; ` +
			`INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (${ id }, 'locale', '${ locale }')`
	);
}

/**
 * Splits a CSV file as a spreadsheet of the Italian locale does: a UTF-8 BOM announces the encoding, cells are split
 * on `;`, quoted cells may hold `;`, `"` and line breaks.
 * @param bytes The downloaded file.
 */
function parseItalianCsv( bytes: Buffer ): string[][] {
	expect( [ ...bytes.subarray( 0, 3 ) ] ).toEqual( [ 0xef, 0xbb, 0xbf ] );
	const text = bytes.subarray( 3 ).toString( 'utf8' );
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for ( let i = 0; i < text.length; i++ ) {
		const char = text[ i ];
		if ( quoted ) {
			if ( char === '"' && text[ i + 1 ] === '"' ) {
				cell += '"';
				i++;
			} else if ( char === '"' ) {
				quoted = false;
			} else {
				cell += char;
			}
		} else if ( char === '"' ) {
			quoted = true;
		} else if ( char === ';' ) {
			row.push( cell );
			cell = '';
		} else if ( char === '\n' ) {
			row.push( cell.replace( /\r$/, '' ) );
			rows.push( row );
			row = [];
			cell = '';
		} else {
			cell += char;
		}
	}
	if ( cell !== '' || row.length ) {
		row.push( cell );
		rows.push( row );
	}
	return rows;
}

/** Four new Italian mobiles with names, in a new list, consent attested; answers the list id and the phones. */
async function listOfNamedContacts( page: Page, stamp: string ) {
	const api = apiIn( page );
	const digits = String( Date.now() % 10_000_000 ).padStart( 7, '0' );
	const people = [ 'Niccolò', 'Bianca', 'Cosimo', 'Dalia' ].map(
		( first, i ) => ( {
			first,
			last: `Test${ stamp }`,
			phone: `+39352${ digits.slice( 0, 6 ) }${ i }`,
		} )
	);
	const list = await api( '/rondine/v1/lists', 'POST', {
		name: `Recipients ${ stamp }`,
		description: '',
	} );
	expect( list.ok, JSON.stringify( list.body ) ).toBe( true );
	const imported = await api(
		`/rondine/v1/lists/${ list.body.id }/import`,
		'POST',
		{
			csv:
				'Telefono;Nome;Cognome\n' +
				people
					.map( ( p ) => `${ p.phone };${ p.first };${ p.last }` )
					.join( '\n' ),
			mapping: {
				phone: 'Telefono',
				first_name: 'Nome',
				last_name: 'Cognome',
			},
			default_country: 'IT',
			consent_mode: 'attest',
			attestation: true,
		}
	);
	expect( imported.ok, JSON.stringify( imported.body ) ).toBe( true );
	expect( imported.body.imported ).toBe( people.length );
	return { listId: Number( list.body.id ), people };
}

test.describe( 'contacts, segments and recipients, as the owner uses them', () => {
	test.describe.configure( { mode: 'serial' } );
	const stamp = Date.now().toString( 36 );

	test.afterAll( () => {
		setAdminLocale( '' );
	} );

	test( 'stats: the recipients table follows the cards, names open the contact, the CSV opens in Italian', async ( {
		page,
	}, testInfo ) => {
		test.setTimeout( 4 * 60_000 );
		await login( page );
		await page.goto( rondine( 'campaigns' ) );
		await expect(
			page.getByTestId( 'rondine-screen-campaigns' )
		).toBeVisible();

		// Setup only: contacts in a list and a campaign over it starting in a few seconds, through the REST API.
		const { listId, people } = await listOfNamedContacts( page, stamp );
		const api = apiIn( page );
		const name = `Recipients ${ stamp }`;
		const created = await api( '/rondine/v1/campaigns', 'POST', {
			name,
			audience: { segments: [], lists: [ listId ] },
			template: {
				name: 'hello_world',
				language: 'en_US',
				components: [],
			},
			start_at: new Date( Date.now() + 20_000 ).toISOString(),
			options: { continue_when_limited: false },
		} );
		expect( created.ok, JSON.stringify( created.body ) ).toBe( true );
		const id = String( created.body.id );
		const scheduled = await api(
			`/rondine/v1/campaigns/${ id }/schedule`,
			'POST',
			{}
		);
		expect( scheduled.ok, JSON.stringify( scheduled.body ) ).toBe( true );

		// The owner opens the stats before the start: no recipients yet. The page is not reloaded from here on.
		await page.goto( rondine( `campaigns/${ id }/stats` ) );
		const table = page.getByTestId( 'rondine-recipients' );
		await expect( table ).toContainText( 'No recipients match.' );

		// Once the cards show the sends, the table lists the recipients by name, without a reload.
		await expect(
			page.getByTestId( 'rondine-stat-sent' ).locator( 'strong' )
		).toHaveText( String( people.length ), { timeout: 90_000 } );
		for ( const person of people ) {
			await expect(
				table.getByRole( 'link', {
					name: `${ person.first } ${ person.last }`,
				} )
			).toBeVisible();
		}
		await expect( table ).not.toContainText( 'No recipients match.' );
		await page.screenshot( {
			path: testInfo.outputPath( 'stats-recipients-en.png' ),
			fullPage: true,
		} );

		// In Italian (the owner's profile language), the CSV opens right in Italian Excel.
		setAdminLocale( 'it_IT' );
		try {
			await page.reload();
			const button = page.getByRole( 'button', { name: 'Esporta CSV' } );
			await expect( button ).toBeVisible();
			await page.screenshot( {
				path: testInfo.outputPath( 'stats-recipients-it.png' ),
				fullPage: true,
			} );
			const [ download ] = await Promise.all( [
				page.waitForEvent( 'download' ),
				button.click(),
			] );
			const file = await download.path();
			const rows = parseItalianCsv( readFileSync( file ) );
			expect( rows[ 0 ] ).toEqual( [
				'Nome',
				'Telefono',
				'Stato',
				'Errore',
				'Inviato',
				'Consegnato',
				'Letto',
				'Risposta o tocco',
				'Aggiornato',
			] );
			const body = rows.slice( 1 );
			expect( body ).toHaveLength( people.length );
			for ( const person of people ) {
				const row = body.find(
					( cells ) => cells[ 1 ] === person.phone
				);
				expect( row, person.phone ).toBeDefined();
				expect( row![ 0 ] ).toBe(
					`${ person.first } ${ person.last }`
				);
				// Sent, in the shop's time (Europe/Rome in the test site) as every spreadsheet reads a date.
				expect( row![ 4 ] ).toMatch(
					/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/
				);
				expect( [ 'Inviato', 'Consegnato', 'Letto' ] ).toContain(
					row![ 2 ]
				);
			}
		} finally {
			setAdminLocale( '' );
		}

		// The name opens the contact's page, with the message of this campaign and the consent of the import.
		await page.reload();
		await page
			.getByTestId( 'rondine-recipients' )
			.getByRole( 'link', {
				name: `${ people[ 0 ]!.first } ${ people[ 0 ]!.last }`,
			} )
			.click();
		const contact = page.getByTestId( 'rondine-contact' );
		await expect( contact ).toBeVisible();
		await expect(
			contact.getByRole( 'heading', { level: 3 } ).first()
		).toHaveText( `${ people[ 0 ]!.first } ${ people[ 0 ]!.last }` );
		const messages = page.getByTestId( 'rondine-contact-messages' );
		await expect( messages.getByRole( 'link', { name } ) ).toBeVisible();
		await expect(
			page.getByTestId( 'rondine-contact-consent-log' )
		).toContainText( 'Imported from a file' );
		await page.screenshot( {
			path: testInfo.outputPath( 'contact-en.png' ),
			fullPage: true,
		} );
	} );

	test( 'contact page: the owner withdraws consent, records it with a note, and tags the contact', async ( {
		page,
	}, testInfo ) => {
		await login( page );
		await page.goto( rondine( 'audience/tags' ) );
		const api = apiIn( page );
		const tag = await api( '/rondine/v1/tags', 'POST', {
			name: `vip ${ stamp }`,
		} );
		expect( tag.ok, JSON.stringify( tag.body ) ).toBe( true );

		// Search as people write a phone: spaces, and only part of it.
		await page.goto( rondine( 'audience/contacts' ) );
		await page.reload();
		const screen = page.getByTestId( 'rondine-contacts' );
		const phones = sql(
			`SELECT phone FROM wp_rondine_contacts WHERE last_name = 'Test${ stamp }' ORDER BY phone LIMIT 1`
		).trim();
		expect( phones ).toMatch( /^\+39352\d{7}$/ );
		const typed = `${ phones.slice( 3, 6 ) } ${ phones.slice( 6, 9 ) }`;
		await screen.getByRole( 'searchbox' ).fill( typed );
		const row = screen.locator( 'tbody tr' ).filter( { hasText: phones } );
		await expect( row ).toHaveCount( 1 );
		await page.screenshot( {
			path: testInfo.outputPath( 'contacts-search-en.png' ),
			fullPage: true,
		} );
		await row.getByRole( 'link' ).click();

		const contact = page.getByTestId( 'rondine-contact' );
		await expect(
			page.getByTestId( 'rondine-contact-consent' )
		).toContainText( 'Opted in' );
		await contact
			.getByRole( 'button', { name: 'Withdraw consent…' } )
			.click();
		await contact
			.getByLabel( 'Why (optional, for example "asked by phone")' )
			.fill( 'asked by phone' );
		await contact
			.getByRole( 'button', { name: 'Withdraw consent', exact: true } )
			.click();
		await expect(
			page.getByTestId( 'rondine-contact-consent' )
		).toContainText( 'Opted out' );
		const log = page.getByTestId( 'rondine-contact-consent-log' );
		await expect( log.locator( 'tbody tr' ).first() ).toContainText(
			'By the shop in wp-admin'
		);
		await expect( log.locator( 'tbody tr' ).first() ).toContainText(
			`by ${ env.users.admin.login }: asked by phone`
		);

		// Consent is recorded only with how the person agreed.
		await contact
			.getByRole( 'button', { name: 'Record consent…' } )
			.click();
		const record = contact.getByRole( 'button', {
			name: 'Record consent',
			exact: true,
		} );
		await expect( record ).toBeDisabled();
		await contact
			.getByLabel( 'How did this person agree? (required)' )
			.fill( 'signed the form in the shop' );
		await record.click();
		await expect(
			page.getByTestId( 'rondine-contact-consent' )
		).toContainText( 'Opted in' );
		await expect( log.locator( 'tbody tr' ).first() ).toContainText(
			'signed the form in the shop'
		);

		// A tag added by hand.
		await contact
			.getByLabel( 'Add a tag' )
			.selectOption( { label: `vip ${ stamp }` } );
		await contact.getByRole( 'button', { name: 'Add tag' } ).click();
		await expect(
			page.getByTestId( 'rondine-contact-tags' )
		).toContainText( `vip ${ stamp }` );
		await page.screenshot( {
			path: testInfo.outputPath( 'contact-consent-en.png' ),
			fullPage: true,
		} );

		setAdminLocale( 'it_IT' );
		try {
			await page.reload();
			await expect(
				page.getByTestId( 'rondine-contact-consent' )
			).toContainText( 'Consenso dato' );
			await page.screenshot( {
				path: testInfo.outputPath( 'contact-it.png' ),
				fullPage: true,
			} );
		} finally {
			setAdminLocale( '' );
		}
	} );

	test( "a person's own stop the owner cannot overturn; erasing contacts is an administrator's @security", async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( rondine( 'audience/contacts' ) );
		const { people } = await listOfNamedContacts( page, `${ stamp }e` );
		const [ stopped, first, second ] = people as [
			( typeof people )[ number ],
			( typeof people )[ number ],
			( typeof people )[ number ],
		];
		// The person turned WhatsApp messages off in My Account (recorded as the plugin records it).
		sql(
			`UPDATE wp_rondine_contacts SET consent = 'revoked', consent_updated_at = UTC_TIMESTAMP() WHERE phone = '${ stopped.phone }'; ` +
				`INSERT INTO wp_rondine_consent_log (contact_id, phone, email, status, source, wording, actor_id, created_at) ` +
				`SELECT id, phone, email, 'revoked', 'my_account', 'Turned off in My Account', 0, UTC_TIMESTAMP() FROM wp_rondine_contacts WHERE phone = '${ stopped.phone }'`
		);
		const screen = page.getByTestId( 'rondine-contacts' );
		await page.reload();
		await screen.getByRole( 'searchbox' ).fill( stopped.phone.slice( 3 ) );
		await screen
			.locator( 'tbody tr' )
			.filter( { hasText: stopped.phone } )
			.getByRole( 'link' )
			.click();
		const contact = page.getByTestId( 'rondine-contact' );
		await expect(
			page.getByTestId( 'rondine-contact-consent' )
		).toContainText( 'Opted out' );
		await contact
			.getByRole( 'button', { name: 'Record consent…' } )
			.click();
		await contact
			.getByLabel( 'How did this person agree? (required)' )
			.fill( 'they told me in the shop' );
		await contact
			.getByRole( 'button', { name: 'Record consent', exact: true } )
			.click();
		await expect( page.getByTestId( 'rondine-notices' ) ).toContainText(
			'Contact not saved: This person stopped WhatsApp messages themselves, so only they can start them again'
		);
		await page.reload();
		await expect(
			page.getByTestId( 'rondine-contact-consent' )
		).toContainText( 'Opted out' );

		// Erasing two contacts: asked first, then gone, and kept from coming back.
		const tombstones = () =>
			Number( sql( 'SELECT COUNT(*) FROM wp_rondine_erased' ).trim() );
		const before = tombstones();
		await page.goto( rondine( 'audience/contacts' ) );
		await screen.getByRole( 'searchbox' ).fill( `Test${ stamp }e` );
		await expect( screen.locator( 'tbody tr' ) ).toHaveCount(
			people.length
		);
		await screen.getByLabel( `Select ${ first.phone }` ).check();
		await screen.getByLabel( `Select ${ second.phone }` ).check();
		await page
			.getByTestId( 'rondine-contacts-bulk' )
			.getByLabel( 'With 2 selected' )
			.selectOption( { label: 'Erase' } );
		const asked: string[] = [];
		page.once( 'dialog', ( dialog ) => {
			asked.push( dialog.message() );
			void dialog.accept();
		} );
		await page
			.getByTestId( 'rondine-contacts-bulk' )
			.getByRole( 'button', { name: 'Apply' } )
			.click();
		await expect( screen.locator( 'tbody tr' ) ).toHaveCount(
			people.length - 2
		);
		expect( asked[ 0 ] ).toContain( 'Erase 2 contacts?' );
		expect(
			sql(
				`SELECT COUNT(*) FROM wp_rondine_contacts WHERE phone IN ('${ first.phone }', '${ second.phone }')`
			).trim()
		).toBe( '0' );
		expect( tombstones() ).toBe( before + 2 );

		// A shop manager is not offered the erasure.
		await page.context().clearCookies();
		await login( page, env.users.manager );
		await page.goto( rondine( 'audience/contacts' ) );
		await screen.getByRole( 'searchbox' ).fill( `Test${ stamp }e` );
		await screen.getByLabel( `Select ${ stopped.phone }` ).check();
		const actions = page
			.getByTestId( 'rondine-contacts-bulk' )
			.getByLabel( 'With 1 selected' );
		await expect( actions.locator( 'option' ) ).toHaveText( [
			'—',
			'Add a tag',
			'Remove a tag',
			'Add to a list',
		] );
	} );

	test( 'segment builder: a country chosen by its name, no error before typing, the count in the list', async ( {
		page,
	}, testInfo ) => {
		const errors: string[] = [];
		page.on( 'response', ( response ) => {
			if (
				response.url().includes( 'audience' ) &&
				response.status() >= 400
			) {
				errors.push( `${ response.status() } ${ response.url() }` );
			}
		} );
		await login( page );
		await page.goto( rondine( 'audience/segments/new' ) );
		const editor = page.getByTestId( 'rondine-segment-editor' );
		await expect( editor ).toBeVisible();
		const segmentName = `Italians ${ stamp }`;
		await editor.getByLabel( 'Segment name' ).fill( segmentName );
		await editor.getByRole( 'button', { name: 'Add filter' } ).click();
		await editor
			.getByTestId( 'rondine-segment-filter' )
			.getByRole( 'combobox', { name: 'Field' } )
			.selectOption( { label: 'Billing country' } );

		// Nothing red before the owner has typed: a hint says what is missing, and nothing is sent to be counted.
		await expect(
			page.locator( '.components-notice.is-error' )
		).toHaveCount( 0 );
		await expect( page.getByTestId( 'rondine-segment-hint' ) ).toHaveText(
			'Choose at least one country.'
		);
		await expect(
			editor.getByRole( 'button', { name: 'Save segment' } )
		).toBeDisabled();

		const countries = editor.getByLabel( 'Countries (type a name)' );
		await countries.fill( 'Ital' );
		await page
			.getByRole( 'option', { name: 'Italy', exact: true } )
			.click();
		await page.keyboard.press( 'Tab' );
		await expect( page.getByTestId( 'rondine-segment-hint' ) ).toHaveCount(
			0
		);
		await expect(
			page.getByTestId( 'rondine-segment-count' )
		).toContainText( /\d+ contacts? match/ );
		// The period is chosen, not typed in days.
		await editor.getByRole( 'button', { name: 'Add filter' } ).click();
		await expect(
			editor.getByTestId( 'rondine-segment-filter' )
		).toHaveCount( 2 );
		const second = editor.getByTestId( 'rondine-segment-filter' ).nth( 1 );
		await second
			.getByRole( 'combobox', { name: 'Field' } )
			.selectOption( { label: 'Total spent' } );
		await expect( second.getByLabel( /Amount \(.+\)/ ) ).toBeVisible();
		await second.getByLabel( /Amount \(.+\)/ ).fill( '10' );
		await second
			.getByLabel( 'Period of the orders' )
			.selectOption( { label: 'last year' } );
		await expect(
			page.getByTestId( 'rondine-segment-count' )
		).toContainText( /\d+ contacts? match/ );
		await page.screenshot( {
			path: testInfo.outputPath( 'segment-editor-en.png' ),
			fullPage: true,
		} );
		await editor.getByRole( 'button', { name: 'Save segment' } ).click();
		await expect( page ).toHaveURL( /#\/audience\/segments\/\d+$/ );

		// The list of segments gives the count, and no error followed the owner there.
		await page
			.getByTestId( 'rondine-segment-editor' )
			.getByRole( 'link', { name: 'Back to segments' } )
			.click();
		const row = page
			.getByTestId( 'rondine-segments' )
			.locator( 'tr' )
			.filter( { hasText: segmentName } );
		await expect( row.locator( 'td' ).nth( 1 ) ).toHaveText(
			/^\d[\d,.]*$/
		);
		await expect(
			page.locator( '.components-notice.is-error' )
		).toHaveCount( 0 );
		expect( errors ).toEqual( [] );

		// In Italian, the same country is "Italia".
		setAdminLocale( 'it_IT' );
		try {
			await page.goto( rondine( 'audience/segments/new' ) );
			// A new page load, in the new language.
			await page.reload();
			const italian = page.getByTestId( 'rondine-segment-editor' );
			await italian
				.getByRole( 'button', { name: 'Aggiungi filtro' } )
				.click();
			await italian
				.getByTestId( 'rondine-segment-filter' )
				.getByRole( 'combobox' )
				.first()
				.selectOption( { label: 'Paese di fatturazione' } );
			await italian.getByLabel( 'Paesi (scrivi un nome)' ).fill( 'Ital' );
			await expect(
				page.getByRole( 'option', { name: 'Italia', exact: true } )
			).toBeVisible();
			await page
				.getByRole( 'option', { name: 'Italia', exact: true } )
				.click();
			await expect(
				page.getByTestId( 'rondine-segment-count' )
			).toContainText( /\d/ );
			await page.screenshot( {
				path: testInfo.outputPath( 'segment-editor-it.png' ),
				fullPage: true,
			} );
		} finally {
			setAdminLocale( '' );
		}
	} );
} );
