<?php
/**
 * Segments CRUD.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Audience;
use Rondine\Audience\Segments;

/**
 * /segments and /segments/{id}.
 */
final class SegmentsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'segments';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$fields     = array(
			'name'       => array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => 190,
			),
			'definition' => array( 'type' => 'object' ),
		);
		register_rest_route(
			$this->namespace,
			'/segments',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => $permission,
					'args'                => array(
						'name'       => $fields['name'] + array( 'required' => true ),
						'definition' => $fields['definition'] + array( 'required' => true ),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/segments/(?P<id>\d+)',
			array(
				'args'   => array( 'id' => self::id_arg() ),
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => $permission,
				),
				array(
					'methods'             => \WP_REST_Server::EDITABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => $permission,
					'args'                => $fields,
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => $permission,
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * List.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_items( $request ) {
		$segments = Segments::all();
		foreach ( $segments as &$segment ) {
			$segment['count'] = self::cached_count( $segment );
		}
		return rest_ensure_response( $segments );
	}

	/**
	 * How many reachable contacts a segment has, kept for a minute so that the list of segments opens fast; the
	 * segment's own screen and a campaign's audience always count again.
	 *
	 * @param array<string,mixed> $segment Segment.
	 */
	private static function cached_count( array $segment ): ?int {
		$key    = 'rondine_segment_count_' . md5( (string) wp_json_encode( array( $segment['id'], $segment['definition'] ) ) );
		$cached = get_transient( $key );
		if ( is_numeric( $cached ) ) {
			return (int) $cached;
		}
		try {
			$count = Audience::count(
				array(
					'segments'   => array( (int) $segment['id'] ),
					'lists'      => array(),
					'definition' => null,
				)
			);
		} catch ( \Throwable $failure ) {
			return null; // A segment that no longer compiles (a deleted product, say) shows no count.
		}
		set_transient( $key, $count, MINUTE_IN_SECONDS );
		return $count;
	}

	/**
	 * One, with its current count.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		$segment = Segments::find( (int) $request['id'] );
		if ( null === $segment ) {
			return self::not_found();
		}
		$segment['count'] = Audience::count(
			array(
				'segments'   => array( $segment['id'] ),
				'lists'      => array(),
				'definition' => null,
			)
		);
		return rest_ensure_response( $segment );
	}

	/**
	 * Create.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		try {
			$segment = Segments::save( null, (string) $request['name'], $request->get_param( 'definition' ) );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_segment', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		return new \WP_REST_Response( $segment, 201 );
	}

	/**
	 * Update.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$segment = Segments::find( (int) $request['id'] );
		if ( null === $segment ) {
			return self::not_found();
		}
		try {
			$segment = Segments::save(
				$segment['id'],
				null === $request['name'] ? $segment['name'] : (string) $request['name'],
				null === $request->get_param( 'definition' ) ? $segment['definition'] : $request->get_param( 'definition' )
			);
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_segment', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		return rest_ensure_response( $segment );
	}

	/**
	 * Delete.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		$segment = Segments::find( (int) $request['id'] );
		if ( null === $segment ) {
			return self::not_found();
		}
		Segments::delete( $segment['id'] );
		return rest_ensure_response(
			array(
				'deleted'  => true,
				'previous' => $segment,
			)
		);
	}

	/**
	 * 404.
	 */
	private static function not_found(): \WP_Error {
		return new \WP_Error( 'rondine_segment_not_found', __( 'This segment does not exist.', 'rondine' ), array( 'status' => 404 ) );
	}

	/**
	 * Schema.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-segment',
			'type'       => 'object',
			'properties' => array(
				'id'         => array( 'type' => 'integer' ),
				'name'       => array( 'type' => 'string' ),
				'definition' => array( 'type' => 'object' ),
				'count'      => array( 'type' => 'integer' ),
				'created_at' => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
				'updated_at' => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
			),
		);
	}
}
