import type { EvmChainOptions } from './evm-chain-reader';

type Environment = Readonly<Record<string, string | undefined>>;

const ASSET = /^[A-Z0-9]{2,16}$/;
const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CHAIN = /^[a-z][a-z0-9-]{0,31}$/;

/** `A=x,B=y` into pairs; a malformed item is a problem of `variable`. */
function pairs(
  raw: string | undefined,
  variable: string,
  problems: { variable: string; reason: string }[],
): [string, string][] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').flatMap((item) => {
    const [key, value, ...rest] = item.trim().split('=');
    if (key === undefined || value === undefined || rest.length > 0 || key === '' || value === '') {
      problems.push({ variable, reason: `'${item.trim()}' is not KEY=VALUE` });
      return [];
    }
    return [[key.trim(), value.trim()] as [string, string]];
  });
}

/**
 * An EVM chain from `<prefix>_RPC_URL`, `_CHAIN_ID`, `_CHAIN` (default `ethereum`),
 * `_NATIVE_ASSET` (default `ETH`) and `_TOKENS` (`USDT=0x...,USDC=0x...`); no RPC URL: no chain.
 * Every problem names its variable. The wallet reads `WALLET_EVM_*`, reconciliation `RECON_EVM_*`.
 */
export function parseEvmChainConfig(
  env: Environment,
  prefix: string,
): {
  readonly options: EvmChainOptions | undefined;
  readonly problems: { variable: string; reason: string }[];
} {
  const problems: { variable: string; reason: string }[] = [];
  const rpc = env[`${prefix}_RPC_URL`];
  if (rpc === undefined || rpc === '') return { options: undefined, problems };
  let rpcUrl: string | undefined;
  try {
    const parsed = new URL(rpc);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') rpcUrl = rpc;
  } catch {
    // reported below
  }
  if (rpcUrl === undefined)
    problems.push({ variable: `${prefix}_RPC_URL`, reason: 'must be an http(s) URL' });
  const chainIdText = env[`${prefix}_CHAIN_ID`] ?? '';
  const chainId = Number(chainIdText);
  if (!/^[1-9][0-9]{0,15}$/.test(chainIdText) || !Number.isSafeInteger(chainId))
    problems.push({
      variable: `${prefix}_CHAIN_ID`,
      reason: `required with ${prefix}_RPC_URL: a positive integer (1 mainnet, 31337 anvil)`,
    });
  const chain = env[`${prefix}_CHAIN`] || 'ethereum';
  if (!CHAIN.test(chain))
    problems.push({ variable: `${prefix}_CHAIN`, reason: `must match ${CHAIN.source}` });
  const nativeAsset = env[`${prefix}_NATIVE_ASSET`] || 'ETH';
  if (!ASSET.test(nativeAsset))
    problems.push({ variable: `${prefix}_NATIVE_ASSET`, reason: `must match ${ASSET.source}` });
  const tokens: Record<string, string> = {};
  for (const [asset, address] of pairs(env[`${prefix}_TOKENS`], `${prefix}_TOKENS`, problems)) {
    if (!ASSET.test(asset) || !EVM_ADDRESS.test(address))
      problems.push({
        variable: `${prefix}_TOKENS`,
        reason: `'${asset}=${address}' is not ASSET=0x<40 hex>`,
      });
    else tokens[asset] = address;
  }
  return {
    options:
      rpcUrl === undefined || problems.length > 0
        ? undefined
        : { chain, rpcUrl, chainId, nativeAsset, tokens },
    problems,
  };
}
