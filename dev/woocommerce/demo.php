<?php
/**
 * The demo shop, made through WooCommerce's own API as a shop's life would make it: products (WC_Product_Simple, one
 * WC_Product_Variable with its variations, prices in euros), customers (WC_Customer, registered, with billing phones as
 * Italians type them, a few awkward or shared; and guests who only ever checked out), two years of orders (WC_Order with
 * its setters: completed, processing, cancelled, refunded with wc_create_refund(), some partly refunded), then
 * WooCommerce's queued actions run (Action Scheduler's queue runner, until WooCommerce's analytics import has nothing
 * left), so wc_order_stats, wc_customer_lookup and wc_order_product_lookup hold exactly what WooCommerce writes. Then the
 * plugin's contact sync runs and about 70% of the customers with a usable phone agree to marketing messages
 * (dev/woocommerce/consent.php), as with the SQL generator.
 *
 * Deterministic with a seed: the same seed gives the same products, people, phones, dates, items and statuses (ids and
 * the timestamps WooCommerce sets itself, such as date_modified, follow the run).
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php demo.php [--customers=200] [--orders=3×customers] [--seed=1]
 *            [--until=YYYY-MM-DD]
 *
 * The order storage is the one WooCommerce uses (dev/wp/setup-woocommerce.php: HPOS, legacy posts, or both).
 *
 * @package Rondine\Dev
 */

require_once dirname( __DIR__ ) . '/wp/bootstrap.php';
require_once __DIR__ . '/consent.php';

/**
 * The demo shop's maker. Every random choice goes through its own seeded generator.
 */
final class Rondine_Dev_Demo_Shop {
	const CATEGORIES = array(
		'Ceramiche' => array( array( 'Piatto fondo Deruta', 18.50 ), array( 'Tazza da caffè dipinta a mano', 9.90 ), array( 'Vaso di Caltagirone', 89.00 ), array( 'Brocca in maiolica', 42.00 ) ),
		'Tessuti'   => array( array( 'Grembiule da cucina', 24.00 ), array( 'Cuscino ricamato', 34.00 ) ),
		'Dispensa'  => array( array( 'Olio extravergine 0,75 l', 16.90 ), array( 'Pasta di Gragnano 1 kg', 4.20 ), array( 'Miele di castagno', 9.50 ), array( 'Caffè macinato 250 g', 7.90 ), array( 'Taralli al finocchio', 3.90 ) ),
		'Cucina'    => array( array( 'Moka 6 tazze', 32.00 ), array( 'Tagliere in ulivo', 39.00 ) ),
		'Regali'    => array( array( 'Cesto regalo "Sud"', 65.00 ), array( 'Cofanetto degustazione', 48.00 ) ),
	);

	/** The variable product: a linen tablecloth in three sizes. */
	const VARIABLE = array(
		'name'      => 'Tovaglia in lino',
		'category'  => 'Tessuti',
		'attribute' => 'Misura',
		'sizes'     => array(
			array( '140×180', 59.00 ),
			array( '160×220', 79.00 ),
			array( '180×300', 99.00 ),
		),
	);

	const FIRST_NAMES = array( 'Giulia', 'Niccolò', 'Francesca', 'Luca', 'Chiara', 'Alessandro', 'Martina', 'Lorenzo', 'Sofia', 'Matteo', 'Aurora', 'Mattia', 'Beatrice', 'Andrea', 'Giorgia', 'Davide', 'Federica', 'Gabriele', 'Ilaria', 'Tommaso', 'Noemi', 'Raffaele', 'Lucrezia', 'Nicolò' );
	const LAST_NAMES  = array( 'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', "D'Amico", 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Fabbri', 'Barbieri', 'Lo Iacono' );
	const CITIES      = array( array( 'Roma', 'RM', '00184' ), array( 'Milano', 'MI', '20121' ), array( 'Napoli', 'NA', '80132' ), array( 'Torino', 'TO', '10121' ), array( 'Firenze', 'FI', '50122' ), array( 'Bologna', 'BO', '40121' ), array( 'Palermo', 'PA', '90133' ), array( 'Forlì', 'FC', '47121' ), array( 'Bari', 'BA', '70121' ), array( 'Verona', 'VR', '37121' ) );
	const STREETS     = array( 'Via Roma', 'Via Garibaldi', 'Corso Vittorio Emanuele', 'Via Mazzini', 'Piazza del Popolo', 'Via Dante', 'Viale dei Mille', 'Via XX Settembre' );
	/** A few customers abroad: country, city, postcode, phone as they type it (digits drawn per person). */
	const ABROAD = array(
		array( 'DE', 'Berlin', '10115', 'BE', '+49 151 %08d' ),
		array( 'FR', 'Paris', '75001', '', '06 %02d %02d %02d %02d' ),
		array( 'ES', 'Madrid', '28001', 'M', '+34 6%02d %03d %03d' ),
	);

	/** @var int */
	private $until;
	/** @var array<string,WC_Product> name => product (for a variable product: its variations under "name size") */
	private $products = array();
	/** @var array<int,array<string,mixed>> */
	private $customers = array();
	/** @var array<string,int> */
	public $counts = array(
		'products'   => 0,
		'variations' => 0,
		'registered' => 0,
		'guests'     => 0,
		'orders'     => 0,
		'refunds'    => 0,
	);

	public function __construct( int $until ) {
		$this->until = $until;
	}

	/** @var \Random\Randomizer|null Its own generator: WordPress and WooCommerce call mt_rand() too (UUIDs, keys). */
	private static $rng;

	public static function seed( int $seed ): void {
		self::$rng = new \Random\Randomizer( new \Random\Engine\Mt19937( $seed ) );
	}

	public static function r( int $min, int $max ): int {
		return self::$rng->getInt( $min, $max );
	}

	/**
	 * Commits every $every calls and opens the next transaction: WooCommerce saves an order in some 250 queries, and
	 * committing each of them alone is most of the time it takes.
	 */
	public static function in_batches( int $every = 50 ): void {
		global $wpdb;
		static $calls = 0;
		if ( 0 === $calls % $every ) {
			$wpdb->query( 'COMMIT' );
			$wpdb->query( 'START TRANSACTION' );
		}
		++$calls;
	}

	private static function pick( array $items ) {
		return $items[ self::r( 0, count( $items ) - 1 ) ];
	}

	private static function chance( float $p ): bool {
		return self::r( 0, 999999 ) < (int) round( $p * 1000000 );
	}

	private static function digits( int $n ): string {
		$s = '';
		for ( $i = 0; $i < $n; $i++ ) {
			$s .= (string) self::r( 0, 9 );
		}
		return $s;
	}

	// --- catalogue ---------------------------------------------------------------------------------------------------

	public function make_products(): void {
		$sku = 2000;
		$cat = array();
		foreach ( array_keys( self::CATEGORIES ) as $name ) {
			$term = term_exists( $name, 'product_cat' );
			if ( ! $term ) {
				$term = wp_insert_term( $name, 'product_cat', array( 'slug' => sanitize_title( $name ) ) );
			}
			if ( is_wp_error( $term ) ) {
				fwrite( STDERR, "cannot create the category $name: " . $term->get_error_message() . "\n" );
				exit( 1 );
			}
			$cat[ $name ] = (int) $term['term_id'];
		}
		foreach ( self::CATEGORIES as $category => $items ) {
			foreach ( $items as list( $name, $price ) ) {
				$product = new WC_Product_Simple();
				$product->set_name( $name );
				$product->set_sku( 'BD-' . ( ++$sku ) );
				$product->set_regular_price( number_format( $price, 2, '.', '' ) );
				$product->set_category_ids( array( $cat[ $category ] ) );
				$product->set_short_description( 'Dalla Bottega Demo: ' . $name . '.' );
				$product->set_status( 'publish' );
				$product->save();
				$this->products[ $name ] = $product;
				++$this->counts['products'];
			}
		}

		$attribute = new WC_Product_Attribute();
		$attribute->set_name( self::VARIABLE['attribute'] );
		$attribute->set_options( array_column( self::VARIABLE['sizes'], 0 ) );
		$attribute->set_visible( true );
		$attribute->set_variation( true );
		$variable = new WC_Product_Variable();
		$variable->set_name( self::VARIABLE['name'] );
		$variable->set_sku( 'BD-' . ( ++$sku ) );
		$variable->set_category_ids( array( $cat[ self::VARIABLE['category'] ] ) );
		$variable->set_short_description( 'Lino lavato, tre misure.' );
		$variable->set_attributes( array( $attribute ) );
		$variable->set_status( 'publish' );
		$variable->save();
		++$this->counts['products'];
		foreach ( self::VARIABLE['sizes'] as list( $size, $price ) ) {
			$variation = new WC_Product_Variation();
			$variation->set_parent_id( $variable->get_id() );
			$variation->set_attributes( array( sanitize_title( self::VARIABLE['attribute'] ) => $size ) );
			$variation->set_sku( 'BD-' . ( ++$sku ) );
			$variation->set_regular_price( number_format( $price, 2, '.', '' ) );
			$variation->set_status( 'publish' );
			$variation->save();
			$this->products[ self::VARIABLE['name'] . ' ' . $size ] = $variation;
			++$this->counts['variations'];
		}
		WC_Product_Variable::sync( $variable->get_id() );
	}

	// --- people ------------------------------------------------------------------------------------------------------

	/**
	 * An Italian mobile written one of the ways people type it; now and then an awkward one.
	 *
	 * @return array{0:string,1:string} The phone as typed, and its national digits ('' when it is no usable number).
	 */
	private static function italian_phone(): array {
		$nsn = '3' . self::pick( array( '20', '28', '29', '31', '33', '34', '35', '38', '39', '40', '45', '47', '48', '49', '66', '88', '91', '93' ) ) . self::digits( 7 );
		$a   = substr( $nsn, 0, 3 );
		$b   = substr( $nsn, 3 );
		if ( self::chance( 0.06 ) ) {
			// Awkward but usable: spaces everywhere, a trunk zero in brackets, a leading and trailing blank.
			return array(
				self::pick( array( " $a  " . substr( $b, 0, 3 ) . '  ' . substr( $b, 3 ) . ' ', "+39 (0) $a $b", "+39 $a " . implode( ' ', str_split( $b, 2 ) ), "0039-$a-$b" ) ),
				$nsn,
			);
		}
		$formats = array( "+39 $a $b", "$a $b", "$a" . $b, '+39' . $nsn, "0039 $a $b", "$a " . substr( $b, 0, 3 ) . ' ' . substr( $b, 3 ), "$a-" . $b, "$a." . substr( $b, 0, 3 ) . '.' . substr( $b, 3 ), "$a/$b" );
		return array( self::pick( $formats ), $nsn );
	}

	/**
	 * @param int $count How many customers.
	 */
	public function make_customers( int $count ): void {
		$start = $this->until - 730 * DAY_IN_SECONDS;
		for ( $i = 1; $i <= $count; $i++ ) {
			self::in_batches();
			$first = self::pick( self::FIRST_NAMES );
			$last  = self::pick( self::LAST_NAMES );
			$city  = self::pick( self::CITIES );
			$c     = array(
				'first'    => $first,
				'last'     => $last,
				'email'    => sprintf( '%s.%s.%d@example.test', sanitize_title( $first ), str_replace( '-', '', sanitize_title( $last ) ), $i ),
				'country'  => 'IT',
				'city'     => $city[0],
				'state'    => $city[1],
				'postcode' => $city[2],
				'address'  => self::pick( self::STREETS ) . ' ' . self::r( 1, 180 ),
				'user_id'  => 0,
				// When they first bought: over the two years, more of them recently (a growing shop).
				'first_at' => $start + (int) ( 730 * DAY_IN_SECONDS * sqrt( self::r( 0, 1000000 ) / 1000000 ) ),
			);
			if ( self::chance( 0.06 ) ) {
				list( $country, $town, $postcode, $state, $format ) = self::pick( self::ABROAD );
				$c['country']  = $country;
				$c['city']     = $town;
				$c['postcode'] = $postcode;
				$c['state']    = $state;
				$c['phone']    = vsprintf( $format, array( self::r( 10000000, 99999999 ), self::r( 10, 99 ), self::r( 10, 99 ), self::r( 10, 99 ), self::r( 10, 99 ) ) );
				$c['nsn']      = preg_replace( '/\D/', '', $c['phone'] );
			} elseif ( self::chance( 0.05 ) ) {
				$c['phone'] = '';
				$c['nsn']   = '';
			} elseif ( self::chance( 0.03 ) ) {
				$c['phone'] = self::pick( array( '12345', 'nessuno', '333 12', 'chiamare dopo le 18' ) );
				$c['nsn']   = '';
			} elseif ( $i > 10 && self::chance( 0.04 ) ) {
				// A phone already given by another customer (a couple, a parent ordering for a child), typed otherwise.
				$other      = $this->customers[ self::r( 1, $i - 1 ) ];
				$c['nsn']   = $other['nsn'];
				$c['phone'] = '' === $other['nsn'] ? $other['phone'] : '+39 ' . $other['nsn'];
			} else {
				list( $c['phone'], $c['nsn'] ) = self::italian_phone();
			}
			$c['registered'] = self::chance( 0.7 );
			if ( $c['registered'] ) {
				$c['user_id'] = $this->register( $i, $c );
				++$this->counts['registered'];
			} else {
				++$this->counts['guests'];
			}
			$this->customers[ $i ] = $c;
		}
	}

	private function register( int $i, array $c ): int {
		$customer = new WC_Customer();
		$customer->set_username( sprintf( 'cliente%05d', $i ) );
		$customer->set_password( wp_generate_password( 24 ) );
		$customer->set_email( $c['email'] );
		$customer->set_first_name( $c['first'] );
		$customer->set_last_name( $c['last'] );
		$customer->set_display_name( $c['first'] . ' ' . $c['last'] );
		foreach ( array( 'billing', 'shipping' ) as $kind ) {
			$customer->{"set_{$kind}_first_name"}( $c['first'] );
			$customer->{"set_{$kind}_last_name"}( $c['last'] );
			$customer->{"set_{$kind}_address_1"}( $c['address'] );
			$customer->{"set_{$kind}_city"}( $c['city'] );
			$customer->{"set_{$kind}_state"}( $c['state'] );
			$customer->{"set_{$kind}_postcode"}( $c['postcode'] );
			$customer->{"set_{$kind}_country"}( $c['country'] );
		}
		$customer->set_billing_email( $c['email'] );
		$customer->set_billing_phone( $c['phone'] );
		$customer->add_meta_data( '_rondine_dev', '1', true );
		$customer->save();
		if ( ! $customer->get_id() ) {
			fwrite( STDERR, "cannot register customer $i\n" );
			exit( 1 );
		}
		// Registered a little before the first order. WooCommerce takes a new customer's date from WordPress's
		// registration time (now), so the account's registration date is set through WordPress's API.
		$registered = wp_update_user(
			array(
				'ID'              => $customer->get_id(),
				'user_registered' => gmdate( 'Y-m-d H:i:s', $c['first_at'] - self::r( 0, 20 ) * DAY_IN_SECONDS - self::r( 0, 86399 ) ),
			)
		);
		if ( is_wp_error( $registered ) ) {
			fwrite( STDERR, "cannot date customer $i's registration: " . $registered->get_error_message() . "\n" );
			exit( 1 );
		}
		return $customer->get_id();
	}

	// --- orders ------------------------------------------------------------------------------------------------------

	/**
	 * @param int $count How many orders (at least one per customer).
	 */
	public function make_orders( int $count ): void {
		$plan = array();
		foreach ( $this->customers as $i => $c ) {
			$plan[] = array( $i, $c['first_at'] );
		}
		$ids = array_keys( $this->customers );
		for ( $n = count( $plan ); $n < $count; $n++ ) {
			// Repeat orders go more to some customers than others: a customer from the first fifth, half of the time.
			$i      = self::chance( 0.5 ) ? $ids[ self::r( 0, max( 0, (int) ( count( $ids ) / 5 ) - 1 ) ) ] : self::pick( $ids );
			$from   = $this->customers[ $i ]['first_at'];
			$plan[] = array( $i, $from + (int) ( ( $this->until - $from ) * self::r( 0, 1000000 ) / 1000000 ) );
		}
		usort( $plan, static fn( $a, $b ) => $a[1] <=> $b[1] ?: $a[0] <=> $b[0] );
		$names = array_keys( $this->products );
		foreach ( $plan as list( $i, $at ) ) {
			self::in_batches();
			$age = $this->until - $at;
			if ( $age < 10 * DAY_IN_SECONDS ) {
				$status = self::pick( array( 'processing', 'processing', 'processing', 'completed', 'completed', 'cancelled' ) );
			} else {
				$roll   = self::r( 1, 100 );
				$status = $roll <= 82 ? 'completed' : ( $roll <= 88 ? 'partly-refunded' : ( $roll <= 93 ? 'refunded' : 'cancelled' ) );
			}
			$lines = array();
			for ( $k = self::r( 1, 3 ); $k > 0; $k-- ) {
				$lines[ self::pick( $names ) ] = self::r( 1, 100 ) <= 80 ? 1 : self::r( 2, 4 );
			}
			$this->make_order( $this->customers[ $i ], $at, $status, $lines );
		}
	}

	private function make_order( array $c, int $at, string $status, array $lines ): void {
		$order = new WC_Order();
		$order->set_created_via( 'checkout' );
		$order->set_customer_id( $c['user_id'] );
		$order->set_currency( 'EUR' );
		$order->set_prices_include_tax( false );
		foreach ( array( 'billing', 'shipping' ) as $kind ) {
			$order->{"set_{$kind}_first_name"}( $c['first'] );
			$order->{"set_{$kind}_last_name"}( $c['last'] );
			$order->{"set_{$kind}_address_1"}( $c['address'] );
			$order->{"set_{$kind}_city"}( $c['city'] );
			$order->{"set_{$kind}_state"}( $c['state'] );
			$order->{"set_{$kind}_postcode"}( $c['postcode'] );
			$order->{"set_{$kind}_country"}( $c['country'] );
		}
		$order->set_billing_email( $c['email'] );
		$order->set_billing_phone( $c['phone'] );
		$order->set_payment_method( 'cod' );
		$order->set_payment_method_title( 'Pagamento alla consegna' );
		$order->set_date_created( $at );
		foreach ( $lines as $name => $quantity ) {
			$order->add_product( $this->products[ $name ], $quantity );
		}
		$subtotal = 0.0;
		foreach ( $order->get_items() as $item ) {
			$subtotal += (float) $item->get_total();
		}
		if ( $subtotal < 60 ) {
			$shipping = new WC_Order_Item_Shipping();
			$shipping->set_method_title( 'Spedizione standard' );
			$shipping->set_method_id( 'flat_rate' );
			$shipping->set_total( '5.90' );
			$order->add_item( $shipping );
		}
		$order->calculate_totals( false );
		$final = 'partly-refunded' === $status || 'refunded' === $status ? 'completed' : $status;
		$order->set_status( $final );
		if ( 'completed' === $final || 'processing' === $final ) {
			$order->set_date_paid( $at + self::r( 60, 3600 ) );
		}
		if ( 'completed' === $final ) {
			$order->set_date_completed( min( $this->until, $at + self::r( 1, 5 ) * DAY_IN_SECONDS ) );
		}
		$order->save();
		++$this->counts['orders'];

		if ( 'refunded' === $status || 'partly-refunded' === $status ) {
			// A full refund gives back the lines and the shipping, each as its own refunded item.
			$items  = 'refunded' === $status ? $order->get_items( array( 'line_item', 'shipping' ) ) : $order->get_items();
			$refund = array();
			$amount = 0.0;
			foreach ( $items as $item_id => $item ) {
				$refund[ $item_id ] = array(
					'qty'          => $item->is_type( 'shipping' ) ? 0 : $item->get_quantity(),
					'refund_total' => (float) $item->get_total(),
				);
				$amount            += (float) $item->get_total();
				if ( 'partly-refunded' === $status ) {
					break; // The first line only: the rest was kept.
				}
			}
			if ( 'refunded' === $status ) {
				$amount = (float) $order->get_total();
			}
			$result = wc_create_refund(
				array(
					'order_id'       => $order->get_id(),
					'amount'         => wc_format_decimal( $amount, 2 ),
					'reason'         => 'refunded' === $status ? 'Reso completo' : 'Articolo arrivato rotto',
					'line_items'     => $refund,
					'refund_payment' => false,
					'restock_items'  => false,
					'date_created'   => min( $this->until, $at + self::r( 6, 20 ) * DAY_IN_SECONDS ),
				)
			);
			if ( is_wp_error( $result ) ) {
				fwrite( STDERR, 'cannot refund order ' . $order->get_id() . ': ' . $result->get_error_message() . "\n" );
				exit( 1 );
			}
			++$this->counts['refunds'];
		}
	}

	/** @return array<int,array<string,mixed>> */
	public function customers(): array {
		return $this->customers;
	}
}

/**
 * Runs WooCommerce's due queued actions (Action Scheduler) until its analytics import has nothing pending. WooCommerce
 * schedules an order's import 5 seconds after an update of the order, but not after the save that creates it (an order
 * saved once, as an import or an API client makes it, waits for the historical import), so with $import_history the
 * historical import runs too, as "Import historical data" in WooCommerce > Settings > Advanced > Analytics does it:
 * ReportsSync::regenerate_report_data() for every day, skipping what is imported already.
 *
 * @return int How many actions ran.
 */
function rondine_dev_run_woocommerce_queue( int $max_seconds = 120, bool $import_history = true ): int {
	$started = time();
	$ran     = rondine_dev_run_due_actions( $started + $max_seconds );
	if ( $import_history ) {
		$result = \Automattic\WooCommerce\Admin\ReportsSync::regenerate_report_data( null, true );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, "WooCommerce's analytics import did not start: " . $result->get_error_message() . "\n" );
			exit( 1 );
		}
		$ran += rondine_dev_run_due_actions( $started + $max_seconds );
	}
	return $ran;
}

/**
 * Runs due actions until WooCommerce's analytics group has none pending (waiting for those scheduled a few seconds
 * ahead), each batch in a transaction.
 */
function rondine_dev_run_due_actions( int $deadline ): int {
	global $wpdb;
	$runner = ActionScheduler_QueueRunner::instance();
	$ran    = 0;
	add_filter( 'action_scheduler_queue_runner_time_limit', static fn() => 60 );
	add_filter( 'action_scheduler_queue_runner_batch_size', static fn() => 200 );
	while ( time() < $deadline ) {
		$wpdb->query( 'START TRANSACTION' );
		$done = (int) $runner->run( 'WP CLI' );
		$wpdb->query( 'COMMIT' );
		$ran += $done;
		$left = as_get_scheduled_actions(
			array(
				'group'    => 'wc-admin-data',
				'status'   => ActionScheduler_Store::STATUS_PENDING,
				'per_page' => 1,
			),
			'ids'
		);
		if ( ! $left && 0 === $done && ! \Automattic\WooCommerce\Admin\ReportsSync::is_importing() ) {
			return $ran;
		}
		if ( 0 === $done ) {
			sleep( 1 ); // Scheduled a few seconds ahead: wait until they are due.
		}
	}
	fwrite( STDERR, "WooCommerce's queued actions did not finish in time\n" );
	exit( 1 );
}

if ( realpath( $_SERVER['SCRIPT_FILENAME'] ?? '' ) === __FILE__ ) {
	$rondine_options   = getopt( '', array( 'customers:', 'orders:', 'seed:', 'until:' ) );
	$rondine_customers = (int) ( $rondine_options['customers'] ?? 200 );
	$rondine_orders    = (int) ( $rondine_options['orders'] ?? 3 * $rondine_customers );
	$rondine_seed      = (int) ( $rondine_options['seed'] ?? 1 );
	$rondine_until     = isset( $rondine_options['until'] ) ? strtotime( $rondine_options['until'] . ' 12:00:00 UTC' ) : strtotime( gmdate( 'Y-m-d' ) . ' 12:00:00 UTC' );
	if ( $rondine_customers < 1 || $rondine_orders < $rondine_customers || ! $rondine_until ) {
		fwrite( STDERR, "demo.php: --customers >= 1, --orders >= --customers, --until YYYY-MM-DD\n" );
		exit( 2 );
	}
	if ( ! class_exists( 'WooCommerce' ) ) {
		fwrite( STDERR, "demo.php: WooCommerce is not active\n" );
		exit( 1 );
	}
	if ( get_option( 'rondine_dev_shop' ) ) {
		fwrite( STDERR, 'demo.php: this shop already has its demo data (' . wp_json_encode( get_option( 'rondine_dev_shop' ) ) . ")\n" );
		exit( 3 );
	}

	// Mail cannot be sent here, and nobody should get the demo shop's order and account emails.
	add_filter( 'pre_wp_mail', '__return_false' );
	add_filter( 'woocommerce_email_enabled_customer_new_account', '__return_false' );
	foreach ( WC()->mailer()->get_emails() as $rondine_email ) {
		add_filter( 'woocommerce_email_enabled_' . $rondine_email->id, '__return_false' );
	}
	// The demo customers never log in (their passwords are random and thrown away): their hashes use bcrypt's lowest
	// cost, so that registering them is not mostly hashing.
	add_filter( 'wp_hash_password_options', static fn( $options ) => array_merge( (array) $options, array( 'cost' => 4 ) ) );
	wp_set_current_user( 1 );

	$rondine_started = microtime( true );
	Rondine_Dev_Demo_Shop::seed( $rondine_seed );
	$rondine_shop = new Rondine_Dev_Demo_Shop( $rondine_until );
	$rondine_shop->make_products();
	$rondine_shop->make_customers( $rondine_customers );
	fwrite( STDERR, sprintf( "products and customers in %.1f s\n", microtime( true ) - $rondine_started ) );
	$rondine_shop->make_orders( $rondine_orders );
	$GLOBALS['wpdb']->query( 'COMMIT' );
	$rondine_made = microtime( true );
	$rondine_ran  = rondine_dev_run_woocommerce_queue();
	$rondine_done = microtime( true );

	// About 70% of customers with a usable phone have agreed to marketing messages; consent.php wants their
	// wc_customer_lookup ids, which WooCommerce's import has just written.
	global $wpdb;
	$rondine_opted_in = array();
	foreach ( $rondine_shop->customers() as $rondine_customer ) {
		if ( '' === $rondine_customer['nsn'] || Rondine_Dev_Demo_Shop::r( 1, 100 ) > 70 ) {
			continue;
		}
		$rondine_id = $rondine_customer['user_id']
			? $wpdb->get_var( $wpdb->prepare( "SELECT customer_id FROM {$wpdb->prefix}wc_customer_lookup WHERE user_id = %d", $rondine_customer['user_id'] ) )
			: $wpdb->get_var( $wpdb->prepare( "SELECT customer_id FROM {$wpdb->prefix}wc_customer_lookup WHERE user_id IS NULL AND email = %s", $rondine_customer['email'] ) );
		if ( $rondine_id ) {
			$rondine_opted_in[] = array( 'customer_id' => (int) $rondine_id );
		}
	}
	$rondine_consent = rondine_dev_record_marketing_consent( $rondine_opted_in, $rondine_until );

	$rondine_summary = array(
		'source'    => 'woocommerce-api',
		'customers' => $rondine_customers,
		'orders'    => $rondine_orders,
		'seed'      => $rondine_seed,
		'mode'      => (string) get_option( 'rondine_dev_order_storage', 'hpos' ),
		'until'     => gmdate( 'Y-m-d', $rondine_until ),
		'made'      => $rondine_shop->counts,
		'actions'   => $rondine_ran,
		'opted_in'  => count( $rondine_opted_in ),
		'consent'   => $rondine_consent,
		'seconds'   => array(
			'shop'    => round( $rondine_made - $rondine_started, 1 ),
			'queue'   => round( $rondine_done - $rondine_made, 1 ),
			'consent' => round( microtime( true ) - $rondine_done, 1 ),
		),
	);
	update_option( 'rondine_dev_shop', $rondine_summary, false );
	wp_cache_flush();
	fwrite( STDERR, 'demo shop: ' . wp_json_encode( $rondine_summary ) . "\n" );
}
