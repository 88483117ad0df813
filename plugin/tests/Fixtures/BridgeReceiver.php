<?php
/**
 * The bridge side of the consent and privacy contract, for contract tests.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Fixtures;

use Rondine\Bridge\Signer;

/**
 * Answers the plugin's requests to the bridge at WordPress's HTTP layer (`pre_http_request`), as the bridge's
 * routes `POST /v1/consent`, `POST /v1/events`, `POST /v1/privacy/export` and `POST /v1/privacy/erase` are specified in
 * the contract between plugin and bridge (docs/ARCHITECTURE.md): it refuses with 401 a request whose site, timestamp (300 s) or
 * HMAC signature is wrong, with 400 a body that does not match the route's schema exactly (no other property, phones
 * E.164, 1..500 events or 1..20 phones, enumerated states and sources, ISO UTC times), and keeps per phone the latest
 * state by `at` (the bridge's "latest at wins") and each event id once (the bridge's dedupe). The real bridge implements the same routes in bridge-server/; this
 * receiver lets the plugin's side be tested in this PHP suite, where no bridge with those routes is running.
 *
 * `down` makes every request fail as a network error; `status` makes it answer that HTTP status instead.
 */
final class BridgeReceiver {

	public const SOURCES = array( 'checkout', 'my_account', 'admin', 'import', 'whatsapp_stop', 'whatsapp_resume', 'erasure', 'bulk' );

	/**
	 * Accepted requests: [path, decoded body].
	 *
	 * @var array<int,array{0:string,1:array<string,mixed>}>
	 */
	public array $received = array();

	/**
	 * Refused requests: [path, status, reason].
	 *
	 * @var array<int,array{0:string,1:int,2:string}>
	 */
	public array $refused = array();

	/**
	 * Opt-out list: phone → [state, at, source].
	 *
	 * @var array<string,array{state:string,at:string,source:string}>
	 */
	public array $opt_outs = array();

	/**
	 * Erased phones.
	 *
	 * @var array<string,true>
	 */
	public array $erased = array();

	/**
	 * Automation events handled, in order, each id once (the bridge's dedupe by event id).
	 *
	 * @var array<int,array<string,mixed>>
	 */
	public array $events = array();

	/**
	 * Event ids handled.
	 *
	 * @var array<string,true>
	 */
	private array $event_ids = array();

	/**
	 * Network failure.
	 *
	 * @var bool
	 */
	public bool $down = false;

	/**
	 * Handle the request, then fail as a network error (the answer lost on its way back).
	 *
	 * @var bool
	 */
	public bool $lose_answer = false;

	/**
	 * Forced status (0: answer normally).
	 *
	 * @var int
	 */
	public int $status = 0;

	/**
	 * What the export answers for a phone.
	 *
	 * @var array<string,array<string,mixed>>
	 */
	public array $held = array();

	/**
	 * The filter.
	 *
	 * @var \Closure|null
	 */
	private ?\Closure $filter = null;

	/**
	 * Constructor.
	 *
	 * @param string $base   Bridge URL as stored in the connection.
	 * @param string $site   Site id.
	 * @param string $secret Raw secret.
	 */
	public function __construct( private string $base, private string $site, private string $secret ) {
	}

	/**
	 * Starts answering.
	 */
	public function start(): self {
		$this->filter = function ( $pre, $args, $url ) {
			if ( 0 !== strpos( (string) $url, $this->base . '/' ) ) {
				return $pre;
			}
			$answer = $this->handle( (string) $args['method'], substr( (string) $url, strlen( $this->base ) ), (array) $args['headers'], (string) ( $args['body'] ?? '' ) );
			return $this->lose_answer ? new \WP_Error( 'http_request_failed', 'cURL error 28: Operation timed out after 5000 milliseconds' ) : $answer;
		};
		add_filter( 'pre_http_request', $this->filter, 10, 3 );
		return $this;
	}

	/**
	 * Stops answering.
	 */
	public function stop(): void {
		if ( $this->filter ) {
			remove_filter( 'pre_http_request', $this->filter, 10 );
			$this->filter = null;
		}
	}

	/**
	 * Paths of the accepted requests.
	 *
	 * @return string[]
	 */
	public function paths(): array {
		return array_map( static fn( $r ) => $r[0], $this->received );
	}

	/**
	 * One request.
	 *
	 * @param string               $method  Method.
	 * @param string               $path    Path.
	 * @param array<string,string> $headers Headers.
	 * @param string               $raw     Body.
	 * @return array<string,mixed>|\WP_Error
	 */
	private function handle( string $method, string $path, array $headers, string $raw ) {
		if ( $this->down ) {
			return new \WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1 port 9: Connection refused' );
		}
		if ( $this->status > 0 ) {
			return $this->answer( $this->status, array( 'error' => array( 'code' => 'forced', 'message' => 'Forced by the test.' ) ) );
		}
		$timestamp = (int) ( $headers[ Signer::HEADER_TIMESTAMP ] ?? 0 );
		if ( ( $headers[ Signer::HEADER_SITE ] ?? '' ) !== $this->site || abs( time() - $timestamp ) > 300
			|| ! Signer::verify( $this->secret, $method, $path, $timestamp, $raw, (string) ( $headers[ Signer::HEADER_SIGNATURE ] ?? '' ) ) ) {
			return $this->refuse( $path, 401, 'bad signature' );
		}
		if ( 'POST' !== $method || 'application/json' !== ( $headers['Content-Type'] ?? '' ) ) {
			return $this->refuse( $path, 400, 'not a JSON POST' );
		}
		$body = json_decode( $raw, true );
		if ( ! is_array( $body ) ) {
			return $this->refuse( $path, 400, 'body is not a JSON object' );
		}
		if ( '/v1/consent' === $path ) {
			$problem = $this->consent_problem( $body );
			if ( '' !== $problem ) {
				return $this->refuse( $path, 400, $problem );
			}
			$applied = 0;
			foreach ( $body['events'] as $event ) {
				$stored = $this->opt_outs[ $event['phone'] ] ?? null;
				if ( null !== $stored && strtotime( $stored['at'] ) > strtotime( $event['at'] ) ) {
					continue;
				}
				$this->opt_outs[ $event['phone'] ] = array(
					'state'  => $event['state'],
					'at'     => $event['at'],
					'source' => $event['source'],
				);
				++$applied;
			}
			$this->received[] = array( $path, $body );
			return $this->answer( 200, array( 'applied' => $applied ) );
		}
		if ( '/v1/events' === $path ) {
			$events  = isset( $body['events'] ) ? $body['events'] : array( $body );
			$problem = $this->events_problem( $body, $events );
			if ( '' !== $problem ) {
				return $this->refuse( $path, 400, $problem );
			}
			$duplicates = 0;
			foreach ( $events as $event ) {
				if ( isset( $this->event_ids[ $event['id'] ] ) ) {
					++$duplicates;
					continue;
				}
				$this->event_ids[ $event['id'] ] = true;
				$this->events[]                  = $event;
			}
			$this->received[] = array( $path, $body );
			return $this->answer(
				200,
				array(
					'started'    => 0,
					'exited'     => 0,
					'duplicates' => $duplicates,
				)
			);
		}
		if ( '/v1/privacy/export' === $path || '/v1/privacy/erase' === $path ) {
			$problem = $this->phones_problem( $body );
			if ( '' !== $problem ) {
				return $this->refuse( $path, 400, $problem );
			}
			$this->received[] = array( $path, $body );
			if ( '/v1/privacy/erase' === $path ) {
				$n = 0;
				foreach ( $body['phones'] as $phone ) {
					$this->erased[ $phone ] = true;
					$n                     += count( $this->held[ $phone ]['messages'] ?? array() );
					unset( $this->held[ $phone ] );
					$this->opt_outs[ $phone ] = array(
						'state'  => 'revoked',
						'at'     => gmdate( 'Y-m-d\TH:i:s\Z' ),
						'source' => 'erasure',
					);
				}
				return $this->answer(
					200,
					array(
						'erased' => array(
							'messages'       => $n,
							'inbound'        => 0,
							'webhook_events' => 0,
						),
					)
				);
			}
			$out = array(
				'messages' => array(),
				'inbound'  => array(),
				'opt_out'  => array(),
			);
			foreach ( $body['phones'] as $phone ) {
				foreach ( array( 'messages', 'inbound', 'opt_out' ) as $key ) {
					foreach ( $this->held[ $phone ][ $key ] ?? array() as $item ) {
						$out[ $key ][] = array( 'phone' => $phone ) + $item;
					}
				}
			}
			return $this->answer( 200, $out );
		}
		return $this->refuse( $path, 404, 'unknown route' );
	}

	/**
	 * Schema of POST /v1/events: one event, or `{events: [1..500 events]}`; an event has id, type and an E.164 phone,
	 * maybe contact_id (a string) and data (an object), nothing else.
	 *
	 * @param array<string,mixed> $body   Body.
	 * @param mixed               $events The events.
	 */
	private function events_problem( array $body, $events ): string {
		if ( isset( $body['events'] ) && ( array( 'events' ) !== array_keys( $body ) || ! is_array( $events ) || ! array_is_list( $events ) || count( $events ) < 1 || count( $events ) > 500 ) ) {
			return 'events must be a list of 1 to 500 events, alone in the body';
		}
		foreach ( $events as $event ) {
			if ( ! is_array( $event ) || array_diff( array_keys( $event ), array( 'id', 'type', 'phone', 'contact_id', 'data' ) ) ) {
				return 'an event has only id, type, phone, contact_id, data';
			}
			if ( ! is_string( $event['id'] ?? null ) || '' === $event['id'] || strlen( $event['id'] ) > 200 || ! is_string( $event['type'] ?? null ) || '' === $event['type'] ) {
				return 'an event needs its id and type';
			}
			if ( ! is_string( $event['phone'] ?? null ) || ! preg_match( '/^\+[1-9]\d{5,16}$/', $event['phone'] ) ) {
				return 'phone is not E.164';
			}
			if ( isset( $event['contact_id'] ) && ! is_string( $event['contact_id'] ) ) {
				return 'contact_id must be a string';
			}
			if ( isset( $event['data'] ) && ( ! is_array( $event['data'] ) || ( $event['data'] && array_is_list( $event['data'] ) ) ) ) {
				return 'data must be an object';
			}
		}
		return '';
	}

	/**
	 * Schema of POST /v1/consent.
	 *
	 * @param array<string,mixed> $body Body.
	 */
	private function consent_problem( array $body ): string {
		if ( array( 'events' ) !== array_keys( $body ) || ! is_array( $body['events'] ) || ! array_is_list( $body['events'] ) ) {
			return 'body must be {events: [...]}';
		}
		if ( count( $body['events'] ) < 1 || count( $body['events'] ) > 500 ) {
			return 'events must hold 1 to 500 events';
		}
		foreach ( $body['events'] as $event ) {
			if ( ! is_array( $event ) ) {
				return 'an event is not an object';
			}
			$keys = array_keys( $event );
			sort( $keys );
			if ( array( 'at', 'phone', 'source', 'state' ) !== $keys ) {
				return 'an event must have exactly phone, state, at, source';
			}
			if ( ! is_string( $event['phone'] ) || ! preg_match( '/^\+[1-9]\d{6,14}$/', $event['phone'] ) ) {
				return 'phone is not E.164';
			}
			if ( ! in_array( $event['state'], array( 'revoked', 'granted' ), true ) ) {
				return 'state must be revoked or granted';
			}
			if ( ! is_string( $event['at'] ) || ! preg_match( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', $event['at'] ) ) {
				return 'at must be an ISO UTC time';
			}
			if ( ! in_array( $event['source'], self::SOURCES, true ) ) {
				return 'unknown source';
			}
		}
		return '';
	}

	/**
	 * Schema of POST /v1/privacy/export and /erase.
	 *
	 * @param array<string,mixed> $body Body.
	 */
	private function phones_problem( array $body ): string {
		if ( array( 'phones' ) !== array_keys( $body ) || ! is_array( $body['phones'] ) || ! array_is_list( $body['phones'] ) ) {
			return 'body must be {phones: [...]}';
		}
		if ( count( $body['phones'] ) < 1 || count( $body['phones'] ) > 20 ) {
			return 'phones must hold 1 to 20 phones';
		}
		foreach ( $body['phones'] as $phone ) {
			if ( ! is_string( $phone ) || ! preg_match( '/^\+[1-9]\d{6,14}$/', $phone ) ) {
				return 'phone is not E.164';
			}
		}
		return '';
	}

	/**
	 * A refusal, remembered.
	 *
	 * @param string $path   Path.
	 * @param int    $status Status.
	 * @param string $reason Why.
	 * @return array<string,mixed>
	 */
	private function refuse( string $path, int $status, string $reason ): array {
		$this->refused[] = array( $path, $status, $reason );
		return $this->answer(
			$status,
			array(
				'error' => array(
					'code'    => 'refused',
					'message' => $reason,
				),
			)
		);
	}

	/**
	 * An HTTP answer as WordPress's HTTP API returns it.
	 *
	 * @param int   $status Status.
	 * @param mixed $body   JSON body.
	 * @return array<string,mixed>
	 */
	private function answer( int $status, $body ): array {
		return array(
			'headers'  => array( 'content-type' => 'application/json; charset=utf-8' ),
			'body'     => (string) wp_json_encode( $body ),
			'response' => array(
				'code'    => $status,
				'message' => '',
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}
}
