import { createHash } from 'node:crypto';
import { blockAtOrBefore, type ChainReader } from '@custody/chain';
import {
  DEPOSIT_CONFIRMED_TYPE,
  WALLET_EVENTS_TOPIC,
  WALLET_REGISTERED_TYPE,
  WITHDRAWAL_CONFIRMED_TYPE,
  walletHoldingDeltas,
  type DepositConfirmedV1,
  type WalletRegisteredV1,
  type WithdrawalConfirmedV1,
} from '@custody/contracts';
import { type Fold, type PostgresEventStore, type Transaction } from '@custody/event-store';
import type { ConsumedMessage } from '@custody/messaging';
import {
  cutOffInstant,
  reconcileClientMovements,
  type BookedMovement,
  type ChainMovement,
  type ClientBreak,
  reconcile,
  recordedRunsFold,
  type BusinessCalendar,
  type DiscrepancyEvent,
  type OnChainBalance,
  type ReconciliationResult,
  type WalletRecord,
} from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import type { DailyRuns } from './daily-runs';
import { ReconciliationRecord } from './reconciliation-store';
import type { Discrepancies } from './discrepancies';

/** Client deposits and withdrawals one run compares (per side). */
export const CLIENT_MOVEMENTS_MAX = 2_000_000;
/** Wallet x asset records one run compares. */
export const WALLET_RECORDS_MAX = 64_000;
/** Client-segregated wallets one run reads on chain (a deployment has tens). */
export const RUN_WALLETS_MAX = 1_000;
export interface ReconciliationRunRecorded {
  readonly type: 'ReconciliationRunCompleted';
  readonly data: {
    readonly runId: string;
    readonly businessDay: string;
    readonly jurisdiction: string;
    /** The TW-13 run whose totals are what clients are owed. */
    readonly dailyRunId: string;
    /** The day's close: wallet records before it, the chain at the last block before it. */
    readonly cutOff: string;
    /** The cut-off had not passed when the run was made: records and chain as of the run. */
    readonly provisional: boolean;
    readonly heights: readonly { readonly chain: string; readonly blockNumber: string }[];
    /** Client-segregated wallets on a chain this service cannot read: not compared on chain. */
    readonly unread: readonly string[];
    readonly perAsset: readonly {
      readonly asset: string;
      readonly owedMinor: bigint;
      readonly recordedMinor: bigint;
      readonly houseMinor: bigint;
      readonly onChainMinor: bigint;
    }[];
    readonly perWallet: readonly {
      readonly walletId: string;
      readonly asset: string;
      readonly recordedMinor: bigint;
      readonly houseMinor: bigint;
      readonly onChainMinor: bigint;
      readonly blockNumber: string | null;
      readonly differenceMinor: bigint;
    }[];
    readonly differences: readonly {
      readonly discrepancyId: string;
      readonly asset: string;
      readonly source: string;
      readonly kind: string;
      readonly amountMinor: bigint;
      readonly owedMinor: bigint;
      readonly heldMinor: bigint;
      readonly wallets: readonly string[];
    }[];
    /** HK-21: per client, each deposit and withdrawal booked against the one recorded on chain. */
    readonly clients: {
      readonly clients: number;
      readonly movementsMatched: number;
      readonly breaks: readonly ClientBreak[];
    };
    /** Discrepancies this run opened, found still there, and confirmed gone. */
    readonly opened: readonly string[];
    readonly persisting: readonly string[];
    readonly confirmedGone: readonly string[];
    /** SHA-256 of the comparison: the same day over the same inputs gives the same digest. */
    readonly digest: string;
    readonly at: string;
  };
}

type RunData = ReconciliationRunRecorded['data'];

const RUNS_AGGREGATE: Fold<
  ReadonlyMap<string, RunData>,
  ReconciliationRunRecorded
> = recordedRunsFold<ReconciliationRunRecorded>({ ReconciliationRunCompleted: true });

export interface ReconciliationRunsOptions {
  readonly store: PostgresEventStore;
  readonly calendar: BusinessCalendar;
  readonly dailyRuns: DailyRuns;
  /** One reader per chain the wallets live on; a wallet on another chain is reported unread. */
  readonly chains: readonly ChainReader[];
  readonly discrepancies: Discrepancies;
  readonly now?: () => Date;
}

/** TW-14 runs judge the wallet-record and on-chain differences, never the trust account's. */
const TW14_SCOPE = (difference: { readonly source: string }) =>
  difference.source === 'wallet-records' || difference.source === 'on-chain';

const stringify = (value: unknown) =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );

/**
 * TW-14 / HK-21 reconciliation runs and their discrepancies. A run for a business day compares the
 * TW-13 totals (what clients are owed) with the wallet service's records of client-segregated
 * wallets and with the chain, both as of the day's cut-off: records confirmed before it, balances
 * at the last block mined before it (stated in the run). Each difference opens a discrepancy once
 * (while one is open for the same asset, source and kind, a later run finds it persisting); a
 * discrepancy a later run no longer finds is confirmed gone (a shortfall only after a recorded
 * top-up, TW-14.3). The run, its inputs and its outcome are one event; the same day over the same
 * inputs (TW-13 run, block heights) records nothing new and gives the same report.
 */
export class ReconciliationRuns extends ReconciliationRecord {
  constructor(private readonly options: ReconciliationRunsOptions) {
    super(options);
  }

  async migrate(client: PoolClient): Promise<void> {
    await client.query(`
      create table if not exists ${this.schema}.recon_wallets (
        wallet_id text primary key,
        chain text not null,
        address text not null,
        tier text not null,
        owner_class text not null
      );
      create table if not exists ${this.schema}.recon_client_transfers (
        kind text not null,
        movement_id text not null,
        client_id text not null,
        asset text not null,
        amount_minor numeric(78, 0) not null,
        transaction_hash text not null,
        at timestamptz not null,
        primary key (kind, movement_id)
      );
      create table if not exists ${this.schema}.recon_wallet_movements (
        message_id text not null,
        line int not null,
        wallet_id text not null,
        asset text not null,
        client_delta numeric(78, 0) not null,
        house_delta numeric(78, 0) not null,
        at timestamptz not null,
        primary key (message_id, line)
      );`);
  }

  /** The wallet topic's part of the consumer's batch: wallets and what their movements did, each message once. */
  async applyWalletMessages(
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ): Promise<void> {
    for (const message of messages) {
      if (message.topic !== WALLET_EVENTS_TOPIC) continue;
      if (message.value.type === WALLET_REGISTERED_TYPE) {
        const { data } = message.value as unknown as WalletRegisteredV1;
        await client.query(
          `insert into ${this.schema}.recon_wallets (wallet_id, chain, address, tier, owner_class) values ($1, $2, $3, $4, $5)
           on conflict (wallet_id) do update set chain = excluded.chain, address = excluded.address, tier = excluded.tier, owner_class = excluded.owner_class`,
          [data.walletId, data.chain, data.address, data.tier, data.ownerClass],
        );
        continue;
      }
      // HK-21: each client deposit and withdrawal the wallet recorded on chain, for the per-client reconciliation
      if (
        message.value.type === DEPOSIT_CONFIRMED_TYPE ||
        message.value.type === WITHDRAWAL_CONFIRMED_TYPE
      ) {
        const deposit = message.value.type === DEPOSIT_CONFIRMED_TYPE;
        const data = message.value.data as
          DepositConfirmedV1['data'] | WithdrawalConfirmedV1['data'];
        await client.query(
          `insert into ${this.schema}.recon_client_transfers (kind, movement_id, client_id, asset, amount_minor, transaction_hash, at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
          [
            deposit ? 'deposit' : 'withdrawal',
            'depositId' in data ? data.depositId : data.withdrawalId,
            data.clientId,
            data.asset,
            data.amountMinor,
            data.transactionHash,
            data.confirmedAt,
          ],
        );
      }
      for (const [line, delta] of walletHoldingDeltas(message.value).entries()) {
        await client.query(
          `insert into ${this.schema}.recon_wallet_movements (message_id, line, wallet_id, asset, client_delta, house_delta, at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
          [
            message.messageId,
            line,
            delta.walletId,
            delta.asset,
            delta.clientDeltaMinor.toString(),
            delta.houseDeltaMinor.toString(),
            delta.at,
          ],
        );
      }
    }
  }

  /** The wallet service's records of client-segregated wallets as this service holds them, before an instant (client and house shares). */
  async walletRecords(before: string): Promise<WalletRecord[]> {
    const { rows } = await this.options.store.pool.query<{
      wallet_id: string;
      asset: string;
      client: string;
      house: string;
    }>(
      `select m.wallet_id, m.asset, sum(m.client_delta)::text as client, sum(m.house_delta)::text as house
         from ${this.schema}.recon_wallet_movements m join ${this.schema}.recon_wallets w using (wallet_id)
        where w.owner_class = 'client-segregated' and m.at < $1
        group by m.wallet_id, m.asset order by m.wallet_id, m.asset limit ${WALLET_RECORDS_MAX + 1}`,
      [before],
    );
    if (rows.length > WALLET_RECORDS_MAX)
      throw new Error(
        `more than ${WALLET_RECORDS_MAX} wallet records (wallet x asset): reconcile per chain`,
      );
    return rows.map((row) => ({
      walletId: row.wallet_id,
      asset: row.asset,
      recordedMinor: BigInt(row.client),
      houseMinor: BigInt(row.house),
    }));
  }

  /** HK-21: the deposits and withdrawals the ledger booked per client, and the ones the wallet recorded on chain, before an instant. */
  private async clientMovements(
    before: string,
    upToReceived: bigint,
  ): Promise<[BookedMovement[], ChainMovement[]]> {
    const db = this.options.store.pool;
    const { rows: bookedRows } = await db.query<{
      journal_id: string;
      client_id: string;
      asset: string;
      amount: string;
    }>(
      `select journal_id, client_id, asset, sum(amount_minor)::text as amount from ${this.schema}.recon_movements
        where (journal_id like 'deposit:%' or journal_id like 'withdrawal:%') and at < $1 and received <= $2 group by journal_id, client_id, asset order by journal_id limit ${CLIENT_MOVEMENTS_MAX + 1}`,
      [before, upToReceived.toString()],
    );
    const { rows: chainRows } = await db.query<{
      kind: 'deposit' | 'withdrawal';
      movement_id: string;
      client_id: string;
      asset: string;
      amount_minor: string;
      transaction_hash: string;
    }>(
      `select kind, movement_id, client_id, asset, amount_minor::text, transaction_hash from ${this.schema}.recon_client_transfers where at < $1 order by kind, movement_id limit ${CLIENT_MOVEMENTS_MAX + 1}`,
      [before],
    );
    if (bookedRows.length > CLIENT_MOVEMENTS_MAX || chainRows.length > CLIENT_MOVEMENTS_MAX)
      throw new Error(
        `more than ${CLIENT_MOVEMENTS_MAX} client deposits and withdrawals: reconcile per period`,
      );
    const booked = bookedRows.map((row) => {
      const [kind = '', ...rest] = row.journal_id.split(':');
      const amount = BigInt(row.amount);
      return {
        kind: kind as BookedMovement['kind'],
        movementId: rest.join(':'),
        clientId: row.client_id,
        asset: row.asset,
        amountMinor: amount < 0n ? -amount : amount,
      };
    });
    const chain = chainRows.map((row) => ({
      kind: row.kind,
      movementId: row.movement_id,
      clientId: row.client_id,
      asset: row.asset,
      amountMinor: BigInt(row.amount_minor),
      transactionHash: row.transaction_hash,
    }));
    return [booked, chain];
  }

  async runs(businessDay: string): Promise<RunData[]> {
    return [
      ...(await this.streams.load(this.runStreamId(businessDay), RUNS_AGGREGATE)).state.values(),
    ];
  }

  async findRun(runId: string): Promise<RunData | undefined> {
    const businessDay = /^[A-Z]{2}:(\d{4}-\d{2}-\d{2}):/.exec(runId)?.[1];
    if (businessDay === undefined) return undefined;
    return (await this.streams.load(this.runStreamId(businessDay), RUNS_AGGREGATE)).state.get(
      runId,
    );
  }

  /**
   * Runs TW-14 for a business day (the TW-13 run is the day's latest, or made now). Returns the
   * recorded run: a new one, or the earlier one when the inputs are the same.
   */
  async run(businessDay: string): Promise<RunData> {
    const at = this.now().toISOString();
    const cutOff = cutOffInstant(businessDay, this.options.calendar);
    const provisional = Date.parse(cutOff) > Date.parse(at);
    const asOf = provisional ? at : cutOff;
    // the TW-13 run over every journal received so far (recorded once per input: the same input gives the same run)
    const daily = (await this.options.dailyRuns.run(businessDay)).recorded;
    const owed = new Map(
      Object.entries(daily.totals).map(([asset, total]) => [asset, BigInt(total)]),
    );

    const { rows: wallets } = await this.options.store.pool.query<{
      wallet_id: string;
      chain: string;
      address: string;
    }>(
      `select wallet_id, chain, address from ${this.schema}.recon_wallets where owner_class = 'client-segregated' order by wallet_id limit ${RUN_WALLETS_MAX + 1}`,
    );
    if (wallets.length > RUN_WALLETS_MAX)
      throw new Error(
        `more than ${RUN_WALLETS_MAX} client-segregated wallets: reconcile per chain`,
      );
    const records = await this.walletRecords(asOf);

    // the chain at the last block before the close (before the run, when provisional)
    const onChain: OnChainBalance[] = [];
    const heights: { chain: string; blockNumber: string }[] = [];
    const unread: string[] = [];
    const assetsOf = (walletId: string, reader: ChainReader) =>
      [
        ...new Set([
          ...records.filter((record) => record.walletId === walletId).map((record) => record.asset),
          ...[...owed.keys()].filter((asset) => reader.assets.includes(asset)),
        ]),
      ]
        .filter((asset) => reader.assets.includes(asset))
        .sort();
    for (const reader of this.options.chains) {
      const onThisChain = wallets.filter((wallet) => wallet.chain === reader.chain);
      if (onThisChain.length === 0) continue;
      const height = await blockAtOrBefore(reader, Date.parse(asOf) - 1);
      heights.push({
        chain: reader.chain,
        blockNumber: height === undefined ? 'none' : height.toString(),
      });
      for (const wallet of onThisChain) {
        for (const asset of assetsOf(wallet.wallet_id, reader)) {
          onChain.push({
            walletId: wallet.wallet_id,
            asset,
            balanceMinor:
              height === undefined ? 0n : await reader.balanceAt(wallet.address, asset, height),
            blockNumber: height ?? 0n,
          });
        }
      }
    }
    for (const wallet of wallets)
      if (!this.options.chains.some((reader) => reader.chain === wallet.chain))
        unread.push(wallet.wallet_id);
    const result = reconcile(businessDay, owed, records, onChain);
    const clients = reconcileClientMovements(
      ...(await this.clientMovements(asOf, BigInt(daily.upToReceived))),
    );
    const digest = createHash('sha256')
      .update(stringify({ daily: daily.runId, result, clients }))
      .digest('hex');
    // named by its inputs: the TW-13 run, the heights read and the wallet records (a late record makes another run)
    const recordsDigest = createHash('sha256')
      .update(stringify(records))
      .digest('hex')
      .slice(0, 16);
    const runId = `${this.options.calendar.jurisdiction}:${businessDay}:tw14@${daily.upToReceived}@${heights.map((height) => `${height.chain}.${height.blockNumber}`).join('+') || 'nochain'}@${recordsDigest}`;
    const executed = await this.options.store.withTransaction((transaction) =>
      this.record(
        runId,
        businessDay,
        daily.runId,
        cutOff,
        provisional,
        heights,
        unread,
        result,
        clients,
        digest,
        at,
        transaction,
      ),
    );
    await this.options.discrepancies.deliver(executed.notifications);
    return executed.run;
  }

  private async record(
    runId: string,
    businessDay: string,
    dailyRunId: string,
    cutOff: string,
    provisional: boolean,
    heights: readonly { chain: string; blockNumber: string }[],
    unread: readonly string[],
    result: ReconciliationResult,
    clients: RunData['clients'],
    digest: string,
    at: string,
    transaction: Transaction,
  ): Promise<{ run: RunData; notifications: readonly DiscrepancyEvent[] }> {
    const db = transaction.client;
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [
      `custody.recon-tw14.${this.schema}`,
    ]);
    const earlier = (
      await this.streams.load(this.runStreamId(businessDay), RUNS_AGGREGATE, transaction)
    ).state.get(runId);
    if (earlier !== undefined) {
      // the same day over the same inputs: it must come out the same, or the comparison is not reproducible
      if (earlier.digest !== digest)
        throw new Error(`assertion: run ${runId} computed ${digest}, recorded ${earlier.digest}`);
      return { run: earlier, notifications: [] };
    }
    const outcome = await this.options.discrepancies.fromRun(
      result.differences,
      TW14_SCOPE,
      runId,
      businessDay,
      at,
      transaction,
    );
    const data: RunData = {
      runId,
      businessDay,
      jurisdiction: this.options.calendar.jurisdiction,
      dailyRunId,
      cutOff,
      provisional,
      heights,
      unread,
      perAsset: result.perAsset,
      perWallet: result.perWallet.map((line) => ({
        ...line,
        blockNumber: line.blockNumber === null ? null : line.blockNumber.toString(),
      })),
      differences: outcome.differences,
      clients: {
        clients: clients.clients,
        movementsMatched: clients.movementsMatched,
        breaks: clients.breaks,
      },
      opened: outcome.opened,
      persisting: outcome.persisting,
      confirmedGone: outcome.confirmedGone,
      digest,
      at,
    };
    await this.streams.execute(
      this.runStreamId(businessDay),
      RUNS_AGGREGATE,
      () => ({
        ok: true as const,
        events: [{ type: 'ReconciliationRunCompleted' as const, data }],
      }),
      { actor: 'reconciliation' },
      { transaction },
    );
    return { run: data, notifications: outcome.notifications };
  }

  private runStreamId(businessDay: string): string {
    return `recon-tw14-${this.options.calendar.jurisdiction}-${businessDay}`;
  }
}
