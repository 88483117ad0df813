<?php
/**
 * GET /templates.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * The WhatsApp message templates, as the bridge synced them (APPROVED ones are marked sendable by the bridge).
 */
final class TemplatesController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'templates';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/templates',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'check_permission' ),
					'args'                => array(
						'refresh' => array(
							'description' => __( 'Ask the bridge to sync the templates from WhatsApp first.', 'rondine' ),
							'type'        => 'boolean',
							'default'     => false,
						),
					),
				),
			)
		);
	}

	/**
	 * Templates.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		return $this->forward( 'GET', '/v1/templates' . ( $request['refresh'] ? '?refresh=true' : '' ) );
	}
}
