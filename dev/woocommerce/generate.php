<?php
/**
 * Generates a WooCommerce shop's data, deterministically from a seed: products in categories, customers in IT, DE, FR,
 * ES, GB and US (registered users and guests, phones in the many ways people type them, some invalid, some shared,
 * some empty), two years of orders with line items, and every lookup table filled consistently.
 *
 * Usage: RONDINE_WP_DIR=<env>/wordpress php generate.php [--customers=500] [--orders=3×customers] [--seed=1]
 *            [--mode=hpos|legacy|both] [--until=YYYY-MM-DD] [--reset]
 *
 * Rows go in with multi-row INSERTs in large batches, so 200k customers and 1M orders are practical for benchmarks.
 * The shop must be empty of generated data; --reset removes what an earlier run generated first.
 *
 * @package Rondine\Dev
 */

require_once dirname( __DIR__ ) . '/wp/bootstrap.php';
require_once __DIR__ . '/schema.php';
require_once __DIR__ . '/consent.php';

/**
 * Collects rows per table and writes them as multi-row INSERTs.
 */
final class Rondine_Dev_Batch_Writer {
	/** @var mysqli */
	private $db;
	/** @var array<string,array{columns:string,rows:string[],bytes:int}> */
	private $tables = array();
	/** @var array<string,int> */
	public $counts = array();

	public function __construct( mysqli $db ) {
		$this->db = $db;
	}

	/**
	 * @param string  $table   Table name.
	 * @param array   $columns Column names.
	 * @param mixed[] $values  One value per column: null, int, float or string.
	 */
	public function add( string $table, array $columns, array $values ): void {
		if ( ! isset( $this->tables[ $table ] ) ) {
			$this->tables[ $table ] = array(
				'columns' => '`' . implode( '`,`', $columns ) . '`',
				'rows'    => array(),
				'bytes'   => 0,
			);
			$this->counts[ $table ] = 0;
		}
		$sql = array();
		foreach ( $values as $value ) {
			if ( null === $value ) {
				$sql[] = 'NULL';
			} elseif ( is_int( $value ) || is_float( $value ) ) {
				$sql[] = (string) $value;
			} else {
				$sql[] = "'" . $this->db->real_escape_string( $value ) . "'";
			}
		}
		$row                               = '(' . implode( ',', $sql ) . ')';
		$this->tables[ $table ]['rows'][]  = $row;
		$this->tables[ $table ]['bytes']  += strlen( $row );
		++$this->counts[ $table ];
		if ( $this->tables[ $table ]['bytes'] > 4 * 1024 * 1024 ) {
			$this->flush_table( $table );
		}
	}

	public function flush(): void {
		foreach ( array_keys( $this->tables ) as $table ) {
			$this->flush_table( $table );
		}
	}

	private function flush_table( string $table ): void {
		if ( empty( $this->tables[ $table ]['rows'] ) ) {
			return;
		}
		$sql = "INSERT INTO `$table` ({$this->tables[ $table ]['columns']}) VALUES " . implode( ',', $this->tables[ $table ]['rows'] );
		if ( ! $this->db->query( $sql ) ) {
			fwrite( STDERR, "insert into $table failed: {$this->db->error}\n" );
			exit( 1 );
		}
		$this->tables[ $table ]['rows']  = array();
		$this->tables[ $table ]['bytes'] = 0;
	}
}

/**
 * The generator. Every random choice goes through mt_rand() seeded once, so a seed gives the same shop every time.
 */
final class Rondine_Dev_Shop_Generator {
	const COUNTRIES = array(
		// country => weight, VAT rate, cities [city, state, postcode prefix].
		'IT' => array( 55, 22, array( array( 'Roma', 'RM', '001' ), array( 'Milano', 'MI', '201' ), array( 'Napoli', 'NA', '801' ), array( 'Torino', 'TO', '101' ), array( 'Firenze', 'FI', '501' ), array( 'Bologna', 'BO', '401' ), array( 'Palermo', 'PA', '901' ), array( 'Forlì', 'FC', '471' ) ) ),
		'DE' => array( 14, 19, array( array( 'Berlin', 'BE', '101' ), array( 'München', 'BY', '803' ), array( 'Köln', 'NW', '506' ), array( 'Hamburg', 'HH', '203' ), array( 'Düsseldorf', 'NW', '402' ) ) ),
		'FR' => array( 10, 20, array( array( 'Paris', '', '750' ), array( 'Lyon', '', '690' ), array( 'Marseille', '', '130' ), array( 'Nîmes', '', '300' ), array( 'Besançon', '', '250' ) ) ),
		'ES' => array( 9, 21, array( array( 'Madrid', 'M', '280' ), array( 'Barcelona', 'B', '080' ), array( 'Sevilla', 'SE', '410' ), array( 'Málaga', 'MA', '290' ), array( 'A Coruña', 'C', '150' ) ) ),
		'GB' => array( 7, 0, array( array( 'London', '', 'SW1A ' ), array( 'Manchester', '', 'M1 ' ), array( 'Edinburgh', '', 'EH1 ' ), array( 'Bristol', '', 'BS1 ' ) ) ),
		'US' => array( 5, 0, array( array( 'New York', 'NY', '100' ), array( 'San Francisco', 'CA', '941' ), array( 'Chicago', 'IL', '606' ), array( 'Boston', 'MA', '021' ), array( 'Seattle', 'WA', '981' ) ) ),
	);

	const FIRST_NAMES = array(
		'IT' => array( 'Giulia', 'Niccolò', 'Nicolò', 'Francesca', 'Luca', 'Chiara', 'Alessandro', 'Martina', 'Lorenzo', 'Sofia', 'Matteo', 'Aurora', 'Mattia', 'Beatrice', 'Andrea', 'Giorgia', 'Davide', 'Federica', 'Gabriele', 'Ilaria', 'Tommaso', 'Noemi', 'Raffaele', 'Lucrezia' ),
		'DE' => array( 'Jürgen', 'Lukas', 'Anna', 'Leonie', 'Felix', 'Jörg', 'Käthe', 'Maximilian', 'Sophie', 'Björn', 'Mia', 'Hannah', 'Paul', 'Günther', 'Lena' ),
		'FR' => array( 'François', 'Chloé', 'Hélène', 'Zoë', 'Léa', 'Émile', 'Camille', 'Jérôme', 'Manon', 'Gaëlle', 'Louis', 'Inès', 'Théo', 'Anaïs', 'Noël' ),
		'ES' => array( 'José', 'Lucía', 'Begoña', 'Íñigo', 'María', 'Sofía', 'Martín', 'Ángel', 'Paula', 'Álvaro', 'Nuria', 'Jesús', 'Ainhoa', 'Rocío', 'Sergio' ),
		'GB' => array( 'Oliver', 'Amelia', 'Siobhán', 'George', 'Isla', 'Harry', 'Ava', 'Noah', 'Freya', 'Seán', 'Emily', 'Jack' ),
		'US' => array( 'James', 'Olivia', 'Liam', 'Emma', 'Mason', 'Harper', 'Ethan', 'Zoë', 'Logan', 'Chloe', 'Aiden', 'Renée' ),
	);

	const LAST_NAMES = array(
		'IT' => array( 'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', "D'Amico", 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti', 'Fabbri', 'Barbieri', 'Lo Iacono' ),
		'DE' => array( 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Meyer', 'Wagner', 'Becker', 'Schäfer', 'Koch', 'Groß', 'Köhler' ),
		'FR' => array( 'Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Lefebvre', 'Girard', 'Rousseau', 'Faure', 'Mercier', 'Gérard', 'Lemaître', 'Chevalier' ),
		'ES' => array( 'García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz', 'Jiménez', 'Ibáñez' ),
		'GB' => array( 'Smith', 'Jones', 'Taylor', 'Brown', "O'Brien", 'Williams', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Roberts', 'Walsh' ),
		'US' => array( 'Johnson', 'Williams', 'Miller', 'Davis', 'García', 'Rodriguez', 'Anderson', 'Thompson', 'White', 'Harris', 'Nguyen', 'Kowalski' ),
	);

	const CATALOGUE = array(
		'Ceramiche'      => array( array( 'Piatto fondo Deruta', 18.50 ), array( 'Tazza da caffè dipinta a mano', 9.90 ), array( 'Brocca in maiolica', 42.00 ), array( 'Set di 6 ciotole', 54.00 ), array( 'Vaso di Caltagirone', 89.00 ), array( 'Teiera smaltata', 36.00 ), array( 'Portauovo a gallina', 12.00 ), array( 'Piastrella decorativa', 7.50 ) ),
		'Tessuti'        => array( array( 'Tovaglia in lino 160×220', 79.00 ), array( 'Strofinacci (3 pezzi)', 19.00 ), array( 'Runner da tavola', 29.00 ), array( 'Grembiule da cucina', 24.00 ), array( 'Cuscino ricamato', 34.00 ), array( 'Plaid in lana merino', 120.00 ) ),
		'Dispensa'       => array( array( 'Olio extravergine 0,75 l', 16.90 ), array( 'Pasta di Gragnano 1 kg', 4.20 ), array( 'Pomodorini del Piennolo', 6.80 ), array( 'Miele di castagno', 9.50 ), array( 'Aceto balsamico IGP', 14.00 ), array( 'Caffè macinato 250 g', 7.90 ), array( 'Taralli al finocchio', 3.90 ), array( 'Colatura di alici', 12.50 ) ),
		'Cucina'         => array( array( 'Moka 6 tazze', 32.00 ), array( 'Mattarello in faggio', 15.00 ), array( 'Tagliere in ulivo', 39.00 ), array( 'Grattugia in acciaio', 11.00 ), array( 'Coltello da pane', 28.00 ) ),
		'Casa'           => array( array( 'Candela alla zagara', 18.00 ), array( 'Cesto in vimini', 26.00 ), array( 'Sapone di Marsiglia', 5.50 ), array( 'Diffusore al fico', 31.00 ) ),
		'Regali'         => array( array( 'Cesto regalo "Sud"', 65.00 ), array( 'Buono regalo 50 €', 50.00 ), array( 'Cofanetto degustazione', 48.00 ) ),
		'Carta'          => array( array( 'Quaderno rilegato a mano', 14.00 ), array( 'Biglietti di auguri (5)', 8.00 ), array( 'Calendario illustrato', 17.00 ) ),
		'Saldi'          => array( array( 'Tazza seconda scelta', 4.00 ), array( 'Tovagliolo spaiato', 2.50 ) ),
	);

	const STATUSES = array(
		// status => weight for orders older than 30 days, weight for recent ones.
		'completed'  => array( 80, 45 ),
		'processing' => array( 0, 25 ),
		'refunded'   => array( 5, 2 ),
		'cancelled'  => array( 7, 5 ),
		'on-hold'    => array( 2, 10 ),
		'pending'    => array( 6, 13 ),
	);

	const PAYMENT_METHODS = array(
		array( 'stripe', 'Carta di credito' ),
		array( 'ppcp-gateway', 'PayPal' ),
		array( 'bacs', 'Bonifico bancario' ),
		array( 'cod', 'Contrassegno' ),
	);

	/** @var wpdb */
	private $wpdb;
	/** @var Rondine_Dev_Batch_Writer */
	private $out;
	/** @var string */
	private $mode;
	/** @var int */
	private $until;
	/** @var array<int,array> */
	private $products = array();
	/** @var array<int,array> customers by index */
	private $customers = array();

	public function __construct( wpdb $wpdb, string $mode, int $until ) {
		$this->wpdb  = $wpdb;
		$this->mode  = $mode;
		$this->until = $until;
		$this->out   = new Rondine_Dev_Batch_Writer( $wpdb->dbh );
	}

	public function counts(): array {
		return $this->out->counts;
	}

	// --- random helpers ----------------------------------------------------------------------------------------------

	private static function pick( array $items ) {
		return $items[ mt_rand( 0, count( $items ) - 1 ) ];
	}

	private static function chance( float $probability ): bool {
		return mt_rand() / mt_getrandmax() < $probability;
	}

	private static function digits( int $count ): string {
		$digits = '';
		for ( $i = 0; $i < $count; $i++ ) {
			$digits .= (string) mt_rand( 0, 9 );
		}
		return $digits;
	}

	private static function weighted( array $weights ): string {
		$roll = mt_rand( 1, (int) array_sum( $weights ) );
		foreach ( $weights as $key => $weight ) {
			$roll -= $weight;
			if ( $roll <= 0 ) {
				return (string) $key;
			}
		}
		return (string) array_key_last( $weights );
	}

	/**
	 * The shop's local time (Europe/Rome) for a timestamp, as WooCommerce stores non-GMT dates.
	 */
	private static function local( int $timestamp ): string {
		static $clock = null;
		if ( null === $clock ) {
			$clock = new DateTime( 'now', new DateTimeZone( 'Europe/Rome' ) );
		}
		return $clock->setTimestamp( $timestamp )->format( 'Y-m-d H:i:s' );
	}

	private static function slug( string $text ): string {
		$ascii = strtolower( (string) iconv( 'UTF-8', 'ASCII//TRANSLIT', $text ) );
		return trim( (string) preg_replace( '/[^a-z0-9]+/', '-', $ascii ), '-' );
	}

	// --- phones ------------------------------------------------------------------------------------------------------

	/**
	 * A mobile number's national significant digits for a country.
	 */
	private static function mobile_nsn( string $country ): string {
		switch ( $country ) {
			case 'IT':
				return '3' . self::pick( array( '20', '27', '28', '29', '31', '33', '34', '35', '38', '39', '40', '45', '47', '48', '49', '66', '88', '89', '91', '93' ) ) . self::digits( 7 );
			case 'DE':
				return '1' . self::pick( array( '51', '52', '57', '60', '62', '70', '71', '72', '75', '76', '79' ) ) . self::digits( 8 );
			case 'FR':
				// Mobile ranges in use: 60-62, 64-68, 73-79 (63x and 69x are only partly allocated).
				return self::pick( array( '60', '61', '62', '64', '65', '66', '67', '68', '73', '74', '75', '76', '77', '78', '79' ) ) . self::digits( 7 );
			case 'ES':
				// 6xx, and 71-74 (75+ are not allocated).
				return self::pick( array( '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '71', '72', '73', '74' ) ) . self::digits( 7 );
			case 'GB':
				return '7' . self::pick( array( '4', '5', '7', '8', '9' ) ) . (string) mt_rand( 0, 9 ) . self::digits( 7 );
			default:
				return self::pick( array( '212', '415', '312', '617', '206', '646', '713', '303' ) ) . (string) mt_rand( 2, 9 ) . self::pick( array( '23', '47', '61', '89', '04', '36' ) ) . self::digits( 4 );
		}
	}

	/**
	 * The same number written the way a person of that country might type it in a checkout form.
	 */
	private static function format_phone( string $country, string $nsn ): string {
		$cc = array(
			'IT' => '39',
			'DE' => '49',
			'FR' => '33',
			'ES' => '34',
			'GB' => '44',
			'US' => '1',
		)[ $country ];
		switch ( $country ) {
			case 'IT':
				$a = substr( $nsn, 0, 3 );
				$b = substr( $nsn, 3 );
				return self::pick(
					array(
						"+39 $a $b",
						"0039 $a$b",
						"$a$b",
						"$a " . substr( $b, 0, 3 ) . ' ' . substr( $b, 3 ),
						"$a-" . substr( $b, 0, 3 ) . '-' . substr( $b, 3 ),
						"$a." . substr( $b, 0, 3 ) . '.' . substr( $b, 3 ),
						"+39$a$b",
						"(+39) $a $b",
						"$a/$b",
					)
				);
			case 'DE':
				return self::pick(
					array(
						'+49 ' . substr( $nsn, 0, 3 ) . ' ' . substr( $nsn, 3 ),
						'0' . substr( $nsn, 0, 3 ) . ' ' . substr( $nsn, 3 ),
						'0049 ' . substr( $nsn, 0, 3 ) . ' ' . substr( $nsn, 3 ),
						'0' . substr( $nsn, 0, 4 ) . '/' . substr( $nsn, 4 ),
						'+49 (0)' . substr( $nsn, 0, 3 ) . ' ' . substr( $nsn, 3 ),
					)
				);
			case 'FR':
				$pairs = implode( ' ', str_split( '0' . $nsn, 2 ) );
				return self::pick(
					array(
						$pairs,
						'+33 ' . substr( $nsn, 0, 1 ) . ' ' . implode( ' ', str_split( substr( $nsn, 1 ), 2 ) ),
						'0033' . $nsn,
						str_replace( ' ', '.', $pairs ),
						'0' . $nsn,
					)
				);
			case 'ES':
				return self::pick(
					array(
						'+34 ' . implode( ' ', str_split( $nsn, 3 ) ),
						$nsn,
						'0034 ' . substr( $nsn, 0, 3 ) . ' ' . implode( ' ', str_split( substr( $nsn, 3 ), 2 ) ),
						implode( '-', str_split( $nsn, 3 ) ),
					)
				);
			case 'GB':
				return self::pick(
					array(
						'0' . substr( $nsn, 0, 4 ) . ' ' . substr( $nsn, 4 ),
						'+44 ' . substr( $nsn, 0, 4 ) . ' ' . substr( $nsn, 4 ),
						'+44 (0)' . substr( $nsn, 0, 4 ) . ' ' . substr( $nsn, 4 ),
						'0044' . $nsn,
					)
				);
			default:
				$area = substr( $nsn, 0, 3 );
				$ex   = substr( $nsn, 3, 3 );
				$line = substr( $nsn, 6 );
				return self::pick( array( "($area) $ex-$line", "$area-$ex-$line", "+1 $area $ex $line", "1-$area-$ex-$line", "$area.$ex.$line", "+$cc$nsn" ) );
		}
	}

	/**
	 * What customers type when the phone field is not a phone number.
	 */
	private static function invalid_phone(): string {
		return self::pick(
			array(
				'333 12',
				'12345',
				'+39 000 000',
				'n/a',
				'nessuno',
				'0000000000',
				'+' . self::digits( 17 ),
				'chiamare dopo le 18',
				'+49 151',
				'tel: ' . self::digits( 3 ),
				'1',
				'++44 ' . self::digits( 2 ),
			)
		);
	}

	private static function street( string $country ): string {
		$number = (string) mt_rand( 1, 180 );
		switch ( $country ) {
			case 'IT':
				return self::pick( array( 'Via Roma', 'Corso Italia', 'Piazza Garibaldi', 'Via dei Mille', 'Viale Mazzini', 'Vicolo Stretto' ) ) . ' ' . $number;
			case 'DE':
				return self::pick( array( 'Hauptstraße', 'Schillerstraße', 'Gartenweg', 'Bahnhofstraße' ) ) . ' ' . $number;
			case 'FR':
				return $number . ' ' . self::pick( array( 'rue de la Paix', 'avenue Jean Jaurès', 'boulevard Saint-Michel', 'place de l\'Église' ) );
			case 'ES':
				return self::pick( array( 'Calle Mayor', 'Avenida de la Constitución', 'Plaza de España', 'Calle del Carmen' ) ) . ', ' . $number;
			case 'GB':
				return $number . ' ' . self::pick( array( 'High Street', 'Station Road', 'Church Lane', 'Victoria Road' ) );
			default:
				return $number . ' ' . self::pick( array( 'Main Street', 'Oak Avenue', 'Maple Drive', 'Park Avenue' ) );
		}
	}

	/** The WooCommerce version orders are stamped with: the running one, or the one the schema copy follows. */
	private static function wc_version(): string {
		return defined( 'WC_VERSION' ) ? WC_VERSION : '9.4.0';
	}

	/** An amount as wc_format_decimal() stores it without a precision: no trailing zeros ("6.9", "0"). */
	private static function decimal( float $value ): string {
		$text = rtrim( rtrim( number_format( $value, 2, '.', '' ), '0' ), '.' );
		return '-0' === $text ? '0' : $text;
	}

	// --- catalogue ---------------------------------------------------------------------------------------------------

	private function generate_products(): void {
		// Without WooCommerce loaded (a database only), the types its rows need; WooCommerce registers its own.
		if ( ! post_type_exists( 'product' ) ) {
			register_post_type( 'product' );
			register_taxonomy( 'product_cat', 'product' );
			register_taxonomy( 'product_type', 'product' );
		}
		$simple = wp_insert_term( 'simple', 'product_type' );
		$simple = is_wp_error( $simple ) ? (int) $simple->get_error_data( 'term_exists' ) : (int) $simple['term_id'];

		$sku = 1000;
		foreach ( self::CATALOGUE as $category => $items ) {
			$term = wp_insert_term( $category, 'product_cat', array( 'slug' => self::slug( $category ) ) );
			if ( is_wp_error( $term ) ) {
				fwrite( STDERR, "cannot create the category $category: " . $term->get_error_message() . "\n" );
				exit( 1 );
			}
			// WooCommerce fills its category lookup itself when a category is created.
			if ( ! class_exists( 'WooCommerce' ) ) {
				$this->out->add( $this->wpdb->prefix . 'wc_category_lookup', array( 'category_tree_id', 'category_id' ), array( (int) $term['term_id'], (int) $term['term_id'] ) );
			}
			foreach ( $items as list( $name, $price ) ) {
				++$sku;
				$stock = self::chance( 0.1 ) ? 'outofstock' : 'instock';
				$id    = wp_insert_post(
					array(
						'post_type'    => 'product',
						'post_status'  => 'publish',
						'post_title'   => $name,
						'post_name'    => self::slug( $name ),
						'post_content' => '',
						'post_date'    => gmdate( 'Y-m-d H:i:s', $this->until - 3 * YEAR_IN_SECONDS ),
						'meta_input'   => array(
							'_sku'           => 'BD-' . $sku,
							'_price'         => number_format( $price, 2, '.', '' ),
							'_regular_price' => number_format( $price, 2, '.', '' ),
							'_stock_status'  => $stock,
							'_manage_stock'  => 'no',
							'_tax_status'    => 'taxable',
							'_virtual'       => 'no',
							'_downloadable'  => 'no',
							'_rondine_dev'   => '1',
						),
					),
					true
				);
				if ( is_wp_error( $id ) ) {
					fwrite( STDERR, "cannot create the product $name: " . $id->get_error_message() . "\n" );
					exit( 1 );
				}
				wp_set_object_terms( $id, array( (int) $term['term_id'] ), 'product_cat' );
				wp_set_object_terms( $id, array( $simple ), 'product_type' );
				$this->products[] = array(
					'id'          => $id,
					'name'        => $name,
					'price'       => $price,
					'sku'         => 'BD-' . $sku,
					'stock'       => $stock,
					'total_sales' => 0,
				);
			}
		}
	}

	private function write_product_lookup(): void {
		foreach ( $this->products as $product ) {
			$this->out->add(
				$this->wpdb->prefix . 'wc_product_meta_lookup',
				array( 'product_id', 'sku', 'global_unique_id', 'virtual', 'downloadable', 'min_price', 'max_price', 'onsale', 'stock_quantity', 'stock_status', 'rating_count', 'average_rating', 'total_sales', 'tax_status', 'tax_class' ),
				array( $product['id'], $product['sku'], '', 0, 0, $product['price'], $product['price'], 0, null, $product['stock'], 0, 0, $product['total_sales'], 'taxable', '' )
			);
			update_post_meta( $product['id'], 'total_sales', $product['total_sales'] );
		}
	}

	// --- customers ---------------------------------------------------------------------------------------------------

	/**
	 * Customers: about 60% registered (WordPress users with billing meta), the rest guests known only from their orders.
	 *
	 * @param int $count How many.
	 */
	private function generate_customers( int $count ): void {
		$p          = $this->wpdb->prefix;
		$next_user  = (int) $this->wpdb->get_var( "SELECT COALESCE(MAX(ID),0) FROM {$this->wpdb->users}" ) + 1;
		$next_cust  = (int) $this->wpdb->get_var( "SELECT COALESCE(MAX(customer_id),0) FROM {$p}wc_customer_lookup" ) + 1;
		$weights    = array_map( static fn( $c ) => $c[0], self::COUNTRIES );
		$hash       = wp_hash_password( wp_generate_password( 24 ) );
		$shared     = array();
		$email_seen = array();

		for ( $i = 0; $i < $count; $i++ ) {
			$country = self::weighted( $weights );
			$first   = self::pick( self::FIRST_NAMES[ $country ] );
			$last    = self::pick( self::LAST_NAMES[ $country ] );
			$place   = self::pick( self::COUNTRIES[ $country ][2] );
			$nsn     = self::mobile_nsn( $country );
			$roll    = mt_rand() / mt_getrandmax();
			if ( $roll < 0.03 ) {
				$phone = self::invalid_phone();
				$nsn   = '';
			} elseif ( $roll < 0.05 ) {
				$phone = '';
				$nsn   = '';
			} elseif ( $roll < 0.065 && ! empty( $shared ) ) {
				// A family or a small business: two customers, one phone.
				list( $country, $nsn ) = self::pick( $shared );
				$phone                 = self::format_phone( $country, $nsn );
			} else {
				$phone = self::format_phone( $country, $nsn );
				if ( count( $shared ) < 2000 && self::chance( 0.05 ) ) {
					$shared[] = array( $country, $nsn );
				}
			}

			$local = self::slug( $first ) . '.' . self::slug( $last );
			$email = $local . '@' . self::pick( array( 'example.com', 'example.org', 'example.net', 'posta.example', 'mail.example' ) );
			if ( isset( $email_seen[ $email ] ) ) {
				$email = $local . ( $i + 1 ) . '@' . substr( $email, strpos( $email, '@' ) + 1 );
			}
			$email_seen[ $email ] = true;
			if ( count( $email_seen ) > 50000 ) {
				$email_seen = array();
			}

			$registered = self::chance( 0.6 );
			$customer   = array(
				'customer_id' => $next_cust++,
				'user_id'     => $registered ? $next_user++ : 0,
				'first_name'  => $first,
				'last_name'   => $last,
				'email'       => $email,
				'country'     => $country,
				'city'        => $place[0],
				'state'       => $place[1],
				'postcode'    => 'GB' === $country ? $place[2] . mt_rand( 1, 9 ) . chr( mt_rand( 65, 90 ) ) . chr( mt_rand( 65, 90 ) ) : $place[2] . str_pad( (string) mt_rand( 0, 99 ), 2, '0', STR_PAD_LEFT ),
				'address'     => self::street( $country ),
				'phone'       => $phone,
				'nsn'         => $nsn,
				'orders'      => 0,
				'first_order' => null,
				'counted_orders' => 0,
				'last_order'  => null,
			);
			$this->customers[ $i ] = $customer;

			if ( $registered ) {
				$this->write_user( $customer, $hash );
			}
		}
	}

	private function write_user( array $c, string $hash ): void {
		$login = 'cliente' . $c['user_id'];
		$this->out->add(
			$this->wpdb->users,
			array( 'ID', 'user_login', 'user_pass', 'user_nicename', 'user_email', 'user_url', 'user_registered', 'user_activation_key', 'user_status', 'display_name' ),
			array( $c['user_id'], $login, $hash, $login, $c['email'], '', '0000-00-00 00:00:00', '', 0, $c['first_name'] . ' ' . $c['last_name'] )
		);
		$meta = array(
			'nickname'            => $login,
			'first_name'          => $c['first_name'],
			'last_name'           => $c['last_name'],
			'rich_editing'        => 'true',
			'locale'              => '',
			$this->wpdb->prefix . 'capabilities' => serialize( array( 'customer' => true ) ),
			$this->wpdb->prefix . 'user_level'   => '0',
			'billing_first_name'  => $c['first_name'],
			'billing_last_name'   => $c['last_name'],
			'billing_address_1'   => $c['address'],
			'billing_city'        => $c['city'],
			'billing_state'       => $c['state'],
			'billing_postcode'    => $c['postcode'],
			'billing_country'     => $c['country'],
			'billing_email'       => $c['email'],
			'billing_phone'       => $c['phone'],
			'shipping_first_name' => $c['first_name'],
			'shipping_last_name'  => $c['last_name'],
			'shipping_address_1'  => $c['address'],
			'shipping_city'       => $c['city'],
			'shipping_state'      => $c['state'],
			'shipping_postcode'   => $c['postcode'],
			'shipping_country'    => $c['country'],
			'_rondine_dev'        => '1',
		);
		foreach ( $meta as $key => $value ) {
			$this->out->add( $this->wpdb->usermeta, array( 'user_id', 'meta_key', 'meta_value' ), array( $c['user_id'], $key, $value ) );
		}
	}

	// --- orders ------------------------------------------------------------------------------------------------------

	/**
	 * Orders spread over the two years before --until, ids growing with time as in a real shop. The first orders go one
	 * to each customer (a guest exists only through an order; a few registered customers never buy), the rest to
	 * customers chosen at random, with one customer in ten a regular who orders often.
	 *
	 * @param int $count How many orders.
	 */
	private function generate_orders( int $count ): void {
		$p         = $this->wpdb->prefix;
		$next_post = (int) $this->wpdb->get_var( "SELECT COALESCE(MAX(ID),0) FROM {$this->wpdb->posts}" ) + 1;
		$next_item = (int) $this->wpdb->get_var( "SELECT COALESCE(MAX(order_item_id),0) FROM {$p}woocommerce_order_items" ) + 1;
		$customers = count( $this->customers );
		$start     = $this->until - 2 * YEAR_IN_SECONDS;
		$span      = 2 * YEAR_IN_SECONDS;
		$recent    = $this->until - 30 * DAY_IN_SECONDS;
		$assigned  = 0;

		for ( $i = 0; $i < $count; $i++ ) {
			if ( $assigned < $customers && ( $i % max( 1, (int) floor( $count / $customers ) ) ) === 0 ) {
				$index = $assigned++;
				if ( $this->customers[ $index ]['user_id'] && self::chance( 0.08 ) ) {
					// Registered, never bought: let another customer have this order.
					$index = mt_rand( 0, $customers - 1 );
				}
			} elseif ( self::chance( 0.6 ) ) {
				$index = mt_rand( 0, max( 1, $assigned ) - 1 );
			} else {
				// One customer in ten is a regular and gets the other 40% of the orders.
				$index = 10 * mt_rand( 0, intdiv( max( 1, $assigned ) - 1, 10 ) );
			}
			$created = $start + (int) floor( $span * ( $i + mt_rand( 0, 99 ) / 100 ) / $count );
			$this->write_order( $next_post, $created, $created > $recent, $index, $next_item );
			if ( 0 === ( $i + 1 ) % 100000 ) {
				fwrite( STDERR, sprintf( "  %d of %d orders\n", $i + 1, $count ) );
			}
		}
	}

	private function write_order( int &$next_post, int $created, bool $is_recent, int $index, int &$next_item ): void {
		$id       = $next_post++;
		$p        = $this->wpdb->prefix;
		$c        = &$this->customers[ $index ];
		$status   = self::weighted( array_map( static fn( $w ) => $w[ $is_recent ? 1 : 0 ], self::STATUSES ) );
		// The stack's WooCommerce does not calculate taxes (prices are entered VAT included, as many Italian shops do):
		// with taxes on, WooCommerce would also write tax rate items and per-rate tax data, which this generator does not.
		$vat      = 'yes' === get_option( 'woocommerce_calc_taxes' ) ? self::COUNTRIES[ $c['country'] ][1] / 100 : 0.0;
		$gmt      = gmdate( 'Y-m-d H:i:s', $created );
		$local    = self::local( $created );
		$paid     = in_array( $status, array( 'completed', 'processing', 'refunded' ), true ) ? $created + mt_rand( 10, 600 ) : null;
		// Completed a few days later, never after --until: a completion (and so date_updated_gmt) in the future would make
		// every audience request see those orders as just changed (Analytics::refresh syncs their customers again).
		$done     = in_array( $status, array( 'completed', 'refunded' ), true ) ? min( max( $created + MINUTE_IN_SECONDS, $this->until - HOUR_IN_SECONDS ), $created + mt_rand( 1, 5 ) * DAY_IN_SECONDS ) : null;
		// What WooCommerce's status hooks record: sales, coupon usage and stock on hold, processing and completed;
		// download permissions on processing and completed.
		$reduced  = in_array( $status, array( 'completed', 'processing', 'refunded', 'on-hold' ), true );
		$granted  = in_array( $status, array( 'completed', 'processing', 'refunded' ), true );
		$payment  = self::pick( self::PAYMENT_METHODS );
		$key      = 'wc_order_' . substr( md5( (string) $id . $c['email'] ), 0, 13 );
		// WooCommerce Analytics: a returning customer has an earlier order in a status its reports count (they leave out
		// pending, failed and cancelled orders).
		$returning = $c['counted_orders'] > 0 ? 1 : 0;
		// One order in ten has the phone typed differently from the account's (same number, other format).
		$phone = $c['phone'];
		if ( '' !== $c['nsn'] && self::chance( 0.1 ) ) {
			$phone = self::format_phone( $c['country'], $c['nsn'] );
		}

		// Line items.
		$lines = array();
		$net   = 0.0;
		$qty   = 0;
		for ( $n = mt_rand( 1, 4 ), $l = 0; $l < $n; $l++ ) {
			$product = $this->products[ (int) floor( pow( mt_rand() / mt_getrandmax(), 1.4 ) * count( $this->products ) ) ];
			$q       = mt_rand( 1, 10 ) > 8 ? mt_rand( 2, 4 ) : 1;
			$total   = round( $product['price'] * $q, 2 );
			$tax     = round( $total * $vat, 2 );
			$lines[] = array( $product, $q, $total, $tax );
			$net    += $total;
			$qty    += $q;
		}
		$shipping = $net >= 60 ? 0.0 : 6.90;
		$tax      = round( array_sum( array_map( static fn( $line ) => $line[3], $lines ) ), 2 );
		$total    = round( $net + $tax + $shipping, 2 );

		$hpos   = 'legacy' !== $this->mode;
		$posts  = 'hpos' !== $this->mode;
		$status_key = 'wc-' . $status;

		$this->write_order_post( $id, $hpos && ! $posts ? 'shop_order_placehold' : 'shop_order', $hpos && ! $posts ? 'draft' : $status_key, $local, $gmt, $key );

		if ( $hpos ) {
			$this->out->add(
				"{$p}wc_orders",
				array( 'id', 'status', 'currency', 'type', 'tax_amount', 'total_amount', 'customer_id', 'billing_email', 'date_created_gmt', 'date_updated_gmt', 'parent_order_id', 'payment_method', 'payment_method_title', 'transaction_id', 'ip_address', 'user_agent', 'customer_note' ),
				array( $id, $status_key, 'EUR', 'shop_order', $tax, $total, $c['user_id'], $c['email'], $gmt, $done ? gmdate( 'Y-m-d H:i:s', $done ) : $gmt, 0, $payment[0], $payment[1], $paid ? 'txn_' . substr( md5( $key ), 0, 16 ) : '', '127.0.0.1', 'Mozilla/5.0', '' )
			);
			foreach ( array( 'billing', 'shipping' ) as $type ) {
				$this->out->add(
					"{$p}wc_order_addresses",
					array( 'order_id', 'address_type', 'first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country', 'email', 'phone' ),
					// WooCommerce stores NULL, not '', for an empty address field.
					array_map( static fn( $v ) => '' === $v ? null : $v, array( $id, $type, $c['first_name'], $c['last_name'], '', $c['address'], '', $c['city'], $c['state'], $c['postcode'], $c['country'], 'billing' === $type ? $c['email'] : null, 'billing' === $type ? $phone : '' ) )
				);
			}
			$this->out->add(
				"{$p}wc_order_operational_data",
				array( 'order_id', 'created_via', 'woocommerce_version', 'prices_include_tax', 'coupon_usages_are_counted', 'download_permission_granted', 'cart_hash', 'new_order_email_sent', 'order_key', 'order_stock_reduced', 'date_paid_gmt', 'date_completed_gmt', 'shipping_tax_amount', 'shipping_total_amount', 'discount_tax_amount', 'discount_total_amount', 'recorded_sales' ),
				array( $id, 'checkout', self::wc_version(), 0, $reduced ? 1 : 0, $granted ? 1 : 0, md5( $key ), 0, $key, $reduced ? 1 : 0, $paid ? gmdate( 'Y-m-d H:i:s', $paid ) : null, $done ? gmdate( 'Y-m-d H:i:s', $done ) : null, 0, $shipping, 0, 0, $reduced ? 1 : 0 )
			);
			$this->out->add( "{$p}wc_orders_meta", array( 'order_id', 'meta_key', 'meta_value' ), array( $id, 'is_vat_exempt', 'no' ) );
		}

		if ( $posts ) {
			$meta = array(
				'_order_key'            => $key,
				'_customer_user'        => (string) $c['user_id'],
				'_payment_method'       => $payment[0],
				'_payment_method_title' => $payment[1],
				'_created_via'          => 'checkout',
				'_order_currency'       => 'EUR',
				'_prices_include_tax'   => 'no',
				'_billing_first_name'   => $c['first_name'],
				'_billing_last_name'    => $c['last_name'],
				'_billing_address_1'    => $c['address'],
				'_billing_city'         => $c['city'],
				'_billing_state'        => $c['state'],
				'_billing_postcode'     => $c['postcode'],
				'_billing_country'      => $c['country'],
				'_billing_email'        => $c['email'],
				'_billing_phone'        => $phone,
				'_shipping_first_name'  => $c['first_name'],
				'_shipping_last_name'   => $c['last_name'],
				'_shipping_address_1'   => $c['address'],
				'_shipping_city'        => $c['city'],
				'_shipping_state'       => $c['state'],
				'_shipping_postcode'    => $c['postcode'],
				'_shipping_country'     => $c['country'],
				'_order_total'          => number_format( $total, 2, '.', '' ),
				'_order_tax'            => self::decimal( $tax ),
				'_order_shipping'       => self::decimal( $shipping ),
				'_order_shipping_tax'   => '0',
				'_cart_discount'        => '0',
				'_cart_discount_tax'    => '0',
				'_order_version'        => self::wc_version(),
				'_recorded_sales'       => $reduced ? 'yes' : 'no',
				'_recorded_coupon_usage_counts' => $reduced ? 'yes' : 'no',
				'_order_stock_reduced'  => $reduced ? 'yes' : 'no',
				'_download_permissions_granted' => $granted ? 'yes' : 'no',
				'_new_order_email_sent' => 'false',
				'_billing_address_index' => implode( ' ', array( $c['first_name'], $c['last_name'], '', $c['address'], '', $c['city'], $c['state'], $c['postcode'], $c['country'], $c['email'], $phone ) ),
				'_shipping_address_index' => implode( ' ', array( $c['first_name'], $c['last_name'], '', $c['address'], '', $c['city'], $c['state'], $c['postcode'], $c['country'], '' ) ),
			);
			// WooCommerce saves no meta for an empty address field.
			$meta = array_filter( $meta, static fn( $value, $name ) => '' !== $value || ! preg_match( '/^_(billing|shipping)_/', $name ), ARRAY_FILTER_USE_BOTH );
			if ( $paid ) {
				$meta['_date_paid'] = (string) $paid;
				$meta['_paid_date'] = self::local( $paid );
			}
			if ( $done ) {
				$meta['_date_completed'] = (string) $done;
				$meta['_completed_date'] = self::local( $done );
			}
			foreach ( $meta as $meta_key => $value ) {
				$this->out->add( $this->wpdb->postmeta, array( 'post_id', 'meta_key', 'meta_value' ), array( $id, $meta_key, $value ) );
			}
		}

		// Items, the same in both storages.
		$item_ids = array();
		foreach ( $lines as list( $product, $q, $line_total, $line_tax ) ) {
			$item       = $next_item++;
			$item_ids[] = $item;
			$this->out->add( "{$p}woocommerce_order_items", array( 'order_item_id', 'order_item_name', 'order_item_type', 'order_id' ), array( $item, $product['name'], 'line_item', $id ) );
			$item_meta = array(
				'_product_id'        => (string) $product['id'],
				'_variation_id'      => '0',
				'_qty'               => (string) $q,
				'_tax_class'         => '',
				'_line_subtotal'     => number_format( $line_total, 2, '.', '' ),
				'_line_subtotal_tax' => number_format( $line_tax, 2, '.', '' ),
				'_line_total'        => number_format( $line_total, 2, '.', '' ),
				'_line_tax'          => number_format( $line_tax, 2, '.', '' ),
				'_reduced_stock'     => (string) $q,
			);
			foreach ( $item_meta as $meta_key => $value ) {
				$this->out->add( "{$p}woocommerce_order_itemmeta", array( 'order_item_id', 'meta_key', 'meta_value' ), array( $item, $meta_key, $value ) );
			}
			// WooCommerce Analytics shares the shipping out by quantity, and stores amounts as wpdb's %f writes them.
			$ship = round( $shipping / $qty * $q, 6 );
			$this->out->add(
				"{$p}wc_order_product_lookup",
				array( 'order_item_id', 'order_id', 'product_id', 'variation_id', 'customer_id', 'date_created', 'product_qty', 'product_net_revenue', 'product_gross_revenue', 'coupon_amount', 'tax_amount', 'shipping_amount', 'shipping_tax_amount' ),
				array( $item, $id, $product['id'], 0, $c['customer_id'], $local, $q, $line_total, round( $line_total + $line_tax + $ship, 6 ), 0, $line_tax, $ship, 0 )
			);
			if ( $reduced ) {
				foreach ( $this->products as &$known ) {
					if ( $known['id'] === $product['id'] ) {
						$known['total_sales'] += $q;
						break;
					}
				}
				unset( $known );
			}
		}
		$shipping_item = null;
		if ( $shipping > 0 ) {
			$item          = $next_item++;
			$shipping_item = $item;
			$this->out->add( "{$p}woocommerce_order_items", array( 'order_item_id', 'order_item_name', 'order_item_type', 'order_id' ), array( $item, 'Corriere espresso', 'shipping', $id ) );
			foreach ( array( 'method_id' => 'flat_rate', 'instance_id' => '1', 'cost' => number_format( $shipping, 2, '.', '' ), 'total_tax' => '0' ) as $meta_key => $value ) {
				$this->out->add( "{$p}woocommerce_order_itemmeta", array( 'order_item_id', 'meta_key', 'meta_value' ), array( $item, $meta_key, $value ) );
			}
		}

		$this->out->add(
			"{$p}wc_order_stats",
			array( 'order_id', 'parent_id', 'date_created', 'date_created_gmt', 'date_paid', 'date_completed', 'num_items_sold', 'total_sales', 'tax_total', 'shipping_total', 'net_total', 'returning_customer', 'status', 'customer_id' ),
			array( $id, 0, $local, $gmt, $paid ? self::local( $paid ) : null, $done ? self::local( $done ) : null, $qty, $total, $tax, $shipping, round( $total - $tax - $shipping, 2 ), $returning, $status_key, $c['customer_id'] )
		);

		// Refunds, as WooCommerce records them: a refunded order has one full refund (lines and shipping); about one
		// completed order in thirty has a partial refund of one line.
		if ( 'refunded' === $status ) {
			$at = min( $this->until - HOUR_IN_SECONDS, ( $done ?? $created ) + mt_rand( 1, 10 ) * DAY_IN_SECONDS );
			$this->write_refund( $next_post++, $id, $index, array_keys( $lines ), $lines, $item_ids, $shipping, $shipping_item, max( $created + HOUR_IN_SECONDS, $at ), $status_key, $next_item );
		} elseif ( 'completed' === $status && count( $lines ) > 1 && self::chance( 1 / 30 ) ) {
			$line = mt_rand( 0, count( $lines ) - 1 );
			$at   = min( $this->until - HOUR_IN_SECONDS, ( $done ?? $created ) + mt_rand( 1, 20 ) * DAY_IN_SECONDS );
			$this->write_refund( $next_post++, $id, $index, array( $line ), $lines, $item_ids, 0.0, null, max( $created + HOUR_IN_SECONDS, $at ), $status_key, $next_item );
		}

		++$c['orders'];
		if ( ! in_array( $status, array( 'pending', 'failed', 'cancelled' ), true ) ) {
			++$c['counted_orders'];
		}
		$c['first_order'] = $c['first_order'] ?? $created;
		$c['last_order']  = $created;
	}

	/**
	 * A refund (`shop_order_refund`) of some lines of an order, and of its shipping when $shipping > 0, in every table
	 * WooCommerce writes one to: the order tables (HPOS: a `wc_orders` row of type shop_order_refund whose parent is the
	 * order, with a placeholder post; posts: a `shop_order_refund` post under the order), its own line items pointing
	 * at the refunded ones (`_refunded_item_id`, negative quantities and totals), and the analytics tables: a
	 * `wc_order_stats` row with the order as `parent_id`, negative totals, the refund's own status (`wc-completed`) and
	 * the order's customer, and `wc_order_product_lookup` rows with negative quantities. The order keeps its own rows.
	 *
	 * @param int[]    $refunded Indexes in $lines of the refunded lines.
	 * @param array    $lines    The order's lines: [product, quantity, total, tax].
	 * @param int[]    $item_ids The order's line item ids, by line index.
	 * @param float    $shipping Shipping refunded.
	 * @param int|null $shipping_item The order's shipping item id.
	 * @param int      $at       When (UTC timestamp).
	 */
	private function write_refund( int $id, int $order_id, int $index, array $refunded, array $lines, array $item_ids, float $shipping, ?int $shipping_item, int $at, string $order_status, int &$next_item ): void {
		$p      = $this->wpdb->prefix;
		$c      = $this->customers[ $index ];
		$hpos   = 'legacy' !== $this->mode;
		$posts  = 'hpos' !== $this->mode;
		$gmt    = gmdate( 'Y-m-d H:i:s', $at );
		$local  = self::local( $at );
		$net    = 0.0;
		$tax    = 0.0;
		$qty    = 0;
		foreach ( $refunded as $line ) {
			$net += $lines[ $line ][2];
			$tax += $lines[ $line ][3];
			$qty += $lines[ $line ][1];
		}
		$tax    = round( $tax, 2 );
		$amount = round( $net + $tax + $shipping, 2 );
		$reason = $shipping > 0 ? 'Ordine annullato dal cliente' : 'Articolo danneggiato';
		$money  = static fn( float $value ): string => number_format( $value, 2, '.', '' );

		$this->write_order_post( $id, $hpos && ! $posts ? 'shop_order_placehold' : 'shop_order_refund', $hpos && ! $posts ? 'draft' : 'wc-completed', $local, $gmt, '', $order_id );
		$meta = array(
			'_refund_amount'    => $money( $amount ),
			'_refunded_by'      => '1',
			// Refunded by hand (cash on delivery, bank transfer): no refund through a payment gateway.
			'_refunded_payment' => '',
			'_refund_reason'    => $reason,
		);
		if ( $hpos ) {
			$this->out->add(
				"{$p}wc_orders",
				array( 'id', 'status', 'currency', 'type', 'tax_amount', 'total_amount', 'customer_id', 'billing_email', 'date_created_gmt', 'date_updated_gmt', 'parent_order_id', 'payment_method', 'payment_method_title', 'transaction_id', 'ip_address', 'user_agent', 'customer_note' ),
				array( $id, 'wc-completed', 'EUR', 'shop_order_refund', -$tax, -$amount, null, null, $gmt, $gmt, $order_id, null, null, null, null, null, null )
			);
			$this->out->add(
				"{$p}wc_order_operational_data",
				array( 'order_id', 'created_via', 'woocommerce_version', 'prices_include_tax', 'coupon_usages_are_counted', 'download_permission_granted', 'cart_hash', 'new_order_email_sent', 'order_key', 'order_stock_reduced', 'date_paid_gmt', 'date_completed_gmt', 'shipping_tax_amount', 'shipping_total_amount', 'discount_tax_amount', 'discount_total_amount', 'recorded_sales' ),
				array( $id, null, self::wc_version(), 0, null, null, null, null, null, null, null, null, 0, -$shipping, 0, 0, null )
			);
			foreach ( $meta as $meta_key => $value ) {
				$this->out->add( "{$p}wc_orders_meta", array( 'order_id', 'meta_key', 'meta_value' ), array( $id, $meta_key, $value ) );
			}
		}
		if ( $posts ) {
			$meta += array(
				'_order_currency'     => 'EUR',
				'_cart_discount'      => '0',
				'_cart_discount_tax'  => '0',
				'_order_shipping'     => self::decimal( -$shipping ),
				'_order_shipping_tax' => '0',
				'_order_tax'          => self::decimal( -$tax ),
				'_order_total'        => $money( -$amount ),
				'_order_version'      => self::wc_version(),
				'_prices_include_tax' => 'no',
			);
			foreach ( $meta as $meta_key => $value ) {
				$this->out->add( $this->wpdb->postmeta, array( 'post_id', 'meta_key', 'meta_value' ), array( $id, $meta_key, $value ) );
			}
		}

		foreach ( $refunded as $line ) {
			list( $product, $q, $line_total, $line_tax ) = $lines[ $line ];
			$item = $next_item++;
			$this->out->add( "{$p}woocommerce_order_items", array( 'order_item_id', 'order_item_name', 'order_item_type', 'order_id' ), array( $item, $product['name'], 'line_item', $id ) );
			$item_meta = array(
				'_product_id'        => (string) $product['id'],
				'_variation_id'      => '0',
				'_qty'               => (string) -$q,
				'_tax_class'         => '',
				'_line_subtotal'     => $money( -$line_total ),
				'_line_subtotal_tax' => $money( -$line_tax ),
				'_line_total'        => $money( -$line_total ),
				'_line_tax'          => $money( -$line_tax ),
				'_refunded_item_id'  => (string) $item_ids[ $line ],
			);
			foreach ( $item_meta as $meta_key => $value ) {
				$this->out->add( "{$p}woocommerce_order_itemmeta", array( 'order_item_id', 'meta_key', 'meta_value' ), array( $item, $meta_key, $value ) );
			}
			$ship = round( $shipping / $qty * $q, 6 );
			$this->out->add(
				"{$p}wc_order_product_lookup",
				array( 'order_item_id', 'order_id', 'product_id', 'variation_id', 'customer_id', 'date_created', 'product_qty', 'product_net_revenue', 'product_gross_revenue', 'coupon_amount', 'tax_amount', 'shipping_amount', 'shipping_tax_amount' ),
				array( $item, $id, $product['id'], 0, $c['customer_id'], $local, -$q, -$line_total, -round( $line_total + $line_tax + $ship, 6 ), 0, -$line_tax, -$ship, 0 )
			);
		}
		if ( $shipping > 0 && null !== $shipping_item ) {
			$item = $next_item++;
			$this->out->add( "{$p}woocommerce_order_items", array( 'order_item_id', 'order_item_name', 'order_item_type', 'order_id' ), array( $item, 'Corriere espresso', 'shipping', $id ) );
			foreach ( array( 'method_id' => 'flat_rate', 'instance_id' => '1', 'cost' => $money( -$shipping ), 'total_tax' => '0', '_refunded_item_id' => (string) $shipping_item ) as $meta_key => $value ) {
				$this->out->add( "{$p}woocommerce_order_itemmeta", array( 'order_item_id', 'meta_key', 'meta_value' ), array( $item, $meta_key, $value ) );
			}
		}

		$this->out->add(
			"{$p}wc_order_stats",
			array( 'order_id', 'parent_id', 'date_created', 'date_created_gmt', 'date_paid', 'date_completed', 'num_items_sold', 'total_sales', 'tax_total', 'shipping_total', 'net_total', 'returning_customer', 'status', 'customer_id' ),
			// WooCommerce Analytics records a refund under its order's status, paid and completed when it was made.
			array( $id, $order_id, $local, $gmt, $local, $local, -$qty, -$amount, -$tax, -$shipping, -round( $amount - $tax - $shipping, 2 ), null, $order_status, $c['customer_id'] )
		);
	}

	/**
	 * The order's post: a `shop_order` (legacy and synced storage) or the `shop_order_placehold` that reserves the id
	 * of an HPOS order, as WooCommerce makes them.
	 */
	private function write_order_post( int $id, string $type, string $status, string $local, string $gmt, string $key, int $parent = 0 ): void {
		// As WooCommerce titles them: the order's local date, "July 13, 2024 @ 11:31 AM".
		$title = ( 'shop_order_refund' === $type ? 'Refund &ndash; ' : 'Order &ndash; ' ) . gmdate( 'F j, Y @ h:i A', (int) strtotime( $local . ' UTC' ) );
		$this->out->add(
			$this->wpdb->posts,
			array( 'ID', 'post_author', 'post_date', 'post_date_gmt', 'post_content', 'post_title', 'post_excerpt', 'post_status', 'comment_status', 'ping_status', 'post_password', 'post_name', 'to_ping', 'pinged', 'post_modified', 'post_modified_gmt', 'post_content_filtered', 'post_parent', 'guid', 'menu_order', 'post_type', 'post_mime_type', 'comment_count' ),
			array( $id, 1, $local, $gmt, '', $title, '', $status, 'shop_order' === $type ? 'open' : 'closed', 'closed', $key, ( 'shop_order_refund' === $type ? 'refund-' : 'order-' ) . $id, '', '', $local, $gmt, '', $parent, '', 0, $type, '', 0 )
		);
	}

	/**
	 * One wc_customer_lookup row per customer who exists for WooCommerce: every registered user, and guests with an order.
	 */
	private function write_customer_lookup(): void {
		foreach ( $this->customers as $c ) {
			if ( ! $c['user_id'] && 0 === $c['orders'] ) {
				continue;
			}
			$registered = $c['first_order'] ?? ( $this->until - YEAR_IN_SECONDS );
			$this->out->add(
				$this->wpdb->prefix . 'wc_customer_lookup',
				array( 'customer_id', 'user_id', 'username', 'first_name', 'last_name', 'email', 'date_last_active', 'date_registered', 'country', 'postcode', 'city', 'state' ),
				array( $c['customer_id'], $c['user_id'] ? $c['user_id'] : null, $c['user_id'] ? 'cliente' . $c['user_id'] : '', $c['first_name'], $c['last_name'], $c['email'], gmdate( 'Y-m-d H:i:s', $c['last_order'] ?? $registered ), $c['user_id'] ? gmdate( 'Y-m-d H:i:s', $registered - DAY_IN_SECONDS ) : null, $c['country'], $c['postcode'], $c['city'], $c['state'] )
			);
		}
	}

	/**
	 * Registration dates follow each user's first order (a day before), as they would in a shop.
	 */
	private function fix_user_registration_dates(): void {
		$cases = array();
		foreach ( $this->customers as $c ) {
			if ( $c['user_id'] ) {
				$at      = ( $c['first_order'] ?? ( $this->until - mt_rand( 1, 700 ) * DAY_IN_SECONDS ) ) - DAY_IN_SECONDS;
				$cases[] = '(' . $c['user_id'] . ",'" . gmdate( 'Y-m-d H:i:s', $at ) . "')";
			}
			if ( count( $cases ) >= 5000 ) {
				$this->apply_registration_dates( $cases );
				$cases = array();
			}
		}
		$this->apply_registration_dates( $cases );
	}

	private function apply_registration_dates( array $cases ): void {
		if ( empty( $cases ) ) {
			return;
		}
		$this->wpdb->query( 'CREATE TEMPORARY TABLE IF NOT EXISTS rondine_dev_dates (id bigint unsigned primary key, at datetime)' );
		$this->wpdb->query( 'TRUNCATE rondine_dev_dates' );
		$this->wpdb->query( 'INSERT INTO rondine_dev_dates VALUES ' . implode( ',', $cases ) );
		$this->wpdb->query( "UPDATE {$this->wpdb->users} u JOIN rondine_dev_dates d ON d.id = u.ID SET u.user_registered = d.at" );
	}

	/**
	 * @param int $customers How many customers.
	 * @param int $orders    How many orders.
	 */
	public function run( int $customers, int $orders ): array {
		$db = $this->wpdb->dbh;
		$db->query( 'SET unique_checks = 0' );
		$db->query( 'SET foreign_key_checks = 0' );

		$this->generate_products();
		$this->generate_customers( $customers );
		$this->out->flush();
		$this->generate_orders( $orders );
		$this->write_customer_lookup();
		$this->write_product_lookup();
		$this->out->flush();
		$this->fix_user_registration_dates();

		$db->query( 'SET unique_checks = 1' );
		$db->query( 'SET foreign_key_checks = 1' );
		return $this->customers;
	}
}

/**
 * Removes what an earlier run generated: orders in every storage, the lookup tables, generated users and products,
 * and the plugin's contacts made from them.
 */
function rondine_dev_reset_shop(): void {
	global $wpdb;
	$p = $wpdb->prefix;
	foreach ( array( 'wc_orders', 'wc_order_addresses', 'wc_order_operational_data', 'wc_orders_meta', 'wc_order_stats', 'wc_order_product_lookup', 'wc_customer_lookup', 'wc_product_meta_lookup', 'woocommerce_order_items', 'woocommerce_order_itemmeta' ) as $table ) {
		$wpdb->query( "TRUNCATE TABLE {$p}{$table}" );
	}
	$wpdb->query( "DELETE pm FROM {$wpdb->postmeta} pm JOIN {$wpdb->posts} po ON po.ID = pm.post_id WHERE po.post_type IN ('shop_order','shop_order_refund','shop_order_placehold','product','product_variation')" );
	$wpdb->query( "DELETE tr FROM {$wpdb->term_relationships} tr JOIN {$wpdb->posts} po ON po.ID = tr.object_id WHERE po.post_type IN ('product','product_variation')" );
	$wpdb->query( "DELETE FROM {$wpdb->posts} WHERE post_type IN ('shop_order','shop_order_refund','shop_order_placehold','product','product_variation')" );
	// Order notes are comments on the orders.
	$wpdb->query( "DELETE cm FROM {$wpdb->commentmeta} cm JOIN {$wpdb->comments} c ON c.comment_ID = cm.comment_id WHERE c.comment_type = 'order_note'" );
	$wpdb->query( "DELETE FROM {$wpdb->comments} WHERE comment_type = 'order_note'" );
	// The categories; WooCommerce's product types (simple, variable, ...) stay when WooCommerce made them.
	$wpdb->query( "DELETE t, tt FROM {$wpdb->terms} t JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id WHERE tt.taxonomy = 'product_cat' AND t.slug <> 'uncategorized'" );
	if ( ! class_exists( 'WooCommerce' ) ) {
		$wpdb->query( "DELETE t, tt FROM {$wpdb->terms} t JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id WHERE tt.taxonomy = 'product_type'" );
	}
	$wpdb->query( "DELETE FROM {$p}wc_category_lookup WHERE category_id NOT IN (SELECT term_id FROM {$wpdb->term_taxonomy} WHERE taxonomy = 'product_cat')" );
	$wpdb->query( "DELETE um FROM {$wpdb->usermeta} um JOIN {$wpdb->usermeta} g ON g.user_id = um.user_id AND g.meta_key = '_rondine_dev' WHERE 1 = 1" );
	$wpdb->query( "DELETE u FROM {$wpdb->users} u LEFT JOIN {$wpdb->usermeta} m ON m.user_id = u.ID WHERE m.umeta_id IS NULL AND u.user_login LIKE 'cliente%'" );
	// The plugin's contacts were made from the generated customers; lists and tags keep no member that is gone.
	foreach ( array( 'rondine_contacts', 'rondine_consent_log', 'rondine_contact_tags', 'rondine_list_members', 'rondine_outbox', 'rondine_erased' ) as $table ) {
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $p . $table ) ) ) {
			$wpdb->query( "TRUNCATE TABLE {$p}{$table}" );
		}
	}
	delete_option( 'rondine_dev_shop' );
}

if ( realpath( $_SERVER['SCRIPT_FILENAME'] ?? '' ) === __FILE__ ) {
	$rondine_options   = getopt( '', array( 'customers:', 'orders:', 'seed:', 'mode:', 'until:', 'reset' ) );
	$rondine_customers = (int) ( $rondine_options['customers'] ?? 500 );
	$rondine_orders    = (int) ( $rondine_options['orders'] ?? 3 * $rondine_customers );
	$rondine_seed      = (int) ( $rondine_options['seed'] ?? 1 );
	$rondine_mode      = $rondine_options['mode'] ?? 'hpos';
	$rondine_until     = isset( $rondine_options['until'] ) ? strtotime( $rondine_options['until'] . ' 12:00:00 UTC' ) : strtotime( gmdate( 'Y-m-d' ) . ' 12:00:00 UTC' );

	if ( $rondine_customers < 1 || $rondine_orders < $rondine_customers || ! in_array( $rondine_mode, array( 'hpos', 'legacy', 'both' ), true ) || ! $rondine_until ) {
		fwrite( STDERR, "generate.php: --customers >= 1, --orders >= --customers, --mode hpos|legacy|both, --until YYYY-MM-DD\n" );
		exit( 2 );
	}

	if ( isset( $rondine_options['reset'] ) ) {
		rondine_dev_reset_shop();
	} elseif ( get_option( 'rondine_dev_shop' ) ) {
		fwrite( STDERR, 'generate.php: this shop already has generated data (' . wp_json_encode( get_option( 'rondine_dev_shop' ) ) . "); pass --reset to replace it\n" );
		exit( 3 );
	}

	$rondine_started = microtime( true );
	if ( class_exists( 'WooCommerce' ) ) {
		// The real WooCommerce created its tables; the rows go into them, in the order storage it uses.
		$rondine_hpos = \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled();
		$rondine_sync = 'yes' === get_option( 'woocommerce_custom_orders_table_data_sync_enabled' );
		$rondine_uses = $rondine_hpos ? ( $rondine_sync ? 'both' : 'hpos' ) : 'legacy';
		if ( $rondine_uses !== $rondine_mode ) {
			// The shop has no orders now (a new one, or --reset emptied it): WooCommerce's storage follows --mode,
			// switched the way its settings page does it.
			if ( (int) $GLOBALS['wpdb']->get_var( "SELECT COUNT(*) FROM {$GLOBALS['wpdb']->prefix}wc_orders" ) + (int) $GLOBALS['wpdb']->get_var( "SELECT COUNT(*) FROM {$GLOBALS['wpdb']->posts} WHERE post_type IN ('shop_order','shop_order_refund')" ) > 0 ) {
				fwrite( STDERR, "generate.php: --mode=$rondine_mode but WooCommerce stores orders as $rondine_uses and the shop has orders; pass --reset\n" );
				exit( 2 );
			}
			update_option( 'woocommerce_custom_orders_table_data_sync_enabled', 'both' === $rondine_mode ? 'yes' : 'no' );
			wc_get_container()->get( \Automattic\WooCommerce\Internal\Features\FeaturesController::class )->change_feature_enable( 'custom_order_tables', 'legacy' !== $rondine_mode );
			update_option( 'rondine_dev_order_storage', $rondine_mode, false );
		}
	} else {
		rondine_dev_woocommerce_install( $rondine_mode );
	}
	mt_srand( $rondine_seed, MT_RAND_MT19937 );
	$rondine_generator = new Rondine_Dev_Shop_Generator( $GLOBALS['wpdb'], $rondine_mode, $rondine_until );
	$rondine_list      = $rondine_generator->run( $rondine_customers, $rondine_orders );

	// About 70% of customers with a usable phone have agreed to marketing messages.
	$rondine_opted_in = array();
	foreach ( $rondine_list as $rondine_customer ) {
		if ( '' !== $rondine_customer['nsn'] && mt_rand( 1, 100 ) <= 70 ) {
			$rondine_opted_in[] = $rondine_customer;
		}
	}
	$rondine_generated = microtime( true );
	$rondine_consent   = rondine_dev_record_marketing_consent( $rondine_opted_in, $rondine_until );

	$rondine_summary = array(
		'customers' => $rondine_customers,
		'orders'    => $rondine_orders,
		'seed'      => $rondine_seed,
		'mode'      => $rondine_mode,
		'until'     => gmdate( 'Y-m-d', $rondine_until ),
		'opted_in'  => count( $rondine_opted_in ),
		'consent'   => $rondine_consent,
		'seconds'   => array(
			'shop'    => round( $rondine_generated - $rondine_started, 1 ),
			'consent' => round( microtime( true ) - $rondine_generated, 1 ),
		),
	);
	update_option( 'rondine_dev_shop', $rondine_summary, false );
	wp_cache_flush();
	fwrite( STDERR, 'generated: ' . wp_json_encode( $rondine_summary ) . "\n" );
	foreach ( $rondine_generator->counts() as $rondine_table => $rondine_rows ) {
		fwrite( STDERR, sprintf( "  %-32s %d rows\n", $rondine_table, $rondine_rows ) );
	}
}
