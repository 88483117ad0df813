<?php
/**
 * CSV reading and writing.
 *
 * @package Rondine
 */

namespace Rondine\Audience;

defined( 'ABSPATH' ) || exit;

/**
 * Small CSV helpers: read with delimiter detection (comma, semicolon — what Excel writes in Italy, Germany, France
 * and Spain — or tab) and a byte-order mark tolerated; write with cells that a spreadsheet will not run as formulas.
 */
final class Csv {

	/**
	 * Parses CSV text.
	 *
	 * @param string $text     CSV.
	 * @param int    $max_rows Refuse more data rows than this.
	 * @return array{headers:string[],rows:array<int,array<string,string>>}
	 * @throws \InvalidArgumentException When empty, without headers, or too long.
	 */
	public static function parse( string $text, int $max_rows = 100000 ): array {
		$text = preg_replace( '/^\xEF\xBB\xBF/', '', $text );
		if ( ! mb_check_encoding( $text, 'UTF-8' ) ) {
			$text = mb_convert_encoding( $text, 'UTF-8', 'Windows-1252' );
		}
		if ( '' === trim( (string) $text ) ) {
			throw new \InvalidArgumentException( esc_html__( 'The CSV file is empty.', 'rondine' ) );
		}
		$first_line = strtok( (string) $text, "\r\n" );
		$delimiter  = ',';
		$best       = -1;
		foreach ( array( ',', ';', "\t" ) as $candidate ) {
			$n = substr_count( (string) $first_line, $candidate );
			if ( $n > $best ) {
				$best      = $n;
				$delimiter = $candidate;
			}
		}
		// The text is read with fgetcsv(), which needs a stream: php://temp holds it in memory.
		$handle = fopen( 'php://temp', 'r+' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fopen -- php://temp is PHP's in-memory stream, not a file: WP_Filesystem does not apply (fgetcsv() needs a stream).
		fwrite( $handle, (string) $text ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- php://temp is PHP's in-memory stream, not a file: WP_Filesystem does not apply (fgetcsv() needs a stream).
		rewind( $handle );
		$headers = fgetcsv( $handle, 0, $delimiter, '"', '' );
		if ( ! is_array( $headers ) || array( null ) === $headers ) {
			fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
			throw new \InvalidArgumentException( esc_html__( 'The CSV file has no header row.', 'rondine' ) );
		}
		$headers = array_map( static fn( $h ) => trim( (string) $h ), $headers );
		$rows    = array();
		$line    = 1;
		while ( false !== ( $cells = fgetcsv( $handle, 0, $delimiter, '"', '' ) ) ) { // phpcs:ignore Generic.CodeAnalysis.AssignmentInCondition -- the usual fgetcsv() loop.
			++$line;
			if ( array( null ) === $cells ) {
				continue; // Blank line.
			}
			if ( count( $rows ) >= $max_rows ) {
				fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
				/* translators: %d: maximum rows. */
				throw new \InvalidArgumentException( esc_html( sprintf( __( 'The CSV file has more than %d rows: split it into smaller files.', 'rondine' ), $max_rows ) ) );
			}
			$row = array();
			foreach ( $headers as $i => $header ) {
				$row[ $header ] = trim( (string) ( $cells[ $i ] ?? '' ) );
			}
			$rows[ $line ] = $row;
		}
		fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose -- the php://temp stream above, not a file.
		return array(
			'headers' => $headers,
			'rows'    => $rows,
		);
	}

	/**
	 * One CSV line. Cells starting with = + - @ (or tab/CR) are prefixed with a quote so spreadsheets show them as
	 * text (CSV injection); phone numbers in E.164 start with + and are written as they are, which spreadsheets
	 * read as a number or text, never as a formula.
	 *
	 * @param array<int,mixed> $cells     Cells.
	 * @param string           $separator Between cells: `,`, or `;` where the decimal separator is a comma.
	 */
	public static function row( array $cells, string $separator = ',' ): string {
		$out = array();
		foreach ( $cells as $cell ) {
			$cell = (string) $cell;
			if ( '' !== $cell && preg_match( '/^[=\-@\t\r]/', $cell ) || ( '' !== $cell && '+' === $cell[0] && ! preg_match( '/^\+\d+$/', $cell ) ) ) {
				$cell = "'" . $cell;
			}
			$out[] = '"' . str_replace( '"', '""', $cell ) . '"';
		}
		return implode( $separator, $out ) . "\r\n";
	}

	/**
	 * Languages whose numbers take a decimal comma: their spreadsheets (Excel, LibreOffice, Numbers) split a CSV
	 * file on `;`, since `,` is part of a number there.
	 */
	private const DECIMAL_COMMA = array( 'it', 'de', 'fr', 'es', 'pt', 'nl', 'da', 'sv', 'nb', 'nn', 'fi', 'pl', 'cs', 'sk', 'sl', 'hr', 'sr', 'bs', 'hu', 'ro', 'bg', 'ru', 'uk', 'be', 'el', 'tr', 'lt', 'lv', 'et', 'id', 'vi', 'ca', 'gl', 'eu', 'is', 'az', 'ka', 'kk', 'mk', 'sq' );

	/**
	 * Locales of those languages that write a decimal point all the same.
	 */
	private const DECIMAL_POINT_LOCALES = array( 'de_CH', 'de_CH_informal', 'fr_CH', 'it_CH' );

	/**
	 * The spreadsheet conventions of the user's language (WordPress's locale for this request, the user's own in
	 * wp-admin): `decimal` for numbers and `separator` between cells.
	 *
	 * @return array{separator:string,decimal:string}
	 */
	public static function conventions(): array {
		$locale   = determine_locale();
		$language = strtolower( (string) strtok( $locale, '_' ) );
		$decimal  = in_array( $language, self::DECIMAL_COMMA, true ) && ! in_array( $locale, self::DECIMAL_POINT_LOCALES, true ) ? ',' : '.';
		// WordPress's own translation of the decimal point, where its language pack is installed, has the last word.
		$translated = translate( 'number_format_decimal_point' ); // phpcs:ignore WordPress.WP.I18n -- WordPress core's own string, looked up in core's text domain as WP_Locale does.
		if ( in_array( $translated, array( ',', '.' ), true ) ) {
			$decimal = $translated;
		}
		return array(
			'separator' => ',' === $decimal ? ';' : ',',
			'decimal'   => $decimal,
		);
	}

	/**
	 * A whole CSV file for a spreadsheet: a UTF-8 byte-order mark (without it Excel reads UTF-8 as Windows-1252 and
	 * "Niccolò" turns into "NiccolÃ²"), then the header and the rows, cells split by the locale's separator.
	 *
	 * @param string[]                $headers Column titles, translated.
	 * @param iterable<array<int,mixed>> $rows    Rows of cells, in the headers' order.
	 * @param string                  $separator From conventions().
	 */
	public static function document( array $headers, iterable $rows, string $separator ): string {
		$csv = "\xEF\xBB\xBF" . self::row( $headers, $separator );
		foreach ( $rows as $cells ) {
			$csv .= self::row( $cells, $separator );
		}
		return $csv;
	}

	/**
	 * A date and time for a spreadsheet, in the shop's time zone: `2026-12-07 14:05`, which every spreadsheet of
	 * every locale reads as a date and time. Empty for no date.
	 *
	 * @param string|int|null $when ISO 8601 / MySQL UTC text, or a Unix time.
	 */
	public static function shop_time( $when ): string {
		if ( null === $when || '' === $when ) {
			return '';
		}
		$timestamp = is_int( $when ) ? $when : strtotime( (string) $when . ( preg_match( '/(Z|[+-]\d\d:?\d\d)$/', (string) $when ) ? '' : ' UTC' ) );
		if ( false === $timestamp ) {
			return '';
		}
		return (string) wp_date( 'Y-m-d H:i', $timestamp );
	}

	/**
	 * A number with the locale's decimal mark and no thousands separator (which spreadsheets would read as text).
	 *
	 * @param float|int|string|null $number   Number.
	 * @param int                   $decimals Decimals.
	 * @param string                $decimal  From conventions().
	 */
	public static function number( $number, int $decimals, string $decimal ): string {
		if ( null === $number || '' === $number ) {
			return '';
		}
		return number_format( (float) $number, $decimals, $decimal, '' );
	}
}
