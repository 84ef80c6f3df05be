/** Injection tokens of the policy service (its slices are provided under their own classes). */
export const POLICY_STREAMS = Symbol('custody.policy.streams');
/** The chains the on-chain check reads (`readonly ChainReader[]`, empty without POLICY_EVM_*). */
export const POLICY_CHAIN_READERS = Symbol('custody.policy.chain-readers');
