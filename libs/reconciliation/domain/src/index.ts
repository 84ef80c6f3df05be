export * from './business-calendar';
export * from './daily-balances';
export * from './discrepancy';
export * from './reconcile';
export * from './fiat-trust';
export * from './client-movements';
export * from './trust-accounts';
export * from './recorded-runs';
