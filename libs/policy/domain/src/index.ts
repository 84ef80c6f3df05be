export * from './breaches';
export * from './capital';
export * from './facts';
export * from './policy-profile';
export * from './rules';
export * from './governance';
export * from './withdrawal-policy';
export * from './commingling';
