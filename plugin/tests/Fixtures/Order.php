<?php
/**
 * Stands in for WC_Order in the checkout hook test.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Fixtures;

/**
 * WooCommerce cannot be installed here, so the checkout test passes this object where WooCommerce passes its
 * WC_Order: the same public getters the plugin calls (get_billing_*, get_customer_id) and meta writes.
 */
final class Order {

	/**
	 * Billing data.
	 *
	 * @var array<string,mixed>
	 */
	private array $data;

	/**
	 * Meta written by the plugin.
	 *
	 * @var array<string,mixed>
	 */
	public array $meta = array();

	/**
	 * Times save() was called.
	 *
	 * @var int
	 */
	public int $saved = 0;

	/**
	 * Constructor.
	 *
	 * @param array<string,mixed> $data billing_* and customer_id.
	 */
	public function __construct( array $data ) {
		$this->data = $data;
	}

	/**
	 * Billing phone.
	 */
	public function get_billing_phone(): string {
		return (string) ( $this->data['billing_phone'] ?? '' );
	}

	/**
	 * Billing country.
	 */
	public function get_billing_country(): string {
		return (string) ( $this->data['billing_country'] ?? '' );
	}

	/**
	 * Billing email.
	 */
	public function get_billing_email(): string {
		return (string) ( $this->data['billing_email'] ?? '' );
	}

	/**
	 * Billing first name.
	 */
	public function get_billing_first_name(): string {
		return (string) ( $this->data['billing_first_name'] ?? '' );
	}

	/**
	 * Billing last name.
	 */
	public function get_billing_last_name(): string {
		return (string) ( $this->data['billing_last_name'] ?? '' );
	}

	/**
	 * Billing city.
	 */
	public function get_billing_city(): string {
		return (string) ( $this->data['billing_city'] ?? '' );
	}

	/**
	 * Customer (user) id.
	 */
	public function get_customer_id(): int {
		return (int) ( $this->data['customer_id'] ?? 0 );
	}

	/**
	 * Order id.
	 */
	public function get_id(): int {
		return (int) ( $this->data['id'] ?? 0 );
	}

	/**
	 * Meta read.
	 *
	 * @param string $key Key.
	 * @return mixed
	 */
	public function get_meta( string $key ) {
		return $this->meta[ $key ] ?? '';
	}

	/**
	 * Meta write.
	 *
	 * @param string $key   Key.
	 * @param mixed  $value Value.
	 */
	public function update_meta_data( string $key, $value ): void {
		$this->meta[ $key ] = $value;
	}

	/**
	 * Save.
	 */
	public function save(): int {
		++$this->saved;
		return 1;
	}
}
