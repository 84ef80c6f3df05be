import {
  ANVIL_CHAIN_ID_DEFAULT,
  deployDevelopmentToken,
  startLocalChain,
  type ChainNode,
} from '@custody/chain/local';
import { createWalletClient, http, type Address } from 'viem';
import { freePort } from './service-process';

export { ANVIL_CHAIN_ID_DEFAULT, type ChainNode };

/**
 * A real local EVM node (anvil, from its npm platform package `@foundry-rs/anvil-<os>-<arch>`) on
 * a free port, for one test file: blocks are mined on each transaction (or every
 * `blockTimeSeconds`). Its dev accounts are anvil's public, well-known test keys: never a secret of ours.
 */
export async function startAnvil(
  options: { chainId?: number; blockTimeSeconds?: number } = {},
): Promise<ChainNode> {
  return startLocalChain({ port: await freePort(), ...options });
}

/** anvil's unlocked dev accounts (public, well-known test accounts; the node signs for them, no key here). */
export async function anvilAccounts(node: ChainNode): Promise<Address[]> {
  return createWalletClient({ transport: http(node.rpcUrl) }).getAddresses();
}

/** A small ERC-20 test token on the node (deployDevelopmentToken), the whole supply to `owner`. */
export async function deployTestToken(
  node: ChainNode,
  options: { name: string; symbol: string; supply: bigint; owner: Address; from: Address },
): Promise<Address> {
  return deployDevelopmentToken(node.rpcUrl, options);
}
