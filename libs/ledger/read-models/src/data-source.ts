import { DataSource } from 'typeorm';
import { AccountBalanceSchema, AssetTotalSchema, StatementLineSchema } from './entities';
import { LedgerReadModels1764000000000 } from './migrations/1764000000000-ledger-read-models';

/** Connections of the read side's own pool (TypeORM keeps one next to the service's pg pool). */
export const READ_MODEL_POOL_MAX = 4;
export const READ_MODEL_MIGRATIONS_TABLE = 'ledger_read_model_migrations';

export interface LedgerReadModelDataSourceOptions {
  readonly url: string;
  /** The service's schema (e.g. `ledger`): the read models live beside its event store. */
  readonly schema: string;
  readonly poolMax?: number;
  readonly applicationName?: string;
}

/** TypeORM for the read models: entities and migrations, never `synchronize`. */
export function createLedgerReadModelDataSource(
  options: LedgerReadModelDataSourceOptions,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: [AccountBalanceSchema, StatementLineSchema, AssetTotalSchema],
    migrations: [LedgerReadModels1764000000000],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? 'ledger-read-models',
    extra: { max: options.poolMax ?? READ_MODEL_POOL_MAX },
  });
}

/** Initialises the data source if needed and runs pending migrations (all in one transaction). */
export async function migrateLedgerReadModels(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await dataSource.query(
    `create schema if not exists ${(dataSource.options as { schema: string }).schema}`,
  );
  await dataSource.runMigrations({ transaction: 'all' });
}
