export * from './chain-reader';
export * from './evm-chain-reader';
export * from './evm-chain-config';
export * from './local-chain';
