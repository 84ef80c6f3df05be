import { EvmChainReader } from '@custody/chain';
import { LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { InboxConsumer } from '@custody/messaging';
import {
  addBusinessDays,
  businessDayOf,
  localParts,
  type DiscrepancyEvent,
} from '@custody/reconciliation-domain';
import {
  anvilAccounts,
  createTestDatabase,
  eventually,
  startAnvil,
  type ChainNode,
  type TestDatabase,
} from '@custody/testing';
import { createPublicClient, createWalletClient, http, parseEther, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { reconciliationCsv, reconciliationSummary } from './reconciliation-reports';
import type { Discrepancies } from './discrepancies';
import type { ReconciliationRuns } from './reconciliation-runs';
import {
  envelope,
  startReconciliation,
  TW,
  WAIT_MS,
  type ReconciliationSetUp,
} from './reconciliation.fixture';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * TW-14 against a real chain (anvil) and real PostgreSQL: the ledger owes alice 10 ETH and the
 * wallet service recorded a 10 ETH deposit into the client hot wallet, but the chain holds 9 (an
 * injected shortfall). The run finds it at a stated height, the discrepancy is due to be made good
 * within 5 business days of the day after discovery, is escalated to the board and internal audit
 * when not explained in time, is reported overdue past its due day, and closes only when a top-up
 * is recorded and a later run finds the chain whole.
 */
describe('reconciliation runs: ledger, wallet records and the chain (anvil, PostgreSQL)', () => {
  let db: TestDatabase;
  let node: ChainNode;
  let consumer: InboxConsumer;
  let publish: ReconciliationSetUp['publish'];
  let runs: ReconciliationRuns;
  let discrepancies: Discrepancies;
  let funder: Address;
  let offsetMs = 0;
  const hotAccount = privateKeyToAccount(generatePrivateKey());
  const hot = hotAccount.address;
  const notified: DiscrepancyEvent[] = [];
  const businessDay = () => businessDayOf(new Date(Date.now() + offsetMs).toISOString(), TW);
  const send = async (value: bigint) => {
    const hash = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
      account: funder,
      to: hot,
      value,
      chain: null,
    });
    await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash,
      pollingInterval: 20,
    });
    return hash;
  };

  beforeAll(async () => {
    [db, node] = await Promise.all([createTestDatabase(), startAnvil()]);
    [funder] = (await anvilAccounts(node)) as [Address];
    ({ discrepancies, runs, consumer, publish } = await startReconciliation({
      db,
      now: () => new Date(Date.now() + offsetMs),
      notified,
      explainWithinMs: 60 * 60 * 1000,
      chains: [
        new EvmChainReader({
          chain: 'ethereum',
          rpcUrl: node.rpcUrl,
          chainId: node.chainId,
          nativeAsset: 'ETH',
          tokens: {},
        }),
      ],
    }));
  }, 60_000);
  afterAll(async () => {
    await consumer?.stop();
    await node?.stop();
    await db?.drop();
  });

  let discrepancyId = '';
  it('TW-14 given 10 ETH owed and recorded but 9 on chain, then an on-chain shortfall of 1 ETH at a stated height, due 5 business days from the day after discovery', async () => {
    const at = new Date().toISOString();
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('WalletRegistered', 'wallet-hot-1', {
        walletId: 'hot-1',
        tier: 'hot',
        ownerClass: 'client-segregated',
        chain: 'ethereum',
        assets: ['ETH'],
        address: hot,
        key: {
          keyId: 'k',
          location: { site: 'HK-DC1', jurisdiction: 'HK' },
          backups: [],
          rotationDueAt: '2030-01-01T00:00:00.000Z',
        },
        quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 },
        confirmationsRequired: 1,
        registeredBy: 'admin-1',
        at,
      }),
    );
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('DepositConfirmed', 'wallet-deposit-D-1', {
        depositId: 'D-1',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: parseEther('10').toString(),
        walletId: 'hot-1',
        chain: 'ethereum',
        transactionHash: `0x${'ab'.repeat(32)}`,
        confirmations: 1,
        confirmedAt: at,
      }),
    );
    await publish(
      LEDGER_EVENTS_TOPIC,
      envelope('JournalPosted', 'ledger-client-alice', {
        journalId: 'deposit:D-1',
        kind: 'deposit',
        sourceReference: 'D-1',
        fingerprint: 'fp',
        entries: [
          {
            account: { kind: 'custody', walletId: 'hot-1', asset: 'ETH' },
            side: 'debit',
            amountMinor: parseEther('10').toString(),
          },
          {
            account: { kind: 'client', clientId: 'alice', asset: 'ETH' },
            side: 'credit',
            amountMinor: parseEther('10').toString(),
          },
        ],
        at,
      }),
    );
    await send(parseEther('9')); // one ether never arrived
    await eventually(
      async () =>
        (await db.pool.query('select count(*)::int as n from recon.recon_wallet_movements')).rows[0]
          ?.n === 1 &&
        (await db.pool.query('select count(*)::int as n from recon.recon_movements')).rows[0]?.n ===
          1,
      WAIT_MS,
    );

    const day = businessDay();
    const run = await runs.run(day);
    expect(run.provisional).toBe(true); // the day's cut-off is still ahead
    expect(run.perAsset).toEqual([
      {
        asset: 'ETH',
        owedMinor: parseEther('10'),
        recordedMinor: parseEther('10'),
        houseMinor: 0n,
        onChainMinor: parseEther('9'),
      },
    ]);
    expect(run.differences).toEqual([
      expect.objectContaining({
        asset: 'ETH',
        source: 'on-chain',
        kind: 'shortfall',
        amountMinor: parseEther('1'),
        wallets: ['hot-1'],
      }),
    ]);
    const head = await createPublicClient({ transport: http(node.rpcUrl) }).getBlockNumber();
    expect(run.heights).toEqual([{ chain: 'ethereum', blockNumber: head.toString() }]);
    expect(run.perWallet).toEqual([
      expect.objectContaining({
        walletId: 'hot-1',
        blockNumber: head.toString(),
        differenceMinor: -parseEther('1'),
      }),
    ]);
    discrepancyId = run.opened[0] ?? '';
    const discrepancy = await discrepancies.discrepancy(discrepancyId);
    // discovered on the date the run found it in Taipei (after the cut-off or on a weekend, before the day it is about)
    const foundOn = localParts(run.at, TW.timeZone).day;
    expect(discrepancy).toMatchObject({
      status: 'open',
      discoveredOn: foundOn,
      businessDay: day,
      topUpDueOn: addBusinessDays(foundOn, 5, TW),
    });
    expect(notified.map((event) => event.type)).toEqual(['DiscrepancyDetected']);
    expect(run.clients).toEqual({ clients: 1, movementsMatched: 1, breaks: [] }); // HK-21: alice's deposit booked and on chain
  });

  it('TW-14 the same day run again over the same inputs gives the identical report and records nothing new', async () => {
    const [first] = await runs.runs(businessDay());
    const again = await runs.run(businessDay());
    expect(again).toEqual(first);
    expect(await runs.runs(businessDay())).toHaveLength(1);
    const open = await discrepancies.list('open', 10);
    expect(reconciliationCsv(again)).toBe(reconciliationCsv(first as typeof again));
    expect(reconciliationCsv(again).split('\n')).toEqual([
      'section,asset,wallet_id,owed_minor,recorded_minor,house_minor,on_chain_minor,block_number,difference_minor,discrepancy_id',
      `asset,ETH,,${parseEther('10')},${parseEther('10')},0,${parseEther('9')},,${-parseEther('1')},`,
      `wallet,ETH,hot-1,,${parseEther('10')},0,${parseEther('9')},${again.heights[0]?.blockNumber},${-parseEther('1')},`,
      `difference:on-chain:shortfall,ETH,hot-1,${parseEther('10')},,,${parseEther('9')},,${-parseEther('1')},${discrepancyId}`,
      '',
    ]);
    expect(reconciliationSummary(again, open)).toMatch(
      new RegExp(
        `${discrepancyId}: open, to be explained by .*, top-up due ${addBusinessDays(localParts(again.at, TW.timeZone).day, 5, TW)} \\(0 of ${parseEther('1')} recorded\\)`,
      ),
    );
  });

  it('TW-14 not explained within the deadline: escalated once to the board and internal audit; past the due day: ShortfallOverdue with what remains', async () => {
    expect(await discrepancies.counts()).toEqual({ open: 1, escalated: 0, overdue: 0 }); // what the operations metrics export
    offsetMs = 2 * 60 * 60 * 1000;
    await discrepancies.checkDeadlines();
    await discrepancies.checkDeadlines();
    expect(await discrepancies.counts()).toEqual({ open: 1, escalated: 1, overdue: 0 });
    expect(
      notified.filter((event) => event.type === 'DiscrepancyEscalated').map((event) => event.data),
    ).toEqual([expect.objectContaining({ discrepancyId, notify: ['board', 'internal-audit'] })]);
    offsetMs = 12 * DAY_MS; // five business days are at most eleven calendar days here (no holidays configured)
    await discrepancies.checkDeadlines();
    expect(
      notified.filter((event) => event.type === 'ShortfallOverdue').map((event) => event.data),
    ).toEqual([expect.objectContaining({ discrepancyId, remainingMinor: parseEther('1') })]);
    expect(await discrepancies.counts()).toEqual({ open: 1, escalated: 1, overdue: 1 });
  });

  it('TW-14.3 a later run with the chain still short finds it persisting; after the top-up is sent and recorded, the next run confirms it and closes it', async () => {
    offsetMs = 0;
    const next = addBusinessDays(businessDay(), 1, TW);
    const persisting = await runs.run(next);
    expect(persisting).toMatchObject({
      opened: [],
      persisting: [discrepancyId],
      confirmedGone: [],
    });
    const hash = await send(parseEther('1'));
    expect(
      await discrepancies.act(discrepancyId, {
        type: 'RecordTopUp',
        amountMinor: parseEther('1'),
        reference: hash,
        by: 'treasury-1',
        at: new Date().toISOString(),
      }),
    ).toMatchObject({ ok: true });
    const confirming = await runs.run(next);
    expect(confirming).toMatchObject({
      differences: [],
      opened: [],
      confirmedGone: [discrepancyId],
    });
    expect(await discrepancies.discrepancy(discrepancyId)).toMatchObject({
      status: 'closed',
      toppedUpMinor: parseEther('1'),
    });
    expect((await discrepancies.list('open', 10)).map((state) => state.discrepancyId)).toEqual([]);
    expect(await discrepancies.counts()).toEqual({ open: 0, escalated: 0, overdue: 0 }); // a closed one counts nowhere
  });

  it('TW-14 the same shortfall coming back on the day it was first found and closed is a new discrepancy of its own, not lost', async () => {
    const day = businessDay();
    const hash = await createWalletClient({
      account: hotAccount,
      transport: http(node.rpcUrl),
    }).sendTransaction({ to: funder, value: parseEther('0.5'), chain: null });
    await createPublicClient({ transport: http(node.rpcUrl) }).waitForTransactionReceipt({
      hash,
      pollingInterval: 20,
    });
    const again = await runs.run(day);
    expect(again.opened).toEqual([`${discrepancyId}-2`]);
    expect(await discrepancies.discrepancy(`${discrepancyId}-2`)).toMatchObject({
      status: 'open',
      difference: { kind: 'shortfall' },
    });
  });

  it('HK-21 a deposit recorded on chain for bob that the ledger never booked is a per-client break, named in the report', async () => {
    const at = new Date().toISOString();
    await publish(
      WALLET_EVENTS_TOPIC,
      envelope('DepositConfirmed', 'wallet-deposit-D-2', {
        depositId: 'D-2',
        clientId: 'bob',
        asset: 'ETH',
        amountMinor: '5',
        walletId: 'hot-1',
        chain: 'ethereum',
        transactionHash: `0x${'cd'.repeat(32)}`,
        confirmations: 1,
        confirmedAt: at,
      }),
    );
    await eventually(
      async () =>
        (await db.pool.query('select count(*)::int as n from recon.recon_client_transfers')).rows[0]
          ?.n === 2,
      WAIT_MS,
    );
    const run = await runs.run(addBusinessDays(businessDay(), 2, TW));
    expect(run.clients).toEqual({
      clients: 2,
      movementsMatched: 1,
      breaks: [
        expect.objectContaining({
          clientId: 'bob',
          movementId: 'D-2',
          problem: 'not-booked',
          onChainMinor: 5n,
          transactionHash: `0x${'cd'.repeat(32)}`,
        }),
      ],
    });
    expect(reconciliationSummary(run, [])).toMatch(
      /Per client \(HK-21\): 2 clients, 1 deposits and withdrawals matched on chain, 1 breaks\n {2}bob deposit D-2: deposit D-2 of 5 ETH is on chain/,
    );
    expect(reconciliationCsv(run)).toContain(
      `client-break:deposit:not-booked,ETH,bob,,,,5,0x${'cd'.repeat(32)},5,D-2`,
    );
  });
});
