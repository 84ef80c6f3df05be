import type { DataSource } from 'typeorm';
import { assetTotalsFromBalancesSql, booksDifference } from './books-totals';
import {
  AccountBalanceSchema,
  AssetTotalSchema,
  StatementLineSchema,
  type AccountBalanceEntity,
  type AssetTotalEntity,
  type StatementLineEntity,
} from './entities';

/** A statement page holds at most this many lines. */
export const STATEMENT_PAGE_LINES_MAX = 1_000;
export const STATEMENT_PAGE_LINES_DEFAULT = 100;

export interface AssetInvariant {
  readonly asset: string;
  readonly clientsMinor: string;
  readonly clientsFlooredMinor: string;
  readonly houseMinor: string;
  readonly custodyMinor: string;
  /** custody − (clients + house): zero while the books hold together. */
  readonly differenceMinor: string;
  /** The running totals equal the sums recomputed from every account balance. */
  readonly totalsMatchAccounts: boolean;
  readonly holds: boolean;
  /** Last global position that moved this asset's totals (what the check covered). */
  readonly lastPosition: string;
}

/** Reads of the ledger's read models (TypeORM repositories; amounts stay decimal text end to end). */
export class LedgerReadModels {
  constructor(private readonly dataSource: DataSource) {}

  clientBalances(clientId: string): Promise<AccountBalanceEntity[]> {
    return this.dataSource
      .getRepository(AccountBalanceSchema)
      .find({ where: { kind: 'client', ownerId: clientId }, order: { asset: 'ASC' } });
  }

  houseBalances(): Promise<AccountBalanceEntity[]> {
    return this.dataSource
      .getRepository(AccountBalanceSchema)
      .find({ where: { kind: 'house' }, order: { asset: 'ASC', ownerId: 'ASC' } });
  }

  /** A page of a client's statement after a global position, oldest first. */
  statement(
    clientId: string,
    afterPosition: bigint,
    limit: number,
  ): Promise<StatementLineEntity[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > STATEMENT_PAGE_LINES_MAX)
      throw new Error(`assertion: a statement page is 1..${STATEMENT_PAGE_LINES_MAX} lines`);
    return this.dataSource
      .getRepository(StatementLineSchema)
      .createQueryBuilder('line')
      .where('line.clientId = :clientId and line.globalPosition > :after', {
        clientId,
        after: afterPosition.toString(),
      })
      .orderBy('line.globalPosition', 'ASC')
      .addOrderBy('line.line', 'ASC')
      .limit(limit)
      .getMany();
  }

  assetTotals(): Promise<AssetTotalEntity[]> {
    return this.dataSource.getRepository(AssetTotalSchema).find({ order: { asset: 'ASC' } });
  }

  /**
   * HK-6/HK-8 per asset: client liabilities + house balances = custody assets recorded, from the
   * running totals AND recomputed from every account balance (a drift between the two is a bug too).
   */
  async invariants(): Promise<AssetInvariant[]> {
    const schema = (this.dataSource.options as { schema: string }).schema;
    const rows: {
      asset: string;
      clients: string;
      floored: string;
      house: string;
      custody: string;
      difference: string;
      totals_match: boolean;
      last_position: string;
    }[] = await this.dataSource.query(
      `with recomputed as (${assetTotalsFromBalancesSql(schema)})
       select t.asset, t.clients_minor::text as clients, t.clients_floored_minor::text as floored, t.house_minor::text as house,
              t.custody_minor::text as custody, t.difference_minor::text as difference, t.last_position::text as last_position,
              (r.asset is not null and r.clients = t.clients_minor and r.floored = t.clients_floored_minor and r.house = t.house_minor and r.custody = t.custody_minor) as totals_match
         from ${schema}.rm_asset_totals t left join recomputed r on r.asset = t.asset
        order by t.asset`,
    );
    return rows.map((row) => ({
      asset: row.asset,
      clientsMinor: row.clients,
      clientsFlooredMinor: row.floored,
      houseMinor: row.house,
      custodyMinor: row.custody,
      differenceMinor: row.difference,
      totalsMatchAccounts: row.totals_match,
      holds:
        row.totals_match &&
        BigInt(row.difference) === 0n &&
        booksDifference({
          custodyMinor: BigInt(row.custody),
          clientsMinor: BigInt(row.clients),
          houseMinor: BigInt(row.house),
        }) === 0n,
      lastPosition: row.last_position,
    }));
  }
}
