/** TW-4: the commingling exceptions recorded before house assets enter a client wallet (comminglingDecider). */
export const COMMINGLING_STREAM_ID = 'policy-commingling-exceptions';
/** Every breach detected and resolved, relayed to custody.policy.events.v1 (breachesDecider). */
export const BREACHES_STREAM_ID = 'policy-breaches';
