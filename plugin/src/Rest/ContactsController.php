<?php
/**
 * Contacts, export and sync.
 *
 * @package Rondine
 */

namespace Rondine\Rest;

defined( 'ABSPATH' ) || exit;

use Rondine\Audience\Contacts;
use Rondine\Audience\Csv;
use Rondine\Audience\CustomerSync;
use Rondine\Audience\Lists;
use Rondine\Audience\Segments;
use Rondine\Audience\Tags;
use Rondine\Bridge\BridgeError;
use Rondine\Bridge\Client;
use Rondine\Consent\Consent;
use Rondine\Consent\Erased;
use Rondine\Consent\Privacy;

/**
 * /contacts, /contacts/{id}, /contacts/export, /contacts/sync.
 */
final class ContactsController extends Controller {

	/**
	 * Route base.
	 *
	 * @var string
	 */
	protected $rest_base = 'contacts';

	/**
	 * Largest shop whose full sync runs inside the request.
	 */
	private const INLINE_FULL_SYNC = 20000;

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$permission = array( $this, 'check_permission' );
		$filters    = array(
			'search'  => array(
				'type'      => 'string',
				'maxLength' => 100,
			),
			'list'    => array(
				'type'    => 'integer',
				'minimum' => 1,
			),
			'segment' => array(
				'type'    => 'integer',
				'minimum' => 1,
			),
			'tag'     => array(
				'type'    => 'integer',
				'minimum' => 1,
			),
			'consent' => array(
				'type' => 'string',
				'enum' => array( 'granted', 'revoked', 'none' ),
			),
			'country' => array(
				'type'    => 'string',
				'pattern' => '^[A-Za-z]{2}$',
			),
		);
		register_rest_route(
			$this->namespace,
			'/contacts',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => $permission,
					'args'                => $filters + self::paging_args() + array(
						'orderby' => array(
							'type'    => 'string',
							'enum'    => array_keys( Contacts::ORDERBY ),
							'default' => 'id',
						),
						'order'   => array(
							'type'    => 'string',
							'enum'    => array( 'asc', 'desc' ),
							'default' => 'desc',
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/contacts/export',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'export' ),
					// Every contact's phone, email and address: for administrators only.
					'permission_callback' => array( $this, 'check_admin_permission' ),
					'args'                => $filters,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/contacts/sync',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'sync' ),
					'permission_callback' => $permission,
					'args'                => array(
						'full' => array(
							'type'    => 'boolean',
							'default' => false,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/contacts/bulk',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'bulk' ),
					'permission_callback' => $permission,
					'args'                => array(
						'ids'    => array(
							'type'     => 'array',
							'required' => true,
							'minItems' => 1,
							'maxItems' => 500,
							'items'    => array(
								'type'    => 'integer',
								'minimum' => 1,
							),
						),
						'action' => array(
							'type'     => 'string',
							'required' => true,
							'enum'     => array( 'add_tag', 'remove_tag', 'add_to_list', 'delete' ),
						),
						'tag'    => array(
							'type'    => 'integer',
							'minimum' => 1,
						),
						'list'   => array(
							'type'    => 'integer',
							'minimum' => 1,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/contacts/(?P<id>\d+)/messages',
			array(
				'args' => array( 'id' => self::id_arg() ),
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'messages' ),
					'permission_callback' => $permission,
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/contacts/(?P<id>\d+)',
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
					'args'                => array(
						'tags'    => array(
							'type'  => 'array',
							'items' => array(
								'type'    => 'integer',
								'minimum' => 1,
							),
						),
						'consent' => array(
							'type' => 'string',
							'enum' => array( 'granted', 'revoked' ),
						),
						'note'     => array(
							'description' => __( 'How the person gave or withdrew consent (recorded in the consent log).', 'rondine' ),
							'type'        => 'string',
							'maxLength'   => 500,
						),
						'birthday' => array(
							'description' => __( 'Date of birth, YYYY-MM-DD; empty to remove it.', 'rondine' ),
							'type'        => 'string',
							'pattern'     => '^(\\d{4}-\\d{2}-\\d{2})?$',
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Contacts, paged.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_items( $request ) {
		$args = $this->filters( $request );
		if ( is_wp_error( $args ) ) {
			return $args;
		}
		$result = Contacts::query(
			$args + array(
				'page'     => (int) $request['page'],
				'per_page' => (int) $request['per_page'],
				'orderby'  => (string) $request['orderby'],
				'order'    => (string) $request['order'],
			)
		);
		return self::paged( $result['items'], $result['total'], (int) $request['per_page'] );
	}

	/**
	 * CSV export of the filtered contacts.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function export( $request ) {
		$args = $this->filters( $request );
		if ( is_wp_error( $args ) ) {
			return $args;
		}
		$conventions = Csv::conventions();
		$headers     = array(
			__( 'First name', 'rondine' ),
			__( 'Last name', 'rondine' ),
			__( 'Phone', 'rondine' ),
			__( 'Email', 'rondine' ),
			__( 'Country', 'rondine' ),
			__( 'City', 'rondine' ),
			__( 'Consent', 'rondine' ),
			__( 'Consent changed', 'rondine' ),
			__( 'Orders', 'rondine' ),
			__( 'Total spent', 'rondine' ),
			__( 'Last order', 'rondine' ),
			__( 'Tags', 'rondine' ),
		);
		$rows        = array();
		// Pages of 2,000 so that the database answers one page of rows at a time.
		for ( $page = 1; ; $page++ ) {
			$result = Contacts::query( $args + array( 'page' => $page, 'per_page' => 2000 ) );
			foreach ( $result['items'] as $contact ) {
				$rows[] = array(
					$contact['first_name'],
					$contact['last_name'],
					$contact['phone'] ?? $contact['phone_raw'],
					$contact['email'],
					$contact['country'],
					$contact['city'],
					self::consent_label( (string) $contact['consent'] ),
					Csv::shop_time( $contact['consent_updated_at'] ?? null ),
					$contact['orders_count'] ?? '',
					Csv::number( $contact['total_spent'] ?? null, 2, $conventions['decimal'] ),
					Csv::shop_time( $contact['last_order_at'] ?? null ),
					implode( ', ', array_map( static fn( $t ) => $t['name'], $contact['tags'] ) ),
				);
			}
			if ( count( $result['items'] ) < 2000 ) {
				break;
			}
		}
		$csv = Csv::document( $headers, $rows, $conventions['separator'] );
		return self::csv_response( $csv, 'rondine-contacts-' . gmdate( 'Y-m-d' ) . '.csv' );
	}

	/**
	 * Rebuilds contacts from WooCommerce now.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function sync( $request ) {
		if ( $request['full'] ) {
			global $wpdb;
			// WooCommerce Analytics' customer table has no WordPress API; counted now to choose between syncing inline and WP-Cron.
			$customers = \Rondine\Audience\WooData::has( 'wc_customer_lookup' ) ? (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM %i', $wpdb->prefix . 'wc_customer_lookup' ) ) : 0; // phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- see above.
			if ( $customers > self::INLINE_FULL_SYNC ) {
				// About a minute per 100,000 customers: too long for a request, so WP-Cron does it.
				delete_option( CustomerSync::STATE_OPTION );
				wp_schedule_single_event( time(), CustomerSync::HOOK, array( 'soon' ) );
				return new \WP_REST_Response(
					array(
						'scheduled' => true,
						'customers' => $customers,
					),
					202
				);
			}
			$result = CustomerSync::sync( null );
		} else {
			$state  = get_option( CustomerSync::STATE_OPTION, array() );
			$since  = is_array( $state ) && ! empty( $state['last_run'] ) ? gmdate( 'Y-m-d H:i:s', (int) $state['last_run'] - DAY_IN_SECONDS ) : null;
			$result = CustomerSync::sync( $since );
		}
		return rest_ensure_response( $result );
	}

	/**
	 * One contact with its consent log.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function get_item( $request ) {
		$contact = Contacts::find( (int) $request['id'] );
		if ( null === $contact ) {
			return self::not_found();
		}
		$contact                = Contacts::with_tags( array( $contact ) )[0];
		$contact['consent_log'] = Consent::log( $contact['id'] );
		$contact['lists']       = Lists::of_contact( $contact['id'] );
		return rest_ensure_response( $contact );
	}

	/**
	 * Tags, date of birth and consent changed by the shop owner (consent logged with source `admin`).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function update_item( $request ) {
		$contact = Contacts::find( (int) $request['id'] );
		if ( null === $contact ) {
			return self::not_found();
		}
		if ( null !== $request['birthday'] ) {
			$birthday = '' === $request['birthday'] ? null : Contacts::birthday( (string) $request['birthday'] );
			if ( '' !== $request['birthday'] && null === $birthday ) {
				return new \WP_Error( 'rondine_invalid_birthday', __( 'The date of birth must be a real date in the past.', 'rondine' ), array( 'status' => 400 ) );
			}
			Contacts::set_birthday( $contact['id'], $birthday );
		}
		if ( null !== $request['tags'] ) {
			foreach ( (array) $request['tags'] as $tag_id ) {
				if ( ! Tags::exists( (int) $tag_id ) ) {
					/* translators: %d: tag id. */
					return new \WP_Error( 'rondine_tag_not_found', sprintf( __( 'Tag %d does not exist.', 'rondine' ), (int) $tag_id ), array( 'status' => 400 ) );
				}
			}
			Contacts::set_tags( $contact['id'], (array) $request['tags'] );
		}
		if ( null !== $request['consent'] ) {
			$note = trim( sanitize_textarea_field( (string) $request['note'] ) );
			if ( Consent::GRANTED === $request['consent'] && Consent::GRANTED !== $contact['consent'] ) {
				// The owner may record a consent given outside the site, never overturn the person's own "no": a
				// revocation by the person (WhatsApp STOP, My Account, the checkout) or an erasure is lifted only by
				// that person's new act.
				$by_person = Consent::REVOKED === $contact['consent'] && 'admin' !== Consent::last_revocation_source( $contact['id'] );
				if ( $by_person || ( ! empty( $contact['phone'] ) && Erased::phone( (string) $contact['phone'] ) ) ) {
					return new \WP_Error( 'rondine_consent_revoked_by_person', __( 'This person stopped WhatsApp messages themselves, so only they can start them again: by ticking the box at checkout, in My Account, or by writing to you on WhatsApp.', 'rondine' ), array( 'status' => 409 ) );
				}
			}
			if ( Consent::GRANTED === $request['consent'] && '' === $note ) {
				return new \WP_Error( 'rondine_consent_note_required', __( 'Say how this person agreed to receive WhatsApp messages (for example "asked in the shop on 3 May"): it is kept as proof.', 'rondine' ), array( 'status' => 400 ) );
			}
			$user = wp_get_current_user();
			Consent::record(
				$contact['id'],
				(string) $request['consent'],
				'admin',
				sprintf(
					/* translators: 1: user login, 2: note. */
					__( 'Changed in wp-admin by %1$s: %2$s', 'rondine' ),
					$user->user_login,
					'' === $note ? __( '(no note)', 'rondine' ) : $note
				)
			);
		}
		return $this->get_item( $request );
	}

	/**
	 * The campaign messages sent to a contact's phone, newest first, from the bridge (which keeps them; the plugin
	 * keeps no copy).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function messages( $request ) {
		$contact = Contacts::find( (int) $request['id'] );
		if ( null === $contact ) {
			return self::not_found();
		}
		if ( empty( $contact['phone'] ) ) {
			return rest_ensure_response( array( 'messages' => array() ) );
		}
		try {
			$answer = Client::from_connection()->request( 'GET', '/v1/recipients?' . http_build_query( array( 'phone' => (string) $contact['phone'], 'limit' => 50 ), '', '&', PHP_QUERY_RFC3986 ) );
		} catch ( BridgeError $error ) {
			return $error->to_wp_error();
		}
		$data = json_decode( $answer['raw'], true );
		if ( $answer['status'] >= 300 || ! is_array( $data ) ) {
			return new \WP_REST_Response( json_decode( $answer['raw'] ), $answer['status'] );
		}
		return rest_ensure_response( array( 'messages' => is_array( $data['messages'] ?? null ) ? $data['messages'] : array() ) );
	}

	/**
	 * One action on the selected contacts: add or remove a tag, add to a list, delete. Consent is never changed in
	 * bulk: it changes only by the person's own act, recorded one contact at a time. Delete is an erasure, as
	 * WordPress's eraser does it (Privacy::erase_contacts(): tombstones so that orders and imports do not bring the
	 * contacts back, consent log rows kept without the identity, the bridge's copy erased), so it is for those who
	 * decide where customer data goes (Plugin::admin_capability()), like the full export.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public function bulk( $request ) {
		$ids    = array_values( array_unique( array_map( 'intval', (array) $request['ids'] ) ) );
		$action = (string) $request['action'];
		if ( in_array( $action, array( 'add_tag', 'remove_tag' ), true ) && ! Tags::exists( (int) $request['tag'] ) ) {
			return new \WP_Error( 'rondine_tag_not_found', __( 'Choose an existing tag.', 'rondine' ), array( 'status' => 400 ) );
		}
		if ( 'add_to_list' === $action && null === Lists::find( (int) $request['list'] ) ) {
			return new \WP_Error( 'rondine_list_not_found', __( 'Choose an existing list.', 'rondine' ), array( 'status' => 400 ) );
		}
		$changed = 0;
		if ( 'delete' === $action ) {
			$allowed = $this->check_admin_permission();
			if ( is_wp_error( $allowed ) ) {
				return $allowed;
			}
			$contacts = array_values( array_filter( array_map( array( Contacts::class, 'find' ), $ids ) ) );
			$result   = Privacy::erase_contacts( $contacts );
			return rest_ensure_response(
				array(
					'changed'  => count( $contacts ),
					'messages' => $result['messages'],
				)
			);
		}
		if ( 'add_to_list' === $action ) {
			$changed = Lists::add( (int) $request['list'], $ids );
		} else {
			foreach ( $ids as $id ) {
				$contact = Contacts::find( $id );
				if ( null === $contact ) {
					continue;
				}
				$tags = array_map( static fn( $t ) => $t['id'], Contacts::with_tags( array( $contact ) )[0]['tags'] );
				Contacts::set_tags( $id, 'add_tag' === $action ? array_merge( $tags, array( (int) $request['tag'] ) ) : array_diff( $tags, array( (int) $request['tag'] ) ) );
				++$changed;
			}
		}
		return rest_ensure_response( array( 'changed' => $changed ) );
	}

	/**
	 * Filters from the request, with the segment resolved to its definition.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array<string,mixed>|\WP_Error
	 */
	private function filters( \WP_REST_Request $request ) {
		$args = array(
			'search'  => (string) $request['search'],
			'list'    => (int) $request['list'],
			'tag'     => (int) $request['tag'],
			'consent' => (string) $request['consent'],
			'country' => (string) $request['country'],
		);
		if ( $request['segment'] ) {
			$segment = Segments::find( (int) $request['segment'] );
			if ( null === $segment ) {
				return new \WP_Error( 'rondine_segment_not_found', __( 'This segment does not exist.', 'rondine' ), array( 'status' => 404 ) );
			}
			$args['segment'] = $segment['definition'];
		}
		return $args;
	}

	/**
	 * A consent state in the owner's words.
	 *
	 * @param string $consent granted, revoked or none.
	 */
	public static function consent_label( string $consent ): string {
		if ( Consent::GRANTED === $consent ) {
			return __( 'Opted in', 'rondine' );
		}
		if ( 'revoked' === $consent ) {
			return __( 'Opted out', 'rondine' );
		}
		return __( 'Not asked', 'rondine' );
	}

	/**
	 * 404.
	 */
	private static function not_found(): \WP_Error {
		return new \WP_Error( 'rondine_contact_not_found', __( 'This contact does not exist.', 'rondine' ), array( 'status' => 404 ) );
	}

	/**
	 * Schema.
	 *
	 * @return array<string,mixed>
	 */
	public function get_item_schema() {
		$string   = array( 'type' => 'string' );
		$nullable = array( 'type' => array( 'integer', 'null' ) );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'rondine-contact',
			'type'       => 'object',
			'properties' => array(
				'id'                 => array( 'type' => 'integer' ),
				'phone'              => array( 'type' => array( 'string', 'null' ) ),
				'phone_raw'          => $string,
				'email'              => $string,
				'first_name'         => $string,
				'last_name'          => $string,
				'country'            => $string,
				'city'               => $string,
				'language'           => $string,
				'customer_id'        => $nullable,
				'user_id'            => $nullable,
				'source'             => $string,
				'consent'            => array(
					'type' => 'string',
					'enum' => array( 'granted', 'revoked', 'none' ),
				),
				'consent_updated_at' => array( 'type' => array( 'string', 'null' ) ),
				'birthday'           => array( 'type' => array( 'string', 'null' ) ),
				'tags'               => array(
					'type'  => 'array',
					'items' => array( 'type' => 'object' ),
				),
				'consent_log'        => array(
					'type'  => 'array',
					'items' => array( 'type' => 'object' ),
				),
			),
		);
	}
}
