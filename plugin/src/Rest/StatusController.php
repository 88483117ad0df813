<?php
/**
 * GET /status.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\WooData;
use Rondine\Bridge\BridgeError;
use Rondine\Bridge\OwnerMessages;
use Rondine\Bridge\Client;
use Rondine\Bridge\Connection;

/**
 * What the dashboard shows: versions, WooCommerce data, and the bridge (connected, reachable, WhatsApp status).
 */
final class StatusController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'status';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'check_permission' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * The status.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_item( $request ) {
		global $wp_version;
		$connection = Connection::stored();
		$bridge     = array(
			'connected' => null !== $connection,
			'reachable' => false,
			'url'       => $connection['url'] ?? null,
			'site_id'   => $connection['site'] ?? null,
			'status'    => null,
			'error'     => null,
		);
		if ( null !== $connection ) {
			try {
				$bridge['status']    = Client::from_connection()->get( '/v1/status' );
				$bridge['reachable'] = true;
			} catch ( BridgeError $error ) {
				$bridge['reachable'] = 'rondine_bridge_unreachable' !== $error->error_code();
				// In the owner's words; the technical message (a network error, the bridge's own) for support.
				$bridge['error'] = array(
					'code'    => $error->error_code(),
					'message' => OwnerMessages::message( $error->error_code() ) ?? $error->getMessage(),
					'detail'  => $error->getMessage(),
				);
			}
		}
		return rest_ensure_response(
			array(
				'plugin_version'    => RONDINE_VERSION,
				'wordpress_version' => $wp_version,
				'php_version'       => PHP_VERSION,
				'woocommerce'       => WooData::summary(),
				'bridge'            => $bridge,
			)
		);
	}

	/**
	 * Schema.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-status',
			'type'       => 'object',
			'properties' => array(
				'plugin_version'    => array( 'type' => 'string' ),
				'wordpress_version' => array( 'type' => 'string' ),
				'php_version'       => array( 'type' => 'string' ),
				'woocommerce'       => array(
					'type'       => 'object',
					'properties' => array(
						'active'       => array( 'type' => 'boolean' ),
						'version'      => array( 'type' => array( 'string', 'null' ) ),
						'data_present' => array( 'type' => 'boolean' ),
						'order_storage' => array(
							'type' => 'string',
							'enum' => array( 'hpos', 'legacy', 'none' ),
						),
						'tables'       => array(
							'type'                 => 'object',
							'additionalProperties' => array( 'type' => 'boolean' ),
						),
						'customers'    => array( 'type' => 'integer' ),
						'orders'       => array( 'type' => 'integer' ),
						'placed_orders' => array(
							'description' => __( 'Orders in the order storage (the analytics tables may lag behind).', 'rondine' ),
							'type'        => 'integer',
						),
						'notice'       => array(
							'description' => __( 'What the shop owner should do about WooCommerce data, or null.', 'rondine' ),
							'type'        => array( 'string', 'null' ),
						),
						'contacts'     => array( 'type' => 'integer' ),
						'last_sync'    => array(
							'description' => __( 'When contacts were last synced from WooCommerce.', 'rondine' ),
							'type'        => array( 'string', 'null' ),
						),
						'figures_ready' => array(
							'description' => __( 'Whether a full contact sync has filled the order figures segments use.', 'rondine' ),
							'type'        => 'boolean',
						),
						'opted_in'     => array( 'type' => 'integer' ),
					),
				),
				'bridge'            => array(
					'type'       => 'object',
					'properties' => array(
						'connected' => array( 'type' => 'boolean' ),
						'reachable' => array( 'type' => 'boolean' ),
						'url'       => array( 'type' => array( 'string', 'null' ) ),
						'site_id'   => array( 'type' => array( 'string', 'null' ) ),
						'status'    => array(
							'description' => __( 'The bridge\'s GET /v1/status answer: WhatsApp number, quality, tier, used and remaining in the 24 h window, throughput.', 'rondine' ),
							'type'        => array( 'object', 'null' ),
						),
						'error'     => array(
							'type'       => array( 'object', 'null' ),
							'properties' => array(
								'code'    => array( 'type' => 'string' ),
								'message' => array( 'type' => 'string' ),
								'detail'  => array( 'type' => 'string' ),
							),
						),
					),
				),
			),
		);
	}
}
