/**
 * What `npm start` sets up on its development chain before the simulator trades (issue 9), all
 * through the services' public APIs, so every step is an event like any operator's: a hot and a
 * cold wallet (keys in the development key vault), two key custodians granted access by
 * maker-checker, and each simulated client onboarded, its address allow-listed by its own
 * EIP-191 signature (forwarded through the client's channel, the exchange's identity) and its first deposit sent on chain (most to cold storage) and credited by
 * the ledger once confirmed. Every step is idempotent: a restart finds what is there and goes on.
 */
import type { Logger } from '@custody/observability';
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  http,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import type { DevChain } from './dev-chain';

/** Who sets the development instance up: a maker and a different checker, both named for what they are. */
export const SETUP_ADMIN = 'npm-start-setup';
export const SETUP_APPROVER = 'npm-start-setup-checker';
/**
 * HK-11h: the exchange's service identity, the clients' own channel for adding their addresses
 * (the wallet's WALLET_EXCHANGE_SUBJECTS default); the set-up forwards each client's signature as it.
 */
export const SETUP_EXCHANGE_SUBJECT = 'exchange';
/** The custodians the dashboard's development logins act as (their usernames). */
export const DEV_CUSTODIANS: ReadonlyArray<{
  custodianId: string;
  department: string;
  site: string;
}> = [
  { custodianId: 'custodian-1', department: 'treasury', site: 'HK-DC1' },
  { custodianId: 'custodian-2', department: 'risk', site: 'HK-DC2' },
];
export const DEV_HOT_WALLET = 'eth-hot-1';
export const DEV_COLD_WALLET = 'eth-cold-1';
const WALLET_ASSETS = ['ETH', 'USDT'];
/** A quorum of two custodians from different departments or sites (HK-11d), approvals valid a day. */
const QUORUM = { required: 2, spanDepartmentsOrSites: true, approvalTtlMs: 86_400_000 };
const CONFIRMATIONS_REQUIRED = 2;
const KEY_ROTATION_DAYS = 365;
/** Each client's first deposit, and the share of it sent to the cold wallet (HK-11g asks 98% cold). */
export const DEV_DEPOSIT_MINOR: Readonly<Record<'ETH' | 'USDT', bigint>> = {
  ETH: 10n * 10n ** 18n,
  USDT: 40_000n * 10n ** 6n,
};
export const DEV_DEPOSIT_COLD_PERCENT = 99n;
/** Longest the setup waits for the wallet's chain watch, then for every deposit to be credited. */
export const SETUP_WAIT_MS = 120_000;
const POLL_MS = 250;

export interface SetupContext {
  readonly urls: { readonly ledger: string; readonly wallet: string };
  readonly token: (subject: string, roles: readonly string[]) => Promise<string>;
  readonly chain: DevChain;
  readonly clients: readonly string[];
  readonly logger: Logger;
  readonly stopped: AbortSignal;
  /** The runner's clock: the setup's instants (a key's rotation due date) come from it. */
  readonly now: () => Date;
}

export class SetupError extends Error {}
/** The runner is stopping: a set-up step or scenario ends here, quietly. */
export class SetupCancelled extends Error {}
/** Longest one request of the set-up may take (the runner's stop waits for the set-up). */
export const SETUP_REQUEST_TIMEOUT_MS = 15_000;

export type Answer = { status: number; body: Record<string, unknown> };

export async function api(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(SETUP_REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

export function expectStatus(answer: Answer, allowed: readonly number[], what: string): Answer {
  if (!allowed.includes(answer.status))
    throw new SetupError(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Waits until `check` holds; SetupError past SETUP_WAIT_MS, SetupCancelled when the runner stops first. */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  stopped: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + SETUP_WAIT_MS;
  while (!stopped.aborted) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new SetupError(`${what}: not within ${SETUP_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new SetupCancelled(`stopped while waiting for ${what}`);
}

/** Throws SetupCancelled once the runner is stopping. */
export function checkNotStopped(stopped: AbortSignal): void {
  if (stopped.aborted) throw new SetupCancelled('stopped');
}

/** The hot and cold wallets and the custodians' key access (maker: the setup's admin; checker: a different approver). */
export async function setUpWallets(
  context: Pick<SetupContext, 'urls' | 'token' | 'logger' | 'stopped' | 'now'>,
): Promise<void> {
  const admin = await context.token(SETUP_ADMIN, ['admin']);
  const approver = await context.token(SETUP_APPROVER, ['approver']);
  const wallet = (token: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
    api(context.urls.wallet, token, method, path, body);
  // the wallet answers 503 until it has reached the chain
  await until(
    async () => (await wallet(admin, 'GET', '/v1/wallets')).status === 200,
    'the wallet service to reach the chain',
    context.stopped,
  );
  const listed = expectStatus(
    await wallet(admin, 'GET', '/v1/wallets'),
    [200],
    'listing the wallets',
  ).body['wallets'] as Array<{ registration: { walletId: string } }>;
  const existing = new Set(listed.map((entry) => entry.registration.walletId));
  const rotationDueAt = new Date(
    context.now().getTime() + KEY_ROTATION_DAYS * 86_400_000,
  ).toISOString();
  const wallets = [
    {
      walletId: DEV_HOT_WALLET,
      tier: 'hot',
      keyLocation: { site: 'HK-DC1', jurisdiction: 'HK' },
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
    },
    {
      walletId: DEV_COLD_WALLET,
      tier: 'cold',
      keyLocation: { site: 'HK-VAULT1', jurisdiction: 'HK' },
      backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
    },
  ];
  for (const entry of wallets.filter((candidate) => !existing.has(candidate.walletId))) {
    const body = {
      ...entry,
      ownerClass: 'client-segregated',
      chain: 'ethereum',
      assets: WALLET_ASSETS,
      rotationDueAt,
      quorum: QUORUM,
      confirmationsRequired: CONFIRMATIONS_REQUIRED,
    };
    expectStatus(
      await wallet(admin, 'POST', '/v1/wallets', body),
      [201],
      `registering ${entry.walletId}`,
    );
    context.logger.info({ walletId: entry.walletId, tier: entry.tier }, 'setup: wallet registered');
  }
  const rosterNow = async () =>
    expectStatus(await wallet(admin, 'GET', '/v1/custodians'), [200], 'reading the custodians')
      .body['custodians'] as Array<{ custodianId: string; wallets: string[] }>;
  const roster = await rosterNow();
  for (const custodian of DEV_CUSTODIANS) {
    checkNotStopped(context.stopped);
    const known = roster.find((entry) => entry.custodianId === custodian.custodianId);
    if (known === undefined)
      expectStatus(
        await wallet(admin, 'POST', '/v1/custodians', {
          ...custodian,
          name: custodian.custodianId,
        }),
        [201],
        `adding custodian ${custodian.custodianId}`,
      );
    for (const walletId of wallets
      .map((entry) => entry.walletId)
      .filter((candidate) => !(known?.wallets ?? []).includes(candidate))) {
      // named by the moment: a change refused or left undecided by an earlier start is not in the way
      const changeId = `npm-start-grant-${custodian.custodianId}-${walletId}-${context.now().getTime()}`;
      expectStatus(
        await wallet(admin, 'POST', '/v1/custodians/key-access-changes', {
          changeId,
          custodianId: custodian.custodianId,
          walletId,
          action: 'grant',
          reason: 'development instance (npm start)',
        }),
        [201],
        `requesting key access ${changeId}`,
      );
      expectStatus(
        await wallet(approver, 'POST', `/v1/custodians/key-access-changes/${changeId}/decision`, {
          decision: 'approve',
          reason: 'development instance (npm start)',
        }),
        [200],
        `approving key access ${changeId}`,
      );
    }
  }
  // what counts is the roster: both custodians hold both wallets, or no withdrawal could ever reach its quorum
  const granted = await rosterNow();
  for (const custodian of DEV_CUSTODIANS) {
    const holds =
      granted.find((entry) => entry.custodianId === custodian.custodianId)?.wallets ?? [];
    for (const entry of wallets)
      if (!holds.includes(entry.walletId))
        throw new SetupError(
          `custodian ${custodian.custodianId} has no key access to ${entry.walletId} after set-up`,
        );
  }
}

/**
 * Each client: onboarded in the ledger and its address allow-listed by its own signature; then
 * its first deposits, four transfers from its own account (ETH and USDT, each split cold and hot).
 * The chain says how far a client got: its account sends nothing else, so its nonce counts the
 * deposits mined, and a restart after a partial set-up sends only the rest (and hands the client
 * only the USDT those still need).
 */
export async function setUpClients(
  context: SetupContext,
  progress: (onboarded: number) => void,
): Promise<void> {
  const operator = await context.token(SETUP_ADMIN, ['operator']);
  const exchange = await context.token(SETUP_EXCHANGE_SUBJECT, ['custody-service']);
  const { chain } = context;
  const signer = createWalletClient({ transport: http(chain.node.rpcUrl) });
  const reader = createPublicClient({ transport: http(chain.node.rpcUrl) });
  for (const [index, clientId] of context.clients.entries()) {
    checkNotStopped(context.stopped);
    const address = chain.clientAddresses[index] as Address;
    expectStatus(
      await api(context.urls.ledger, operator, 'POST', '/v1/clients', { clientId }),
      [200],
      `onboarding ${clientId}`,
    );
    const listed = expectStatus(
      await api(context.urls.wallet, operator, 'GET', `/v1/clients/${clientId}/allow-list`),
      [200],
      `reading ${clientId}'s allow-list`,
    ).body['addresses'] as Array<{ address: string }>;
    if (!listed.some((entry) => entry.address.toLowerCase() === address.toLowerCase())) {
      const challengeId = `npm-start-${clientId}-${context.now().getTime()}`;
      const challenge = expectStatus(
        await api(
          context.urls.wallet,
          exchange,
          'POST',
          `/v1/clients/${clientId}/allow-list/challenges`,
          { challengeId, chain: 'ethereum', address, method: 'signed-message' },
        ),
        [201],
        `challenging ${clientId}'s address`,
      );
      // the client signs with its own account (anvil's node holds that development key, not us)
      const signature = await signer.signMessage({
        account: address,
        message: challenge.body['message'] as string,
      });
      // through the client's channel: listed at once, usable after the cooling-off (npm start runs the wallet with none)
      const proof = expectStatus(
        await api(
          context.urls.wallet,
          exchange,
          'POST',
          `/v1/clients/${clientId}/allow-list/challenges/${challengeId}/signature`,
          { signature },
        ),
        [200],
        `proving ${clientId}'s address`,
      );
      if (proof.body['status'] !== 'listed')
        throw new SetupError(`${clientId}'s address was not listed: ${JSON.stringify(proof.body)}`);
    }
    progress(index + 1);
  }
  const walletAddress = async (walletId: string) =>
    (
      expectStatus(
        await api(context.urls.wallet, operator, 'GET', `/v1/wallets/${walletId}`),
        [200],
        `reading ${walletId}`,
      ).body['registration'] as { address: Address }
    ).address;
  const [hot, cold] = [await walletAddress(DEV_HOT_WALLET), await walletAddress(DEV_COLD_WALLET)];
  const deposits = firstDeposits(cold, hot);
  const pending: Array<{ address: Address; rest: typeof deposits }> = [];
  for (const address of chain.clientAddresses) {
    const sent = await reader.getTransactionCount({ address, blockTag: 'latest' });
    if (sent < deposits.length) pending.push({ address, rest: deposits.slice(sent) });
  }
  if (pending.length === 0) return;
  checkNotStopped(context.stopped);
  // the exchange hands each client the USDT its remaining deposits need (mined together)
  let handedOut: Hex | undefined;
  for (const { address, rest } of pending) {
    const needed = rest
      .filter((deposit) => deposit.asset === 'USDT')
      .reduce((sum, deposit) => sum + deposit.amountMinor, 0n);
    const held = await reader.readContract({
      address: chain.usdt,
      abi: erc20Abi,
      functionName: 'balanceOf',
      args: [address],
    });
    if (needed > held)
      handedOut = await signer.writeContract({
        account: chain.exchange,
        address: chain.usdt,
        abi: erc20Abi,
        functionName: 'transfer',
        args: [address, needed - held],
        chain: null,
      });
  }
  if (handedOut !== undefined)
    await reader.waitForTransactionReceipt({
      hash: handedOut,
      pollingInterval: POLL_MS,
      timeout: SETUP_WAIT_MS,
    });
  let last: Hex | undefined;
  for (const { address, rest } of pending) {
    for (const deposit of rest) {
      last =
        deposit.asset === 'ETH'
          ? await signer.sendTransaction({
              account: address,
              to: deposit.to,
              value: deposit.amountMinor,
              chain: null,
            })
          : await signer.sendTransaction({
              account: address,
              to: chain.usdt,
              data: encodeFunctionData({
                abi: erc20Abi,
                functionName: 'transfer',
                args: [deposit.to, deposit.amountMinor],
              }),
              chain: null,
            });
    }
  }
  if (last !== undefined)
    await reader.waitForTransactionReceipt({
      hash: last,
      pollingInterval: POLL_MS,
      timeout: SETUP_WAIT_MS,
    });
  context.logger.info(
    { clients: pending.length },
    'setup: first deposits mined; credited once confirmed',
  );
}

/** A client's first deposits, in the order it sends them: the cold wallet's share of each asset, then the hot wallet's. */
export function firstDeposits(
  cold: Address,
  hot: Address,
): Array<{ asset: 'ETH' | 'USDT'; to: Address; amountMinor: bigint }> {
  const share = (asset: 'ETH' | 'USDT', percent: bigint) =>
    (DEV_DEPOSIT_MINOR[asset] * percent) / 100n;
  return [
    { asset: 'ETH', to: cold, amountMinor: share('ETH', DEV_DEPOSIT_COLD_PERCENT) },
    { asset: 'USDT', to: cold, amountMinor: share('USDT', DEV_DEPOSIT_COLD_PERCENT) },
    {
      asset: 'ETH',
      to: hot,
      amountMinor: DEV_DEPOSIT_MINOR.ETH - share('ETH', DEV_DEPOSIT_COLD_PERCENT),
    },
    {
      asset: 'USDT',
      to: hot,
      amountMinor: DEV_DEPOSIT_MINOR.USDT - share('USDT', DEV_DEPOSIT_COLD_PERCENT),
    },
  ];
}

/** Each client's available balance per asset in the ledger (minor units). */
export async function clientAvailable(
  context: SetupContext,
  clientId: string,
): Promise<Map<string, bigint>> {
  const token = await context.token(SETUP_ADMIN, ['operator']);
  const answer = expectStatus(
    await api(context.urls.ledger, token, 'GET', `/v1/clients/${clientId}/balances`),
    [200],
    `reading ${clientId}'s balances`,
  );
  const lines = (answer.body['balances'] ?? []) as Array<{ asset: string; availableMinor: string }>;
  return new Map(lines.map((line) => [line.asset, BigInt(line.availableMinor)]));
}

/** Statement lines read per page while counting a client's deposits, and pages read at most. */
const STATEMENT_PAGE_LINES = 1_000;
const STATEMENT_PAGES_MAX = 100;

/** How many deposit lines a client's statement has, up to `enough` (pages followed oldest first). */
export async function depositLines(
  context: Pick<SetupContext, 'urls'>,
  token: string,
  clientId: string,
  enough: number,
): Promise<number> {
  let deposits = 0;
  let after: string | null = '0';
  for (let page = 0; page < STATEMENT_PAGES_MAX && after !== null && deposits < enough; page += 1) {
    const answer = expectStatus(
      await api(
        context.urls.ledger,
        token,
        'GET',
        `/v1/clients/${clientId}/statement?after=${after}&limit=${STATEMENT_PAGE_LINES}`,
      ),
      [200],
      `reading ${clientId}'s statement`,
    );
    deposits += (answer.body['lines'] as Array<{ reason: string }>).filter(
      (line) => line.reason === 'deposit',
    ).length;
    after = (answer.body['next'] as string | null) ?? null;
  }
  return deposits;
}

export async function waitForDeposits(
  context: SetupContext,
  progress: (credited: number) => void,
): Promise<void> {
  const token = await context.token(SETUP_ADMIN, ['operator']);
  const expected = firstDeposits(zeroAddress, zeroAddress).length;
  // a client found credited is not read again on the next poll
  const credited = new Set<string>();
  await until(
    async () => {
      for (const clientId of context.clients) {
        if (
          !credited.has(clientId) &&
          (await depositLines(context, token, clientId, expected)) >= expected
        )
          credited.add(clientId);
      }
      progress(credited.size);
      return credited.size === context.clients.length;
    },
    "every client's first deposits to be credited",
    context.stopped,
  );
}
