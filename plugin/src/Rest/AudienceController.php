<?php
/**
 * GET /audience/fields, POST /audience/count.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

use Rondine\Audience\Audience;
use Rondine\Audience\Fields;

/**
 * The segment builder's vocabulary and the live audience count.
 */
final class AudienceController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'audience';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/audience/fields',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'fields' ),
					'permission_callback' => array( $this, 'check_permission' ),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/audience/count',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'count' ),
					'permission_callback' => array( $this, 'check_permission' ),
					'args'                => array(
						'segments'   => array(
							'type'  => 'array',
							'items' => array(
								'type'    => 'integer',
								'minimum' => 1,
							),
						),
						'lists'      => array(
							'type'  => 'array',
							'items' => array(
								'type'    => 'integer',
								'minimum' => 1,
							),
						),
						'definition' => array(
							'description' => __( 'An unsaved segment definition.', 'rondine' ),
							'type'        => 'object',
						),
						'sample'     => array(
							'type'    => 'integer',
							'minimum' => 0,
							'maximum' => 50,
							'default' => 10,
						),
					),
				),
			)
		);
	}

	/**
	 * Filter definitions.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function fields( $request ) {
		return rest_ensure_response( Fields::describe() );
	}

	/**
	 * Count and sample: distinct valid phones with consent.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function count( $request ) {
		$params = $request->get_json_params();
		$params = is_array( $params ) ? $params : $request->get_params();
		try {
			$audience = Audience::validate(
				array_intersect_key( $params, array_flip( array( 'segments', 'lists', 'definition' ) ) )
			);
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_audience', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		$started = microtime( true );
		$count   = Audience::count( $audience );
		return rest_ensure_response(
			array(
				'count'   => $count,
				'sample'  => (int) $request['sample'] > 0 ? Audience::sample( $audience, (int) $request['sample'] ) : array(),
				'took_ms' => (int) round( ( microtime( true ) - $started ) * 1000 ),
			)
		);
	}
}
