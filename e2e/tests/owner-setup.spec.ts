/**
 * Going live and the chat button, as a shop owner meets them: forms checked in the browser while typing (no failed
 * request, no console error), the WhatsApp connection in the owner's words, every country, a dashboard without
 * addresses, ids or versions outside "Technical details".
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';

/**
 * Internal dependencies
 */
import { login } from '../lib/login';

const rondine = ( hash: string ) =>
	`/wp-admin/admin.php?page=rondine#/${ hash }`;

/** Every failed rondine/v1 answer and every console error or warning of the page, from now on. */
function watch( page: Page ) {
	const failures: string[] = [];
	const messages: string[] = [];
	page.on( 'response', ( response ) => {
		if (
			response.url().includes( 'rondine/v1' ) &&
			response.status() >= 400
		) {
			failures.push(
				`${ response.status() } ${ response.request().method() } ${ response.url() }`
			);
		}
	} );
	page.on( 'console', ( message ) => {
		if (
			[ 'error', 'warning' ].includes( message.type() ) &&
			// The admin bar's Gravatar: this machine resolves no outside host (what failed is named below).
			message.text() !==
				'Failed to load resource: net::ERR_NAME_NOT_RESOLVED'
		) {
			messages.push( `${ message.type() }: ${ message.text() }` );
		}
	} );
	// A resource that did not load names itself here (the console only says "Failed to load resource").
	page.on( 'requestfailed', ( request ) => {
		const failure = request.failure()?.errorText ?? '';
		// Requests the browser dropped itself (a navigation, WordPress's compression test) did not fail, nor did
		// outside hosts this machine cannot resolve (Gravatar).
		if (
			failure.includes( 'ERR_ABORTED' ) ||
			( failure.includes( 'ERR_NAME_NOT_RESOLVED' ) &&
				new URL( request.url() ).origin !==
					new URL( page.url() ).origin )
		) {
			return;
		}
		messages.push( `requestfailed: ${ request.url() } ${ failure }` );
	} );
	page.on( 'pageerror', ( error ) =>
		messages.push( `pageerror: ${ error }` )
	);
	return { failures, messages };
}

test.describe( 'going live and the chat button', () => {
	test( 'typing into the chat button form, key by key, sends no failing request and logs no error', async ( {
		page,
	} ) => {
		await login( page );
		const seen = watch( page );
		await page.goto( rondine( 'chat-button' ) );
		const preview = page.getByTestId( 'rondine-chat-button-preview' );
		await expect( preview ).toBeVisible();

		await page.getByRole( 'button', { name: 'Add an agent' } ).click();
		// An incomplete agent: the browser says what is missing, the preview waits, the server is not asked.
		await page
			.getByLabel( 'Name', { exact: true } )
			.last()
			.pressSequentially( 'Marco' );
		await page
			.getByLabel( 'WhatsApp number' )
			.last()
			.pressSequentially( '+39 333 765 4321', { delay: 30 } );
		await page.getByLabel( 'Panel title' ).fill( '' );
		await page
			.getByLabel( 'Panel title' )
			.pressSequentially( 'Parla con Bottega', { delay: 20 } );
		await page.getByLabel( 'Prefilled message' ).fill( '' );
		await page
			.getByLabel( 'Prefilled message' )
			.pressSequentially(
				'Ciao {SITE}[, vorrei informazioni su {PRODUCT} ({PRICE})]',
				{ delay: 10 }
			);
		// The preview catches up with the complete form: the new title is in the panel.
		await expect( preview ).toHaveAttribute(
			'srcdoc',
			/Parla con Bottega/
		);
		await expect( preview ).toHaveAttribute( 'srcdoc', /Marco/ );
		const frame = page.frameLocator(
			'[data-testid="rondine-chat-button-preview"]'
		);
		await frame.locator( '.rondine-chat-button' ).click();
		await expect(
			frame.getByRole( 'heading', { name: 'Parla con Bottega' } )
		).toBeVisible();
		// The sample product's price is in the shop's format.
		const href = await frame
			.getByRole( 'link', { name: /Marco/ } )
			.getAttribute( 'href' );
		expect( new URL( href! ).searchParams.get( 'text' ) ).toMatch(
			/vorrei informazioni su .+ \(19,90 €\)$/
		);
		expect( seen.failures ).toEqual( [] );
		expect( seen.messages ).toEqual( [] );
		// Nothing was saved: leave without the unsaved-changes question.
		await page.close( { runBeforeUnload: false } );
	} );

	test( 'the WhatsApp number is connected with guidance, errors in the owner words, and every country offered', async ( {
		page,
	} ) => {
		test.setTimeout( 120_000 );
		await login( page );
		const seen = watch( page );
		await page.goto( rondine( 'settings' ) );
		const check = page.getByRole( 'button', {
			name: 'Check with WhatsApp',
		} );
		await expect( check ).toBeDisabled();

		// Checked as typed.
		await page
			.getByLabel( 'Phone number ID' )
			.pressSequentially( '+39 02 1234' );
		await expect( page.getByText( /Only digits/ ) ).toBeVisible();
		await page.getByLabel( 'Phone number ID' ).fill( '106540352242922' );
		await expect( page.getByText( /Only digits/ ) ).toHaveCount( 0 );
		await page
			.getByLabel( 'WhatsApp Business Account ID' )
			.fill( '102290129340398' );
		await page
			.getByLabel( 'Access token' )
			.fill( 'EAAGbottegaDemoToken00000000001' );
		await expect(
			page.getByRole( 'button', { name: 'Save credentials' } )
		).toBeDisabled();
		await expect( check ).toBeEnabled();

		// The test stack's bridge cannot reach Meta: the owner reads what happened and what to do, and the
		// technical error is folded away for support.
		await check.click();
		const refusal = page
			.locator(
				'.rondine-settings__whatsapp .components-notice.is-error'
			)
			.first();
		await expect( refusal ).toContainText(
			/try again in a few minutes|could not reach its messaging server/,
			{ timeout: 60_000 }
		);
		const owner = await refusal.locator( 'p' ).first().innerText();
		expect( owner ).not.toMatch(
			/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|code \d+|Invalid parameter/
		);
		await expect( refusal.locator( 'details summary' ) ).toHaveText(
			'Technical details'
		);
		await expect(
			page.getByRole( 'button', { name: 'Save credentials' } )
		).toBeDisabled();
		// The check is refused by WhatsApp, not by WordPress: the only failed request is that one, with 422.
		expect( seen.failures ).toEqual( [
			expect.stringMatching( /^(422|502) POST .*whatsapp(%2F|\/)check/ ),
		] );

		// Every country, by name.
		const country = page.getByLabel( 'Default country for phone numbers' );
		expect( await country.locator( 'option' ).count() ).toBeGreaterThan(
			200
		);
		for ( const name of [ 'Italy', 'Switzerland', 'Brazil' ] ) {
			await expect(
				country.locator( 'option', { hasText: name } )
			).toHaveCount( 1 );
		}
	} );

	test( 'the owner sets quiet hours and the marketing cap in Settings; the bridge keeps them', async ( {
		page,
	} ) => {
		test.setTimeout( 120_000 );
		await login( page );
		const seen = watch( page );
		await page.goto( rondine( 'settings' ) );
		const off = {
			quiet_hours: { enabled: false, start: '21:00', end: '09:00' },
			frequency_cap: {
				enabled: false,
				max_messages: 2,
				days: 7,
				when_capped: 'postpone',
			},
		};
		try {
			await page.getByLabel( 'Quiet hours' ).check();
			await page.getByLabel( 'From', { exact: true } ).fill( '22:00' );
			await page.getByLabel( 'To', { exact: true } ).fill( '08:00' );
			await page.getByLabel( 'Limit marketing messages' ).check();
			// The form refuses what the bridge would refuse, before sending it.
			await page.getByLabel( 'At most this many messages' ).fill( '0' );
			await expect(
				page.getByText( 'Enter a whole number from 1 to 50.' )
			).toBeVisible();
			const save = page.getByRole( 'button', {
				name: 'Save sending rules',
			} );
			await expect( save ).toBeDisabled();
			await page.getByLabel( 'At most this many messages' ).fill( '3' );
			await page
				.getByLabel( 'Per contact in this many days' )
				.fill( '14' );
			await page
				.getByLabel( 'Do not send it (counted as held back)' )
				.check();
			await save.click();
			await expect(
				page
					.locator( '.components-snackbar' )
					.getByText( 'Sending rules saved.' )
			).toBeVisible();

			// Read back from the bridge, through the plugin, after a reload.
			await page.reload();
			await expect( page.getByLabel( 'Quiet hours' ) ).toBeChecked();
			await expect(
				page.getByLabel( 'From', { exact: true } )
			).toHaveValue( '22:00' );
			await expect(
				page.getByLabel( 'To', { exact: true } )
			).toHaveValue( '08:00' );
			await expect(
				page.getByLabel( 'At most this many messages' )
			).toHaveValue( '3' );
			await expect(
				page.getByLabel( 'Per contact in this many days' )
			).toHaveValue( '14' );
			await expect(
				page.getByLabel( 'Do not send it (counted as held back)' )
			).toBeChecked();
			expect( seen.failures ).toEqual( [] );
			expect( seen.messages ).toEqual( [] );
		} finally {
			// The other specs send campaigns in this shop: the policy goes back to off whatever happened above.
			await page.evaluate(
				( data ) =>
					(
						window as unknown as {
							wp: {
								apiFetch: ( o: object ) => Promise< unknown >;
							};
						}
					 ).wp.apiFetch( {
						path: '/rondine/v1/sending-policy',
						method: 'PUT',
						data,
					} ),
				off
			);
		}
	} );

	test( "the dashboard speaks the owner's words; technical facts are folded away", async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( rondine( 'dashboard' ) );
		await expect(
			page.getByTestId( 'rondine-bridge-state' )
		).toBeVisible();
		await expect(
			page.getByTestId( 'rondine-whatsapp-number' )
		).toBeVisible();
		const details = page.getByTestId( 'rondine-technical-details' );
		await expect( details ).not.toHaveAttribute( 'open', '' );
		const visible = await page
			.getByTestId( 'rondine-dashboard' )
			.evaluate( ( root ) => {
				const folded = root.querySelector( 'details' );
				return Array.from( root.querySelectorAll( 'dd, p, h3' ) )
					.filter( ( node ) => ! folded?.contains( node ) )
					.map( ( node ) => node.textContent )
					.join( '\n' );
			} );
		expect( visible ).not.toMatch(
			/127\.0\.0\.1|sandbox-|GREEN|YELLOW|RED|TIER_|PHP|[0-9a-f]{8}-[0-9a-f]{4}-/
		);
		await details.locator( 'summary' ).click();
		await expect( page.getByTestId( 'rondine-php-version' ) ).toBeVisible();
	} );
} );
