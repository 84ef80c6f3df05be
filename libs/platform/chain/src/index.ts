export * from './chain-reader';
export * from './evm-chain-reader';
export * from './evm-chain-config';
