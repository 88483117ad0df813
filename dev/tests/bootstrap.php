<?php
/**
 * Loads the environment's WordPress (RONDINE_WP_DIR) for the generated-shop tests.
 *
 * @package Rondine\Dev
 */

require dirname( __DIR__ ) . '/wp/bootstrap.php';

