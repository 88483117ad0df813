/**
 * External dependencies
 */
import { expect, test } from '@playwright/test';

/**
 * Internal dependencies
 */
import { login } from '../lib/login';

// The stack runs the real WooCommerce 10.0.2 with the demo shop made through its API (dev/woocommerce/demo.php): its
// own pages render for a visitor, with euros in the Italian format.
test.describe( 'storefront: the real WooCommerce', () => {
	test( 'a visitor sees the shop, a product, the block checkout and the classic checkout', async ( {
		page,
	} ) => {
		await page.goto( '/shop/' );
		await expect(
			page.getByRole( 'heading', { name: 'Shop', level: 1 } )
		).toBeVisible();
		const product = page
			.getByRole( 'link', { name: 'Olio extravergine 0,75 l' } )
			.first();
		await expect( product ).toBeVisible();
		await expect( page.locator( 'body' ) ).toContainText( '16,90\u00a0€' );

		await product.click();
		await expect(
			page.getByRole( 'heading', {
				name: 'Olio extravergine 0,75 l',
				level: 1,
			} )
		).toBeVisible();
		await expect(
			page.locator( '.single_add_to_cart_button' )
		).toBeVisible();
		await page.locator( '.single_add_to_cart_button' ).click();
		await expect(
			page.getByText( /has been added to your cart/ ).first()
		).toBeVisible();

		// The variable product offers its sizes.
		await page.goto( '/shop/' );
		await page
			.getByRole( 'link', { name: 'Tovaglia in lino' } )
			.first()
			.click();
		await expect( page.locator( 'select#misura' ) ).toBeVisible();
		await expect( page.locator( 'select#misura option' ) ).toContainText( [
			'Choose an option',
			'140×180',
			'160×220',
			'180×300',
		] );

		// WooCommerce's checkout page is the Checkout block.
		await page.goto( '/checkout/' );
		const block = page.locator( '.wp-block-woocommerce-checkout' );
		await expect( block ).toBeVisible();
		await expect( block.locator( '#email' ) ).toBeVisible();
		await expect( block ).toContainText( 'Pagamento alla consegna' );
		await expect( block ).toContainText( 'Olio extravergine 0,75 l' );
		await expect(
			block.getByRole( 'button', { name: /place order/i } )
		).toBeVisible();

		// The second checkout page has the classic [woocommerce_checkout] form.
		await page.goto( '/checkout-classic/' );
		const form = page.locator( 'form.woocommerce-checkout' );
		await expect( form ).toBeVisible();
		await expect( form.locator( '#billing_phone' ) ).toBeVisible();
		await expect( form.locator( '#payment_method_cod' ) ).toBeAttached();
		await expect( form.locator( '#place_order' ) ).toBeVisible();
	} );

	test( 'the Rondine dashboard shows the WooCommerce version', async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( '/wp-admin/admin.php?page=rondine' );
		await expect(
			page.getByTestId( 'rondine-woocommerce-version' )
		).toHaveText( '10.0.2' );
	} );
} );
