<?php
/**
 * Tags.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Tags;

/**
 * /tags (list, search, create) and /tags/{id} (rename, delete).
 */
final class TagsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'tags';

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		register_rest_route(
			$this->namespace,
			'/tags',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => $permission,
					'args'                => array(
						'search'   => array(
							'description' => __( 'Only tags whose name contains this text.', 'rondine' ),
							'type'        => 'string',
							'maxLength'   => 100,
							'default'     => '',
						),
						'include'  => self::include_arg(),
						'per_page' => array(
							'description' => __( 'At most this many tags (0: all).', 'rondine' ),
							'type'        => 'integer',
							'minimum'     => 0,
							'maximum'     => 100,
							'default'     => 0,
						),
					),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => $permission,
					'args'                => array(
						'name' => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => 100,
							'required'  => true,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/tags/(?P<id>\d+)',
			array(
				'args' => array( 'id' => self::id_arg() ),
				array(
					'methods'             => \WP_REST_Server::EDITABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => $permission,
					'args'                => array(
						'name' => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => 100,
							'required'  => true,
						),
					),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => $permission,
				),
			)
		);
	}

	/**
	 * All tags.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_items( $request ) {
		return rest_ensure_response( Tags::find( (string) $request['search'], (array) $request['include'], (int) $request['per_page'] ) );
	}

	/**
	 * Create (or find by name).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		try {
			$id = Tags::ensure( (string) $request['name'] );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_tag', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		$tag = Tags::get( $id );
		if ( $tag ) {
			return new \WP_REST_Response( $tag, 201 );
		}
		return new \WP_Error( 'rondine_invalid_tag', __( 'The tag could not be saved.', 'rondine' ), array( 'status' => 500 ) );
	}

	/**
	 * Rename.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$id = (int) $request['id'];
		if ( ! Tags::exists( $id ) ) {
			return new \WP_Error( 'rondine_tag_not_found', __( 'This tag does not exist.', 'rondine' ), array( 'status' => 404 ) );
		}
		try {
			Tags::rename( $id, (string) $request['name'] );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_tag', $invalid->getMessage(), array( 'status' => 400 ) );
		} catch ( \DomainException $taken ) {
			return new \WP_Error( 'rondine_tag_exists', $taken->getMessage(), array( 'status' => 409 ) );
		}
		return rest_ensure_response( Tags::get( $id ) );
	}

	/**
	 * Delete: the tag is taken off every contact that had it.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		if ( ! Tags::exists( (int) $request['id'] ) ) {
			return new \WP_Error( 'rondine_tag_not_found', __( 'This tag does not exist.', 'rondine' ), array( 'status' => 404 ) );
		}
		Tags::delete( (int) $request['id'] );
		return rest_ensure_response( array( 'deleted' => true ) );
	}
}
