<?php
/**
 * Sets up the real WooCommerce of an environment as an Italian shop owner would, once it is active (dev/wp/setup-site.php
 * activates it; this runs in a new process, so WooCommerce is loaded the way it is on every request). Idempotent.
 *
 *   - WooCommerce's pages (shop, cart, block checkout, my account) from its own installer, plus a second checkout page,
 *     "Checkout (classic)", with the [woocommerce_checkout] shortcode (option rondine_dev_classic_checkout_page_id);
 *   - Italy (Forlì) as the store's address, euros with the Italian price format (1.234,56 €), Cash on delivery enabled;
 *   - the order storage: HPOS authoritative without sync (WooCommerce's default for new shops), or the legacy posts
 *     storage, or HPOS with the posts kept in sync (--order-storage=hpos|legacy|both). It is chosen the first time only
 *     (option rondine_dev_order_storage) and kept afterwards, like the shop generated into it;
 *   - the storefront open (no "coming soon"), no onboarding, task lists, tracking or marketplace suggestions.
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php setup-woocommerce.php [--order-storage=hpos|legacy|both]
 *
 * @package Rondine\Dev
 */

require __DIR__ . '/bootstrap.php';

use Automattic\WooCommerce\Internal\DataStores\Orders\DataSynchronizer;
use Automattic\WooCommerce\Internal\Features\FeaturesController;
use Automattic\WooCommerce\Utilities\OrderUtil;

add_filter( 'pre_wp_mail', '__return_false' );

if ( ! function_exists( 'WC' ) || ! class_exists( 'WC_Install' ) ) {
	fwrite( STDERR, "setup-woocommerce.php: WooCommerce is not active\n" );
	exit( 1 );
}

$rondine_options = getopt( '', array( 'order-storage:' ) );
$rondine_storage = get_option( 'rondine_dev_order_storage' );
if ( ! in_array( $rondine_storage, array( 'hpos', 'legacy', 'both' ), true ) ) {
	$rondine_storage = $rondine_options['order-storage'] ?? 'hpos';
}
if ( ! in_array( $rondine_storage, array( 'hpos', 'legacy', 'both' ), true ) ) {
	fwrite( STDERR, "setup-woocommerce.php: --order-storage must be hpos, legacy or both\n" );
	exit( 2 );
}

// WooCommerce's own "first admin visit" steps (HPOS for a new shop, the coming-soon options, the email improvements)
// run now rather than on the first wp-admin page load, where they would undo the settings below.
WC_Install::newly_installed();

// Its pages, when missing (the installer made them on activation; this brings back one that was deleted).
WC_Install::create_pages();

$rondine_classic_id = (int) get_option( 'rondine_dev_classic_checkout_page_id' );
if ( ! $rondine_classic_id || ! get_post( $rondine_classic_id ) || 'publish' !== get_post_status( $rondine_classic_id ) ) {
	$rondine_existing   = get_page_by_path( 'checkout-classic', OBJECT, 'page' );
	$rondine_classic_id = $rondine_existing ? (int) $rondine_existing->ID : (int) wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_title'   => 'Checkout (classic)',
			'post_name'    => 'checkout-classic',
			'post_content' => "<!-- wp:shortcode -->\n[woocommerce_checkout]\n<!-- /wp:shortcode -->",
			'post_author'  => 1,
		)
	);
	if ( ! $rondine_classic_id ) {
		fwrite( STDERR, "setup-woocommerce.php: cannot create the classic checkout page\n" );
		exit( 1 );
	}
	update_option( 'rondine_dev_classic_checkout_page_id', $rondine_classic_id, false );
}

$rondine_settings = array(
	// The store: Italy, euros, Italian price format.
	'woocommerce_store_address'                   => 'Corso della Repubblica 12',
	'woocommerce_store_address_2'                 => '',
	'woocommerce_store_city'                      => 'Forlì',
	'woocommerce_store_postcode'                  => '47121',
	'woocommerce_default_country'                 => 'IT:FC',
	'woocommerce_allowed_countries'               => 'all',
	'woocommerce_ship_to_countries'               => '',
	'woocommerce_currency'                        => 'EUR',
	'woocommerce_currency_pos'                    => 'right_space',
	'woocommerce_price_thousand_sep'              => '.',
	'woocommerce_price_decimal_sep'               => ',',
	'woocommerce_price_num_decimals'              => '2',
	'woocommerce_weight_unit'                     => 'kg',
	'woocommerce_dimension_unit'                  => 'cm',
	'woocommerce_calc_taxes'                      => 'no',
	'woocommerce_enable_guest_checkout'           => 'yes',
	'woocommerce_enable_checkout_login_reminder'  => 'yes',
	'woocommerce_enable_signup_and_login_from_checkout' => 'yes',
	'woocommerce_enable_myaccount_registration'   => 'yes',
	// Open to visitors: a new WooCommerce shop starts in "coming soon" mode.
	'woocommerce_coming_soon'                     => 'no',
	'woocommerce_store_pages_only'                => 'no',
	// No onboarding, task lists, tracking, marketplace suggestions or remote notes: wp-admin without nags, no calls out.
	'woocommerce_onboarding_profile'              => array(
		'skipped'   => true,
		'completed' => true,
	),
	'woocommerce_task_list_hidden'                => 'yes',
	'woocommerce_extended_task_list_hidden'       => 'yes',
	'woocommerce_task_list_complete'              => 'yes',
	'woocommerce_task_list_welcome_modal_dismissed' => 'yes',
	'woocommerce_task_list_hidden_lists'          => array( 'setup', 'extended' ),
	'woocommerce_allow_tracking'                  => 'no',
	'woocommerce_show_marketplace_suggestions'    => 'no',
	'woocommerce_setting_payments_recommendations_hidden' => 'yes',
	'woocommerce_marketing_overview_welcome_hidden' => 'yes',
	'woocommerce_customize_store_onboarding_tour_hidden' => 'yes',
	'woocommerce_admin_customize_store_completed' => 'yes',
	'woocommerce_show_lys_tour'                   => 'no',
	'woocommerce_admin_created_default_shipping_zones' => 'yes',
	'woocommerce_admin_reviewed_default_shipping_zones' => 'yes',
	'woocommerce_feature_remote_logging_enabled'  => 'no',
	// Cash on delivery, the payment method of the demo shop and of the checkout tests.
	'woocommerce_cod_settings'                    => array(
		'enabled'            => 'yes',
		'title'              => 'Pagamento alla consegna',
		'description'        => 'Paga in contanti alla consegna.',
		'instructions'       => 'Paga in contanti alla consegna.',
		'enable_for_methods' => array(),
		'enable_for_virtual' => 'yes',
	),
);
foreach ( $rondine_settings as $rondine_name => $rondine_value ) {
	update_option( $rondine_name, $rondine_value );
}
delete_transient( '_wc_activation_redirect' );
if ( class_exists( 'WC_Admin_Notices' ) ) {
	WC_Admin_Notices::remove_all_notices();
}

// The order storage, through WooCommerce's own switch (it also records the feature's state).
if ( ! get_option( 'rondine_dev_order_storage' ) ) {
	$rondine_features = wc_get_container()->get( FeaturesController::class );
	// The posts are synchronised only in "both"; the sync is turned off before the authoritative storage changes.
	update_option( DataSynchronizer::ORDERS_DATA_SYNC_ENABLED_OPTION, 'both' === $rondine_storage ? 'yes' : 'no' );
	$rondine_features->change_feature_enable( 'custom_order_tables', 'legacy' !== $rondine_storage );
	update_option( 'rondine_dev_order_storage', $rondine_storage, false );
}
$rondine_hpos = OrderUtil::custom_orders_table_usage_is_enabled();
if ( ( 'legacy' !== $rondine_storage ) !== $rondine_hpos ) {
	fwrite( STDERR, "setup-woocommerce.php: the order storage is not $rondine_storage\n" );
	exit( 1 );
}

flush_rewrite_rules( false );
fwrite( STDERR, sprintf( "WooCommerce %s set up (orders: %s, checkout page %d, classic checkout page %d)\n", WC()->version, $rondine_storage, wc_get_page_id( 'checkout' ), $rondine_classic_id ) );
