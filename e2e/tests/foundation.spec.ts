/**
 * External dependencies
 */
import { expect, test } from '@playwright/test';

/**
 * Internal dependencies
 */
import { loadEnv } from '../lib/env';
import { login } from '../lib/login';

const env = loadEnv();

test.describe( 'foundation: the whole stack answers', () => {
	test( 'an administrator logs in and opens Rondine from the wp-admin menu', async ( {
		page,
	} ) => {
		await login( page );
		await page
			.locator( '#adminmenu' )
			.getByRole( 'link', { name: 'Rondine', exact: true } )
			.click();
		await expect( page ).toHaveURL( /page=rondine/ );
		await expect(
			page
				.getByRole( 'heading', { name: 'Rondine', exact: true } )
				.first()
		).toBeVisible();
	} );

	test( 'the dashboard says it is connected to the bridge, shows WordPress 6.8 and no error', async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( '/wp-admin/admin.php?page=rondine' );
		await expect( page.getByTestId( 'rondine-bridge-state' ) ).toHaveText(
			'Connected to the bridge'
		);
		await expect(
			page.getByTestId( 'rondine-wordpress-version' )
		).toHaveText( /^6\.8(\.\d+)?$/ );
		// Every card has loaded what it asks the plugin (and, through it, the bridge) for, and none of it failed.
		await expect(
			page.locator( '#wpbody .components-spinner' )
		).toHaveCount( 0 );
		await expect(
			page.locator( '.components-notice.is-error' )
		).toHaveCount( 0 );
		expect( env.siteId ).toBeTruthy();
		// The bridge's address is for support: folded into "Technical details".
		await expect(
			page.getByTestId( 'rondine-technical-details' )
		).toContainText( env.bridgeUrl ?? 'no bridge' );
	} );

	test( 'a shop manager can open Rondine, an editor cannot', async ( {
		browser,
	} ) => {
		const manager = await browser.newPage();
		await login( manager, env.users.manager );
		await expect(
			manager
				.locator( '#adminmenu' )
				.getByRole( 'link', { name: 'Rondine', exact: true } )
		).toBeVisible();
		await manager.goto( '/wp-admin/admin.php?page=rondine' );
		await expect(
			manager.getByTestId( 'rondine-bridge-state' )
		).toBeVisible();
		await manager.close();

		const editor = await browser.newPage();
		await login( editor, env.users.editor );
		await expect(
			editor
				.locator( '#adminmenu' )
				.getByRole( 'link', { name: 'Rondine', exact: true } )
		).toHaveCount( 0 );
		const response = await editor.goto(
			'/wp-admin/admin.php?page=rondine'
		);
		expect( response?.status() ).toBe( 403 );
		await expect(
			editor.getByTestId( 'rondine-bridge-state' )
		).toHaveCount( 0 );
		await editor.close();
	} );

	test( 'a visitor sees the chat button on the storefront', async ( {
		page,
	} ) => {
		await page.goto( '/' );
		const button = page.locator( '.rondine-chat-button' );
		await expect( button ).toBeVisible();
		await expect( button ).toHaveAttribute( 'aria-haspopup', 'dialog' );
	} );
} );
