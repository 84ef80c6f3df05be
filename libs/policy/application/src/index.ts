export * from './policy-messages';
export * from './policy-service';
export * from './policy-streams';
export * from './withdrawal-decisions';
