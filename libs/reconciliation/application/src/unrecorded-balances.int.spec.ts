import { randomUUID } from 'node:crypto';
import { EvmChainReader } from '@custody/chain';
import { LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { InboxConsumer } from '@custody/messaging';
import { businessDayOf, localParts, type DiscrepancyEvent } from '@custody/reconciliation-domain';
import {
  anvilAccounts,
  createTestDatabase,
  deployTestToken,
  eventually,
  startAnvil,
  type ChainNode,
  type TestDatabase,
} from '@custody/testing';
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  type Address,
  type Hash,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Discrepancies } from './discrepancies';
import { reconciliationCsv, reconciliationSummary } from './reconciliation-reports';
import type { ReconciliationRuns } from './reconciliation-runs';
import {
  envelope,
  startReconciliation,
  TW,
  WAIT_MS,
  type ReconciliationSetUp,
} from './reconciliation.fixture';

const registered = (walletId: string, ownerClass: string, address: Address) =>
  envelope('WalletRegistered', `wallet-${walletId}`, {
    walletId,
    tier: 'hot',
    ownerClass,
    chain: 'ethereum',
    assets: ['ETH', 'USDC'],
    address,
    key: {
      keyId: `k-${walletId}`,
      location: { site: 'HK-DC1', jurisdiction: 'HK' },
      backups: [],
      rotationDueAt: '2030-01-01T00:00:00.000Z',
    },
    quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 },
    confirmationsRequired: 1,
    registeredBy: 'admin-1',
    at: new Date().toISOString(),
  });

/** A client deposit as the wallet recorded it and the ledger booked it. */
const deposit = (depositId: string, clientId: string, asset: string, amountMinor: bigint) => {
  const at = new Date().toISOString();
  return [
    [
      WALLET_EVENTS_TOPIC,
      envelope('DepositConfirmed', `wallet-deposit-${depositId}`, {
        depositId,
        clientId,
        asset,
        amountMinor: amountMinor.toString(),
        walletId: 'hot-1',
        chain: 'ethereum',
        transactionHash: `0x${randomUUID().replace(/-/g, '').repeat(2)}`,
        confirmations: 1,
        confirmedAt: at,
      }),
    ],
    [
      LEDGER_EVENTS_TOPIC,
      envelope('JournalPosted', `ledger-client-${clientId}`, {
        journalId: `deposit:${depositId}`,
        kind: 'deposit',
        sourceReference: depositId,
        fingerprint: `fp-${depositId}`,
        entries: [
          {
            account: { kind: 'custody', walletId: 'hot-1', asset },
            side: 'debit',
            amountMinor: amountMinor.toString(),
          },
          {
            account: { kind: 'client', clientId, asset },
            side: 'credit',
            amountMinor: amountMinor.toString(),
          },
        ],
        at,
      }),
    ],
  ] as const;
};

/**
 * TW-14 against a real chain (anvil), PostgreSQL and the bus, issue 25: every registered wallet,
 * client-segregated and house, is read for every asset of the registry its chain carries (ETH and
 * the USDC token here), recorded or not. 5 USDC reach the client hot wallet and 1 ETH the house
 * wallet on chain with no deposit recorded: the run reports each as an `unrecorded` discrepancy
 * (beside the clients' on-chain USDC surplus), due to be explained like any other, and the house
 * wallet's balance never counts in what clients hold.
 */
describe('TW-14 reconciliation runs read every registered wallet and every asset on its chain (anvil, PostgreSQL)', () => {
  let db: TestDatabase;
  let node: ChainNode;
  let consumer: InboxConsumer;
  let publish: ReconciliationSetUp['publish'];
  let runs: ReconciliationRuns;
  let discrepancies: Discrepancies;
  let funder: Address;
  let usdc: Address;
  let offsetMs = 0;
  const hot = privateKeyToAccount(generatePrivateKey()).address;
  const house = privateKeyToAccount(generatePrivateKey()).address;
  const notified: DiscrepancyEvent[] = [];
  const now = () => new Date(Date.now() + offsetMs);
  const mined = async (hash: Hash) =>
    createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash,
      pollingInterval: 20,
    });
  const count = async (table: string) =>
    (await db.pool.query<{ n: number }>(`select count(*)::int as n from recon.${table}`)).rows[0]
      ?.n;

  beforeAll(async () => {
    [db, node] = await Promise.all([createTestDatabase(), startAnvil()]);
    [funder] = (await anvilAccounts(node)) as [Address];
    usdc = await deployTestToken(node, {
      name: 'Test USD Coin',
      symbol: 'USDC',
      supply: 1_000_000_000_000n,
      owner: funder,
      from: funder,
    });
    ({ discrepancies, runs, consumer, publish } = await startReconciliation({
      db,
      now,
      notified,
      explainWithinMs: 60 * 60 * 1000,
      chains: [
        new EvmChainReader({
          chain: 'ethereum',
          rpcUrl: node.rpcUrl,
          chainId: node.chainId,
          nativeAsset: 'ETH',
          tokens: { USDC: usdc },
        }),
      ],
    }));
  }, 60_000);
  afterAll(async () => {
    await consumer?.stop();
    await node?.stop();
    await db?.drop();
  });

  let runDay = '';
  it("TW-14 given 5 USDC in the client hot wallet and 1 ETH in the house wallet on chain that no deposit recorded, then each is an unrecorded discrepancy naming its wallet, and the house ETH is not the clients'", async () => {
    await publish(WALLET_EVENTS_TOPIC, registered('hot-1', 'client-segregated', hot));
    await publish(WALLET_EVENTS_TOPIC, registered('house-1', 'house', house));
    for (const [topic, message] of deposit('D-1', 'alice', 'ETH', parseEther('10')))
      await publish(topic, message);
    const wallet = createWalletClient({ transport: http(node.rpcUrl) });
    await mined(
      await wallet.sendTransaction({
        account: funder,
        to: hot,
        value: parseEther('10'),
        chain: null,
      }),
    );
    // what no deposit recorded: a token in the client wallet, native ETH in the house wallet
    await mined(
      await wallet.writeContract({
        address: usdc,
        abi: erc20Abi,
        functionName: 'transfer',
        args: [hot, 5_000_000n],
        account: funder,
        chain: null,
      }),
    );
    await mined(
      await wallet.sendTransaction({
        account: funder,
        to: house,
        value: parseEther('1'),
        chain: null,
      }),
    );
    await eventually(
      async () => (await count('recon_wallets')) === 2 && (await count('recon_movements')) === 1,
      WAIT_MS,
    );

    runDay = businessDayOf(now().toISOString(), TW);
    const run = await runs.run(runDay);
    const head = (
      await createPublicClient({ transport: http(node.rpcUrl) }).getBlockNumber()
    ).toString();
    expect(run.read).toEqual([
      { walletId: 'hot-1', assets: ['ETH', 'USDC'] },
      { walletId: 'house-1', assets: ['ETH', 'USDC'] },
    ]);
    expect(run.perAsset).toEqual([
      {
        asset: 'ETH',
        owedMinor: parseEther('10'),
        recordedMinor: parseEther('10'),
        houseMinor: 0n,
        onChainMinor: parseEther('10'),
      },
      { asset: 'USDC', owedMinor: 0n, recordedMinor: 0n, houseMinor: 0n, onChainMinor: 5_000_000n },
    ]);
    // the house wallet is read, held to its own records; its USDC at 0 is read and not kept
    expect(run.houseWallets).toEqual([
      {
        walletId: 'house-1',
        asset: 'ETH',
        recordedMinor: 0n,
        houseMinor: 0n,
        onChainMinor: parseEther('1'),
        blockNumber: head,
        differenceMinor: parseEther('1'),
      },
    ]);
    expect(run.differences.map(({ discrepancyId, ...difference }) => difference)).toEqual([
      {
        asset: 'USDC',
        source: 'on-chain',
        kind: 'surplus',
        amountMinor: 5_000_000n,
        owedMinor: 0n,
        heldMinor: 5_000_000n,
        wallets: ['hot-1'],
      },
      {
        asset: 'ETH',
        source: 'unrecorded',
        kind: 'surplus',
        amountMinor: parseEther('1'),
        owedMinor: 0n,
        heldMinor: parseEther('1'),
        wallets: ['house-1'],
      },
      {
        asset: 'USDC',
        source: 'unrecorded',
        kind: 'surplus',
        amountMinor: 5_000_000n,
        owedMinor: 0n,
        heldMinor: 5_000_000n,
        wallets: ['hot-1'],
      },
    ]);
    const unrecordedEth = `DSC-${runDay}-ETH-unrecorded-surplus`;
    expect(run.opened).toEqual([
      `DSC-${runDay}-USDC-on-chain-surplus`,
      unrecordedEth,
      `DSC-${runDay}-USDC-unrecorded-surplus`,
    ]);
    expect(await discrepancies.discrepancy(unrecordedEth)).toMatchObject({
      status: 'open',
      discoveredOn: localParts(run.at, TW.timeZone).day,
      topUpDueOn: null, // a surplus: explained, not topped up
      explainBy: new Date(Date.parse(run.at) + 60 * 60 * 1000).toISOString(),
    });
    expect(notified.map((event) => event.type)).toEqual([
      'DiscrepancyDetected',
      'DiscrepancyDetected',
      'DiscrepancyDetected',
    ]);
    expect(reconciliationCsv(run).split('\n')).toEqual(
      expect.arrayContaining([
        `house-wallet,ETH,house-1,,0,0,${parseEther('1')},${head},${parseEther('1')},`,
        `difference:unrecorded:surplus,ETH,house-1,0,,,${parseEther('1')},,${parseEther('1')},${unrecordedEth}`,
      ]),
    );
    const summary = reconciliationSummary(run, await discrepancies.list('open', 10));
    expect(summary).toContain(
      "Read on chain: 2 registered wallets (client and house), 4 balances: every asset of the registry each wallet's chain carries, recorded or not",
    );
    expect(summary).toContain(`  house-1 | ETH | 0 | ${parseEther('1')}`);
    expect(summary).toContain(
      `  ETH unrecorded surplus of ${parseEther('1')} (owed 0, held ${parseEther('1')}) in house-1: ${unrecordedEth}`,
    );
  });

  it('TW-14 an unrecorded balance not explained in time is escalated to the board and internal audit like any other discrepancy', async () => {
    offsetMs = 2 * 60 * 60 * 1000;
    await discrepancies.checkDeadlines();
    expect(
      notified
        .filter((event) => event.type === 'DiscrepancyEscalated')
        .map((event) => event.data.discrepancyId)
        .sort(),
    ).toEqual([
      `DSC-${runDay}-ETH-unrecorded-surplus`,
      `DSC-${runDay}-USDC-on-chain-surplus`,
      `DSC-${runDay}-USDC-unrecorded-surplus`,
    ]);
    offsetMs = 0;
  });

  it('TW-14 once the deposit of the USDC is recorded and booked, a later run finds it gone and closes its discrepancies; the house ETH persists', async () => {
    for (const [topic, message] of deposit('D-2', 'bob', 'USDC', 5_000_000n))
      await publish(topic, message);
    await eventually(async () => (await count('recon_movements')) === 2, WAIT_MS);
    const run = await runs.run(runDay);
    expect(run).toMatchObject({
      persisting: [`DSC-${runDay}-ETH-unrecorded-surplus`],
      confirmedGone: [
        `DSC-${runDay}-USDC-on-chain-surplus`,
        `DSC-${runDay}-USDC-unrecorded-surplus`,
      ],
      opened: [],
    });
    expect((await discrepancies.list('open', 10)).map((state) => state.discrepancyId)).toEqual([
      `DSC-${runDay}-ETH-unrecorded-surplus`,
    ]);
  });
});
