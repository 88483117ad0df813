/**
 * The release a shop owner installs (issue 14, item 6): the zip `npm run plugin-zip` builds is uploaded through
 * wp-admin's Plugins → Add New Plugin → Upload Plugin on a fresh WordPress with WooCommerce (no Rondine linked, no
 * generated shop), activated, connected to the test stack's bridge with a connection code from the bridge's CLI, and
 * its dashboard opened.
 *
 * dev/test.sh prepares it (release_stack: the zip, the fresh WordPress by dev/lib/stack.sh's fresh_up, the code) and
 * names it in RONDINE_RELEASE_FILE.
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Internal dependencies
 */
import type { RondineEnv } from '../lib/env';

interface Release {
	zip: string;
	env: string;
	connectionCode: string;
	bridgeUrl: string;
}

/** What dev/test.sh prepared; read inside the test so that a run of other specs never needs it. */
function release(): { release: Release; fresh: RondineEnv } {
	const file = process.env.RONDINE_RELEASE_FILE;
	expect(
		file && existsSync( file ),
		`RONDINE_RELEASE_FILE (${ file ?? 'not set' }) names what dev/test.sh's release_stack prepares: run \`npm test -- e2e\` (see .rondine/test/reports/release-stack.log)`
	).toBe( true );
	const prepared = JSON.parse( readFileSync( file!, 'utf8' ) ) as Release;
	return {
		release: prepared,
		fresh: JSON.parse( readFileSync( prepared.env, 'utf8' ) ) as RondineEnv,
	};
}

async function logIn( page: Page, fresh: RondineEnv ) {
	await page.goto( `${ fresh.wpUrl }/wp-login.php` );
	const userField = page.locator( '#user_login' );
	await expect( userField ).toBeFocused();
	await userField.fill( fresh.users.admin.login );
	await page.locator( '#user_pass' ).fill( fresh.users.admin.password );
	await page.locator( '#wp-submit' ).click();
	await expect( page.locator( '#wpadminbar' ) ).toBeVisible();
}

test( 'the release zip installs through wp-admin on a fresh WordPress with WooCommerce, connects to a bridge and opens its dashboard', async ( {
	page,
} ) => {
	test.setTimeout( 120_000 );
	const { release: prepared, fresh } = release();
	expect( basename( prepared.zip ) ).toMatch(
		/^rondine-\d+\.\d+\.\d+\.zip$/
	);
	await logIn( page, fresh );

	// Plugins: WooCommerce is there and active, Rondine is not installed.
	await page.goto( `${ fresh.wpUrl }/wp-admin/plugins.php` );
	await expect(
		page.locator( 'tr[data-slug="woocommerce"].active' )
	).toHaveCount( 1 );
	await expect( page.locator( 'tr[data-slug="rondine"]' ) ).toHaveCount( 0 );

	// Plugins → Add New Plugin → Upload Plugin → the zip → Install Now.
	await page.locator( '.page-title-action' ).first().click();
	await expect( page ).toHaveURL( /plugin-install\.php/ );
	await page.locator( '.upload-view-toggle' ).click();
	await page.locator( '#pluginzip' ).setInputFiles( prepared.zip );
	await page.locator( '#install-plugin-submit' ).click();
	await expect( page.locator( '#wpbody-content' ) ).toContainText(
		'Plugin installed successfully.',
		{ timeout: 60_000 }
	);
	await page.getByRole( 'link', { name: 'Activate Plugin' } ).click();
	await expect(
		page.locator( 'tr[data-slug="rondine"].active' )
	).toHaveCount( 1 );

	// Connect with the code the bridge's CLI gave for this shop.
	await page.goto(
		`${ fresh.wpUrl }/wp-admin/admin.php?page=rondine#/settings`
	);
	await expect(
		page.getByTestId( 'rondine-connection-state' )
	).toContainText( 'Not connected' );
	await page
		.getByLabel( 'Connection code', { exact: true } )
		.fill( prepared.connectionCode );
	await page.getByRole( 'button', { name: 'Connect', exact: true } ).click();
	await expect(
		page.getByTestId( 'rondine-connection-state' )
	).toContainText( 'Connected to', { timeout: 30_000 } );

	// The dashboard: connected, this WordPress and WooCommerce, nothing failed.
	await page.goto( `${ fresh.wpUrl }/wp-admin/admin.php?page=rondine` );
	await expect( page.getByTestId( 'rondine-bridge-state' ) ).toHaveText(
		'Connected to the bridge'
	);
	await expect( page.getByTestId( 'rondine-wordpress-version' ) ).toHaveText(
		/^6\.8(\.\d+)?$/
	);
	await expect(
		page.getByTestId( 'rondine-woocommerce-data' )
	).toContainText( 'Yes' );
	await expect( page.locator( '#wpbody .components-spinner' ) ).toHaveCount(
		0
	);
	await expect( page.locator( '.components-notice.is-error' ) ).toHaveCount(
		0
	);
	await expect(
		page.getByTestId( 'rondine-woocommerce-version' )
	).toHaveText( /^10\.0\.\d+$/ );
	// The bridge's address is for support: folded into "Technical details".
	await expect(
		page.getByTestId( 'rondine-technical-details' )
	).toContainText( prepared.bridgeUrl );
} );
