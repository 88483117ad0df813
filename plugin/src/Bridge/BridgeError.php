<?php
/**
 * Error from or about the bridge.
 *
 * @package Rondine
 */

namespace Rondine\Bridge;

defined( 'ABSPATH' ) || exit;

/**
 * A failed bridge call, with the HTTP status to pass on to the admin app and the bridge's own code and message.
 */
final class BridgeError extends \RuntimeException {

	/**
	 * Machine-readable code, e.g. `rondine_bridge_unreachable` or the bridge's own `campaign_running`.
	 *
	 * @var string
	 */
	private string $error_code;

	/**
	 * HTTP status to answer with.
	 *
	 * @var int
	 */
	private int $status;

	/**
	 * What the bridge said besides code and message that the admin app shows, e.g. an automation's `problems` (each
	 * naming its step), passed on in the WP_Error's data.
	 *
	 * @var array<string,mixed>
	 */
	private array $details;

	/**
	 * Constructor.
	 *
	 * @param string              $error_code Code.
	 * @param string              $message    Message for a human (already translated when it is ours).
	 * @param int                 $status     HTTP status.
	 * @param array<string,mixed> $details    Details passed on in the WP_Error's data.
	 */
	public function __construct( string $error_code, string $message, int $status, array $details = array() ) {
		parent::__construct( $message );
		$this->error_code = $error_code;
		$this->status     = $status;
		$this->details    = $details;
	}

	/**
	 * Details passed on (e.g. `problems`).
	 *
	 * @return array<string,mixed>
	 */
	public function details(): array {
		return $this->details;
	}

	/**
	 * Code.
	 */
	public function error_code(): string {
		return $this->error_code;
	}

	/**
	 * HTTP status.
	 */
	public function status(): int {
		return $this->status;
	}

	/**
	 * As a WP_Error for a REST response.
	 */
	public function to_wp_error(): \WP_Error {
		return new \WP_Error( $this->error_code, $this->getMessage(), array( 'status' => $this->status ) + $this->details );
	}
}
