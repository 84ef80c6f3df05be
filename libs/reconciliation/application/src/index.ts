export * from './daily-runs';
export * from './discrepancies';
export * from './reconciliation-messages';
export * from './reconciliation-reports';
export { reconciliationContext, type ReconciliationContext } from './reconciliation-store';
// TW-14 / HK-21 reconciliation runs
export * from './reconciliation-runs';
export * from './reconciliation-runs/chain-balances';
export * from './reconciliation-runs/reconciliation-run-facts';
export * from './reconciliation-runs/reconciliation-run-stream';
export * from './reconciliation-runs/reconciliation-runs-query';
export * from './reconciliation-runs/run-reconciliation';
export * from './reconciliation-runs/wallet-records.table';
// TW-10 / TW-11 client fiat in trust
export * from './fiat-trust-runs';
export * from './fiat-trust/decide-trust-account';
export * from './fiat-trust/decide-trust-statement';
export * from './fiat-trust/fiat-movements.table';
export * from './fiat-trust/fiat-run-lines.table';
export * from './fiat-trust/fiat-run-stream';
export * from './fiat-trust/fiat-trust-facts';
export * from './fiat-trust/fiat-trust-query';
export * from './fiat-trust/fiat-trust.tables';
export * from './fiat-trust/import-trust-statement';
export * from './fiat-trust/request-trust-account';
export * from './fiat-trust/run-fiat-trust';
export * from './fiat-trust/trust-account-stream';
export * from './fiat-trust/trust-statements.table';
