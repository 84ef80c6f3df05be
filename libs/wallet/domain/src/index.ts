export * from './wallet';
export * from './wallet-errors';
