// The ledger's read models: TypeORM entities and migrations, the projection (pure fold + SQL adapter), queries.
export * from './entities';
export {
  createLedgerReadModelDataSource,
  migrateLedgerReadModels,
  READ_MODEL_MIGRATIONS_TABLE,
  READ_MODEL_POOL_MAX,
  type LedgerReadModelDataSourceOptions,
} from './data-source';
export {
  projectLedger,
  rowsNeeded,
  type AssetTotalRow,
  type BalanceRow,
  type HoldRow,
  type ProjectedEvent,
  type ProjectionResult,
  type StatementLine,
  type StatementReason,
} from './projection';
export {
  applyLedgerProjection,
  dumpReadModels,
  READ_MODEL_TABLES,
  rebuildLedgerReadModels,
  REBUILD_INDEX_MEMORY,
  REBUILD_LINES_PER_CHUNK,
  type ProjectionConnection,
} from './projection-store';
export {
  LedgerReadModels,
  STATEMENT_PAGE_LINES_DEFAULT,
  STATEMENT_PAGE_LINES_MAX,
  type AssetInvariant,
} from './queries';
