/**
 * External dependencies
 */
import { sql, type Kysely } from 'kysely';

/**
 * Internal dependencies
 */
import { isPostgres } from '../dialect.js';

/*
 * Messages apart from runs (issue 15, item 1). Until now a `recipients` row was both the run of the campaign's
 * automation and its one message. Multi-step automations need several messages per run, so:
 * - `messages`: one row per message of a run (run = recipients.id, step), UNIQUE (run_id, step): a step sends at most
 *   once. It holds everything about sending and delivering: state, attempts, next attempt, claim, wamid, status
 *   milestones, error. The dispatcher claims messages, webhooks merge statuses into messages.
 * - `recipients` keep what belongs to the run: the audience snapshot (phone, contact, variables), the run state
 *   (`active` until its last step's message is final, then `ended`) and the interaction (a reply or tap counts once per
 *   run). Their message columns and the indexes that served them are dropped.
 * Existing rows: each recipient's message columns are copied into a step-0 message (same state, milestones, error), so
 * in-flight messages keep being sent, settled and matched by webhooks (whose old callback data `<campaign>:<recipient>`
 * names run and step 0).
 */
const MESSAGE_COLUMNS = [
	'attempts',
	'next_attempt_at',
	'error_code',
	'error_reason',
	'retryable',
	'wamid',
	'message_status',
	'claimed_by',
	'claimed_at',
	'sent_at',
	'status_sent_at',
	'delivered_at',
	'read_at',
	'failed_at',
	'error_message',
	'retry_not_before',
];

export async function up( db: Kysely< any > ): Promise< void > {
	const pg = isPostgres( db );
	let messages = db.schema.createTable( 'messages' );
	messages = pg
		? messages.addColumn( 'id', 'bigserial', ( c ) => c.primaryKey() )
		: messages.addColumn( 'id', 'integer', ( c ) =>
				c.primaryKey().autoIncrement()
			);
	await messages
		.addColumn( 'tenant_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'campaign_id', 'text', ( c ) => c.notNull() )
		.addColumn( 'run_id', 'bigint', ( c ) =>
			c.notNull().references( 'recipients.id' ).onDelete( 'cascade' )
		)
		.addColumn( 'step', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'phone', 'text', ( c ) => c.notNull() )
		.addColumn( 'body', 'text', ( c ) => c.notNull() )
		.addColumn( 'state', 'text', ( c ) => c.notNull() )
		.addColumn( 'attempts', 'integer', ( c ) => c.notNull().defaultTo( 0 ) )
		.addColumn( 'next_attempt_at', 'bigint', ( c ) =>
			c.notNull().defaultTo( 0 )
		)
		.addColumn( 'claimed_by', 'text' )
		.addColumn( 'claimed_at', 'bigint' )
		.addColumn( 'sent_at', 'bigint' )
		.addColumn( 'wamid', 'text' )
		.addColumn( 'message_status', 'text' )
		.addColumn( 'status_sent_at', 'bigint' )
		.addColumn( 'delivered_at', 'bigint' )
		.addColumn( 'read_at', 'bigint' )
		.addColumn( 'failed_at', 'bigint' )
		.addColumn( 'error_code', 'integer' )
		.addColumn( 'error_reason', 'text' )
		.addColumn( 'error_message', 'text' )
		.addColumn( 'retryable', 'integer' )
		.addColumn( 'retry_not_before', 'bigint' )
		.addColumn( 'updated_at', 'bigint', ( c ) => c.notNull() )
		.addForeignKeyConstraint(
			'messages_campaign_fk',
			[ 'tenant_id', 'campaign_id' ],
			'campaigns',
			[ 'tenant_id', 'id' ],
			( c ) => c.onDelete( 'cascade' )
		)
		.execute();
	// At most one message per step of a run; also how callback data finds a message (run, step).
	await sql`CREATE UNIQUE INDEX messages_run_step ON messages (run_id, step)`.execute(
		db
	);
	// The dispatcher's claim (due messages of one running campaign, oldest first) and the per-state drill-down.
	await sql`CREATE INDEX messages_due ON messages (tenant_id, campaign_id, state, next_attempt_at, id)`.execute(
		db
	);
	await sql`CREATE INDEX messages_sending ON messages (claimed_by) WHERE state = 'sending'`.execute(
		db
	);
	await sql`CREATE INDEX messages_campaign_error ON messages (tenant_id, campaign_id, error_reason, id)`.execute(
		db
	);
	await sql`CREATE INDEX messages_campaign_message_status ON messages (tenant_id, campaign_id, message_status, id)`.execute(
		db
	);

	// Every existing recipient had exactly one message (sent or not): it becomes step 0 of its run.
	await sql`INSERT INTO messages (tenant_id, campaign_id, run_id, step, phone, body, state, ${ sql.raw(
		MESSAGE_COLUMNS.join( ', ' )
	) }, updated_at)
		SELECT tenant_id, campaign_id, id, 0, phone, variables, state, ${ sql.raw(
			MESSAGE_COLUMNS.join( ', ' )
		) }, updated_at
		FROM recipients ORDER BY id`.execute( db );

	// Recipients become runs: active while the message may still be sent, ended once it is final.
	await sql`UPDATE recipients SET state = CASE WHEN state IN ('pending', 'retry', 'sending') THEN 'active' ELSE 'ended' END`.execute(
		db
	);
	for ( const index of [
		'recipients_due',
		'recipients_sending',
		'recipients_claimed_by',
		'recipients_campaign_error',
		'recipients_campaign_message_status',
		'recipients_wamid',
	] ) {
		await sql`DROP INDEX IF EXISTS ${ sql.raw( index ) }`.execute( db );
	}
	for ( const column of MESSAGE_COLUMNS ) {
		await db.schema
			.alterTable( 'recipients' )
			.dropColumn( column )
			.execute();
	}
}

export async function down( db: Kysely< any > ): Promise< void > {
	const types: Record< string, 'integer' | 'text' | 'bigint' > = {
		attempts: 'integer',
		error_code: 'integer',
		retryable: 'integer',
		error_reason: 'text',
		wamid: 'text',
		message_status: 'text',
		claimed_by: 'text',
		error_message: 'text',
	};
	for ( const column of MESSAGE_COLUMNS ) {
		const type = types[ column ] ?? 'bigint';
		await db.schema
			.alterTable( 'recipients' )
			.addColumn( column, type )
			.execute();
	}
	await sql`UPDATE recipients SET state = m.state, ${ sql.raw(
		MESSAGE_COLUMNS.map( ( c ) => `${ c } = m.${ c }` ).join( ', ' )
	) } FROM messages AS m WHERE m.run_id = recipients.id AND m.step = 0`.execute(
		db
	);
	await db.schema.dropTable( 'messages' ).execute();
}
