/**
 * External dependencies
 */
import { expect, type Page } from '@playwright/test';

/**
 * Internal dependencies
 */
import { loadEnv, type EnvUser } from './env';

/**
 * Logs in through wp-login.php as a user of the environment (the administrator by default).
 *
 * wp-login.php focuses and selects the user field about 200 ms after load: typing earlier can put the password in
 * the user field, so this waits for the focus first.
 *
 * @param page Page to log in with.
 * @param user Who (default: the administrator).
 */
export async function login( page: Page, user?: EnvUser ): Promise< void > {
	const who = user ?? loadEnv().users.admin;
	await page.goto( '/wp-login.php' );
	const userField = page.locator( '#user_login' );
	await expect( userField ).toBeFocused();
	await userField.fill( who.login );
	await page.locator( '#user_pass' ).fill( who.password );
	await page.locator( '#wp-submit' ).click();
	if ( who.role === 'customer' ) {
		// WooCommerce sends a customer to My Account, without the toolbar and away from wp-admin.
		await expect( page ).toHaveURL( /\/my-account\// );
		await expect(
			page.getByRole( 'link', { name: 'Log out' } ).first()
		).toBeVisible();
		return;
	}
	await expect( page.locator( '#wpadminbar' ) ).toBeVisible();
}
