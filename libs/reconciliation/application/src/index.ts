export * from './daily-runs';
export * from './discrepancies';
export * from './fiat-trust-runs';
export * from './reconciliation-messages';
export * from './reconciliation-reports';
export * from './reconciliation-runs';
