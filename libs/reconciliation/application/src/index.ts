export * from './daily-runs';
