<?php
/**
 * Lists, members and CSV import.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Audience\Importer;
use Rondine\Audience\Lists;
use Rondine\Settings;

/**
 * /lists, /lists/{id}, /lists/{id}/members, /lists/{id}/import.
 */
final class ListsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'lists';

	/**
	 * Largest CSV accepted (bytes).
	 */
	private const MAX_CSV_BYTES = 20 * 1024 * 1024;

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$fields     = array(
			'name'        => array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => 190,
			),
			'description' => array(
				'type'      => 'string',
				'maxLength' => 1000,
			),
		);
		register_rest_route(
			$this->namespace,
			'/lists',
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
						'name'        => $fields['name'] + array( 'required' => true ),
						'description' => $fields['description'] + array( 'default' => '' ),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/lists/(?P<id>\d+)',
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
		$ids = array(
			'contact_ids' => array(
				'type'     => 'array',
				'items'    => array(
					'type'    => 'integer',
					'minimum' => 1,
				),
				'maxItems' => 10000,
				'required' => true,
			),
		);
		register_rest_route(
			$this->namespace,
			'/lists/(?P<id>\d+)/members',
			array(
				'args' => array( 'id' => self::id_arg() ),
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'members' ),
					'permission_callback' => $permission,
					'args'                => self::paging_args() + array( 'search' => array( 'type' => 'string' ) ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'add_members' ),
					'permission_callback' => $permission,
					'args'                => $ids,
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'remove_members' ),
					'permission_callback' => $permission,
					'args'                => $ids,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/lists/(?P<id>\d+)/import',
			array(
				'args' => array( 'id' => self::id_arg() ),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'import' ),
					'permission_callback' => $permission,
					'args'                => array(
						'csv'             => array(
							'description' => __( 'CSV text (or upload it as the multipart field "file").', 'rondine' ),
							'type'        => 'string',
						),
						'mapping'         => array(
							'description'          => __( 'Contact field → CSV column header.', 'rondine' ),
							'type'                 => array( 'object', 'string' ),
							'additionalProperties' => array( 'type' => 'string' ),
						),
						'default_country' => array(
							'type'    => 'string',
							'pattern' => '^([A-Za-z]{2})?$',
						),
						'consent_mode'    => array(
							'type'    => 'string',
							'enum'    => array( 'column', 'attest', 'none' ),
							'default' => 'none',
						),
						'attestation'     => array(
							'description' => __( 'True when the user attests that everyone in the file agreed to receive WhatsApp messages.', 'rondine' ),
							'type'        => 'boolean',
							'default'     => false,
						),
						'dry_run'         => array(
							'type'    => 'boolean',
							'default' => false,
						),
					),
				),
			)
		);
	}

	/**
	 * All lists.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function get_items( $request ) {
		return rest_ensure_response( Lists::all() );
	}

	/**
	 * One list.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		$list = Lists::find( (int) $request['id'] );
		return null === $list ? self::not_found() : rest_ensure_response( $list );
	}

	/**
	 * Create.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function create_item( $request ) {
		try {
			$list = Lists::save( null, (string) $request['name'], (string) $request['description'] );
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_list', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		return new \WP_REST_Response( $list, 201 );
	}

	/**
	 * Update.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$list = Lists::find( (int) $request['id'] );
		if ( null === $list ) {
			return self::not_found();
		}
		try {
			$list = Lists::save(
				$list['id'],
				null === $request['name'] ? $list['name'] : (string) $request['name'],
				null === $request['description'] ? $list['description'] : (string) $request['description']
			);
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_list', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		return rest_ensure_response( $list );
	}

	/**
	 * Delete (contacts stay).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function delete_item( $request ) {
		$list = Lists::find( (int) $request['id'] );
		if ( null === $list ) {
			return self::not_found();
		}
		Lists::delete( $list['id'] );
		return rest_ensure_response(
			array(
				'deleted'  => true,
				'previous' => $list,
			)
		);
	}

	/**
	 * Members, paged.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function members( $request ) {
		if ( null === Lists::find( (int) $request['id'] ) ) {
			return self::not_found();
		}
		$result = Contacts::query(
			array(
				'list'     => (int) $request['id'],
				'search'   => (string) $request['search'],
				'page'     => (int) $request['page'],
				'per_page' => (int) $request['per_page'],
			)
		);
		return self::paged( $result['items'], $result['total'], (int) $request['per_page'] );
	}

	/**
	 * Adds contacts.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function add_members( $request ) {
		if ( null === Lists::find( (int) $request['id'] ) ) {
			return self::not_found();
		}
		$added = Lists::add( (int) $request['id'], (array) $request['contact_ids'] );
		return rest_ensure_response(
			array(
				'added' => $added,
				'list'  => Lists::find( (int) $request['id'] ),
			)
		);
	}

	/**
	 * Removes contacts.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function remove_members( $request ) {
		if ( null === Lists::find( (int) $request['id'] ) ) {
			return self::not_found();
		}
		$removed = Lists::remove( (int) $request['id'], (array) $request['contact_ids'] );
		return rest_ensure_response(
			array(
				'removed' => $removed,
				'list'    => Lists::find( (int) $request['id'] ),
			)
		);
	}

	/**
	 * CSV import with a row-level report.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function import( $request ) {
		if ( null === Lists::find( (int) $request['id'] ) ) {
			return self::not_found();
		}
		$csv   = (string) $request['csv'];
		$files = $request->get_file_params();
		if ( '' === $csv && ! empty( $files['file']['tmp_name'] ) ) {
			// $_FILES is filled by PHP from the multipart body only, so tmp_name is PHP's own temporary file.
			if ( ! empty( $files['file']['error'] ) || ! is_readable( $files['file']['tmp_name'] ) ) {
				return new \WP_Error( 'rondine_upload_failed', __( 'The file could not be uploaded. Try again, or paste its content.', 'rondine' ), array( 'status' => 400 ) );
			}
			if ( (int) $files['file']['size'] > self::MAX_CSV_BYTES ) {
				return self::too_big();
			}
			$csv = (string) file_get_contents( $files['file']['tmp_name'] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- uploaded file.
		}
		if ( strlen( $csv ) > self::MAX_CSV_BYTES ) {
			return self::too_big();
		}
		$mapping = $request['mapping'];
		if ( is_string( $mapping ) ) {
			$mapping = json_decode( $mapping, true );
		}
		if ( ! is_array( $mapping ) ) {
			return new \WP_Error( 'rondine_invalid_import', __( 'Say which column holds the phone number (and the other fields): "mapping".', 'rondine' ), array( 'status' => 400 ) );
		}
		$mapping = array_map( static fn( $v ) => is_string( $v ) ? $v : '', $mapping );
		$mode    = (string) $request['consent_mode'];
		$attest  = '';
		if ( 'attest' === $mode ) {
			if ( ! rest_sanitize_boolean( $request['attestation'] ) ) {
				return new \WP_Error( 'rondine_invalid_import', __( 'Confirm that everyone in this file agreed to receive WhatsApp messages from you.', 'rondine' ), array( 'status' => 400 ) );
			}
			$attest = sprintf(
				/* translators: %s: shop name. */
				__( 'I confirm that every person in this file agreed to receive marketing messages on WhatsApp from %s.', 'rondine' ),
				wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES )
			);
		}
		$country = strtoupper( (string) $request['default_country'] );
		try {
			$report = Importer::run(
				(int) $request['id'],
				$csv,
				$mapping,
				'' === $country ? Settings::default_country() : $country,
				$mode,
				$attest,
				rest_sanitize_boolean( $request['dry_run'] )
			);
		} catch ( \InvalidArgumentException $invalid ) {
			return new \WP_Error( 'rondine_invalid_import', $invalid->getMessage(), array( 'status' => 400 ) );
		}
		$report['list'] = Lists::find( (int) $request['id'] );
		return rest_ensure_response( $report );
	}

	/**
	 * 413.
	 */
	private static function too_big(): \WP_Error {
		return new \WP_Error( 'rondine_csv_too_large', __( 'The CSV file is larger than 20 MB: split it into smaller files.', 'rondine' ), array( 'status' => 413 ) );
	}

	/**
	 * 404.
	 */
	private static function not_found(): \WP_Error {
		return new \WP_Error( 'rondine_list_not_found', __( 'This list does not exist.', 'rondine' ), array( 'status' => 404 ) );
	}

	/**
	 * Schema.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-list',
			'type'       => 'object',
			'properties' => array(
				'id'          => array( 'type' => 'integer' ),
				'name'        => array( 'type' => 'string' ),
				'description' => array( 'type' => 'string' ),
				'members'     => array( 'type' => 'integer' ),
				'opted_in'    => array( 'type' => 'integer' ),
				'created_at'  => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
				'updated_at'  => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
			),
		);
	}
}
