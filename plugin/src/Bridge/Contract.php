<?php
/**
 * Values of the bridge's API that the plugin checks before passing a request on.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * The enums of the bridge's OpenAPI document (bridge-server/openapi.json, generated from its route schemas), as the
 * proxy routes' `args` declare them. plugin/tests/ContractTest.php keeps them equal to the document.
 */
final class Contract {

	/**
	 * `CampaignState`.
	 */
	public const CAMPAIGN_STATES = array( 'draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed' );

	/**
	 * `RecipientState`.
	 */
	public const RECIPIENT_STATES = array( 'pending', 'sending', 'completed', 'retry', 'failed', 'unknown', 'opted_out', 'cancelled' );

	/**
	 * `MessageStatus`; the recipients filter also takes "none" (never sent).
	 */
	public const MESSAGE_STATUSES = array( 'accepted', 'sent', 'delivered', 'read', 'failed' );

	/**
	 * `ContactField`: what Audience::page() sends in each recipient's `fields`, and the phone.
	 */
	public const CONTACT_FIELDS = array( 'first_name', 'last_name', 'full_name', 'email', 'phone', 'city', 'country', 'language', 'shop_name', 'orders_count', 'total_spent', 'last_order_number', 'last_order_date' );
}
