<?php
/**
 * Hook point: records the generated customers' agreement to marketing messages the way the plugin stores consent.
 *
 * generate.php picks about 70% of the customers with a usable phone (deterministically from the seed) and calls
 * rondine_dev_record_marketing_consent() with them. Filling this in belongs with the plugin's consent model
 * (plugin/src/Consent/): while the plugin documents no bulk way to record consent, nothing is written and the
 * function says so in its return value, which ends up in the `rondine_dev_shop` option and the generator's output.
 *
 * @package Rondine\Dev
 */

/**
 * @param array<int,array{customer_id:int,user_id:int,first_name:string,last_name:string,email:string,country:string,phone:string}> $customers Opted-in customers.
 * @param int                                                                                                                          $at        When they agreed (the generator's --until).
 * @return string What was done, for the summary.
 */
function rondine_dev_record_marketing_consent( array $customers, int $at ): string {
	if ( class_exists( '\Rondine\Consent\DevSeeder' ) && is_callable( array( '\Rondine\Consent\DevSeeder', 'opt_in' ) ) ) {
		return (string) \Rondine\Consent\DevSeeder::opt_in( $customers, $at );
	}
	return 'not recorded: the plugin has no \Rondine\Consent\DevSeeder::opt_in( $customers, $at ) yet';
}
