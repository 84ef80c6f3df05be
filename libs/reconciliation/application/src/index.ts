export * from './daily-runs';
export * from './reconciliation-runs';
export * from './reconciliation-messages';
export * from './reconciliation-reports';
