/**
 * What a shop owner hit in wp-admin (issue 13), driven through the screens with the mouse as the owner would:
 * "Sync now" on Templates, deleting a draft campaign from the list, and no deprecation warnings in the console.
 */

/**
 * External dependencies
 */
import { expect, test } from '@playwright/test';

/**
 * Internal dependencies
 */
import { apiIn } from '../lib/api';
import { login } from '../lib/login';

const rondine = ( hash: string ) =>
	`/wp-admin/admin.php?page=rondine#/${ hash }`;

test.describe( 'the owner’s wp-admin, made right', () => {
	test( 'Sync now on Templates syncs from the bridge and says so', async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( rondine( 'templates' ) );
		const screen = page.getByTestId( 'rondine-templates' );
		await expect( screen ).toBeVisible();

		const answer = page.waitForResponse(
			( response ) =>
				response.url().includes( 'templates' ) &&
				response.url().includes( 'refresh' )
		);
		await screen.getByRole( 'button', { name: 'Sync now' } ).click();
		const response = await answer;
		expect( response.status(), await response.text() ).toBe( 200 );

		await expect(
			page
				.locator( '.components-snackbar' )
				.getByText( 'Templates synced.' )
		).toBeVisible();
		const notices = page.getByTestId( 'rondine-notices' );
		await expect( notices ).not.toContainText( 'Templates not synced' );
		await expect( notices ).not.toContainText( 'must be boolean' );
		// The synced list is shown: the sandbox account's hello_world template.
		await expect( screen ).toContainText( 'hello_world' );
	} );

	test( 'a draft campaign is deleted with the mouse from the list', async ( {
		page,
	}, testInfo ) => {
		await login( page );
		await page.goto( rondine( 'campaigns' ) );
		await expect(
			page.getByTestId( 'rondine-screen-campaigns' )
		).toBeVisible();

		// Setup only: a draft campaign, through the REST API the app uses.
		const api = apiIn( page );
		const name = `To delete ${ Date.now().toString( 36 ) }`;
		const segment = await api( '/rondine/v1/segments', 'POST', {
			name,
			definition: { match: 'all', groups: [] },
		} );
		expect( segment.ok, JSON.stringify( segment.body ) ).toBe( true );
		const created = await api( '/rondine/v1/campaigns', 'POST', {
			name,
			audience: { segments: [ segment.body.id ], lists: [] },
			template: {
				name: 'hello_world',
				language: 'en_US',
				components: [],
			},
			start_at: null,
			options: { continue_when_limited: false },
		} );
		expect( created.ok, JSON.stringify( created.body ) ).toBe( true );
		const id = String( created.body.id );
		expect( created.body.state ).toBe( 'draft' );

		await page.reload();
		await page.getByRole( 'searchbox' ).first().fill( name );
		const row = page
			.locator( 'table tbody tr' )
			.filter( { hasText: name } );
		await expect( row ).toHaveCount( 1 );

		// With the mouse: the row's actions, then Delete, then the confirmation's Delete.
		await row.getByRole( 'button', { name: 'Actions' } ).click();
		await page.getByRole( 'menuitem', { name: 'Delete' } ).click();
		const dialog = page.getByRole( 'dialog', { name: 'Delete campaign' } );
		await expect( dialog ).toBeVisible();
		await expect( dialog ).toContainText(
			`Delete “${ name }”? This cannot be undone.`
		);
		// One dialog, not a confirmation stacked on an empty box.
		await expect( page.getByRole( 'dialog' ) ).toHaveCount( 1 );
		const confirm = dialog.getByRole( 'button', {
			name: 'Delete',
			exact: true,
		} );
		await expect( confirm ).toBeVisible();
		await page.screenshot( {
			path: testInfo.outputPath( 'delete-campaign-dialog.png' ),
		} );
		const box = await confirm.boundingBox();
		expect( box ).not.toBeNull();
		// The topmost element under the button's centre is the button: nothing covers it.
		const centre = {
			x: ( box?.x ?? 0 ) + ( box?.width ?? 0 ) / 2,
			y: ( box?.y ?? 0 ) + ( box?.height ?? 0 ) / 2,
		};
		expect(
			await page.evaluate(
				( { x, y } ) =>
					document.elementFromPoint( x, y )?.closest( 'button' )
						?.textContent,
				centre
			)
		).toBe( 'Delete' );
		await page.mouse.click( centre.x, centre.y );

		await expect( dialog ).toHaveCount( 0 );
		await expect(
			page
				.locator( '.components-snackbar' )
				.getByText( 'Campaign deleted.' )
		).toBeVisible();
		await expect( page.getByTestId( 'rondine-notices' ) ).not.toContainText(
			'Campaign not deleted'
		);
		await expect( row ).toHaveCount( 0 );

		// The bridge no longer has it: the plugin forwards both reads to it.
		const read = await api( `/rondine/v1/campaigns/${ id }` );
		expect( read.ok ).toBe( false );
		expect(
			( read.body.data as { status?: number } | undefined )?.status
		).toBe( 404 );
		// Newest first: a draft made a moment ago would be on the first page.
		const list = await api( '/rondine/v1/campaigns?state=draft&limit=100' );
		expect( list.ok, JSON.stringify( list.body ) ).toBe( true );
		const drafts = ( list.body.campaigns ?? [] ) as {
			id: string;
			name: string;
		}[];
		expect( drafts.map( ( item ) => String( item.id ) ) ).not.toContain(
			id
		);
		expect( drafts.map( ( item ) => item.name ) ).not.toContain( name );
	} );

	test( 'the admin screens log no deprecation warnings', async ( {
		page,
	} ) => {
		test.setTimeout( 2 * 60_000 );
		const messages: string[] = [];
		page.on( 'console', ( message ) => {
			messages.push( `${ message.type() }: ${ message.text() }` );
		} );
		await login( page );
		const screens: [ string, string ][] = [
			[ 'dashboard', 'dashboard' ],
			[ 'campaigns', 'campaigns' ],
			[ 'campaigns/new', 'campaigns' ],
			[ 'audience/segments', 'audience' ],
			[ 'audience/segments/new', 'audience' ],
			[ 'audience/lists', 'audience' ],
			[ 'audience/contacts', 'audience' ],
			[ 'audience/tags', 'audience' ],
			[ 'templates', 'templates' ],
			[ 'chat-button', 'chat-button' ],
			[ 'settings', 'settings' ],
		];
		for ( const [ hash, slug ] of screens ) {
			// A full load for each screen, so that each screen's first render is in this page's console.
			await page.goto( 'about:blank' );
			await page.goto( rondine( hash ) );
			const screen = page.getByTestId( `rondine-screen-${ slug }` );
			await expect( screen ).toBeVisible();
			// Rendered: nothing is loading any more and the screen has its controls.
			await expect( screen.locator( '.components-spinner' ) ).toHaveCount(
				0
			);
			await expect(
				slug === 'dashboard'
					? page.getByTestId( 'rondine-bridge-state' )
					: screen
							.locator( 'button, input, select, textarea' )
							.first()
			).toBeVisible();
		}
		expect(
			messages.filter( ( message ) => /deprecat/i.test( message ) )
		).toEqual( [] );
	} );
} );
