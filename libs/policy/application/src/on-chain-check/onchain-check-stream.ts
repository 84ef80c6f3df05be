/** TW-14 (last paragraph): every on-chain check recorded, in order (onChainChecksDecider). */
export const ONCHAIN_CHECKS_STREAM_ID = 'policy-onchain-checks';
