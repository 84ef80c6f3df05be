export * from './business-calendar';
export * from './daily-balances';
