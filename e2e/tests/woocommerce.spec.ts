/**
 * The plugin on the real WooCommerce (issue 14, "Must show"): visitors buy through WooCommerce's block checkout and
 * its classic [woocommerce_checkout] page, with and without the WhatsApp opt-in, paying cash on delivery; each order
 * is WooCommerce's; consent is recorded exactly for those who ticked the box; a segment "spent over 100 € in the last
 * year, in Italy" counts them as an independent SQL query over WooCommerce's order tables says, before and after
 * WooCommerce's queued analytics imports run; a refund lowers the figures. Then a customer turns WhatsApp messages on
 * and off in My Account.
 *
 * WooCommerce's helpers (a product, a refund through wc_create_refund, a customer's billing phone) are in
 * e2e/fixtures/woocommerce.php; its queue is run by dev/woocommerce/run-queue.php.
 */

/**
 * External dependencies
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Internal dependencies
 */
import { loadEnv } from '../lib/env';
import { apiIn } from '../lib/api';
import { login } from '../lib/login';
import { sql } from '../lib/sql';

const env = loadEnv();
const FIXTURE = resolve( import.meta.dirname, '../fixtures/woocommerce.php' );
const RUN_QUEUE = resolve(
	import.meta.dirname,
	'../../dev/woocommerce/run-queue.php'
);

/** WooCommerce's queued actions (its analytics imports among them), run now as WP-Cron would (dev/woocommerce/run-queue.php). */
function runWooCommerceQueue(): void {
	execFileSync( 'php', [ RUN_QUEUE ], {
		env: { ...process.env, RONDINE_WP_DIR: env.wordpressDir },
		encoding: 'utf8',
	} );
}

function fixture( ...args: string[] ): string {
	return execFileSync( 'php', [ FIXTURE, ...args ], {
		env: { ...process.env, RONDINE_WP_DIR: env.wordpressDir },
		encoding: 'utf8',
	} ).trim();
}

const RUN = Date.now().toString( 36 );
const CITY = `Forlì ${ RUN }`;
const OVER = 100;
/** A mobile number of this run: +39 3xx and seven digits. */
const phone = ( n: number ) =>
	`+39 34${ n } ${ String( Date.now() % 10_000_000 ).padStart( 7, '0' ) }`;

interface Buyer {
	checkout: 'block' | 'classic';
	optIn: boolean;
	email: string;
	phone: string;
	orderId?: number;
}

const blockBuyer: Buyer = {
	checkout: 'block',
	optIn: true,
	email: `block-${ RUN }@example.test`,
	phone: phone( 1 ),
};
const classicBuyer: Buyer = {
	checkout: 'classic',
	optIn: true,
	email: `classic-${ RUN }@example.test`,
	phone: phone( 2 ),
};
const plainBuyer: Buyer = {
	checkout: 'block',
	optIn: false,
	email: `none-${ RUN }@example.test`,
	phone: phone( 3 ),
};
const buyers = [ blockBuyer, classicBuyer, plainBuyer ];

let product: { id: number; url: string; price: string };

test.describe.configure( { mode: 'serial' } );

test.beforeAll( () => {
	product = JSON.parse(
		fixture( 'product', 'RND-E2E-MUG', 'Tazza Rondine', '49.90' )
	);
} );

/** Puts three of the product in a new visitor's cart (WooCommerce's own add-to-cart link) and opens a checkout page. */
async function visitorAtCheckout(
	browser: Browser,
	path: string
): Promise< Page > {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto( `/?add-to-cart=${ product.id }&quantity=3` );
	await page.goto( path );
	return page;
}

async function buyWithBlockCheckout( browser: Browser, buyer: Buyer ) {
	const page = await visitorAtCheckout( browser, '/checkout/' );
	await page.locator( '#email' ).fill( buyer.email );
	await expect( page.locator( '#billing-country' ) ).toHaveValue( 'IT' );
	await page.locator( '#billing-first_name' ).fill( 'Anna' );
	await page.locator( '#billing-last_name' ).fill( `Block ${ RUN }` );
	await page.locator( '#billing-address_1' ).fill( 'Via Roma 1' );
	await page.locator( '#billing-postcode' ).fill( '47121' );
	await page.locator( '#billing-city' ).fill( CITY );
	await page.locator( '#billing-phone' ).fill( buyer.phone );
	await page
		.locator(
			'#radio-control-wc-payment-method-options-cod, input[value="cod"]'
		)
		.first()
		.check();
	const optIn = page.locator( '#order-rondine-whatsapp-optin' );
	await expect( optIn ).not.toBeChecked();
	if ( buyer.optIn ) {
		await optIn.check();
	}
	await page.getByRole( 'button', { name: /place order/i } ).click();
	await page.waitForURL( /order-received\/\d+/, { timeout: 30_000 } );
	buyer.orderId = Number( /order-received\/(\d+)/.exec( page.url() )![ 1 ] );
	await page.context().close();
}

async function buyWithClassicCheckout( browser: Browser, buyer: Buyer ) {
	const page = await visitorAtCheckout( browser, '/checkout-classic/' );
	await expect( page.locator( '#billing_country' ) ).toHaveValue( 'IT' );
	await page.locator( '#billing_first_name' ).fill( 'Bruno' );
	await page.locator( '#billing_last_name' ).fill( `Classic ${ RUN }` );
	await page.locator( '#billing_address_1' ).fill( 'Via Roma 2' );
	await page.locator( '#billing_postcode' ).fill( '47121' );
	await page.locator( '#billing_city' ).fill( CITY );
	await page.locator( '#billing_phone' ).fill( buyer.phone );
	await page.locator( '#billing_email' ).fill( buyer.email );
	// WooCommerce refreshes the order review (payment methods, the box above "Place order") after address changes,
	// under a blockUI overlay.
	await page.locator( '#billing_email' ).blur();
	await expect( page.locator( '.blockUI' ) ).toHaveCount( 0 );
	await page.locator( '#payment_method_cod' ).check();
	const optIn = page.locator( '#rondine_whatsapp_optin' );
	await expect( optIn ).not.toBeChecked();
	if ( buyer.optIn ) {
		await optIn.check();
	}
	await page.locator( '#place_order' ).click();
	await page.waitForURL( /order-received\/\d+/, { timeout: 30_000 } );
	buyer.orderId = Number( /order-received\/(\d+)/.exec( page.url() )![ 1 ] );
	await page.context().close();
}

/** The segment of this test: spent over 100 € in the last 365 days, in Italy, in this run's city. */
const definition = {
	groups: [
		{
			match: 'all',
			filters: [
				{ field: 'billing_country', op: 'in', value: [ 'IT' ] },
				{ field: 'billing_city', op: 'is', value: CITY },
				{
					field: 'total_spent',
					op: 'gt',
					value: OVER,
					within_days: 365,
				},
			],
		},
	],
};

/**
 * The same question asked of WooCommerce's tables alone (HPOS orders and billing addresses, or the posts storage):
 * the billing phones in Italy and this city whose orders of the counted statuses of the last 365 days, refunds
 * deducted, add up to more than 100 €; with `optedIn`, only those whose phone has granted consent.
 * @param optedIn
 */
function independentCount( optedIn: boolean ): number {
	const hpos =
		sql(
			"SELECT option_value FROM wp_options WHERE option_name = 'woocommerce_custom_orders_table_enabled'"
		)[ 0 ]?.[ 0 ] === 'yes';
	const city = CITY.replace( /'/g, "''" );
	const spenders = hpos
		? `SELECT REPLACE(a.phone, ' ', '') AS phone FROM wp_wc_orders o
			JOIN wp_wc_order_addresses a ON a.order_id = o.id AND a.address_type = 'billing'
			WHERE o.type = 'shop_order' AND o.status IN ('wc-completed', 'wc-processing', 'wc-on-hold')
			AND a.country = 'IT' AND a.city = '${ city }' AND o.date_created_gmt >= UTC_TIMESTAMP() - INTERVAL 365 DAY
			GROUP BY REPLACE(a.phone, ' ', '')
			HAVING SUM(o.total_amount) - COALESCE(SUM((SELECT SUM(ABS(r.total_amount)) FROM wp_wc_orders r
				WHERE r.parent_order_id = o.id AND r.type = 'shop_order_refund')), 0) > ${ OVER }`
		: `SELECT REPLACE(ph.meta_value, ' ', '') AS phone FROM wp_posts o
			JOIN wp_postmeta ph ON ph.post_id = o.ID AND ph.meta_key = '_billing_phone'
			JOIN wp_postmeta co ON co.post_id = o.ID AND co.meta_key = '_billing_country' AND co.meta_value = 'IT'
			JOIN wp_postmeta ci ON ci.post_id = o.ID AND ci.meta_key = '_billing_city' AND ci.meta_value = '${ city }'
			JOIN wp_postmeta t ON t.post_id = o.ID AND t.meta_key = '_order_total'
			WHERE o.post_type = 'shop_order' AND o.post_status IN ('wc-completed', 'wc-processing', 'wc-on-hold')
			AND o.post_date_gmt >= UTC_TIMESTAMP() - INTERVAL 365 DAY
			GROUP BY REPLACE(ph.meta_value, ' ', '')
			HAVING SUM(t.meta_value) - COALESCE(SUM((SELECT SUM(ABS(rt.meta_value)) FROM wp_posts r
				JOIN wp_postmeta rt ON rt.post_id = r.ID AND rt.meta_key = '_order_total'
				WHERE r.post_parent = o.ID AND r.post_type = 'shop_order_refund')), 0) > ${ OVER }`;
	const consent = optedIn
		? " WHERE s.phone IN (SELECT phone FROM wp_rondine_contacts WHERE consent = 'granted')"
		: '';
	return Number(
		sql( `SELECT COUNT(*) FROM (${ spenders }) s${ consent }` )[ 0 ]?.[ 0 ]
	);
}

test( 'visitors buy through the block and the classic checkout; consent is recorded exactly for those who ticked the box', async ( {
	browser,
	page,
} ) => {
	test.setTimeout( 180_000 );
	await buyWithBlockCheckout( browser, blockBuyer );
	await buyWithClassicCheckout( browser, classicBuyer );
	await buyWithBlockCheckout( browser, plainBuyer );

	// Each order is WooCommerce's, paid on delivery (processing), with the box's outcome noted on it.
	for ( const buyer of buyers ) {
		const orders = JSON.parse( fixture( 'orders', buyer.email ) ) as Array<
			Record< string, unknown >
		>;
		expect( orders ).toHaveLength( 1 );
		expect( orders[ 0 ] ).toMatchObject( {
			id: buyer.orderId,
			status: 'processing',
			total: 149.7,
			city: CITY,
			optin_meta: buyer.optIn ? 'yes' : '',
		} );
	}

	await login( page );
	await page.goto( env.rondineUrl );
	const api = apiIn( page );
	const contactsOf = async ( buyer: Buyer ) => {
		const found = await api(
			`/rondine/v1/contacts?search=${ encodeURIComponent( buyer.email ) }`
		);
		expect( found.ok ).toBe( true );
		return found.body as unknown as Array< {
			id: number;
			consent: string;
		} >;
	};
	// No tick, no consent: at most the synced customer, with consent "none".
	for ( const buyer of buyers.filter( ( b ) => ! b.optIn ) ) {
		const contacts = await contactsOf( buyer );
		expect( contacts.map( ( c ) => c.consent ) ).not.toContain( 'granted' );
	}
	for ( const buyer of buyers.filter( ( b ) => b.optIn ) ) {
		const contacts = await contactsOf( buyer );
		expect( contacts ).toHaveLength( 1 );
		const [ contactRow ] = contacts;
		expect( contactRow?.consent ).toBe( 'granted' );
		const contact = await api( `/rondine/v1/contacts/${ contactRow?.id }` );
		const log = contact.body.consent_log as Array< {
			status: string;
			source: string;
			order_id: number | null;
		} >;
		expect( log ).toHaveLength( 1 );
		expect( log[ 0 ] ).toMatchObject( {
			status: 'granted',
			source: 'checkout',
			order_id: buyer.orderId,
		} );
	}
} );

test( "a segment counts the buyers as WooCommerce's order tables say, before and after its queue runs; a refund lowers the figures", async ( {
	page,
} ) => {
	test.setTimeout( 120_000 );
	expect(
		buyers.every( ( buyer ) => buyer.orderId ),
		'the orders of the previous test'
	).toBe( true );
	await login( page );
	await page.goto( env.rondineUrl );
	const api = apiIn( page );
	const count = async () => {
		const response = await api( '/rondine/v1/audience/count', 'POST', {
			definition,
		} );
		expect( response.ok, JSON.stringify( response.body ) ).toBe( true );
		return response.body.count as number;
	};

	expect( independentCount( false ) ).toBe( 3 );
	expect( independentCount( true ) ).toBe( 2 );
	// Whatever WooCommerce's queue has or has not run yet (its imports are due seconds after each order).
	expect( await count() ).toBe( independentCount( true ) );

	runWooCommerceQueue();
	expect(
		Number(
			sql(
				`SELECT COUNT(*) FROM wp_wc_order_stats WHERE order_id IN (${ buyers
					.map( ( b ) => b.orderId )
					.join( ',' ) })`
			)[ 0 ]?.[ 0 ]
		),
		'WooCommerce has imported the orders into its analytics'
	).toBe( 3 );
	expect( await count() ).toBe( independentCount( true ) );
	expect( await count() ).toBe( 2 );

	// The classic buyer gets 60 € back: 149,70 € - 60 € is no longer over 100 €.
	fixture( 'refund', String( classicBuyer.orderId ), '60' );
	expect( independentCount( true ) ).toBe( 1 );
	expect( await count() ).toBe( 1 );
	runWooCommerceQueue();
	expect( await count() ).toBe( independentCount( true ) );

	// The contact's own figures went down too.
	const found = await api(
		`/rondine/v1/contacts?search=${ encodeURIComponent(
			classicBuyer.email
		) }`
	);
	const contact = (
		found.body as unknown as Array< Record< string, unknown > >
	 )[ 0 ];
	expect( contact?.total_spent ).toBe( 89.7 );
	expect( contact?.orders_count ).toBe( 1 );
} );

test( 'a customer turns WhatsApp messages on and off in My Account', async ( {
	page,
	browser,
} ) => {
	const customer = env.users.customer;
	fixture( 'customer-phone', String( customer.id ), phone( 5 ) );
	// WooCommerce's own login form in My Account (customers get no admin bar, so lib/login's check does not apply).
	await page.goto( '/my-account/' );
	await page.locator( '#username' ).fill( customer.login );
	await page.locator( '#password' ).fill( customer.password );
	await page.locator( 'button[name="login"]' ).click();
	await expect(
		page.locator( '.woocommerce-MyAccount-navigation' )
	).toBeVisible();
	const toggle = page.locator( '#rondine_whatsapp_optin' );
	const admin = await browser.newPage();
	await login( admin, env.users.admin );
	await admin.goto( env.rondineUrl );
	const consentOf = async () => {
		const found = await apiIn( admin )(
			`/rondine/v1/contacts?search=${ encodeURIComponent(
				customer.email
			) }`
		);
		const contacts = found.body as unknown as Array< {
			consent: string;
			user_id: number | null;
		} >;
		return contacts.find( ( c ) => c.user_id === customer.id )?.consent;
	};

	for ( const wanted of [ true, false ] ) {
		await page.goto( '/my-account/edit-account/' );
		await expect( toggle ).toBeEnabled();
		await toggle.setChecked( wanted );
		await page.getByRole( 'button', { name: /save changes/i } ).click();
		await expect(
			page
				.locator(
					'.woocommerce-message, .wc-block-components-notice-banner.is-success'
				)
				.first()
		).toBeVisible();
		await page.goto( '/my-account/edit-account/' );
		await expect( toggle ).toBeChecked( { checked: wanted } );
		expect( await consentOf() ).toBe( wanted ? 'granted' : 'revoked' );
	}
	await admin.close();
} );
