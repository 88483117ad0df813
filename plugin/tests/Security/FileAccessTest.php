<?php
/**
 * Files of the plugin reached directly by URL do nothing; what ships leaves development files out.
 *
 * @package Rondine\Tests
 */

namespace Rondine\Tests\Security;

use Rondine\Tests\TestCase;

/**
 * Every PHP file that ships stops at once without WordPress (ABSPATH), bin/make-json.php runs only from the command
 * line, and plugin/.distignore keeps tests, tools, test configuration and source maps out of the zip.
 */
final class FileAccessTest extends TestCase {

	/**
	 * The plugin folder.
	 */
	private static function root(): string {
		return dirname( __DIR__, 2 );
	}

	/**
	 * Every file under the plugin folder, relative, sorted.
	 *
	 * @return string[]
	 */
	private static function files(): array {
		$files    = array();
		$iterator = new \RecursiveIteratorIterator( new \RecursiveDirectoryIterator( self::root(), \FilesystemIterator::SKIP_DOTS ) );
		foreach ( $iterator as $file ) {
			$files[] = substr( $file->getPathname(), strlen( self::root() ) + 1 );
		}
		sort( $files );
		return $files;
	}

	/**
	 * Runs PHP code in a fresh CLI process (no WordPress) and returns what it printed.
	 *
	 * @param string $code PHP code.
	 */
	private static function php( string $code ): string {
		$process = proc_open( array( PHP_BINARY, '-d', 'display_errors=stderr', '-r', $code ), array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
		$out     = (string) stream_get_contents( $pipes[1] );
		$err     = (string) stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		proc_close( $process );
		return $out . $err;
	}

	/**
	 * Each PHP file that can be requested by URL exits before doing or defining anything when WordPress is not
	 * loaded (only uninstall.php, with its own WP_UNINSTALL_PLUGIN guard, and bin/, command-line tools, aside).
	 */
	public function test_every_php_file_exits_without_wordpress(): void {
		$checked = 0;
		foreach ( self::files() as $file ) {
			if ( '.php' !== substr( $file, -4 ) || 0 === strpos( $file, 'tests/' ) || 0 === strpos( $file, 'bin/' ) || 'uninstall.php' === $file ) {
				continue;
			}
			$path   = self::root() . '/' . $file;
			// Functions and constants, not classes: PHP declares a class without a parent when it compiles the file,
			// before the guard runs (declaring runs nothing).
			$before = 'return [ get_defined_functions()["user"], array_keys( get_defined_constants( true )["user"] ?? [] ) ];';
			// Built files (build/*/index.asset.php) only return an array: they may run on, printing and defining nothing.
			$ran_on = 0 === strpos( $file, 'build/' ) ? '' : 'echo "RAN ON";';
			$code   = '$before = (function () { ' . $before . ' })(); register_shutdown_function( function () use ( $before ) { $after = (function () { ' . $before . ' })(); if ( $after != $before ) { echo "DEFINED"; } } ); include ' . var_export( $path, true ) . '; ' . $ran_on;
			$this->assertSame( '', self::php( $code ), "$file runs without WordPress" );
			++$checked;
		}
		$this->assertGreaterThan( 40, $checked );
	}

	/**
	 * uninstall.php stops without WP_UNINSTALL_PLUGIN.
	 */
	public function test_uninstall_needs_wordpress_uninstalling(): void {
		$this->assertSame( '', self::php( 'include ' . var_export( self::root() . '/uninstall.php', true ) . '; echo "RAN ON";' ) );
	}

	/**
	 * bin/make-json.php, served by PHP's own web server (as any web server would run it), does nothing.
	 */
	public function test_make_json_refuses_to_run_over_the_web(): void {
		$languages = self::root() . '/languages';
		$before    = array_map( 'filemtime', glob( $languages . '/*' ) );
		$socket    = stream_socket_server( 'tcp://127.0.0.1:0' );
		$port      = (int) substr( (string) stream_socket_get_name( $socket, false ), strrpos( (string) stream_socket_get_name( $socket, false ), ':' ) + 1 );
		fclose( $socket );
		$server = proc_open( array( PHP_BINARY, '-S', "127.0.0.1:$port", '-t', self::root() ), array( 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes );
		try {
			$body = null;
			for ( $attempt = 0; $attempt < 100 && null === $body; $attempt++ ) {
				$connection = @fsockopen( '127.0.0.1', $port, $errno, $errstr, 1 ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- polled until the server listens.
				if ( ! $connection ) {
					usleep( 50000 );
					continue;
				}
				fwrite( $connection, "GET /bin/make-json.php HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" );
				$answer = (string) stream_get_contents( $connection );
				fclose( $connection );
				$body = (string) substr( $answer, strpos( $answer, "\r\n\r\n" ) + 4 );
				$this->assertStringStartsWith( 'HTTP/1.0 200', $answer );
			}
		} finally {
			proc_terminate( $server );
			proc_close( $server );
		}
		$this->assertSame( '', $body, 'nothing printed' );
		clearstatcache();
		$this->assertSame( $before, array_map( 'filemtime', glob( $languages . '/*' ) ), 'nothing written' );
	}

	/**
	 * The patterns of plugin/.distignore.
	 *
	 * @return string[]
	 */
	private static function distignore(): array {
		$file = self::root() . '/.distignore';
		if ( ! is_file( $file ) ) {
			return array();
		}
		return array_values( array_filter( array_map( 'trim', file( $file ) ), static fn( $line ) => '' !== $line && '#' !== $line[0] ) );
	}

	/**
	 * Whether a file ships, under the .distignore rules of `wp dist-archive`: a pattern starting with / is anchored at
	 * the plugin folder, others match any part of the path; a folder excludes what it contains.
	 *
	 * @param string   $file     Relative path.
	 * @param string[] $patterns Patterns.
	 */
	private static function ships( string $file, array $patterns ): bool {
		$parts = explode( '/', $file );
		foreach ( $patterns as $pattern ) {
			$anchored = '/' === $pattern[0];
			$pattern  = trim( $pattern, '/' );
			for ( $i = 1; $i <= count( $parts ); $i++ ) {
				$prefix = implode( '/', array_slice( $parts, 0, $i ) );
				if ( fnmatch( $pattern, $prefix, FNM_PATHNAME ) || ( ! $anchored && fnmatch( $pattern, $parts[ $i - 1 ] ) ) ) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * What would ship: the plugin's code, build and translations; not its tests, tools, test configuration, source
	 * maps or editor files.
	 */
	public function test_distignore_keeps_development_files_out(): void {
		$patterns = self::distignore();
		$this->assertNotEmpty( $patterns, 'plugin/.distignore exists' );
		$files = array_merge(
			self::files(),
			// What a build or an editor may leave there.
			array( 'build/admin/index.js.map', 'build/widget/rondine-chat.js.map', '.DS_Store', 'src/.phpunit.result.cache', 'phpunit.xml', 'node_modules/x/index.js', 'composer.json' )
		);
		$shipped = array_values( array_filter( $files, static fn( $file ) => self::ships( $file, $patterns ) ) );
		foreach ( $shipped as $file ) {
			$this->assertDoesNotMatchRegularExpression( '#^(tests|bin|node_modules)/|^phpunit|\.map$|\.DS_Store$|\.phpunit\.result\.cache$|^composer\.|^\.distignore$#', $file, "$file would ship" );
		}
		foreach ( array( 'rondine.php', 'uninstall.php', 'readme.txt', 'src/Plugin.php', 'src/Bridge/Connection.php', 'languages/rondine-it_IT.mo' ) as $needed ) {
			$this->assertContains( $needed, $shipped, "$needed ships" );
		}
	}
}
