export * from './merkle';
export * from './audit-record';
