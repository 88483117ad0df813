<?php
/**
 * Base of Rondine's REST controllers.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Bridge\BridgeError;
use Rondine\Bridge\Client;
use Rondine\Plugin;

/**
 * Namespace, the shared permission check, and helpers to forward calls to the bridge.
 */
abstract class Controller extends \WP_REST_Controller {

	/**
	 * REST namespace.
	 *
	 * @var string
	 */
	protected $namespace = 'rondine/v1';

	/**
	 * Permission for every admin-app route: Rondine's capability (Plugin::capability()).
	 *
	 * Everyone else gets 403, logged in or not: the REST API is not a way to discover what exists.
	 *
	 * @return true|\WP_Error
	 */
	public function check_permission() {
		if ( current_user_can( Plugin::capability() ) ) {
			return true;
		}
		return new \WP_Error(
			'rondine_forbidden',
			__( 'Sorry, you are not allowed to manage Rondine.', 'rondine' ),
			array( 'status' => 403 )
		);
	}

	/**
	 * Permission for the routes that decide where customer data goes (the bridge connection, the WhatsApp
	 * credentials, full contact exports): Rondine's capability and Plugin::admin_capability() (administrators).
	 *
	 * @return true|\WP_Error
	 */
	public function check_admin_permission() {
		$allowed = $this->check_permission();
		if ( is_wp_error( $allowed ) || current_user_can( Plugin::admin_capability() ) ) {
			return $allowed;
		}
		return new \WP_Error(
			'rondine_forbidden',
			__( 'Sorry, only an administrator can change the bridge connection, the WhatsApp credentials or export all contacts.', 'rondine' ),
			array( 'status' => 403 )
		);
	}

	/**
	 * Calls the bridge and answers with its decoded body, or with its error (status, code and message).
	 *
	 * @param string $method HTTP method.
	 * @param string $path   Bridge path with query string.
	 * @param mixed  $body   JSON body or null.
	 * @return \WP_REST_Response|\WP_Error
	 */
	protected function forward( string $method, string $path, $body = null ) {
		try {
			$answer = Client::from_connection()->request( $method, $path, $body );
		} catch ( BridgeError $error ) {
			return $error->to_wp_error();
		}
		// Decoded to objects, not arrays, so that an empty JSON object stays `{}` for the admin app.
		$data = '' === $answer['raw'] || null === $answer['body'] ? null : json_decode( $answer['raw'] );
		return new \WP_REST_Response( $data, $answer['status'] );
	}

	/**
	 * Integer id route argument.
	 *
	 * @return array<string,mixed>
	 */
	protected static function id_arg(): array {
		return array(
			'description' => __( 'Unique identifier.', 'rondine' ),
			'type'        => 'integer',
			'minimum'     => 1,
			'required'    => true,
		);
	}

	/**
	 * `include`: only these ids, so that a picker can show saved choices (segment filters) by name.
	 *
	 * @return array<string,mixed>
	 */
	protected static function include_arg(): array {
		return array(
			'description' => __( 'Only these ids (to show saved choices by name).', 'rondine' ),
			'type'        => 'array',
			'items'       => array(
				'type'    => 'integer',
				'minimum' => 1,
			),
			'maxItems'    => 500,
			'default'     => array(),
		);
	}

	/**
	 * Paging arguments.
	 *
	 * @return array<string,mixed>
	 */
	protected static function paging_args(): array {
		return array(
			'page'     => array(
				'description' => __( 'Page of the collection, from 1.', 'rondine' ),
				'type'        => 'integer',
				'default'     => 1,
				'minimum'     => 1,
			),
			'per_page' => array(
				'description' => __( 'Items per page.', 'rondine' ),
				'type'        => 'integer',
				'default'     => 20,
				'minimum'     => 1,
				'maximum'     => 100,
			),
		);
	}

	/**
	 * A response with the X-WP-Total and X-WP-TotalPages headers.
	 *
	 * @param array<int,mixed> $items    Items of the page.
	 * @param int              $total    Total items.
	 * @param int              $per_page Page size.
	 */
	protected static function paged( array $items, int $total, int $per_page ): \WP_REST_Response {
		$response = new \WP_REST_Response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) max( 1, (int) ceil( $total / max( 1, $per_page ) ) ) );
		return $response;
	}

	/**
	 * A CSV download. Rondine's rest_pre_serve_request filter (Routes) sends the string as is.
	 *
	 * @param string $csv      CSV text.
	 * @param string $filename Suggested file name.
	 */
	protected static function csv_response( string $csv, string $filename ): \WP_REST_Response {
		$response = new \WP_REST_Response( $csv );
		$response->header( 'Content-Type', 'text/csv; charset=utf-8' );
		$response->header( 'Content-Disposition', 'attachment; filename="' . sanitize_file_name( $filename ) . '"' );
		return $response;
	}
}
