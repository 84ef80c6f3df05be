import {
  DEAD_LETTER_TOPIC,
  DEFAULT_ASSET_REGISTRY,
  validateMessage,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
} from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import {
  applyLedgerMessages,
  LEDGER_CONSUMED_TOPICS,
  LedgerCommandHandler,
} from '@custody/ledger-application';
import {
  balanceOf,
  clientAccount,
  postedBalance,
  type AssetDecimals,
} from '@custody/ledger-domain';
import { InboxConsumer, InProcessMessageBus, OutboxRelay, toEnvelope } from '@custody/messaging';
import {
  anvilAccounts,
  createSoftHsmToken,
  createTestDatabase,
  deployTestToken,
  eventually,
  startAnvil,
  type ChainNode,
  type SoftHsmToken,
  type TestDatabase,
} from '@custody/testing';
import type { QuorumPolicy, WalletError } from '@custody/wallet-domain';
import {
  applyWalletMessages,
  ChainIdMismatchError,
  ConservativeWithdrawalPolicy,
  EvmChainAdapter,
  KeyVaultError,
  Pkcs11KeyVault,
  processorLockName,
  WALLET_CONSUMED_TOPICS,
  WalletProcessor,
  WalletService,
  withdrawalStreamId,
  type KeyVault,
  type LargeTransferAlert,
  type ProcessorReport,
} from '@custody/wallet-application';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  type Address,
  type PublicClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

/** A staff member's own address, on the staff-address register (HK-11h). */
const STAFF_MEMBER = privateKeyToAccount(generatePrivateKey());

const decimals: AssetDecimals = (asset) =>
  (DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>)[asset]?.decimals;
const WAIT_MS = 30_000;
const CHAIN = 'ethereum';
const QUORUM: QuorumPolicy = {
  required: 2,
  spanDepartmentsOrSites: false,
  approvalTtlMs: 10 * 60_000,
};
const HOME = { site: 'HK-DC1', jurisdiction: 'HK' };
const BACKUP = { site: 'HK-VAULT2', jurisdiction: 'HK' };
const YEAR_MS = 365 * 24 * 60 * 60_000;

/** The service's clock, moved by the test (approval expiry, key rotation due). */
class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

function expectOk<T extends { ok: boolean }>(
  result: T,
): asserts result is Extract<T, { ok: true }> {
  if (!result.ok)
    throw new Error(
      `expected ok, got ${JSON.stringify((result as unknown as { error: WalletError }).error)}`,
    );
}
const codeOf = (result: { ok: boolean; error?: WalletError }) =>
  result.ok ? 'accepted' : [result.error?.code, result.error?.path];

/**
 * The wallet service end to end on real parts: PostgreSQL (wallet and ledger stores), SoftHSM2
 * (keys generated and used inside it), anvil (a real EVM node with a deployed ERC-20), and the
 * ledger's real write path fed through the outbox relays and inbox consumers over the in-process
 * bus (the same ports as Kafka).
 */
describe('wallet service on SoftHSM2 + anvil + PostgreSQL, with the ledger', () => {
  let db: TestDatabase;
  let node: ChainNode;
  let hsm: SoftHsmToken;
  let vault: Pkcs11KeyVault;
  let chainClient: PublicClient;
  let service: WalletService;
  const conservative = new ConservativeWithdrawalPolicy();
  const policyAsked: string[] = [];
  let processor: WalletProcessor;
  let ledger: LedgerCommandHandler;
  let ledgerStore: PostgresEventStore;
  let bus: InProcessMessageBus;
  const running: { stop(): Promise<void> }[] = [];
  const clock = new TestClock();
  const alerts: LargeTransferAlert[] = [];
  const hsmSignings: string[] = [];
  let funder: Address;
  let alice: Address;
  let stranger: Address;
  let aliceSecond: Address;
  let token: Address;
  let hotAddress: Address;

  /** A transfer by a dev account, returned once mined (anvil mines each transaction, but answers before the block is visible). */
  const send = async (from: Address, to: Address, value: bigint) => {
    const hash = await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
      account: from,
      to,
      value,
      chain: null,
    });
    await chainClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return hash;
  };
  const mine = (blocks: number) =>
    createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) }).mine({ blocks });
  const round = async (): Promise<ProcessorReport> => {
    const report = await processor.runRound(CHAIN);
    if (report === undefined) throw new Error('another processor holds the round lock');
    return report;
  };
  /** The wallet's custody account in the ledger: what the ledger says the wallet holds (debits minus credits of its journals). */
  const ledgerCustody = async (walletId: string, asset: string) => {
    const journals = new Map(
      (await ledgerStore.readAll())
        .filter((event) => event.type === 'JournalPosted')
        .map((event) => [
          event.data['journalId'],
          event.data['entries'] as {
            account: { kind: string; walletId?: string; asset: string };
            side: string;
            amountMinor: string;
          }[],
        ]),
    );
    let held = 0n;
    for (const entry of [...journals.values()].flat()) {
      if (
        entry.account.kind === 'custody' &&
        entry.account.walletId === walletId &&
        entry.account.asset === asset
      )
        held += entry.side === 'debit' ? BigInt(entry.amountMinor) : -BigInt(entry.amountMinor);
    }
    return held;
  };
  const ledgerBalance = async (account: ReturnType<typeof clientAccount>, clientId = 'alice') =>
    postedBalance(account, balanceOf((await ledger.load([clientId])).state, account));

  beforeAll(async () => {
    [db, node, hsm] = await Promise.all([
      createTestDatabase(),
      startAnvil({ chainId: 31_337 }),
      createSoftHsmToken('wallet-flows'),
    ]);
    vault = Pkcs11KeyVault.open({
      modulePath: hsm.modulePath,
      tokenLabel: hsm.tokenLabel,
      pin: hsm.userPin,
    });
    chainClient = createPublicClient({ transport: http(node.rpcUrl) });
    [funder, alice, stranger, aliceSecond] = (await anvilAccounts(node)) as [
      Address,
      Address,
      Address,
      Address,
    ];
    token = await deployTestToken(node, {
      name: 'Test USD',
      symbol: 'USDT',
      supply: 1_000_000_000_000n,
      owner: alice,
      from: funder,
    });
    const chain = new EvmChainAdapter({
      chain: CHAIN,
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
      nativeAsset: 'ETH',
      tokens: { USDT: token },
    });
    // the real vault, with its signing calls counted: a refusal must never reach the HSM
    const counted: KeyVault = {
      generateKey: (keyId) => vault.generateKey(keyId),
      publicKey: (keyId) => vault.publicKey(keyId),
      signDigest: (keyId, digest) => {
        hsmSignings.push(keyId);
        return vault.signDigest(keyId, digest);
      },
      close: () => vault.close(),
    };
    service = new WalletService({
      store: new PostgresEventStore({ pool: db.pool, schema: 'wallet' }),
      vault: counted,
      chains: [chain],
      custodyPolicy: { allowedJurisdictions: ['HK'] },
      staffAddresses: [{ staffId: 'ops-2', chain: CHAIN, address: STAFF_MEMBER.address }],
      thresholds: {
        perAssetMinor: new Map([['ETH', parseEther('2')]]),
        perClientMinor: new Map(),
        notifyRoles: ['compliance-officer', 'head-of-custody'],
      },
      notifier: { notify: (alert) => Promise.resolve(void alerts.push(alert)) },
      // the conservative policy, counting who asks it (the policy service reserves what it allows: it must not be asked in vain)
      withdrawalPolicy: {
        decide: (request, wallet, context) => {
          policyAsked.push(request.withdrawalId);
          return conservative.decide(request, wallet, context);
        },
        decideInternal: (request, source, destination) =>
          conservative.decideInternal(request, source, destination),
      },
      now: clock.now,
      addressCoolingOffMs: 0, // HK-11h's cooling-off is the wallet service e2e's (trust-boundaries-wallet); here addresses are usable once listed
    });
    await service.migrate();
    processor = new WalletProcessor(service, { onError: (error) => console.error(error) });

    ledgerStore = new PostgresEventStore({ pool: db.pool, schema: 'ledger' });
    await ledgerStore.migrate();
    ledger = new LedgerCommandHandler(ledgerStore, decimals);
    await ledger.migrate();
    for (const clientId of ['alice', 'carol'])
      await ledger.handle({
        type: 'OnboardClient',
        clientId,
        metadata: { at: new Date().toISOString() },
      });

    bus = new InProcessMessageBus();
    const walletRelay = new OutboxRelay(service.store, {
      topic: WALLET_EVENTS_TOPIC,
      publisher: bus.publisher,
      pollIntervalMs: 20,
    });
    const ledgerRelay = new OutboxRelay(ledgerStore, {
      topic: LEDGER_EVENTS_TOPIC,
      publisher: bus.publisher,
      pollIntervalMs: 20,
    });
    const ledgerConsumer = new InboxConsumer({
      bus,
      groupId: 'ledger',
      topics: [...LEDGER_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'ledger',
      apply: applyLedgerMessages(ledger),
    });
    const walletConsumer = new InboxConsumer({
      bus,
      groupId: 'wallet',
      topics: [...WALLET_CONSUMED_TOPICS],
      pool: db.pool,
      schema: 'wallet',
      apply: applyWalletMessages(service),
    });
    await ledgerConsumer.migrate();
    await walletConsumer.migrate();
    walletRelay.start();
    ledgerRelay.start();
    await ledgerConsumer.start();
    await walletConsumer.start();
    running.push(walletRelay, ledgerRelay, ledgerConsumer, walletConsumer);
  }, 60_000);

  afterAll(async () => {
    for (const part of running.reverse()) await part.stop();
    await vault?.close();
    await hsm?.destroy();
    await node?.stop();
    await db?.drop();
  });

  const registerHot = (
    walletId: string,
    overrides: Partial<Parameters<WalletService['registerWallet']>[0]> = {},
  ) =>
    service.registerWallet(
      {
        walletId,
        tier: 'hot',
        ownerClass: 'client-segregated',
        chain: CHAIN,
        assets: ['ETH', 'USDT'],
        keyLocation: HOME,
        backups: [BACKUP],
        rotationDueAt: new Date(clock.now().getTime() + YEAR_MS).toISOString(),
        quorum: QUORUM,
        confirmationsRequired: 2,
        ...overrides,
      },
      'admin-1',
    );

  it("HK-11a registers a hot wallet whose key is generated inside the HSM: the address is the key's, the store holds no key material", async () => {
    const registered = await registerHot('eth-hot-1');
    expectOk(registered);
    const key = await vault.publicKey('eth-hot-1.k1');
    hotAddress = key.address;
    expect(registered.state?.registration.address).toBe(key.address);
    const stored = JSON.stringify(
      await service.store.readStream('wallet-eth-hot-1'),
      (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    );
    expect(stored).toContain(key.address);
    expect(stored).not.toMatch(/private|seed|mnemonic/i);
  });

  it("HK-11b / HK-11f refuses a key location abroad and a backup at the primary's site, and generates no key for them", async () => {
    expect(
      codeOf(
        await registerHot('eth-hot-abroad', {
          keyLocation: { site: 'SG-DC1', jurisdiction: 'SG' },
        }),
      ),
    ).toEqual(['KEY_LOCATION_OUTSIDE_JURISDICTIONS', 'key.location.jurisdiction']);
    expect(
      codeOf(
        await registerHot('eth-hot-same-site', {
          backups: [{ site: 'hk-dc1', jurisdiction: 'HK' }],
        }),
      ),
    ).toEqual(['KEY_BACKUP_SAME_SITE', 'key.backups[0].site']);
    expect(codeOf(await registerHot('eth-hot-slow', { confirmationsRequired: 5_000 }))).toEqual([
      'QUORUM_POLICY_INVALID',
      'confirmationsRequired',
    ]);
    expect(codeOf(await registerHot('eth/hot'))).toEqual(['WALLET_ID_INVALID', 'walletId']);
    for (const keyId of ['eth-hot-abroad.k1', 'eth-hot-same-site.k1', 'eth-hot-slow.k1']) {
      await expect(vault.publicKey(keyId)).rejects.toMatchObject({
        code: 'HSM_KEY_NOT_FOUND',
      } satisfies Partial<KeyVaultError>);
    }
    expect(await service.walletIds(CHAIN)).toEqual(['eth-hot-1']);
  });

  it('refuses a node that serves another chain than configured (a transaction signed for one chain never goes to another)', async () => {
    await expect(
      new EvmChainAdapter({
        chain: CHAIN,
        rpcUrl: node.rpcUrl,
        chainId: 1,
        nativeAsset: 'ETH',
        tokens: {},
      }).verifyChainId(),
    ).rejects.toBeInstanceOf(ChainIdMismatchError);
    await expect(
      new EvmChainAdapter({
        chain: CHAIN,
        rpcUrl: node.rpcUrl,
        chainId: node.chainId,
        nativeAsset: 'ETH',
        tokens: {},
      }).verifyChainId(),
    ).resolves.toBeUndefined();
  });

  it('runs one processor round per chain at a time: while another process holds the round, this one skips', async () => {
    const other = await db.pool.connect();
    try {
      await other.query('select pg_advisory_lock(hashtext($1))', [
        processorLockName('wallet', CHAIN),
      ]);
      expect(await processor.runRound(CHAIN)).toBeUndefined();
      await other.query('select pg_advisory_unlock(hashtext($1))', [
        processorLockName('wallet', CHAIN),
      ]);
    } finally {
      other.release();
    }
    expect(await processor.runRound(CHAIN)).toBeDefined();
  });

  it('HK-11a two registrations of one wallet at once (a retried request on two replicas) generate one key, and it signs', async () => {
    const rotationDueAt = new Date(clock.now().getTime() + YEAR_MS).toISOString(); // the same request twice: the same content
    const [first, second] = await Promise.all([
      registerHot('eth-hot-twice', { rotationDueAt }),
      registerHot('eth-hot-twice', { rotationDueAt }),
    ]);
    expectOk(first);
    expectOk(second);
    expect(first.state?.registration.address).toBe(second.state?.registration.address);
    await expect(
      vault.signDigest('eth-hot-twice.k1', `0x${'11'.repeat(32)}`),
    ).resolves.toMatchObject({ yParity: expect.any(Number) });
  });

  it("TW-18 / HK-11c / TW-16 grants three custodians access to the hot wallet's key, each requested by one officer and approved by another", async () => {
    for (const [custodianId, department, site] of [
      ['ann', 'treasury', 'HK-DC1'],
      ['ben', 'operations', 'HK-DC1'],
      ['cat', 'risk', 'HK-DC2'],
    ] as const) {
      expectOk(
        await service.registerCustodian(
          { custodianId, name: custodianId, department, site },
          'admin-1',
        ),
      );
      expectOk(
        await service.requestKeyAccessChange(
          {
            changeId: `grant-${custodianId}`,
            custodianId,
            walletId: 'eth-hot-1',
            action: 'grant',
            reason: 'vetted custodian',
          },
          'officer-1',
        ),
      );
      expect(
        codeOf(
          await service.decideKeyAccessChange(
            `grant-${custodianId}`,
            'approve',
            'checked',
            'officer-1',
          ),
        ),
      ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
      expectOk(
        await service.decideKeyAccessChange(
          `grant-${custodianId}`,
          'approve',
          'vetting file checked',
          'officer-2',
        ),
      );
    }
    const roster = await service.roster();
    expect(
      [...roster.custodians.keys()]
        .filter((custodianId) => roster.grants.get('eth-hot-1')?.has(custodianId))
        .sort(),
    ).toEqual(['ann', 'ben', 'cat']);
  });

  it("HK-11h allow-lists alice's address by a real EIP-191 signature over the issued challenge; a signature by another key is refused", async () => {
    const issued = await service.issueOwnershipChallenge(
      {
        challengeId: 'CH-1',
        clientId: 'alice',
        chain: CHAIN,
        address: alice,
        method: 'signed-message',
        channel: 'client',
        reason: null,
      },
      'exchange',
    );
    expectOk(issued);
    const message = issued.state.challenges.get('CH-1')?.message ?? '';
    const wallets = createWalletClient({ transport: http(node.rpcUrl) });
    const forged = await wallets.signMessage({ account: stranger, message });
    expect(
      codeOf(
        await service.proveOwnershipBySignature('alice', 'CH-1', forged, 'exchange', 'client'),
      ),
    ).toEqual(['OWNERSHIP_SIGNATURE_INVALID', 'signature']);
    const signature = await wallets.signMessage({ account: alice, message });
    const proven = await service.proveOwnershipBySignature(
      'alice',
      'CH-1',
      signature,
      'exchange',
      'client',
    );
    expectOk(proven);
    expect(proven.events[0]).toMatchObject({
      type: 'AddressProofRecorded',
      data: {
        channel: 'client',
        submittedBy: 'exchange',
        holds: [],
        evidence: { method: 'signed-message', signature, recoveredAddress: alice },
      },
    });
    expect(proven.events[1]).toMatchObject({
      type: 'AddressAllowListed',
      data: { approvedBy: null },
    });
    expect(await service.clientsListing(CHAIN, alice)).toEqual(['alice']);
  });

  it("HK-11h a deposit from alice's listed address (ETH, and an ERC-20) is observed, confirmed after 2 blocks and credited in the ledger; one from a stranger is flagged, not credited", async () => {
    await send(alice, hotAddress, parseEther('3'));
    await send(stranger, hotAddress, parseEther('1'));
    const tokenTransfer = await createWalletClient({ transport: http(node.rpcUrl) }).writeContract({
      address: token,
      abi: erc20Abi,
      functionName: 'transfer',
      args: [hotAddress, 250_000_000n],
      account: alice,
      chain: null,
    });
    await chainClient.waitForTransactionReceipt({ hash: tokenTransfer, pollingInterval: 20 });
    const first = await round();
    // each transfer was mined in its own block; only blocks with the wallets' 2 confirmations are read: the USDT one is not yet
    expect(first.depositsObserved).toBe(2);
    expect(first.depositsConfirmed).toBe(1); // alice's ETH (the stranger's is flagged, not confirmed for anyone)
    await mine(1);
    await round();
    await eventually(
      async () => (await ledgerBalance(clientAccount('alice', 'USDT'))) === 250_000_000n,
      WAIT_MS,
    );
    await eventually(
      async () => (await ledgerBalance(clientAccount('alice', 'ETH'))) === parseEther('3'),
      WAIT_MS,
    );
    const all = await service.store.readAll();
    const flagged = all.filter((event) => event.type === 'DepositFlaggedForReview');
    expect(flagged.map((event) => event.data['reason'])).toEqual(['source-not-allow-listed']);
    const confirmed = all
      .filter((event) => event.type === 'DepositConfirmed')
      .map((event) => [
        event.data['asset'],
        event.data['amountMinor'],
        event.data['clientId'],
        event.data['confirmations'],
      ]);
    expect(confirmed.sort()).toEqual([
      ['ETH', parseEther('3').toString(), 'alice', 3],
      ['USDT', '250000000', 'alice', 2],
    ]);
    // TW-15.3: 3 ETH is above the 2 ETH threshold: alerted once, naming the roles
    expect(alerts.map((alert) => [alert.kind, alert.amountMinor, alert.notifyRoles])).toEqual([
      ['deposit', parseEther('3'), ['compliance-officer', 'head-of-custody']],
    ]);
  });

  it('HK-11h allow-lists a second address by a micro-payment of exactly the random amount the service picked', async () => {
    const issued = await service.issueOwnershipChallenge(
      {
        challengeId: 'CH-2',
        clientId: 'alice',
        chain: CHAIN,
        address: aliceSecond,
        method: 'micro-payment',
        channel: 'client',
        reason: null,
      },
      'exchange',
    );
    expectOk(issued);
    const terms = issued.state.challenges.get('CH-2')?.microPayment;
    if (terms == null) throw new Error('no micro-payment terms');
    expect(terms.toAddress).toBe(hotAddress);
    await send(aliceSecond, hotAddress, terms.amountMinor + 1n); // not the amount: proves nothing
    await mine(1);
    await round();
    expect(await service.clientsListing(CHAIN, aliceSecond)).toEqual([]);
    await send(aliceSecond, hotAddress, terms.amountMinor);
    await mine(1);
    await round();
    expect(await service.clientsListing(CHAIN, aliceSecond)).toEqual(['alice']);
    const evidence = (await service.allowList('alice')).addresses.get(
      `${CHAIN}:${aliceSecond.toLowerCase()}`,
    );
    expect(evidence?.challengeId).toBe('CH-2');
    // the wrong-amount payment came from the same address: flagged then, alice's now that the address is proven hers
    const attributed = (await service.store.readAll())
      .filter((event) => event.type === 'DepositAttributed')
      .map((event) => event.data['clientId']);
    expect(attributed).toEqual(['alice']);
  });

  let payloadHash = '';
  it("HK-11h refuses a withdrawal to an address not on the client's allow-list, recording nothing and never asking the policy", async () => {
    const refused = await service.requestWithdrawal(
      {
        withdrawalId: 'W-0',
        requestId: 'R-0',
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: parseEther('1'),
        chain: CHAIN,
        destinationAddress: stranger,
        walletId: 'eth-hot-1',
      },
      'ops-1',
    );
    expect(codeOf(refused)).toEqual([
      'WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED',
      'destinationAddress',
    ]);
    expect(await service.store.readStream(withdrawalStreamId('W-0'))).toEqual([]);
    expect(policyAsked).toEqual([]); // the wallet's own checks come first
  });

  it('TW-17.4 a withdrawal request becomes a transaction whose decoded content and payload hash custodians review', async () => {
    expectOk(
      await service.requestWithdrawal(
        {
          withdrawalId: 'W-1',
          requestId: 'R-1',
          clientId: 'alice',
          asset: 'ETH',
          amountMinor: parseEther('1'),
          chain: CHAIN,
          destinationAddress: alice,
        },
        'ops-1',
      ),
    );
    expect(policyAsked).toEqual(['W-1']);
    const report = await round();
    expect(report.withdrawalsAdvanced).toBe(1);
    const state = await service.withdrawal('W-1');
    expect(state?.request.walletId).toBe('eth-hot-1'); // picked: the hot client wallet with enough ETH
    expect(state?.payload).toMatchObject({
      asset: 'ETH',
      amountMinor: parseEther('1'),
      destinationAddress: alice,
      feeAsset: 'ETH',
    });
    payloadHash = state?.payload?.payloadHash ?? '';
    expect(payloadHash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('HK-11d / HK-11e / TW-16 refuses self-approval, double counting, a custodian without access and an approval of another payload hash, each with its code', async () => {
    expect(codeOf(await service.approveSigning('W-1', payloadHash, 'ops-1'))).toEqual([
      'SIGNING_REQUESTER_CANNOT_APPROVE',
      'custodianId',
    ]);
    expectOk(await service.approveSigning('W-1', payloadHash, 'ann'));
    expect(codeOf(await service.approveSigning('W-1', payloadHash, 'ann'))).toEqual([
      'SIGNING_CUSTODIAN_ALREADY_APPROVED',
      'custodianId',
    ]);
    expect(codeOf(await service.approveSigning('W-1', payloadHash, 'mallory'))).toEqual([
      'SIGNING_CUSTODIAN_NOT_AUTHORISED',
      'custodianId',
    ]);
    expect(codeOf(await service.approveSigning('W-1', `0x${'0'.repeat(64)}`, 'cat'))).toEqual([
      'SIGNING_PAYLOAD_CHANGED',
      'payloadHash',
    ]);
    // one approval: the processor does not ask the HSM
    const report = await round();
    expect(report.waiting).toEqual([
      { withdrawalId: 'W-1', error: expect.objectContaining({ code: 'SIGNING_QUORUM_NOT_MET' }) },
    ]);
    expect(hsmSignings).toEqual([]);
  });

  it("HK-11d / TW-16 signs inside the HSM after a 2-of-3 quorum and the ledger's hold, broadcasts to anvil, and once confirmed the chain and the ledger agree", async () => {
    const aliceBefore = await chainClient.getBalance({ address: alice });
    const approved = await service.approveSigning('W-1', payloadHash, 'cat');
    expectOk(approved);
    expect(approved.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
      'WithdrawalApproved',
    ]);
    // the ledger holds the amount (through the relay and its consumer); its hold comes back to the wallet the same way
    await eventually(async () => (await service.withdrawal('W-1'))?.held === true, WAIT_MS);
    const signedRound = await round();
    expect(signedRound.withdrawalsAdvanced).toBe(1);
    expect(hsmSignings).toEqual(['eth-hot-1.k1']); // once, with the wallet's key
    expect((await service.withdrawal('W-1'))?.status).toBe('signed');
    await round(); // broadcast; anvil mines it at once
    await mine(1); // the second confirmation
    await round();
    await eventually(
      async () => (await service.withdrawal('W-1'))?.status === 'confirmed',
      WAIT_MS,
    );

    const events = await service.store.readStream(withdrawalStreamId('W-1'));
    const signed = events.find((event) => event.type === 'WithdrawalSigned');
    const keyUsed = events.find((event) => event.type === 'KeyUsed');
    // HK-11c write-ahead: the access is on record before the HSM was asked, then its result
    const types = events.map((event) => event.type);
    expect(
      types.filter((type) => ['KeySigningStarted', 'WithdrawalSigned', 'KeyUsed'].includes(type)),
    ).toEqual(['KeySigningStarted', 'WithdrawalSigned', 'KeyUsed']);
    expect(keyUsed?.data).toMatchObject({
      keyId: 'eth-hot-1.k1',
      payloadHash,
      custodians: ['ann', 'cat'],
      requestedBy: 'ops-1',
    });
    const receipt = await chainClient.getTransactionReceipt({
      hash: signed?.data['transactionHash'] as `0x${string}`,
    });
    expect(receipt.from.toLowerCase()).toBe(hotAddress.toLowerCase()); // signed by the HSM key of the wallet
    expect(receipt.status).toBe('success');
    expect((await chainClient.getBalance({ address: alice })) - aliceBefore).toBe(parseEther('1'));

    // the ledger posted the withdrawal: alice's ETH and the wallet's custody account match the chain
    await eventually(
      async () =>
        (await ledgerBalance(clientAccount('alice', 'ETH'))) !== parseEther('3') + 0n &&
        (await ledger.load(['alice'])).state.withdrawals.get('W-1')?.status === 'settled',
      WAIT_MS,
    );
    const micro =
      (await service.allowList('alice')).challenges.get('CH-2')?.microPayment?.amountMinor ?? 0n;
    // 3 ETH, the micro-payment and the earlier wrong-amount payment from her second address, less the withdrawal
    await eventually(
      async () =>
        (await ledgerBalance(clientAccount('alice', 'ETH'))) ===
        parseEther('3') + micro + (micro + 1n) - parseEther('1'),
      WAIT_MS,
    );
    const onChain = await chainClient.getBalance({ address: hotAddress });
    const flagged = parseEther('1'); // the stranger's deposit: on chain, credited to nobody
    expect(await ledgerCustody('eth-hot-1', 'ETH')).toBe(onChain - flagged);
  });

  const requestAndPrepare = async (withdrawalIds: string[]) => {
    for (const withdrawalId of withdrawalIds) {
      expectOk(
        await service.requestWithdrawal(
          {
            withdrawalId,
            requestId: `R-${withdrawalId}`,
            clientId: 'alice',
            asset: 'ETH',
            amountMinor: parseEther('0.1'),
            chain: CHAIN,
            destinationAddress: alice,
            walletId: 'eth-hot-1',
          },
          'ops-1',
        ),
      );
    }
    await round();
  };
  const nonceOf = async (withdrawalId: string) => {
    const payload = (await service.withdrawal(withdrawalId))?.payload;
    return payload === undefined
      ? undefined
      : service.chain(CHAIN)?.transactionNonce(payload.unsignedTransaction as `0x${string}`);
  };
  const approveBoth = async (withdrawalId: string) => {
    const hash = (await service.withdrawal(withdrawalId))?.payload?.payloadHash ?? '';
    expectOk(await service.approveSigning(withdrawalId, hash, 'ann'));
    expectOk(await service.approveSigning(withdrawalId, hash, 'cat'));
  };
  const settle = async (withdrawalIds: string[]) => {
    for (const withdrawalId of withdrawalIds)
      await eventually(
        async () => (await service.withdrawal(withdrawalId))?.held === true,
        WAIT_MS,
      );
    await round(); // signed
    await round(); // broadcast
    await mine(1);
    await round(); // confirmed
    for (const withdrawalId of withdrawalIds)
      expect((await service.withdrawal(withdrawalId))?.status).toBe('confirmed');
    // and the ledger has posted each (through the relay and its consumer)
    for (const withdrawalId of withdrawalIds)
      await eventually(
        async () =>
          (await ledger.load(['alice'])).state.withdrawals.get(withdrawalId)?.status === 'settled',
        WAIT_MS,
      );
  };

  it('two withdrawals prepared from one wallet before either is sent get consecutive transaction numbers, and both confirm', async () => {
    await requestAndPrepare(['W-3', 'W-4']);
    const [n3, n4] = [await nonceOf('W-3'), await nonceOf('W-4')];
    expect(n3).toBeDefined();
    expect(n4).toBe((n3 ?? 0) + 1);
    await approveBoth('W-3');
    await approveBoth('W-4');
    await settle(['W-3', 'W-4']);
  });

  it('a cancelled withdrawal leaves no gap: the next one is prepared again with the freed number, its approvals void, and it confirms after a new quorum', async () => {
    await requestAndPrepare(['W-5', 'W-6']);
    const n5 = await nonceOf('W-5');
    await approveBoth('W-6');
    expectOk(await service.cancelWithdrawal('W-5', 'client withdrew the request', 'ops-2'));
    await eventually(async () => (await service.withdrawal('W-6'))?.held === true, WAIT_MS);
    await round(); // W-6 would wait forever behind the unused number: prepared again instead of signed
    expect(await nonceOf('W-6')).toBe(n5);
    expect((await service.withdrawal('W-6'))?.status).toBe('awaiting-approval');
    const signings = hsmSignings.length;
    await round();
    expect(hsmSignings).toHaveLength(signings); // the old approvals do not count for the new payload
    await approveBoth('W-6');
    await settle(['W-6']);
  });

  it("TW-15.4 moves ETH hot-to-cold through the hot wallet's quorum, without a ledger hold; the cold wallet does not see it as a client deposit", async () => {
    const cold = await service.registerWallet(
      {
        walletId: 'eth-cold-1',
        tier: 'cold',
        ownerClass: 'client-segregated',
        chain: CHAIN,
        assets: ['ETH'],
        keyLocation: { site: 'HK-VAULT3', jurisdiction: 'HK' },
        backups: [BACKUP],
        rotationDueAt: new Date(clock.now().getTime() + YEAR_MS).toISOString(),
        quorum: QUORUM,
        confirmationsRequired: 2,
      },
      'admin-1',
    );
    expectOk(cold);
    const coldAddress = cold.state?.registration.address as Address;
    const aliceBefore = await ledgerBalance(clientAccount('alice', 'ETH'));
    const requested = await service.requestInternalTransfer(
      {
        transferId: 'T-1',
        sourceWalletId: 'eth-hot-1',
        destinationWalletId: 'eth-cold-1',
        asset: 'ETH',
        amountMinor: parseEther('0.2'),
      },
      'ops-1',
    );
    expectOk(requested);
    expect(requested.state?.request.direction).toBe('hot-to-cold');
    await round(); // prepared
    const hash = (await service.withdrawal('T-1'))?.payload?.payloadHash ?? '';
    expectOk(await service.approveSigning('T-1', hash, 'ann'));
    const quorum = await service.approveSigning('T-1', hash, 'ben');
    expectOk(quorum);
    expect(quorum.events.map((event) => event.type)).toEqual([
      'SigningApproved',
      'SigningQuorumReached',
    ]);
    await round(); // signed: no hold to wait for
    await round(); // broadcast
    await mine(1);
    await round();
    const events = await service.store.readStream(withdrawalStreamId('T-1'));
    expect(events.map((event) => event.type)).toContain('InternalTransferConfirmed');
    expect((await service.withdrawal('T-1'))?.status).toBe('confirmed'); // its stream loads as a whole
    expect(events.map((event) => event.type)).not.toContain('WithdrawalApproved');
    expect(await chainClient.getBalance({ address: coldAddress })).toBe(parseEther('0.2'));
    const intoCold = (await service.store.readAll()).filter(
      (event) =>
        event.type === 'DepositObserved' &&
        String(event.data['toAddress']).toLowerCase() === coldAddress.toLowerCase(),
    );
    expect(intoCold).toEqual([]);
    expect(await ledgerBalance(clientAccount('alice', 'ETH'))).toBe(aliceBefore);
    // the ledger moved the custody accounts and booked the gas (the house's expense): each wallet's account is its chain balance
    await eventually(
      async () => (await ledgerCustody('eth-cold-1', 'ETH')) === parseEther('0.2'),
      WAIT_MS,
    );
    const hotOnChain = await chainClient.getBalance({ address: hotAddress });
    await eventually(
      async () => (await ledgerCustody('eth-hot-1', 'ETH')) === hotOnChain - parseEther('1'),
      WAIT_MS,
    ); // less the stranger's flagged 1 ETH
  });

  it('a broadcast transaction that will never be mined (its number taken by a final other transaction) fails the withdrawal, and the ledger releases the hold', async () => {
    const anvilControl = createTestClient({ mode: 'anvil', transport: http(node.rpcUrl) });
    await requestAndPrepare(['W-8']);
    await approveBoth('W-8');
    await eventually(async () => (await service.withdrawal('W-8'))?.held === true, WAIT_MS);
    await anvilControl.setAutomine(false);
    try {
      await round(); // signed
      await round(); // broadcast: in the node's pool, not mined
      const hash = (await service.withdrawal('W-8'))?.transactionHash as `0x${string}`;
      const nonce = service
        .chain(CHAIN)
        ?.transactionNonce(
          (await service.withdrawal('W-8'))?.payload?.unsignedTransaction as `0x${string}`,
        );
      // the node loses it, and another transaction from the wallet's address takes its number (anvil signs for it here)
      await anvilControl.dropTransaction({ hash });
      await anvilControl.impersonateAccount({ address: hotAddress });
      await createWalletClient({ transport: http(node.rpcUrl) }).sendTransaction({
        account: hotAddress,
        to: hotAddress,
        value: 0n,
        nonce,
        chain: null,
      });
      await anvilControl.stopImpersonatingAccount({ address: hotAddress });
      await mine(2);
    } finally {
      await anvilControl.setAutomine(true);
    }
    await round();
    expect((await service.withdrawal('W-8'))?.status).toBe('failed');
    const failed = (await service.store.readStream(withdrawalStreamId('W-8'))).find(
      (event) => event.type === 'WithdrawalFailed',
    );
    expect(failed?.data).toMatchObject({ reason: 'broadcast-failed' });
    await eventually(
      async () =>
        (await ledger.load(['alice'])).state.withdrawals.get('W-8')?.status === 'released',
      WAIT_MS,
    );
  });

  it('HK-11d an approval older than its time-to-live no longer counts: the HSM is not asked', async () => {
    expectOk(
      await service.requestWithdrawal(
        {
          withdrawalId: 'W-2',
          requestId: 'R-2',
          clientId: 'alice',
          asset: 'ETH',
          amountMinor: parseEther('0.5'),
          chain: CHAIN,
          destinationAddress: alice,
          walletId: 'eth-hot-1',
        },
        'ops-1',
      ),
    );
    await round();
    const hash = (await service.withdrawal('W-2'))?.payload?.payloadHash ?? '';
    expectOk(await service.approveSigning('W-2', hash, 'ann'));
    expectOk(await service.approveSigning('W-2', hash, 'ben'));
    await eventually(async () => (await service.withdrawal('W-2'))?.held === true, WAIT_MS);
    clock.advance(QUORUM.approvalTtlMs + 1);
    const report = await round();
    expect(report.waiting).toEqual([
      {
        withdrawalId: 'W-2',
        error: expect.objectContaining({
          code: 'SIGNING_QUORUM_NOT_MET',
          reason: expect.stringMatching(/expired/),
        }),
      },
    ]);
    expect((await service.withdrawal('W-2'))?.status).toBe('awaiting-approval');
    expect(hsmSignings).toHaveLength(6); // W-1, W-3, W-4, W-6, T-1, W-8
  });

  it('HK-11a a key past its rotation date signs nothing, even with a fresh quorum', async () => {
    const hash = (await service.withdrawal('W-2'))?.payload?.payloadHash ?? '';
    clock.advance(YEAR_MS);
    expectOk(await service.approveSigning('W-2', hash, 'cat'));
    expectOk(await service.approveSigning('W-2', hash, 'ann'));
    const report = await round();
    expect(report.waiting).toEqual([
      { withdrawalId: 'W-2', error: expect.objectContaining({ code: 'KEY_ROTATION_OVERDUE' }) },
    ]);
    expect(hsmSignings).toHaveLength(6);
  });

  it("takes a withdrawal request from the exchange's topic; one to an unlisted address is parked as a dead letter with its code", async () => {
    const envelope = (requestId: string, destinationAddress: string) => ({
      eventId: `00000000-0000-4000-8000-${requestId.replace(/\D/g, '').padStart(12, '0')}`,
      type: 'WithdrawalRequested',
      schemaVersion: 1,
      streamId: `withdrawal-request-${requestId}`,
      streamVersion: '1',
      occurredAt: clock.now().toISOString(),
      causationId: null,
      correlationId: `00000000-0000-4000-8000-${requestId.replace(/\D/g, '').padStart(12, '0')}`,
      data: {
        requestId,
        clientId: 'alice',
        asset: 'ETH',
        amountMinor: '100000000000000000',
        destinationAddress,
        chain: CHAIN,
        requestedAt: clock.now().toISOString(),
      },
    });
    const parked: { reasonCode: string; reasonPath: string; originalKey: string | null }[] = [];
    const deadLetters = bus.subscriber('dead-letter-reader', [DEAD_LETTER_TOPIC]);
    await deadLetters.start(async (batch) => {
      for (const message of batch.messages)
        parked.push(
          (
            JSON.parse(message.value.toString()) as {
              data: { reasonCode: string; reasonPath: string; originalKey: string | null };
            }
          ).data,
        );
    });
    running.push(deadLetters);
    await bus.publisher.publish(EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC, [
      { key: 'R-10', value: JSON.stringify(envelope('R-10', aliceSecond)) },
      { key: 'R-11', value: JSON.stringify(envelope('R-11', stranger)) },
    ]);
    await eventually(async () => (await service.withdrawal('R-10')) !== undefined, WAIT_MS);
    expect((await service.withdrawal('R-10'))?.request).toMatchObject({
      requestedBy: 'exchange',
      walletId: 'eth-hot-1',
      destinationAddress: aliceSecond,
    });
    await eventually(() => parked.length > 0, WAIT_MS);
    expect(parked.map((letter) => [letter.reasonCode, letter.reasonPath])).toEqual([
      ['WITHDRAWAL_DESTINATION_NOT_ALLOWLISTED', 'data.destinationAddress'],
    ]);
    expect(await service.withdrawal('R-11')).toBeUndefined();
  });

  it("HK-11h a flagged deposit is credited only once its sender is proven to be one client's address, then to that client", async () => {
    expect(await ledgerBalance(clientAccount('carol', 'ETH'), 'carol')).toBe(0n);
    const issued = await service.issueOwnershipChallenge(
      {
        challengeId: 'CH-3',
        clientId: 'carol',
        chain: CHAIN,
        address: stranger,
        method: 'signed-message',
        channel: 'client',
        reason: null,
      },
      'exchange',
    );
    expectOk(issued);
    const signature = await createWalletClient({ transport: http(node.rpcUrl) }).signMessage({
      account: stranger,
      message: issued.state.challenges.get('CH-3')?.message ?? '',
    });
    expectOk(
      await service.proveOwnershipBySignature('carol', 'CH-3', signature, 'exchange', 'client'),
    );
    const report = await round();
    expect(report.depositsAttributed).toBe(1);
    expect(report.depositsConfirmed).toBe(1); // it has long had its confirmations
    await eventually(
      async () => (await ledgerBalance(clientAccount('carol', 'ETH'), 'carol')) === parseEther('1'),
      WAIT_MS,
    );
    expect((await round()).depositsAttributed).toBe(0); // once
  });

  it('HK-11h two clients proving one address at the same moment: one is listed, the other waits for an approver, never both listed', async () => {
    const holder = privateKeyToAccount(generatePrivateKey());
    const issue = (clientId: string, challengeId: string) =>
      service.issueOwnershipChallenge(
        {
          challengeId,
          clientId,
          chain: CHAIN,
          address: holder.address,
          method: 'signed-message',
          channel: 'client',
          reason: null,
        },
        'exchange',
      );
    const [dave, erin] = await Promise.all([
      issue('dave', 'CH-RACE-D'),
      issue('erin', 'CH-RACE-E'),
    ]);
    expectOk(dave);
    expectOk(erin);
    const signatures = await Promise.all([
      holder.signMessage({ message: dave.state.challenges.get('CH-RACE-D')?.message ?? '' }),
      holder.signMessage({ message: erin.state.challenges.get('CH-RACE-E')?.message ?? '' }),
    ]);
    const proofs = await Promise.all([
      service.proveOwnershipBySignature('dave', 'CH-RACE-D', signatures[0], 'exchange', 'client'),
      service.proveOwnershipBySignature('erin', 'CH-RACE-E', signatures[1], 'exchange', 'client'),
    ]);
    for (const proof of proofs) expectOk(proof);
    expect(await service.clientsListing(CHAIN, holder.address)).toHaveLength(1);
    const held = proofs.flatMap((proof, index) =>
      (proof.state.pending.get(index === 0 ? 'CH-RACE-D' : 'CH-RACE-E')?.holds ?? []).map(
        (hold) => hold.code,
      ),
    );
    expect(held).toEqual(['ADDRESS_BELONGS_TO_ANOTHER_CLIENT']);
  });

  it("HK-11h a staff member's registered address, proven through the client's own channel, waits for an approver who is not that staff member", async () => {
    const issued = await service.issueOwnershipChallenge(
      {
        challengeId: 'CH-STAFF',
        clientId: 'dave',
        chain: CHAIN,
        address: STAFF_MEMBER.address,
        method: 'signed-message',
        channel: 'client',
        reason: null,
      },
      'exchange',
    );
    expectOk(issued);
    const proof = await service.proveOwnershipBySignature(
      'dave',
      'CH-STAFF',
      await STAFF_MEMBER.signMessage({
        message: issued.state.challenges.get('CH-STAFF')?.message ?? '',
      }),
      'exchange',
      'client',
    );
    expectOk(proof);
    expect(proof.state.pending.get('CH-STAFF')?.holds.map((hold) => hold.code)).toEqual([
      'ADDRESS_OF_STAFF_MEMBER',
    ]);
    expect(await service.clientsListing(CHAIN, STAFF_MEMBER.address)).toEqual([]);
    expect(
      codeOf(
        await service.decideAddressAddition(
          'dave',
          'CH-STAFF',
          'approve',
          'it is mine, fine',
          'ops-2',
        ),
      ),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
    expectOk(
      await service.decideAddressAddition(
        'dave',
        'CH-STAFF',
        'reject',
        "a staff member's own address for a client: refused",
        'approver-1',
      ),
    );
    expect(await service.clientsListing(CHAIN, STAFF_MEMBER.address)).toEqual([]);
  });

  it('HK-11a a key is not rotated while its address still holds funds or a movement is open (they would sit where no key of ours signs)', async () => {
    const rotation = await service.requestKeyRotation(
      'eth-hot-1',
      {
        requestId: 'ROT-1',
        rotationDueAt: new Date(clock.now().getTime() + YEAR_MS).toISOString(),
        keyLocation: HOME,
        backups: [BACKUP],
        reason: 'annual rotation',
      },
      'admin-1',
    );
    expect(codeOf(rotation)).toEqual(['KEY_ROTATION_BLOCKED', 'walletId']);
    await expect(vault.publicKey('eth-hot-1.k2')).rejects.toMatchObject({
      code: 'HSM_KEY_NOT_FOUND',
    });
  });

  it('HK-11a a key rotation is requested by one admin and approved by another; only the approval generates the new key, which then signs', async () => {
    const due = new Date(clock.now().getTime() + YEAR_MS).toISOString();
    expectOk(
      await service.requestKeyRotation(
        'eth-hot-twice',
        {
          requestId: 'ROT-2',
          rotationDueAt: due,
          keyLocation: HOME,
          backups: [BACKUP],
          reason: 'annual rotation',
        },
        'admin-1',
      ),
    );
    expect(
      codeOf(
        await service.requestKeyRotation(
          'eth-hot-twice',
          {
            requestId: 'ROT-3',
            rotationDueAt: due,
            keyLocation: HOME,
            backups: [BACKUP],
            reason: 'again',
          },
          'admin-2',
        ),
      ),
    ).toEqual(['KEY_ROTATION_PENDING', 'requestId']);
    expect(codeOf(await service.approveKeyRotation('eth-hot-twice', 'ROT-2', 'admin-1'))).toEqual([
      'MAKER_CHECKER_SAME_PERSON',
      'approvedBy',
    ]);
    await expect(vault.publicKey('eth-hot-twice.k3')).rejects.toMatchObject({
      code: 'HSM_KEY_NOT_FOUND',
    }); // no key for a refusal
    const before = (await service.wallet('eth-hot-twice'))?.registration.address;
    const rotated = await service.approveKeyRotation('eth-hot-twice', 'ROT-2', 'admin-2');
    expectOk(rotated);
    expect(rotated.events[0]).toMatchObject({
      type: 'WalletKeyRotated',
      data: { requestedBy: 'admin-1', approvedBy: 'admin-2', previousKeyId: 'eth-hot-twice.k1' },
    });
    const newKey = rotated.state?.registration.key.keyId ?? '';
    expect(rotated.state?.registration.address).not.toBe(before);
    expect(rotated.state?.registration.address).toBe((await vault.publicKey(newKey)).address);
    await expect(vault.signDigest(newKey, `0x${'22'.repeat(32)}`)).resolves.toMatchObject({
      yParity: expect.any(Number),
    });
  });

  it("HK-11h a deposit from an address on two clients' proven lists is credited to nobody until one operator proposes whose it is and a different approver agrees", async () => {
    const issued = await service.issueOwnershipChallenge(
      {
        challengeId: 'CH-4',
        clientId: 'carol',
        chain: CHAIN,
        address: aliceSecond,
        method: 'signed-message',
        channel: 'client',
        reason: null,
      },
      'exchange',
    );
    expectOk(issued);
    const signature = await createWalletClient({ transport: http(node.rpcUrl) }).signMessage({
      account: aliceSecond,
      message: issued.state.challenges.get('CH-4')?.message ?? '',
    });
    // already alice's: even through carol's own channel it waits for an approver (HK-11h), who may decide it is shared
    const held = await service.proveOwnershipBySignature(
      'carol',
      'CH-4',
      signature,
      'exchange',
      'client',
    );
    expectOk(held);
    expect(held.state.pending.get('CH-4')?.holds.map((hold) => hold.code)).toEqual([
      'ADDRESS_BELONGS_TO_ANOTHER_CLIENT',
    ]);
    expect(await service.clientsListing(CHAIN, aliceSecond)).toEqual(['alice']);
    expectOk(
      await service.decideAddressAddition(
        'carol',
        'CH-4',
        'approve',
        'joint account: both clients confirmed on recorded calls',
        'approver-1',
      ),
    );
    expect(await service.clientsListing(CHAIN, aliceSecond)).toEqual(['alice', 'carol']);
    const carolBefore = await ledgerBalance(clientAccount('carol', 'ETH'), 'carol');
    await send(aliceSecond, hotAddress, parseEther('0.3'));
    await mine(1);
    await round();
    const [flagged] = await service.flaggedDeposits(10);
    expect(flagged).toMatchObject({
      reviewReason: 'source-on-several-allow-lists',
      candidates: ['alice', 'carol'],
      clientId: null,
    });
    const depositId = flagged?.transfer.depositId ?? '';
    expect(
      codeOf(
        await service.proposeDepositAttribution(depositId, 'bob', 'the sender says so', 'ops-1'),
      ),
    ).toEqual(['ALLOWLIST_ADDRESS_NOT_LISTED', 'clientId']);
    expectOk(
      await service.proposeDepositAttribution(
        depositId,
        'carol',
        'carol confirmed the transfer on a recorded call',
        'ops-1',
      ),
    );
    expect(
      codeOf(await service.decideDepositAttribution(depositId, 'approve', 'ok', 'ops-1')),
    ).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
    expectOk(
      await service.decideDepositAttribution(
        depositId,
        'approve',
        'call recording checked',
        'approver-1',
      ),
    );
    expect(await service.flaggedDeposits(10)).toEqual([]);
    await round(); // its confirmations are long there: credited now
    await eventually(
      async () =>
        (await ledgerBalance(clientAccount('carol', 'ETH'), 'carol')) ===
        carolBefore + parseEther('0.3'),
      WAIT_MS,
    );
  });

  it('every event the wallet recorded passes the published custody.wallet.events.v1 contracts as it is relayed (typed ones strictly)', async () => {
    const events = await service.store.readAll({ maxCount: 10_000 });
    const refused = events
      .map((event) => ({
        type: event.type,
        result: validateMessage(WALLET_EVENTS_TOPIC, JSON.parse(JSON.stringify(toEnvelope(event)))),
      }))
      .filter((entry) => !entry.result.ok);
    expect(refused).toEqual([]);
    for (const typed of [
      'WalletRegistered',
      'DepositConfirmed',
      'WithdrawalApproved',
      'WithdrawalConfirmed',
      'WithdrawalFailed',
      'InternalTransferConfirmed',
      'NetworkFeePaid',
    ]) {
      expect(events.map((event) => event.type)).toContain(typed);
    }
  });

  it('every event the ledger recorded passes the published custody.ledger.events.v1 contracts as it is relayed (JournalPosted and WithdrawalHoldPlaced strictly)', async () => {
    const events = (await ledgerStore.readAll({ maxCount: 10_000 })).filter(
      (event) =>
        event.streamId.startsWith('ledger-client-') || event.streamId.startsWith('ledger-house-'),
    );
    const refused = events
      .map((event) => ({
        type: event.type,
        result: validateMessage(LEDGER_EVENTS_TOPIC, JSON.parse(JSON.stringify(toEnvelope(event)))),
      }))
      .filter((entry) => !entry.result.ok);
    expect(refused).toEqual([]);
    for (const typed of ['JournalPosted', 'WithdrawalHoldPlaced'])
      expect(events.map((event) => event.type)).toContain(typed);
  });
});
