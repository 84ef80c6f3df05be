/**
 * The runner's scenario presets (issue 9), run once its clients are funded, beside the normal
 * trading; each sets up a situation a custodian must notice, and the system's own checks find it:
 * - `hot-wallet-drain`: every client deposits again, all of it into the hot wallet; the cold share
 *   falls below HK-11g's minimum, the policy service reports the breach with the rebalancing it
 *   needs, and the scenario requests that hot-to-cold transfer, which two custodians approve in the
 *   dashboard's approval queue.
 * - `shortfall`: an amount disappears from the cold wallet on chain (anvil_setBalance: as a loss
 *   would look), and a reconciliation run reports the discrepancy with its due dates (TW-14).
 * - `tamper`: one record of the audit service's hash chain is altered in its database (as the
 *   database's superuser, what the audit service's own role may not do), and the chain's
 *   verification names the broken position (HK-21/22).
 * The chain-side scenarios need the local chain; `tamper` needs the database's superuser (the
 * embedded server's).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@custody/observability';
import { businessDayOf } from '@custody/reconciliation-domain';
import { parseReconciliationConfig } from '@custody/reconciliation-service';
import { Client } from 'pg';
import { createPublicClient, createTestClient, createWalletClient, http, type Address } from 'viem';
import type { DevChain } from './dev-chain';
import type { RunnerScenario } from './runner-config';
import {
  api,
  depositLines,
  DEV_COLD_WALLET,
  DEV_HOT_WALLET,
  expectStatus,
  SetupError,
  until,
} from './dev-setup';

/** Who acts in a scenario (named for what it is, in every event it causes). */
export const SCENARIO_ACTOR = 'npm-start-scenario';
/** hot-wallet-drain: what each client deposits again, all of it to the hot wallet. */
export const DRAIN_DEPOSIT_MINOR = 5n * 10n ** 18n;
/** hot-wallet-drain: the policy's rebalancing is taken once it reads the same this many times in a row (POLL_MS apart). */
const DRAIN_STABLE_READS = 4;
/** How long a read of a service's metrics may take. */
const METRICS_TIMEOUT_MS = 5_000;
/** shortfall: what disappears from the cold wallet on chain. */
export const SHORTFALL_MINOR = 10n ** 18n;
/** tamper: the audit record altered once the record holds at least this many. */
export const TAMPER_POSITION = 5;

export interface ScenarioContext {
  readonly urls: Readonly<
    Record<'ledger' | 'wallet' | 'policy' | 'reconciliation' | 'audit', string>
  >;
  readonly token: (subject: string, roles: readonly string[]) => Promise<string>;
  readonly chain: DevChain | undefined;
  readonly clientAddresses: readonly string[];
  /** The simulated clients, in the order of their addresses. */
  readonly clients: readonly string[];
  /** The database as its superuser (the embedded server's), for `tamper`; undefined with DATABASE_URL. */
  readonly superuserDatabaseUrl: string | undefined;
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** The runner's data directory: a scenario runs once per data directory. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly stopped: AbortSignal;
  readonly now: () => Date;
  /** A line for the person watching (the runner prints it). */
  readonly report: (line: string) => void;
}

type RuleResult = {
  ruleId: string;
  subject?: string;
  verdict: string;
  figures?: Record<string, string>;
  rebalancing?: Array<{ asset: string; direction: string; amountMinor: string }>;
};

/**
 * Runs the scenario once per data directory: a marker file (`scenarios/<name>.done`) records that
 * it ran, so a restart does not deposit, take or alter again; deleting it runs it again.
 */
export async function runScenario(
  scenario: RunnerScenario,
  context: ScenarioContext,
): Promise<void> {
  if (scenario === 'normal') return;
  const marker = join(context.dataDir, 'scenarios', `${scenario}.done`);
  if (existsSync(marker)) {
    context.report(
      `scenario ${scenario}: already ran on this data (${marker}: delete it to run it again)`,
    );
    return;
  }
  if (scenario === 'tamper') await tamper(context);
  else {
    if (context.chain === undefined)
      throw new SetupError(
        `scenario ${scenario} needs the local chain (unset CUSTODY_CHAIN=off and WALLET_EVM_RPC_URL)`,
      );
    if (scenario === 'hot-wallet-drain') await hotWalletDrain(context, context.chain);
    else await shortfall(context, context.chain);
  }
  mkdirSync(dirname(marker), { recursive: true, mode: 0o700 });
  writeFileSync(marker, `${context.now().toISOString()}\n`);
}

async function walletAddress(
  context: ScenarioContext,
  token: string,
  walletId: string,
): Promise<Address> {
  const answer = expectStatus(
    await api(context.urls.wallet, token, 'GET', `/v1/wallets/${walletId}`),
    [200],
    `reading ${walletId}`,
  );
  return (answer.body['registration'] as { address: Address }).address;
}

async function hotWalletDrain(context: ScenarioContext, chain: DevChain): Promise<void> {
  const operator = await context.token(SCENARIO_ACTOR, ['operator']);
  const hot = await walletAddress(context, operator, DEV_HOT_WALLET);
  const signer = createWalletClient({ transport: http(chain.node.rpcUrl) });
  const before = await Promise.all(
    context.clients.map((clientId) =>
      depositLines(context, operator, clientId, Number.MAX_SAFE_INTEGER),
    ),
  );
  for (const address of context.clientAddresses)
    await signer.sendTransaction({
      account: address as Address,
      to: hot,
      value: DRAIN_DEPOSIT_MINOR,
      chain: null,
    });
  context.report(
    `scenario hot-wallet-drain: every client deposited ${DRAIN_DEPOSIT_MINOR / 10n ** 18n} ETH more, all into the hot wallet`,
  );
  // every one of these deposits credited, so the rebalancing asked for covers them all
  await until(
    async () =>
      (
        await Promise.all(
          context.clients.map((clientId, index) =>
            depositLines(context, operator, clientId, (before[index] ?? 0) + 1),
          ),
        )
      ).every((lines, index) => lines >= (before[index] ?? 0) + 1),
    'the ledger to credit every drain deposit',
    context.stopped,
  );
  // ... and the policy service to have evaluated them: the same rebalancing on DRAIN_STABLE_READS reads in a row
  let breach: RuleResult | undefined;
  let same = 0;
  let lastAmount: string | undefined;
  await until(
    async () => {
      const results = (await api(context.urls.policy, operator, 'GET', '/v1/compliance')).body[
        'results'
      ] as RuleResult[] | undefined;
      breach = results?.find(
        (result) =>
          result.ruleId === 'HK-11g' &&
          result.subject === 'ETH' &&
          result.verdict === 'fail' &&
          (result.rebalancing?.length ?? 0) > 0,
      );
      const amount = breach?.rebalancing?.[0]?.amountMinor;
      same = amount !== undefined && amount === lastAmount ? same + 1 : 0;
      lastAmount = amount;
      return same + 1 >= DRAIN_STABLE_READS;
    },
    'the policy service to report the HK-11g breach',
    context.stopped,
  );
  const move = breach?.rebalancing?.find(
    (entry) => entry.asset === 'ETH' && entry.direction === 'hot-to-cold',
  );
  if (move === undefined)
    throw new SetupError('assertion: an HK-11g breach without a hot-to-cold rebalancing');
  const transferId = `npm-start-rebalance-${context.now().getTime()}`;
  expectStatus(
    await api(context.urls.wallet, operator, 'POST', '/v1/internal-transfers', {
      transferId,
      sourceWalletId: DEV_HOT_WALLET,
      destinationWalletId: DEV_COLD_WALLET,
      asset: 'ETH',
      amountMinor: move.amountMinor,
    }),
    [201],
    'requesting the rebalancing transfer',
  );
  context.report(
    `scenario hot-wallet-drain: HK-11g breached (cold share ${breach?.figures?.['coldShare'] ?? '?'}); rebalancing transfer ${transferId} of ${move.amountMinor} wei hot to cold waits for two custodians (Approvals)`,
  );
}

/**
 * The events a service stored and its outbox relay has not yet published (its
 * custody_outbox_relay_lag_events); on the in-process bus a published event is applied by every
 * consumer group of the process, so 0 means the other services have it. Undefined when unread.
 */
async function relayLag(baseUrl: string): Promise<number | undefined> {
  const text = await (
    await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) })
  ).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('custody_outbox_relay_lag_events'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

async function shortfall(context: ScenarioContext, chain: DevChain): Promise<void> {
  const operator = await context.token(SCENARIO_ACTOR, ['operator']);
  const cold = await walletAddress(context, operator, DEV_COLD_WALLET);
  const node = createTestClient({ mode: 'anvil', transport: http(chain.node.rpcUrl) });
  const balance = await createPublicClient({ transport: http(chain.node.rpcUrl) }).getBalance({
    address: cold,
  });
  if (balance < SHORTFALL_MINOR)
    throw new SetupError(
      `the cold wallet holds ${balance} wei, less than the ${SHORTFALL_MINOR} the scenario takes`,
    );
  await node.setBalance({ address: cold, value: balance - SHORTFALL_MINOR });
  await node.mine({ blocks: 1 });
  // what the ledger booked and the wallet recorded must have reached the reconciliation service before
  // it runs: else a deposit still on its way between them reads as a surplus (seen under load)
  await until(
    async () =>
      (await Promise.all([context.urls.ledger, context.urls.wallet].map(relayLag))).every(
        (lag) => lag === 0,
      ),
    'the ledger and the wallet publishing all they stored',
    context.stopped,
  );
  const parsed = parseReconciliationConfig(context.environment);
  if (!parsed.ok)
    throw new SetupError('assertion: the reconciliation service started with this configuration');
  const businessDay = businessDayOf(context.now().toISOString(), parsed.config.calendar);
  const run = expectStatus(
    await api(context.urls.reconciliation, operator, 'POST', '/v1/reconciliation-runs', {
      businessDay,
    }),
    [201],
    'running reconciliation',
  );
  context.report(
    `scenario shortfall: ${SHORTFALL_MINOR} wei taken from the cold wallet on chain; reconciliation run ${String(run.body['runId'] ?? '?')} for ${businessDay} reports it (Breaches & discrepancies)`,
  );
}

async function tamper(context: ScenarioContext): Promise<void> {
  if (context.superuserDatabaseUrl === undefined)
    throw new SetupError(
      'scenario tamper alters the audit record as the database superuser: only with the embedded database',
    );
  const sre = await context.token(SCENARIO_ACTOR, ['sre']);
  await until(
    async () =>
      Number((await api(context.urls.audit, sre, 'GET', '/v1/audit/status')).body['size']) >=
      TAMPER_POSITION,
    `the audit record to hold ${TAMPER_POSITION} records`,
    context.stopped,
  );
  const database = new Client({ connectionString: context.superuserDatabaseUrl });
  // a connection lost meanwhile fails the query in flight or the next one: the scenario reports that error
  database.on('error', () => undefined);
  await database.connect();
  try {
    // one byte of the stored message changed, past the append-only trigger: what an insider with
    // the database's superuser could do (session_replication_role = replica skips ordinary triggers)
    await database.query('begin');
    await database.query('set local session_replication_role = replica');
    const altered = await database.query(
      `update audit.audit_records set value_base64 = encode(convert_to(convert_from(decode(value_base64, 'base64'), 'UTF8') || ' ', 'UTF8'), 'base64') where position = $1`,
      [TAMPER_POSITION],
    );
    if (altered.rowCount !== 1)
      throw new SetupError(`no audit record at position ${TAMPER_POSITION}`);
    await database.query('commit');
  } finally {
    await database.end();
  }
  const verification = (await api(context.urls.audit, sre, 'GET', '/v1/audit/verify')).body as {
    checked?: number;
    broken?: { position?: string | number; problem?: string };
  };
  if (verification.broken === undefined)
    throw new SetupError(
      `audit record ${TAMPER_POSITION} was altered, and the chain's verification found no break`,
    );
  context.report(
    `scenario tamper: audit record ${TAMPER_POSITION} altered in the database; verification: broken at position ${String(verification.broken.position)} (${verification.broken.problem ?? ''})`,
  );
}
