<?php
/**
 * WooCommerce's roles and capabilities, as WC_Install::create_roles() sets them up, for a site that has WooCommerce's
 * data but not the WooCommerce plugin (it cannot be installed here).
 *
 * @package Rondine\Dev
 */

/**
 * The capabilities WooCommerce gives shop managers and administrators (WC_Install::get_core_capabilities()).
 *
 * @return string[]
 */
function rondine_dev_woocommerce_capabilities(): array {
	$capabilities = array( 'manage_woocommerce', 'view_woocommerce_reports' );
	foreach ( array( 'product', 'shop_order', 'shop_coupon' ) as $type ) {
		array_push(
			$capabilities,
			"edit_{$type}",
			"read_{$type}",
			"delete_{$type}",
			"edit_{$type}s",
			"edit_others_{$type}s",
			"publish_{$type}s",
			"read_private_{$type}s",
			"delete_{$type}s",
			"delete_private_{$type}s",
			"delete_published_{$type}s",
			"delete_others_{$type}s",
			"edit_private_{$type}s",
			"edit_published_{$type}s",
			"manage_{$type}_terms",
			"edit_{$type}_terms",
			"delete_{$type}_terms",
			"assign_{$type}_terms"
		);
	}
	return $capabilities;
}

/**
 * Registers `customer` and `shop_manager` and grants WooCommerce's capabilities, idempotently.
 */
function rondine_dev_register_woocommerce_roles(): void {
	if ( ! get_role( 'customer' ) ) {
		add_role( 'customer', 'Customer', array( 'read' => true ) );
	}
	if ( ! get_role( 'shop_manager' ) ) {
		$base = array( 'read', 'read_private_pages', 'read_private_posts', 'edit_posts', 'edit_pages', 'edit_published_posts', 'edit_published_pages', 'edit_private_pages', 'edit_private_posts', 'edit_others_posts', 'edit_others_pages', 'publish_posts', 'publish_pages', 'delete_posts', 'delete_pages', 'delete_private_pages', 'delete_private_posts', 'delete_published_pages', 'delete_published_posts', 'delete_others_posts', 'delete_others_pages', 'manage_categories', 'manage_links', 'moderate_comments', 'upload_files', 'export', 'import', 'list_users', 'edit_theme_options' );
		for ( $level = 0; $level <= 9; $level++ ) {
			$base[] = "level_{$level}";
		}
		add_role( 'shop_manager', 'Shop manager', array_fill_keys( $base, true ) );
	}
	foreach ( array( 'shop_manager', 'administrator' ) as $role_name ) {
		$role = get_role( $role_name );
		foreach ( rondine_dev_woocommerce_capabilities() as $capability ) {
			if ( ! $role->has_cap( $capability ) ) {
				$role->add_cap( $capability );
			}
		}
	}
}
