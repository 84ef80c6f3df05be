export * from './merkle';
export * from './audit-record';
export * from './cross-check';
export * from './reconstruct';
export * from './trail';
export * from './state';
export * from './checkpoints';
