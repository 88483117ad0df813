/**
 * The shop owner's journey in wp-admin (issue 5, "Must show"), on the real stack: WordPress with the generated shop,
 * the plugin, the bridge and its WhatsApp emulator. Every figure the screens show is checked against a source that
 * does not go through Rondine's code: SQL on the shop's tables for the segment, the emulator's record of what each
 * phone received for the campaign.
 */

/**
 * External dependencies
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/**
 * Internal dependencies
 */
import { loadEnv } from '../lib/env';
import { apiIn } from '../lib/api';
import { login } from '../lib/login';

const env = loadEnv() as ReturnType< typeof loadEnv > & {
	database?: { name: string; user: string; password: string };
};

/** One SQL query on the shop's MariaDB, over the environment's socket; rows of tab-separated columns. */
function sql( query: string ): string[][] {
	const database = env.database ?? {
		name: 'wordpress',
		user: 'root',
		password: '',
	};
	const output = execFileSync(
		'mariadb',
		[
			'--no-defaults',
			`--socket=${ env.mysqlSocket }`,
			`--user=${ database.user }`,
			...( database.password
				? [ `--password=${ database.password }` ]
				: [] ),
			'--batch',
			'--skip-column-names',
			database.name,
			'-e',
			query,
		],
		{ encoding: 'utf8' }
	);
	return output
		.split( '\n' )
		.filter( Boolean )
		.map( ( line ) => line.split( '\t' ) );
}

const emulator = ( path: string, init?: RequestInit ) =>
	fetch( `${ env.emulatorUrl }/_control${ path }`, {
		...init,
		headers: {
			'content-type': 'application/json',
			authorization: `Bearer ${ env.sandboxControlToken ?? '' }`,
		},
	} ).then( async ( response ) => {
		expect( response.ok, await response.clone().text() ).toBe( true );
		return response.json();
	} );

/** The campaign as the REST API gives it, read with the logged-in page's nonce. */
async function restGet< T >( page: Page, path: string ): Promise< T > {
	return page.evaluate(
		( p ) =>
			(
				window as unknown as {
					wp: {
						apiFetch: ( o: { path: string } ) => Promise< unknown >;
					};
				}
			 ).wp.apiFetch( { path: p } ),
		path
	) as Promise< T >;
}

/** `YYYY-MM-DDTHH:mm` on the shop's wall clock, `minutes` from now (rounded up to the next whole minute). */
function shopClock(
	timeZone: string,
	minutes: number
): { local: string; at: Date } {
	const at = new Date( Date.now() + minutes * 60_000 );
	at.setUTCSeconds( 0, 0 );
	at.setUTCMinutes( at.getUTCMinutes() + 1 );
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat( 'en-CA', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
		} )
			.formatToParts( at )
			.map( ( part ) => [ part.type, part.value ] )
	);
	return {
		local: `${ parts.year }-${ parts.month }-${ parts.day }T${ parts.hour }:${ parts.minute }`,
		at,
	};
}

const rondine = ( hash: string ) =>
	`/wp-admin/admin.php?page=rondine#/${ hash }`;

test.describe( 'the shop owner journey', () => {
	test.describe.configure( { mode: 'serial' } );

	const stamp = Date.now().toString( 36 );
	const segmentName = `Spent over 100 in the last year, in Italy ${ stamp }`;
	const listName = `Fair list ${ stamp }`;
	const campaignName = `Autumn sale ${ stamp }`;
	// Five new Italian mobiles nobody in the shop has; the emulator says they are not on WhatsApp.
	const newPhones = Array.from(
		{ length: 5 },
		( _, i ) =>
			`+39351${ String( ( Date.now() + i * 7919 ) % 10_000_000 ).padStart( 7, '0' ) }`
	);

	test.afterAll( async () => {
		await emulator( '/config', {
			method: 'POST',
			body: JSON.stringify( {
				notOnWhatsApp: [],
				statuses: { deliveredRate: 0.97, readRate: 0.6 },
			} ),
		} );
	} );

	test( 'segment, CSV list, campaign over both, schedule, edit, start on time, stats, retry failed', async ( {
		page,
	} ) => {
		test.setTimeout( 8 * 60_000 );
		const timeZone =
			sql(
				"SELECT option_value FROM wp_options WHERE option_name = 'timezone_string'"
			)[ 0 ]?.[ 0 ] || 'UTC';

		// Deterministic ground truth: everyone delivered and read, except the five new numbers.
		await emulator( '/config', {
			method: 'POST',
			body: JSON.stringify( {
				notOnWhatsApp: newPhones,
				statuses: { deliveredRate: 1, readRate: 1 },
			} ),
		} );

		// The segment, counted independently: distinct valid phones with marketing consent whose customers (all those
		// sharing the phone: one contact, the sum of their orders) spent over
		// 100 (orders completed, processing or on hold, refunds net, a refund counted with its order's status) in the
		// last 365 days, billing country Italy.
		const segmentSql = `
			FROM wp_rondine_contacts c
			JOIN wp_wc_customer_lookup l ON l.customer_id = c.customer_id
			WHERE c.phone IS NOT NULL AND c.consent = 'granted' AND l.country = 'IT'
			AND ( SELECT SUM( s.total_sales ) FROM wp_wc_order_stats s
				LEFT JOIN wp_wc_order_stats o ON o.order_id = s.parent_id
				WHERE s.customer_id IN ( SELECT m.customer_id FROM wp_rondine_customer_contacts m WHERE m.contact_id = c.id )
				AND IFNULL( o.status, s.status ) IN ( 'wc-completed', 'wc-processing', 'wc-on-hold' )
				AND s.date_created_gmt >= UTC_TIMESTAMP() - INTERVAL 365 DAY ) > 100`;
		const segmentCount = Number(
			sql(
				`SELECT COUNT( DISTINCT c.phone ) ${ segmentSql }`
			)[ 0 ]?.[ 0 ]
		);
		expect( segmentCount ).toBeGreaterThan( 5 );
		const overlap = sql(
			`SELECT DISTINCT c.phone, c.first_name ${ segmentSql } ORDER BY c.phone LIMIT 5`
		);
		expect(
			Number(
				sql(
					`SELECT COUNT(*) FROM wp_rondine_contacts WHERE phone IN ( ${ newPhones
						.map( ( p ) => `'${ p }'` )
						.join( ',' ) } )`
				)[ 0 ]?.[ 0 ]
			)
		).toBe( 0 );

		await login( page );

		await test.step( 'a segment whose live count equals the SQL count', async () => {
			await page.goto( rondine( 'audience/segments/new' ) );
			await page.getByLabel( 'Segment name' ).fill( segmentName );
			await page.getByRole( 'button', { name: 'Add filter' } ).click();
			const first = page.getByTestId( 'rondine-segment-filter' ).nth( 0 );
			await first.getByLabel( 'Field' ).selectOption( 'total_spent' );
			await first.getByLabel( 'Comparison' ).selectOption( 'gt' );
			await first.getByLabel( /Amount \(.+\)/ ).fill( '100' );
			// "last year" is the last 365 days.
			await first
				.getByLabel( 'Period of the orders' )
				.selectOption( { label: 'last year' } );
			await page.getByRole( 'button', { name: 'Add filter' } ).click();
			const second = page
				.getByTestId( 'rondine-segment-filter' )
				.nth( 1 );
			await second
				.getByLabel( 'Field' )
				.selectOption( 'billing_country' );
			// Countries are chosen by name.
			await second.getByLabel( 'Countries (type a name)' ).fill( 'Ital' );
			await page
				.getByRole( 'option', { name: 'Italy', exact: true } )
				.click();
			await expect(
				page.getByTestId( 'rondine-segment-count' )
			).toHaveText(
				`${ segmentCount } contacts match (valid phone, opted in)`
			);
			await page.getByRole( 'button', { name: 'Save segment' } ).click();
			await expect( page ).toHaveURL( /#\/audience\/segments\/\d+$/ );
		} );

		await test.step( 'a list from a CSV with three bad rows reported', async () => {
			await page.goto( rondine( 'audience/lists' ) );
			await page.getByLabel( 'New list' ).fill( listName );
			await page
				.getByRole( 'button', { name: 'Create and import a CSV' } )
				.click();
			await expect( page.getByTestId( 'rondine-import' ) ).toBeVisible();
			const rows = [
				'Nome;Telefono;Email',
				// Already in the segment, written the way people type numbers.
				...overlap.map(
					( [ phone, name ] ) =>
						`${ name };${ phone!.replace( /^\+39(\d{3})(\d+)$/, '+39 $1 $2' ) };`
				),
				...newPhones.map(
					( phone, i ) =>
						`Nuovo ${ i };${ phone };nuovo${ i }@example.test`
				),
				'Troppo corto;12;',
				'Senza telefono;;senza@example.test',
				'Lettere;abcdefgh;',
			];
			await page
				.getByTestId( 'rondine-import' )
				.locator( 'input[type=file]' )
				.setInputFiles( {
					name: 'fiera.csv',
					mimeType: 'text/csv',
					buffer: Buffer.from( rows.join( '\n' ) + '\n' ),
				} );
			await expect(
				page.getByLabel( 'Import column Telefono as' )
			).toHaveValue( 'phone' );
			await page.getByLabel( 'All these contacts opted in' ).check();
			await page
				.getByLabel( /^I confirm that every contact in this file/ )
				.check();
			await page
				.getByRole( 'button', { name: 'Import', exact: true } )
				.click();
			const report = page.getByTestId( 'rondine-import-report' );
			await expect( report ).toContainText( '3 rejected.' );
			await expect(
				page
					.getByTestId( 'rondine-import-rejected' )
					.locator( 'tbody tr' )
			).toHaveCount( 3 );
		} );

		let campaignId = '';
		let startAt = new Date();
		const expected = segmentCount + newPhones.length;

		await test.step( 'a campaign over both, deduplicated, with a mapped template', async () => {
			await page.goto( rondine( 'campaigns/new' ) );
			await page.getByLabel( 'Campaign name' ).fill( campaignName );
			await page.getByLabel( segmentName, { exact: true } ).check();
			await page.getByLabel( new RegExp( `^${ listName }` ) ).check();
			await expect(
				page.getByTestId( 'rondine-audience-count' )
			).toHaveText(
				`${ expected } recipients (each phone once, opted-in contacts only)`
			);
			await page
				.getByLabel( 'Approved template' )
				.selectOption( { label: 'promo_autunno (it)' } );
			await page
				.getByLabel( 'Value of Body {{1}}' )
				.selectOption( 'first_name' );
			await page
				.getByLabel( 'Fallback for Body {{1}}' )
				.fill( 'cliente' );
			await page.getByLabel( 'Text for Body {{2}}' ).fill( '20%' );
			await page.getByLabel( 'Text for Body {{3}}' ).fill( 'AUTUNNO20' );
			await expect( page.getByTestId( 'rondine-bubble' ) ).toContainText(
				'[First name]'
			);
			await expect( page.getByTestId( 'rondine-bubble' ) ).toContainText(
				'AUTUNNO20'
			);

			// A start time in the past is refused, with a message that says so.
			const start = page.getByLabel( /^Start \(shop time/ );
			await start.fill( shopClock( timeZone, -120 ).local );
			await page.getByRole( 'button', { name: 'Schedule' } ).click();
			await expect(
				page.getByTestId( 'rondine-editor-problems' )
			).toContainText( 'The start time is in the past.' );

			const when = shopClock( timeZone, 1 );
			startAt = when.at;
			await start.fill( when.local );
			await expect(
				page.getByTestId( 'rondine-forecast' )
			).toContainText( `${ expected } recipients` );
			await page.getByRole( 'button', { name: 'Schedule' } ).click();
			await expect( page ).toHaveURL( /#\/campaigns$/ );
			await page.getByRole( 'link', { name: campaignName } ).click();
			await expect( page ).toHaveURL(
				/#\/campaigns\/[0-9a-f-]+\/stats$/
			);
			campaignId = /campaigns\/([0-9a-f-]+)\/stats/.exec(
				page.url()
			)![ 1 ]!;
			await expect(
				page.getByTestId( 'rondine-campaign-state' )
			).toHaveText( 'Scheduled' );
		} );

		await test.step( 'edited while scheduled', async () => {
			await page
				.getByTestId( 'rondine-campaign-stats' )
				.getByRole( 'link', { name: 'Edit', exact: true } )
				.click();
			await expect( page.getByLabel( 'Campaign name' ) ).toHaveValue(
				campaignName
			);
			await expect(
				page.getByLabel( 'Text for Body {{3}}' )
			).toHaveValue( 'AUTUNNO20' );
			await page.getByLabel( 'Text for Body {{3}}' ).fill( 'AUTUNNO25' );
			await page.getByRole( 'button', { name: 'Schedule' } ).click();
			await expect( page ).toHaveURL( /#\/campaigns$/ );
			const saved = await restGet< {
				state: string;
				template: {
					components: Array< {
						parameters: Array< { text?: string } >;
					} >;
				};
			} >( page, `/rondine/v1/campaigns/${ campaignId }` );
			expect( saved.state ).toBe( 'scheduled' );
			expect( JSON.stringify( saved.template.components ) ).toContain(
				'AUTUNNO25'
			);
		} );

		await test.step( 'starts on time and shows its progress', async () => {
			await page.goto( rondine( `campaigns/${ campaignId }/stats` ) );
			await expect(
				page.getByTestId( 'rondine-campaign-state' )
			).toHaveText( /Running|Completed/, {
				timeout: startAt.getTime() - Date.now() + 30_000,
			} );
			const started = await restGet< { started_at: string } >(
				page,
				`/rondine/v1/campaigns/${ campaignId }`
			);
			const lateBy =
				new Date( started.started_at ).getTime() - startAt.getTime();
			expect( lateBy ).toBeGreaterThanOrEqual( 0 );
			expect( lateBy ).toBeLessThan( 5_000 );
			await expect(
				page.getByTestId( 'rondine-progress' )
			).toBeVisible();
			await expect(
				page.getByTestId( 'rondine-campaign-state' )
			).toHaveText( 'Completed', { timeout: 60_000 } );
			await page.reload();
			await expect(
				page.getByTestId( 'rondine-progress' )
			).toContainText(
				`${ expected } of ${ expected } recipients done (100%)`
			);
		} );

		await test.step( "stats equal the emulator's ground truth", async () => {
			const received = await emulator(
				`/received?callbackPrefix=${ encodeURIComponent( `${ campaignId }:` ) }`
			);
			expect( received.phones ).toBe( expected );
			expect( received.duplicates ).toBe( 0 );
			const reached = received.phones - newPhones.length;
			const value = ( id: string ) =>
				page.getByTestId( id ).locator( '.rondine-stats__value' );
			// Status webhooks arrive a moment after the sends: reload until they are all in.
			await expect( async () => {
				await page.reload();
				await expect( value( 'rondine-stat-read' ) ).toHaveText(
					String( reached ),
					{
						timeout: 2_000,
					}
				);
				await expect( value( 'rondine-stat-failed' ) ).toHaveText(
					String( newPhones.length ),
					{ timeout: 2_000 }
				);
			} ).toPass( { timeout: 60_000 } );
			await expect( value( 'rondine-stat-sent' ) ).toHaveText(
				String( reached )
			);
			await expect( value( 'rondine-stat-delivered' ) ).toHaveText(
				String( reached )
			);
			await expect( value( 'rondine-stat-completed' ) ).toHaveText(
				String( expected )
			);
			// Each phone got the campaign exactly once.
			for ( const phone of [ ...newPhones, overlap[ 0 ]![ 0 ]! ] ) {
				const got = await emulator(
					`/received?phone=${ encodeURIComponent( phone ) }`
				);
				const own = Object.entries(
					got.callbacks as Record< string, number >
				).filter( ( [ data ] ) =>
					data.startsWith( `${ campaignId }:` )
				);
				expect( own.map( ( [ , count ] ) => count ) ).toEqual( [ 1 ] );
			}
		} );

		await test.step( 'a finished campaign cannot be edited', async () => {
			await page.goto( rondine( `campaigns/${ campaignId }/edit` ) );
			await expect(
				page
					.getByTestId( 'rondine-screen-campaigns' )
					.getByText( /can no longer be edited/ )
			).toBeVisible();
			const refused = await page.evaluate( async ( id ) => {
				try {
					await (
						window as unknown as {
							wp: {
								apiFetch: ( o: object ) => Promise< unknown >;
							};
						}
					 ).wp.apiFetch( {
						path: `/rondine/v1/campaigns/${ id }`,
						method: 'DELETE',
					} );
					return null;
				} catch ( error ) {
					return error as {
						code?: string;
						data?: { status?: number };
					};
				}
			}, campaignId );
			expect( refused?.data?.status ).toBe( 409 );
		} );

		await test.step( '"Retry failed" opens a draft with exactly the retryable failures', async () => {
			await page.goto( rondine( `campaigns/${ campaignId }/stats` ) );
			await page.getByRole( 'button', { name: 'Retry failed' } ).click();
			await expect( page ).toHaveURL( /#\/campaigns\/[0-9a-f-]+\/edit$/ );
			expect( page.url() ).not.toContain( campaignId );
			await expect(
				page.getByTestId( 'rondine-retry-audience' )
			).toContainText(
				`${ newPhones.length } failed recipients of “${ campaignName }” who can be tried again.`
			);
		} );
	} );
} );

test.describe( 'a running campaign', () => {
	test.afterAll( async () => {
		await emulator( '/config', {
			method: 'POST',
			body: JSON.stringify( { latencyMs: 0 } ),
		} );
	} );

	test( 'cannot be edited or deleted, and can be cancelled', async ( {
		page,
	} ) => {
		test.setTimeout( 3 * 60_000 );
		await login( page );
		await page.goto( rondine( 'dashboard' ) );
		await expect( page.getByTestId( 'rondine-bridge-state' ) ).toHaveText(
			'Connected to the bridge'
		);
		// Slow answers from the emulator keep the campaign sending long enough to try changing it.
		await emulator( '/config', {
			method: 'POST',
			body: JSON.stringify( { latencyMs: 8_000 } ),
		} );
		const api = apiIn( page );
		const name = `Everyone ${ Date.now().toString( 36 ) }`;
		const segment = await api( '/rondine/v1/segments', 'POST', {
			name,
			definition: { match: 'all', groups: [] },
		} );
		expect( segment.ok, JSON.stringify( segment.body ) ).toBe( true );
		const created = await api( '/rondine/v1/campaigns', 'POST', {
			name,
			audience: { segments: [ segment.body.id ], lists: [] },
			template: {
				name: 'hello_world',
				language: 'en_US',
				components: [],
			},
			start_at: null,
			options: { continue_when_limited: false },
		} );
		expect( created.ok, JSON.stringify( created.body ) ).toBe( true );
		const id = String( created.body.id );
		expect(
			(
				await api(
					`/rondine/v1/campaigns/${ id }/schedule`,
					'POST',
					{}
				)
			).ok
		).toBe( true );

		await page.goto( rondine( `campaigns/${ id }/stats` ) );
		await expect( page.getByTestId( 'rondine-campaign-state' ) ).toHaveText(
			'Running',
			{
				timeout: 30_000,
			}
		);

		// The editor refuses, and so does the API, with the bridge's reason.
		await page.goto( rondine( `campaigns/${ id }/edit` ) );
		await expect(
			page
				.getByTestId( 'rondine-screen-campaigns' )
				.getByText(
					'This campaign is running: it can no longer be edited.',
					{
						exact: false,
					}
				)
		).toBeVisible();
		const edit = await api( `/rondine/v1/campaigns/${ id }`, 'PUT', {
			name: `${ name } changed`,
			audience: { segments: [ segment.body.id ], lists: [] },
			template: {
				name: 'hello_world',
				language: 'en_US',
				components: [],
			},
			start_at: null,
			options: { continue_when_limited: false },
		} );
		expect( edit.ok ).toBe( false );
		expect(
			( edit.body.data as { status?: number } | undefined )?.status
		).toBe( 409 );
		const remove = await api( `/rondine/v1/campaigns/${ id }`, 'DELETE' );
		expect( remove.ok ).toBe( false );
		expect(
			( remove.body.data as { status?: number } | undefined )?.status
		).toBe( 409 );
		expect(
			( await api( `/rondine/v1/campaigns/${ id }` ) ).body.name
		).toBe( name );

		// In the list, a running campaign offers pause and cancel, not edit or delete.
		await page.goto( rondine( 'campaigns' ) );
		await page.getByRole( 'searchbox' ).first().fill( name );
		const row = page
			.locator( 'table tbody tr' )
			.filter( { hasText: name } );
		await expect( row ).toHaveCount( 1 );
		await row.getByRole( 'button', { name: 'Actions' } ).click();
		await expect(
			page.getByRole( 'menuitem', { name: 'Pause' } )
		).toBeVisible();
		await expect(
			page.getByRole( 'menuitem', { name: 'Cancel' } )
		).toBeVisible();
		await expect(
			page.getByRole( 'menuitem', { name: 'Edit' } )
		).toHaveCount( 0 );
		await expect(
			page.getByRole( 'menuitem', { name: 'Delete' } )
		).toHaveCount( 0 );
		await page.keyboard.press( 'Escape' );

		await page.goto( rondine( `campaigns/${ id }/stats` ) );
		await page.getByRole( 'button', { name: 'Cancel campaign' } ).click();
		// Cancelling asks first (how many will not be sent), then cancels.
		await page
			.getByRole( 'dialog' )
			.getByRole( 'button', { name: 'Cancel campaign' } )
			.click();
		await expect( page.getByTestId( 'rondine-campaign-state' ) ).toHaveText(
			'Cancelled',
			{
				timeout: 30_000,
			}
		);
	} );
} );

test.describe( 'hostile input', () => {
	test( 'names with markup and quotes are shown as text; SQL in filter values is inert', async ( {
		page,
	} ) => {
		const marker = Date.now().toString( 36 );
		const hostile = `<script>window.__rondineXss=1</script> "Big" O'Brien <img src=x onerror="window.__rondineXss=2"> ${ marker }`;
		const users = sql( 'SELECT COUNT(*) FROM wp_users' )[ 0 ]?.[ 0 ];
		await login( page );
		await page.goto( rondine( 'audience/segments/new' ) );
		await page.getByLabel( 'Segment name' ).fill( hostile );
		await page.getByRole( 'button', { name: 'Add filter' } ).click();
		const filter = page.getByTestId( 'rondine-segment-filter' ).first();
		await filter.getByLabel( 'Field' ).selectOption( 'billing_city' );
		await filter.getByLabel( 'Comparison' ).selectOption( 'contains' );
		await filter
			.getByLabel( 'Value' )
			.fill( "x' OR '1'='1'; DROP TABLE wp_users; -- %_\\" );
		await expect( page.getByTestId( 'rondine-segment-count' ) ).toHaveText(
			'0 contacts match (valid phone, opted in)'
		);
		await page.getByRole( 'button', { name: 'Save segment' } ).click();
		await expect( page ).toHaveURL( /#\/audience\/segments\/\d+$/ );

		// The plugin keeps names as plain text (tags stripped when saved); whatever it stored is shown as it is.
		const stored =
			sql(
				`SELECT name FROM wp_rondine_segments WHERE name LIKE '%${ marker }'`
			)[ 0 ]?.[ 0 ] ?? '';
		expect( stored ).toContain( `"Big" O'Brien` );
		await page.goto( rondine( 'audience/segments' ) );
		await expect(
			page.getByRole( 'link', { name: stored, exact: true } )
		).toBeVisible();
		await page.goto( rondine( 'campaigns/new' ) );
		await expect(
			page.getByLabel( stored, { exact: true } )
		).toBeVisible();

		// A contact whose name came in with markup (typed at checkout, say) is shown as text too.
		const [ id, firstName, lastName ] = sql(
			'SELECT id, first_name, last_name FROM wp_rondine_contacts ORDER BY id LIMIT 1'
		)[ 0 ]!;
		sql(
			`UPDATE wp_rondine_contacts SET first_name = '<img src=x onerror="window.__rondineXss=3">"Zoë"', last_name = '${ marker }<script>window.__rondineXss=4</script>' WHERE id = ${ Number( id ) }`
		);
		try {
			await page.goto( rondine( 'audience/contacts' ) );
			await page.getByLabel( 'Search contacts' ).fill( marker );
			await expect(
				page.getByTestId( 'rondine-contacts' )
			).toContainText(
				`<img src=x onerror="window.__rondineXss=3">"Zoë" ${ marker }<script>window.__rondineXss=4</script>`
			);
		} finally {
			sql(
				`UPDATE wp_rondine_contacts SET first_name = '${ ( firstName ?? '' ).replace( /'/g, "''" ) }', last_name = '${ ( lastName ?? '' ).replace( /'/g, "''" ) }' WHERE id = ${ Number( id ) }`
			);
		}
		expect(
			await page.evaluate(
				() =>
					( window as unknown as { __rondineXss?: number } )
						.__rondineXss
			)
		).toBeUndefined();
		expect( sql( 'SELECT COUNT(*) FROM wp_users' )[ 0 ]?.[ 0 ] ).toBe(
			users
		);
	} );

	test( 'a malformed connection code gets a clear message and changes nothing', async ( {
		page,
	} ) => {
		await login( page );
		await page.goto( rondine( 'settings' ) );
		const state = page.getByTestId( 'rondine-connection-state' );
		await expect( state ).toContainText( 'Connected to' );
		const before = await state.innerText();
		await page
			.getByLabel( 'New connection code' )
			.fill( 'rondine_not-base64!' );
		await page
			.getByRole( 'button', { name: 'Connect', exact: true } )
			.click();
		await expect( page.getByTestId( 'rondine-notices' ) ).toContainText(
			'Settings not saved:'
		);
		await expect( page.getByLabel( 'New connection code' ) ).toHaveValue(
			'rondine_not-base64!'
		);
		await page.reload();
		await expect(
			page.getByTestId( 'rondine-connection-state' )
		).toHaveText( before );
		await page.goto( rondine( 'dashboard' ) );
		await expect( page.getByTestId( 'rondine-bridge-state' ) ).toHaveText(
			'Connected to the bridge'
		);
	} );
} );

test.describe( 'audience by name', () => {
	test( 'a segment picks a product and a category by name, counts what SQL counts, and shows the names again', async ( {
		page,
	} ) => {
		// The product most customers bought, and its category, straight from the shop's tables.
		const [ productId, productName, sku ] = sql(
			`SELECT p.ID, p.post_title, sku.meta_value FROM wp_posts p
			 JOIN wp_postmeta sku ON sku.post_id = p.ID AND sku.meta_key = '_sku'
			 JOIN wp_wc_order_product_lookup pl ON pl.product_id = p.ID
			 WHERE p.post_type = 'product' GROUP BY p.ID ORDER BY COUNT( DISTINCT pl.customer_id ) DESC, p.ID LIMIT 1`
		)[ 0 ]!;
		const [ categoryName ] = sql(
			`SELECT t.name FROM wp_terms t
			 JOIN wp_term_taxonomy tt ON tt.term_id = t.term_id AND tt.taxonomy = 'product_cat'
			 JOIN wp_term_relationships tr ON tr.term_taxonomy_id = tt.term_taxonomy_id
			 WHERE tr.object_id = ${ Number( productId ) } LIMIT 1`
		)[ 0 ]!;
		// Distinct valid opted-in phones whose customer bought it in a counted order status.
		const expected = Number(
			sql(
				`SELECT COUNT( DISTINCT c.phone ) FROM wp_rondine_contacts c
				 WHERE c.phone IS NOT NULL AND c.consent = 'granted' AND EXISTS (
				   SELECT 1 FROM wp_wc_order_product_lookup pl JOIN wp_wc_order_stats s ON s.order_id = pl.order_id
				   LEFT JOIN wp_wc_order_stats o ON o.order_id = s.parent_id
				   WHERE pl.customer_id = c.customer_id AND ( pl.product_id = ${ Number( productId ) } OR pl.variation_id = ${ Number( productId ) } )
				   AND IFNULL( o.status, s.status ) IN ( 'wc-completed', 'wc-processing', 'wc-on-hold' ) )`
			)[ 0 ]?.[ 0 ]
		);
		expect( expected ).toBeGreaterThan( 0 );
		const name = `Bought ${ productName } ${ Date.now().toString( 36 ) }`;

		await login( page );
		await page.goto( rondine( 'audience/segments/new' ) );
		await page.getByLabel( 'Segment name' ).fill( name );
		await page.getByRole( 'button', { name: 'Add filter' } ).click();
		const filter = page.getByTestId( 'rondine-segment-filter' ).first();
		await filter.getByLabel( 'Field' ).selectOption( 'bought_product' );
		const products = filter.getByLabel( 'Products (type a name or SKU)' );
		await products.fill( productName!.slice( 0, 6 ) );
		await page
			.getByRole( 'option', { name: `${ productName } (SKU ${ sku })` } )
			.click();
		await expect( page.getByTestId( 'rondine-segment-count' ) ).toHaveText(
			`${ expected } ${
				expected === 1 ? 'contact matches' : 'contacts match'
			} (valid phone, opted in)`
		);
		// By SKU too, in a second filter, for the category.
		await page.getByRole( 'button', { name: 'Add filter' } ).click();
		const second = page.getByTestId( 'rondine-segment-filter' ).nth( 1 );
		await second.getByLabel( 'Field' ).selectOption( 'bought_category' );
		await second
			.getByLabel( 'Categories (type a name)' )
			.fill( categoryName!.slice( 0, 4 ) );
		await page
			.getByRole( 'option', { name: categoryName, exact: true } )
			.click();
		// The product is in the category: the AND changes nothing.
		await expect(
			page.getByTestId( 'rondine-segment-count' )
		).toContainText( `${ expected } ` );
		await page.getByRole( 'button', { name: 'Save segment' } ).click();
		await expect( page ).toHaveURL( /#\/audience\/segments\/\d+$/ );

		// Stored as ids; named again when the editor opens.
		const definition = JSON.parse(
			sql(
				`SELECT definition FROM wp_rondine_segments WHERE name = '${ name.replace( /'/g, "''" ) }'`
			)[ 0 ]![ 0 ]!
		);
		expect( definition.groups[ 0 ].filters[ 0 ].value ).toEqual( [
			Number( productId ),
		] );
		await page.reload();
		await expect(
			page
				.getByTestId( 'rondine-segment-filter' )
				.nth( 0 )
				.locator( '.components-form-token-field__token-text' )
		).toContainText( `${ productName } (SKU ${ sku })` );
		await expect(
			page
				.getByTestId( 'rondine-segment-filter' )
				.nth( 1 )
				.locator( '.components-form-token-field__token-text' )
		).toContainText( categoryName! );
	} );

	test( 'tags: created, counted, renamed, and deleted off their contacts after a confirmation', async ( {
		page,
	} ) => {
		const stamp = Date.now().toString( 36 );
		await login( page );
		await page.goto( rondine( 'audience/tags' ) );
		await page.getByLabel( 'New tag' ).fill( `Fair ${ stamp }` );
		await page.getByRole( 'button', { name: 'Add tag' } ).click();
		const row = page
			.getByTestId( 'rondine-tag-row' )
			.filter( { hasText: `Fair ${ stamp }` } );
		await expect( row ).toContainText( '0' );

		// Two contacts get the tag (as an import would give it).
		const [ tagId ] = sql(
			`SELECT id FROM wp_rondine_tags WHERE name = 'Fair ${ stamp }'`
		)[ 0 ]!;
		sql(
			`INSERT INTO wp_rondine_contact_tags ( contact_id, tag_id ) SELECT id, ${ Number( tagId ) } FROM wp_rondine_contacts ORDER BY id LIMIT 2`
		);
		await page.reload();
		await expect(
			page
				.getByTestId( 'rondine-tag-row' )
				.filter( { hasText: `Fair ${ stamp }` } )
				.locator( 'td' )
				.nth( 1 )
		).toHaveText( '2' );

		await page
			.getByRole( 'button', { name: `Rename “Fair ${ stamp }”` } )
			.click();
		await page
			.getByLabel( `New name for “Fair ${ stamp }”` )
			.fill( `Fiera ${ stamp }` );
		await page.getByRole( 'button', { name: 'Save', exact: true } ).click();
		await expect(
			page
				.getByTestId( 'rondine-tag-row' )
				.filter( { hasText: `Fiera ${ stamp }` } )
		).toBeVisible();
		expect(
			sql(
				`SELECT name FROM wp_rondine_tags WHERE id = ${ Number( tagId ) }`
			)
		).toEqual( [ [ `Fiera ${ stamp }` ] ] );

		// Dismissing the confirmation keeps the tag; accepting deletes it and takes it off both contacts.
		const remove = page.getByRole( 'button', {
			name: `Delete “Fiera ${ stamp }”`,
		} );
		page.once( 'dialog', ( dialog ) => dialog.dismiss() );
		await remove.click();
		await expect( remove ).toBeVisible();
		let question = '';
		page.once( 'dialog', ( dialog ) => {
			question = dialog.message();
			return dialog.accept();
		} );
		await remove.click();
		await expect( remove ).toHaveCount( 0 );
		expect( question ).toContain( 'taken off 2 contacts' );
		expect(
			sql(
				`SELECT COUNT(*) FROM wp_rondine_contact_tags WHERE tag_id = ${ Number( tagId ) }`
			)
		).toEqual( [ [ '0' ] ] );
	} );
} );

test.describe( 'daily-limit forecast', () => {
	test( 'counts and names another campaign scheduled in the 24 h before the start', async ( {
		page,
	} ) => {
		const timeZone =
			sql(
				"SELECT option_value FROM wp_options WHERE option_name = 'timezone_string'"
			)[ 0 ]?.[ 0 ] || 'UTC';
		await login( page );
		await page.goto( rondine( 'dashboard' ) );
		await expect( page.getByTestId( 'rondine-bridge-state' ) ).toHaveText(
			'Connected to the bridge'
		);
		const api = apiIn( page );
		const stamp = Date.now().toString( 36 );
		const segment = await api( '/rondine/v1/segments', 'POST', {
			name: `Everyone ${ stamp }`,
			definition: { match: 'all', groups: [] },
		} );
		expect( segment.ok, JSON.stringify( segment.body ) ).toBe( true );
		const audience = { segments: [ segment.body.id ], lists: [] };
		const taken = Number(
			( await api( '/rondine/v1/audience/count', 'POST', audience ) ).body
				.count
		);
		expect( taken ).toBeGreaterThan( 0 );
		const other = `Black Friday ${ stamp }`;
		const created = await api( '/rondine/v1/campaigns', 'POST', {
			name: other,
			audience,
			template: {
				name: 'hello_world',
				language: 'en_US',
				components: [],
			},
			start_at: shopClock( 'UTC', 120 ).at.toISOString(),
			options: { continue_when_limited: false },
		} );
		expect( created.ok, JSON.stringify( created.body ) ).toBe( true );
		const id = String( created.body.id );
		try {
			expect(
				(
					await api(
						`/rondine/v1/campaigns/${ id }/schedule`,
						'POST',
						{}
					)
				).ok
			).toBe( true );

			await page.goto( rondine( 'campaigns/new' ) );
			await page
				.getByLabel( `Everyone ${ stamp }`, { exact: true } )
				.check();
			await page
				.getByLabel( /^Start \(shop time/ )
				.fill( shopClock( timeZone, 180 ).local );
			await expect(
				page.getByTestId( 'rondine-forecast' )
			).toContainText(
				`, of which ${ taken.toLocaleString( 'en-US' ) } ${
					taken === 1 ? 'is' : 'are'
				} taken by “${ other }” scheduled at `
			);
			// Two days later the other campaign's sends have left the window.
			await page
				.getByLabel( /^Start \(shop time/ )
				.fill( shopClock( timeZone, 48 * 60 ).local );
			await expect(
				page.getByTestId( 'rondine-forecast' )
			).not.toContainText( other );
		} finally {
			await api( `/rondine/v1/campaigns/${ id }`, 'DELETE' );
		}
	} );
} );
