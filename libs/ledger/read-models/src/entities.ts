import { EntitySchema } from 'typeorm';

/** Read-model rows as TypeORM reads them: numeric and int8 columns arrive as decimal text (exact), never JS numbers. */
export interface AccountBalanceEntity {
  accountKey: string;
  kind: 'client' | 'house' | 'custody';
  ownerId: string;
  asset: string;
  debitsPostedMinor: string;
  creditsPostedMinor: string;
  debitsPendingMinor: string;
  creditsPendingMinor: string;
  postedMinor: string;
  availableMinor: string;
  lastPosition: string;
}

export interface StatementLineEntity {
  clientId: string;
  globalPosition: string;
  line: number;
  asset: string;
  reason: string;
  sourceReference: string;
  amountMinor: string;
  pendingChangeMinor: string;
  balanceAfterMinor: string;
  availableAfterMinor: string;
  occurredAt: string;
}

export interface AssetTotalEntity {
  asset: string;
  clientsMinor: string;
  clientsFlooredMinor: string;
  houseMinor: string;
  custodyMinor: string;
  differenceMinor: string;
  lastPosition: string;
}

const amount = (name: string) => ({ name, type: 'numeric' as const, precision: 40, scale: 0 });

export const AccountBalanceSchema = new EntitySchema<AccountBalanceEntity>({
  name: 'AccountBalance',
  tableName: 'rm_account_balances',
  columns: {
    accountKey: { name: 'account_key', type: 'text', primary: true },
    kind: { type: 'text' },
    ownerId: { name: 'owner_id', type: 'text' },
    asset: { type: 'text' },
    debitsPostedMinor: amount('debits_posted_minor'),
    creditsPostedMinor: amount('credits_posted_minor'),
    debitsPendingMinor: amount('debits_pending_minor'),
    creditsPendingMinor: amount('credits_pending_minor'),
    postedMinor: amount('posted_minor'),
    availableMinor: amount('available_minor'),
    lastPosition: { name: 'last_position', type: 'int8' },
  },
});

export const StatementLineSchema = new EntitySchema<StatementLineEntity>({
  name: 'StatementLine',
  tableName: 'rm_statement_lines',
  columns: {
    clientId: { name: 'client_id', type: 'text', primary: true },
    globalPosition: { name: 'global_position', type: 'int8', primary: true },
    line: { type: 'int4', primary: true },
    asset: { type: 'text' },
    reason: { type: 'text' },
    sourceReference: { name: 'source_reference', type: 'text' },
    amountMinor: amount('amount_minor'),
    pendingChangeMinor: amount('pending_change_minor'),
    balanceAfterMinor: amount('balance_after_minor'),
    availableAfterMinor: amount('available_after_minor'),
    occurredAt: { name: 'occurred_at', type: 'text' },
  },
});

export const AssetTotalSchema = new EntitySchema<AssetTotalEntity>({
  name: 'AssetTotal',
  tableName: 'rm_asset_totals',
  columns: {
    asset: { type: 'text', primary: true },
    clientsMinor: amount('clients_minor'),
    clientsFlooredMinor: amount('clients_floored_minor'),
    houseMinor: amount('house_minor'),
    custodyMinor: amount('custody_minor'),
    differenceMinor: amount('difference_minor'),
    lastPosition: { name: 'last_position', type: 'int8' },
  },
});
