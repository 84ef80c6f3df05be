/** One stream holds every policy version and asset classification, proposed and decided (governanceDecider). */
export const GOVERNANCE_STREAM_ID = 'policy-governance';
