import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema of the migration's data source (the service's own schema, e.g. `ledger`). */
function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (schema === undefined || !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`assertion: read-model schema '${String(schema)}' is not a plain identifier`);
  return schema;
}

/**
 * The ledger's read models (all derived from the event store; rebuildable from position 0):
 * balances per account, each client's statement, per-asset totals, and the withdrawal holds
 * the projection needs to release. Amounts are numeric(40,0): exact integers in smallest units.
 */
export class LedgerReadModels1764000000000 implements MigrationInterface {
  readonly name = 'LedgerReadModels1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      create table ${schema}.rm_account_balances (
        account_key text primary key,
        kind text not null check (kind in ('client', 'house', 'custody')),
        owner_id text not null,
        asset text not null,
        debits_posted_minor numeric(40, 0) not null,
        credits_posted_minor numeric(40, 0) not null,
        debits_pending_minor numeric(40, 0) not null,
        credits_pending_minor numeric(40, 0) not null,
        posted_minor numeric(40, 0) not null,
        available_minor numeric(40, 0) not null,
        last_position int8 not null
      )`);
    await queryRunner.query(
      `create index rm_account_balances_owner on ${schema}.rm_account_balances (kind, owner_id, asset)`,
    );
    await queryRunner.query(`
      create table ${schema}.rm_statement_lines (
        client_id text not null,
        global_position int8 not null,
        line int4 not null,
        asset text not null,
        reason text not null,
        source_reference text not null,
        amount_minor numeric(40, 0) not null,
        pending_change_minor numeric(40, 0) not null,
        balance_after_minor numeric(40, 0) not null,
        available_after_minor numeric(40, 0) not null,
        occurred_at text not null,
        primary key (client_id, global_position, line)
      )`);
    await queryRunner.query(`
      create table ${schema}.rm_asset_totals (
        asset text primary key,
        clients_minor numeric(40, 0) not null,
        clients_floored_minor numeric(40, 0) not null,
        house_minor numeric(40, 0) not null,
        custody_minor numeric(40, 0) not null,
        difference_minor numeric(40, 0) not null,
        last_position int8 not null
      )`);
    await queryRunner.query(`
      create table ${schema}.rm_withdrawal_holds (
        withdrawal_id text primary key,
        client_id text not null,
        asset text not null,
        amount_minor numeric(40, 0) not null,
        status text not null check (status in ('held', 'settled', 'released'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const table of [
      'rm_withdrawal_holds',
      'rm_asset_totals',
      'rm_statement_lines',
      'rm_account_balances',
    ])
      await queryRunner.query(`drop table if exists ${schema}.${table}`);
  }
}
