export * from './allow-list';
export * from './custody-roster';
export * from './deposit';
export * from './signing-quorum';
export * from './transfer-monitoring';
export * from './wallet';
export * from './wallet-errors';
export * from './withdrawal';
