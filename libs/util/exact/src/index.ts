export * from './rational';
