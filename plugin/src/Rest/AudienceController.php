<?php
/**
 * GET /audience/fields, GET /audience/products, GET /audience/categories, POST /audience/count.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Audience;
use Rondine\Audience\Catalog;
use Rondine\Audience\Fields;

/**
 * The segment builder's vocabulary, the products and categories it picks by name, and the live audience count.
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
		foreach ( array( 'products', 'categories' ) as $kind ) {
			register_rest_route(
				$this->namespace,
				'/audience/' . $kind,
				array(
					array(
						'methods'             => \WP_REST_Server::READABLE,
						'callback'            => array( $this, $kind ),
						'permission_callback' => array( $this, 'check_permission' ),
						'args'                => self::search_args(),
					),
					'schema' => array( $this, 'products' === $kind ? 'product_schema' : 'category_schema' ),
				)
			);
		}
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
	 * Arguments of the product and category searches.
	 *
	 * @return array<string,mixed>
	 */
	private static function search_args(): array {
		return array(
			'search'   => array(
				'description' => __( 'Text the name (or SKU) contains.', 'rondine' ),
				'type'        => 'string',
				'maxLength'   => 100,
				'default'     => '',
			),
			'include'  => self::include_arg(),
			'per_page' => array(
				'description' => __( 'Items per page.', 'rondine' ),
				'type'        => 'integer',
				'default'     => 20,
				'minimum'     => 1,
				'maximum'     => Catalog::MAX_RESULTS,
			),
		);
	}

	/**
	 * Products and variations by name or SKU (GET /audience/products).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function products( $request ) {
		return rest_ensure_response( Catalog::products( (string) $request['search'], (array) $request['include'], (int) $request['per_page'] ) );
	}

	/**
	 * Product categories by name (GET /audience/categories).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function categories( $request ) {
		return rest_ensure_response( Catalog::categories( (string) $request['search'], (array) $request['include'], (int) $request['per_page'] ) );
	}

	/**
	 * Schema of a product search result.
	 *
	 * @return array<string,mixed>
	 */
	public function product_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-product',
			'type'       => 'object',
			'properties' => array(
				'id'        => array(
					'description' => __( 'Product or variation id.', 'rondine' ),
					'type'        => 'integer',
				),
				'name'      => array(
					'description' => __( 'Name.', 'rondine' ),
					'type'        => 'string',
				),
				'sku'       => array(
					'description' => __( 'SKU, empty when the product has none.', 'rondine' ),
					'type'        => 'string',
				),
				'type'      => array(
					'description' => __( 'Product or variation.', 'rondine' ),
					'type'        => 'string',
					'enum'        => array( 'product', 'variation' ),
				),
				'parent_id' => array(
					'description' => __( 'The product a variation belongs to (0 for a product).', 'rondine' ),
					'type'        => 'integer',
				),
			),
		);
	}

	/**
	 * Schema of a category search result.
	 *
	 * @return array<string,mixed>
	 */
	public function category_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-product-category',
			'type'       => 'object',
			'properties' => array(
				'id'          => array(
					'description' => __( 'Category (term) id.', 'rondine' ),
					'type'        => 'integer',
				),
				'name'        => array(
					'description' => __( 'Name.', 'rondine' ),
					'type'        => 'string',
				),
				'slug'        => array(
					'description' => __( 'Slug.', 'rondine' ),
					'type'        => 'string',
				),
				'parent_name' => array(
					'description' => __( 'Name of the parent category, empty at the top.', 'rondine' ),
					'type'        => 'string',
				),
				'count'       => array(
					'description' => __( 'Products in the category.', 'rondine' ),
					'type'        => 'integer',
				),
			),
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
