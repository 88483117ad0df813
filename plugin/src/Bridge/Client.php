<?php
/**
 * Signed HTTP client for the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * Sends signed requests to the bridge through the WordPress HTTP API and turns every failure into a BridgeError
 * carrying the bridge's status, code and message, so the admin app can show what the bridge said.
 */
final class Client {

	/**
	 * Bridge base URL without a trailing slash.
	 *
	 * @var string
	 */
	private string $base_url;

	/**
	 * Site id.
	 *
	 * @var string
	 */
	private string $site_id;

	/**
	 * Raw secret bytes.
	 *
	 * @var string
	 */
	private string $secret;

	/**
	 * Seconds before a request is abandoned.
	 *
	 * @var float
	 */
	private float $timeout;

	/**
	 * Constructor.
	 *
	 * @param string $base_url Bridge base URL.
	 * @param string $site_id  Site id.
	 * @param string $secret   Raw secret bytes.
	 * @param float  $timeout  Seconds.
	 */
	public function __construct( string $base_url, string $site_id, string $secret, float $timeout = 15.0 ) {
		$this->base_url = rtrim( $base_url, '/' );
		$this->site_id  = $site_id;
		$this->secret   = $secret;
		$this->timeout  = $timeout;
	}

	/**
	 * The client for the stored connection.
	 *
	 * @throws BridgeError When the site is not connected.
	 */
	public static function from_connection(): self {
		$connection = Connection::stored();
		if ( null === $connection ) {
			throw new BridgeError(
				'rondine_not_connected',
				esc_html__( 'Rondine is not connected to a bridge yet. Paste the connection code in Settings.', 'rondine' ),
				409
			);
		}
		return new self( $connection['url'], $connection['site'], $connection['secret_bytes'] );
	}

	/**
	 * Sends a request and decodes the JSON answer.
	 *
	 * @param string               $method HTTP method.
	 * @param string               $path   Path with query string, starting with /.
	 * @param mixed                $body   Value to send as JSON, null for none.
	 * @param array<string,string> $extra_headers Extra headers (e.g. Accept).
	 * @return array{status:int,body:mixed,raw:string,content_type:string} `body` is decoded to arrays; `raw` is the
	 *         answer as received (forward it with json_decode( raw ) to keep `{}` as an object).
	 * @throws BridgeError On a network error or a status >= 400.
	 */
	public function request( string $method, string $path, $body = null, array $extra_headers = array() ): array {
		$method  = strtoupper( $method );
		$payload = null === $body ? '' : (string) wp_json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		$headers = array_merge(
			array( 'Accept' => 'application/json' ),
			$extra_headers,
			$this->unique_signature( $method, $path, $payload )
		);
		if ( '' !== $payload ) {
			$headers['Content-Type'] = 'application/json';
		}
		$response = $this->safe_request(
			$this->base_url . $path,
			array(
				'method'      => $method,
				'headers'     => $headers,
				'body'        => '' === $payload ? null : $payload,
				'timeout'     => $this->timeout,
				'redirection' => 0,
				'user-agent'  => 'Rondine/' . ( defined( 'RONDINE_VERSION' ) ? RONDINE_VERSION : 'dev' ) . '; ' . home_url( '/' ),
			)
		);
		if ( is_wp_error( $response ) ) {
			throw new BridgeError(
				'rondine_bridge_unreachable',
				esc_html(
					sprintf(
						/* translators: 1: bridge URL, 2: the network error. */
						__( 'The bridge at %1$s could not be reached: %2$s', 'rondine' ),
						$this->base_url,
						$response->get_error_message()
					)
				),
				502
			);
		}
		$status       = (int) wp_remote_retrieve_response_code( $response );
		$raw          = (string) wp_remote_retrieve_body( $response );
		$content_type = (string) wp_remote_retrieve_header( $response, 'content-type' );
		$decoded      = null;
		if ( '' !== $raw && false !== strpos( $content_type, 'json' ) ) {
			$decoded = json_decode( $raw, true );
		}
		if ( $status >= 400 ) {
			throw self::error_from( $status, $decoded, $raw ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- the bridge's own message, passed as text to the REST API's JSON (never HTML); escaping here would show &quot; to the owner.
		}
		return array(
			'status'       => $status,
			'body'         => $decoded,
			'raw'          => $raw,
			'content_type' => $content_type,
		);
	}

	/**
	 * wp_safe_remote_request() to the bridge: WordPress refuses local and private addresses (and Connection refuses
	 * link-local and reserved ones, and http off this machine) unless RONDINE_ALLOW_PRIVATE_BRIDGE_URL is set; then
	 * the bridge's own host alone is let through WordPress's check. The bridge's port is allowed for its host.
	 *
	 * @param string              $url  URL.
	 * @param array<string,mixed> $args wp_remote_request() arguments.
	 * @return array<string,mixed>|\WP_Error
	 * @throws BridgeError When the bridge address is not allowed.
	 */
	private function safe_request( string $url, array $args ) {
		$refusal = Connection::url_refusal( $this->base_url );
		if ( null !== $refusal ) {
			throw new BridgeError( 'rondine_bridge_url_not_allowed', $refusal, 400 ); // phpcs:ignore WordPress.Security.EscapeOutput.ExceptionNotEscaped -- a message for the REST API's JSON, escaped where shown.
		}
		$host     = strtolower( (string) wp_parse_url( $this->base_url, PHP_URL_HOST ) );
		$port     = (int) wp_parse_url( $this->base_url, PHP_URL_PORT );
		$private  = Connection::private_urls_allowed();
		$external = static function ( $is_external, $checked ) use ( $host, $private ) {
			return $is_external || ( $private && strtolower( (string) $checked ) === $host );
		};
		$ports    = static function ( $allowed, $checked ) use ( $host, $port ) {
			if ( $port && is_array( $allowed ) && strtolower( (string) $checked ) === $host ) {
				$allowed[] = $port;
			}
			return $allowed;
		};
		add_filter( 'http_request_host_is_external', $external, 10, 2 );
		add_filter( 'http_allowed_safe_ports', $ports, 10, 2 );
		try {
			return wp_safe_remote_request( $url, $args );
		} finally {
			remove_filter( 'http_request_host_is_external', $external, 10 );
			remove_filter( 'http_allowed_safe_ports', $ports, 10 );
		}
	}

	/**
	 * Signature headers that no other request of this site has used: the bridge refuses a signature it has seen, and
	 * identical requests in the same second sign identically, so a taken timestamp moves on by a second (the bridge
	 * accepts 300 s either way).
	 *
	 * @param string $method  Method.
	 * @param string $path    Path.
	 * @param string $payload Body.
	 * @return array<string,string>
	 */
	private function unique_signature( string $method, string $path, string $payload ): array {
		$now = time();
		for ( $offset = 0; $offset < 60; $offset++ ) {
			$headers = Signer::headers( $this->site_id, $this->secret, $method, $path, $payload, $now + $offset );
			if ( SignatureLedger::add( 'used', $headers[ Signer::HEADER_SIGNATURE ] ) ) {
				return $headers;
			}
		}
		return $headers;
	}

	/**
	 * GET and return the decoded body.
	 *
	 * @param string $path Path.
	 * @return mixed
	 */
	public function get( string $path ) {
		return $this->request( 'GET', $path )['body'];
	}

	/**
	 * Builds the error for a failed answer. The bridge answers `{error:{code,message}}`; Fastify's own errors
	 * answer `{statusCode,code,error,message}`; anything else is reported with its status.
	 *
	 * @param int    $status  HTTP status.
	 * @param mixed  $decoded Decoded JSON or null.
	 * @param string $raw     Raw body.
	 */
	public static function error_from( int $status, $decoded, string $raw ): BridgeError {
		$code    = '';
		$message = '';
		if ( is_array( $decoded ) && isset( $decoded['error'] ) && is_array( $decoded['error'] ) ) {
			$code    = (string) ( $decoded['error']['code'] ?? '' );
			$message = (string) ( $decoded['error']['message'] ?? '' );
		} elseif ( is_array( $decoded ) ) {
			$code    = (string) ( $decoded['code'] ?? '' );
			$message = (string) ( $decoded['message'] ?? '' );
		}
		if ( '' === $message ) {
			$message = sprintf(
				/* translators: 1: HTTP status code, 2: start of the answer. */
				__( 'The bridge answered with HTTP %1$d: %2$s', 'rondine' ),
				$status,
				'' === $raw ? __( '(empty answer)', 'rondine' ) : mb_substr( wp_strip_all_tags( $raw ), 0, 200 )
			);
		}
		// A 401 from the bridge means our signature or connection is wrong, not that the WordPress user is: answer
		// 502 so the admin app does not take it for an expired login.
		$passed_status = 401 === $status ? 502 : $status;
		// An invalid automation's problems (docs/design/automations-contract.md), each naming its step, for the editor
		// to show on the step; at the top of the answer or inside its `error`.
		$details  = array();
		$problems = is_array( $decoded ) ? ( $decoded['problems'] ?? ( is_array( $decoded['error'] ?? null ) ? ( $decoded['error']['problems'] ?? null ) : null ) ) : null;
		if ( is_array( $problems ) ) {
			$details['problems'] = array_values(
				array_map(
					static fn( $problem ) => array(
						'step'    => is_array( $problem ) && isset( $problem['step'] ) && is_scalar( $problem['step'] ) ? (string) $problem['step'] : null,
						'code'    => is_array( $problem ) ? (string) ( $problem['code'] ?? '' ) : '',
						'message' => is_array( $problem ) ? (string) ( $problem['message'] ?? '' ) : '',
					),
					array_slice( array_filter( $problems, 'is_array' ), 0, 200 )
				)
			);
		}
		return new BridgeError( '' === $code ? 'rondine_bridge_error' : $code, $message, $passed_status, $details );
	}
}
