import { randomBytes, randomInt } from 'node:crypto';
import type { PostgresEventStore, Transaction } from '@custody/event-store';
import {
  ADDRESS_COOLING_OFF_MS_DEFAULT,
  allowListedAddress,
  chooseSourceWallet,
  decideAllowList,
  decideDeposit,
  decideRequestInternalTransfer,
  decideRequestWithdrawal,
  decideRoster,
  decideWallet,
  decideWithdrawal,
  hasKeyAccess,
  isAllowListed,
  NO_TRANSFER_THRESHOLDS,
  walletError,
  type AdditionChannel,
  type AdditionFacts,
  type AllowListedAddress,
  type AllowListEvent,
  type AllowListState,
  type Custodian,
  type DepositCommand,
  type DepositEvent,
  type DepositState,
  type KeyAccessAction,
  type KeyCustodyPolicy,
  type KeyLocation,
  type OwnershipMethod,
  type QuorumPolicy,
  type RosterEvent,
  type RosterState,
  type TransferThresholds,
  type WalletDecision,
  type WalletError,
  type WalletEvent,
  type WalletOwnerClass,
  type WalletState,
  type WalletTier,
  type WithdrawalProgressCommand,
  type WithdrawalEvent,
  type WithdrawalProgressFacts,
  type WithdrawalState,
} from '@custody/wallet-domain';
import { isAddress, recoverMessageAddress, type Hex } from 'viem';
import type { ChainAdapter } from './chain-adapter';
import type { EventSourcedStreams } from '@custody/event-store';
import { walletStreams, type CommandMetadata, type Executed } from './event-sourced';
import { KeyVaultError, type KeyVault } from './key-vault';
import { KEY_ID_LENGTH_MAX, KEY_ID_PATTERN } from './key-vault';
import {
  ConservativeWithdrawalPolicy,
  type TransferAlertNotifier,
  type WithdrawalPolicyPort,
} from './ports';
import { migrateWalletTables } from './wallet-tables';
import {
  ALLOW_LIST_AGGREGATE,
  allowListStreamId,
  DEPOSIT_AGGREGATE,
  depositStreamId,
  ROSTER_AGGREGATE,
  ROSTER_STREAM_ID,
  WALLET_AGGREGATE,
  walletStreamId,
  WITHDRAWAL_AGGREGATE,
  withdrawalStreamId,
} from './wallet-streams';

/** A challenge answers within this by default (HK-11h: a proof is about now). */
export const CHALLENGE_TTL_MS_DEFAULT = 15 * 60 * 1000;
/** Micro-payment test amounts of a native asset, in minor units [min, max): 1e12 to 1e13 wei (0.000001 to 0.00001 ETH). */
export const MICRO_PAYMENT_RANGE_MINOR_DEFAULT: readonly [bigint, bigint] = [
  10n ** 12n,
  10n ** 13n,
];
/** The address a registration is checked with before its key exists. */
const PLACEHOLDER_ADDRESS = '0x0000000000000000000000000000000000000000';
/** Most open withdrawals one listing returns. */
export const OPEN_WITHDRAWALS_PAGE_MAX = 100;
/** Wallets considered as the source of one exchange withdrawal. */
export const SOURCE_WALLETS_MAX = 50;
const NONCE_BYTES = 16;

export interface WalletServiceOptions {
  readonly store: PostgresEventStore;
  readonly vault: KeyVault;
  readonly chains: readonly ChainAdapter[];
  readonly custodyPolicy: KeyCustodyPolicy;
  readonly thresholds?: TransferThresholds;
  readonly withdrawalPolicy?: WithdrawalPolicyPort;
  readonly notifier?: TransferAlertNotifier;
  /** A delivery of an alert failed (the alert stays recorded as an event). */
  readonly onNotifyError?: (error: unknown) => void;
  /** The service's clock: business time enters the domain on each command from here. */
  readonly now?: () => Date;
  readonly challengeTtlMs?: number;
  /** HK-11h: how long a newly listed address waits before the first withdrawal to it (default ADDRESS_COOLING_OFF_MS_DEFAULT). */
  readonly addressCoolingOffMs?: number;
  readonly microPaymentRangeMinor?: readonly [bigint, bigint];
  /** HK-11h: addresses staff declared as their own (the staff-address register); an addition of one waits for an approver who is not that person. */
  readonly staffAddresses?: ReadonlyArray<{
    readonly staffId: string;
    readonly chain: string;
    readonly address: string;
  }>;
}

export interface WalletRegistrationInput {
  readonly walletId: string;
  readonly tier: WalletTier;
  readonly ownerClass: WalletOwnerClass;
  readonly chain: string;
  readonly assets: readonly string[];
  readonly keyLocation: KeyLocation;
  readonly backups: readonly KeyLocation[];
  readonly rotationDueAt: string;
  readonly quorum: QuorumPolicy;
  readonly confirmationsRequired: number;
}

export interface WithdrawalInput {
  readonly withdrawalId: string;
  readonly requestId: string;
  readonly clientId: string;
  readonly asset: string;
  readonly amountMinor: bigint;
  readonly chain: string;
  readonly destinationAddress: string;
  /** The wallet to pay from; absent: the service picks a hot client-segregated one with enough on chain; null: already looked for, none can pay. */
  readonly walletId?: string | null;
}

type Refusal = { readonly ok: false; readonly error: WalletError };
const refusal = (error: WalletError): Refusal => ({ ok: false, error });

/**
 * The wallet service's commands (HK-11, TW-15..18): every one goes through the one write path
 * (load the stream, decide purely, append with the expected version) with the facts it needs
 * from other streams read first. The HSM and the chain are called outside the decision: a key
 * is generated only for a registration that passed its checks, and a digest is signed only
 * after `signingProblem` said the quorum, the ledger hold and the key allow it (checked again
 * when the signature is recorded).
 */
export class WalletService {
  readonly streams: EventSourcedStreams;
  readonly store: PostgresEventStore;
  private readonly chains: ReadonlyMap<string, ChainAdapter>;
  private readonly now: () => Date;
  private readonly withdrawalPolicy: WithdrawalPolicyPort;
  readonly thresholds: TransferThresholds;

  constructor(private readonly options: WalletServiceOptions) {
    this.store = options.store;
    this.streams = walletStreams(options.store);
    this.chains = new Map(options.chains.map((chain) => [chain.chain, chain]));
    this.now = options.now ?? (() => new Date());
    this.withdrawalPolicy = options.withdrawalPolicy ?? new ConservativeWithdrawalPolicy();
    this.thresholds = options.thresholds ?? NO_TRANSFER_THRESHOLDS;
  }

  get schema(): string {
    return this.store.schema;
  }

  get vault(): KeyVault {
    return this.options.vault;
  }

  /** The event store's schema, then the lookup tables. Idempotent. */
  async migrate(): Promise<void> {
    await this.store.migrate();
    await migrateWalletTables(this.store.pool, this.schema);
  }

  at(): string {
    return this.now().toISOString();
  }

  /** HK-11h: the cooling-off in force for addresses listed from now on. */
  get addressCoolingOffMs(): number {
    return this.options.addressCoolingOffMs ?? ADDRESS_COOLING_OFF_MS_DEFAULT;
  }

  chain(chain: string): ChainAdapter | undefined {
    return this.chains.get(chain);
  }

  // ---- wallets and keys (HK-11a, HK-11b, HK-11f) ----

  /** Checks everything, then generates the key inside the HSM, then records the wallet with the key's address. */
  async registerWallet(
    input: WalletRegistrationInput,
    actor: string,
  ): Promise<Executed<WalletState | undefined, WalletEvent> | Refusal> {
    const at = this.at();
    if (!this.chains.has(input.chain))
      return refusal(
        walletError('CHAIN_UNSUPPORTED', 'chain', `no chain adapter for ${input.chain}`),
      );
    const keyId = `${input.walletId}.k1`;
    if (keyId.length > KEY_ID_LENGTH_MAX || !KEY_ID_PATTERN.test(keyId))
      return refusal(
        walletError(
          'WALLET_ID_INVALID',
          'walletId',
          `a wallet id names its HSM key: letters, digits, '.', '_', ':' or '-', at most ${KEY_ID_LENGTH_MAX - 3} characters`,
        ),
      );
    const draft = {
      walletId: input.walletId,
      tier: input.tier,
      ownerClass: input.ownerClass,
      chain: input.chain,
      assets: input.assets,
      address: '',
      key: {
        keyId,
        location: input.keyLocation,
        backups: input.backups,
        rotationDueAt: input.rotationDueAt,
      },
    };
    const command = (address: string) => ({
      type: 'RegisterWallet' as const,
      registration: { ...draft, address },
      quorum: input.quorum,
      confirmationsRequired: input.confirmationsRequired,
      registeredBy: actor,
      at,
    });
    // One registration of a wallet at a time, across replicas: the key id is generated once (two concurrent
    // generations would leave two key pairs under one id, and the vault then refuses to sign with either).
    return this.exclusively(`custody.wallet-key.${this.schema}.${keyId}`, async () => {
      const existing = await this.streams.load(walletStreamId(input.walletId), WALLET_AGGREGATE);
      if (existing.state === undefined) {
        // the whole decision first, on a placeholder address: no key is generated for a refused wallet
        const dryRun = decideWallet(
          command(PLACEHOLDER_ADDRESS),
          undefined,
          this.options.custodyPolicy,
        );
        if (!dryRun.ok) return refusal(dryRun.error);
      }
      const key =
        existing.state?.registration.key.keyId === keyId
          ? await this.options.vault.publicKey(keyId)
          : await this.generateOrReuse(keyId);
      return this.streams.execute(
        walletStreamId(input.walletId),
        WALLET_AGGREGATE,
        (state) => decideWallet(command(key.address), state, this.options.custodyPolicy),
        { actor },
        {
          afterAppend: (events, _state, transaction) => this.indexWallet(events, transaction),
        },
      );
    });
  }

  /** `work` while holding a PostgreSQL session lock named `name` (waits for it; bounded by the pool's statement timeout). */
  private async exclusively<T>(name: string, work: () => Promise<T>): Promise<T> {
    const holder = await this.store.pool.connect();
    try {
      await holder.query('select pg_advisory_lock(hashtext($1))', [name]);
      try {
        return await work();
      } finally {
        await holder.query('select pg_advisory_unlock(hashtext($1))', [name]);
      }
    } finally {
      holder.release();
    }
  }

  /**
   * HK-11a: a key rotation is requested by one person (where the new key and its backups will be
   * kept, until when, why) and approved by a different one; only at approval is the new key
   * generated in the HSM and the wallet's address changed. Refused while anything depends on the
   * old key (see rotationBlocker).
   */
  async requestKeyRotation(
    walletId: string,
    change: {
      readonly requestId: string;
      readonly rotationDueAt: string;
      readonly keyLocation: KeyLocation;
      readonly backups: readonly KeyLocation[];
      readonly reason: string;
    },
    actor: string,
  ): Promise<Executed<WalletState | undefined, WalletEvent> | Refusal> {
    const at = this.at();
    const state = await this.wallet(walletId);
    if (state === undefined)
      return refusal(walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`));
    const blocked = await this.rotationBlocker(state);
    if (blocked !== undefined) return refusal(blocked);
    return this.streams.execute(
      walletStreamId(walletId),
      WALLET_AGGREGATE,
      (current) =>
        decideWallet(
          {
            type: 'RequestKeyRotation',
            walletId,
            requestId: change.requestId,
            location: change.keyLocation,
            backups: change.backups,
            rotationDueAt: change.rotationDueAt,
            reason: change.reason,
            requestedBy: actor,
            at,
          },
          current,
          this.options.custodyPolicy,
        ),
      { actor },
    );
  }

  async approveKeyRotation(
    walletId: string,
    requestId: string,
    actor: string,
  ): Promise<Executed<WalletState | undefined, WalletEvent> | Refusal> {
    const at = this.at();
    const { state, version } = await this.streams.load(walletStreamId(walletId), WALLET_AGGREGATE);
    if (state === undefined)
      return refusal(walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${walletId}`));
    const pending = state.pendingRotation;
    const keyId = `${walletId}.k${version + 1n}`;
    if (keyId.length > KEY_ID_LENGTH_MAX)
      return refusal(
        walletError(
          'WALLET_ID_INVALID',
          'walletId',
          `the next key id ${keyId} is longer than ${KEY_ID_LENGTH_MAX}`,
        ),
      );
    const newKey = {
      keyId,
      location: pending?.location ?? state.registration.key.location,
      backups: pending?.backups ?? [],
      rotationDueAt: pending?.rotationDueAt ?? at,
    };
    const command = (address: string) => ({
      type: 'RotateWalletKey' as const,
      walletId,
      requestId,
      key: newKey,
      address,
      approvedBy: actor,
      at,
    });
    // the whole decision first (a pending request, a second person), on a placeholder address: no key for a refusal
    const dryRun = decideWallet(command(PLACEHOLDER_ADDRESS), state, this.options.custodyPolicy);
    if (!dryRun.ok) return refusal(dryRun.error);
    const blocked = await this.rotationBlocker(state);
    if (blocked !== undefined) return refusal(blocked);
    return this.exclusively(`custody.wallet-key.${this.schema}.${keyId}`, async () => {
      const key = await this.generateOrReuse(keyId);
      return this.streams.execute(
        walletStreamId(walletId),
        WALLET_AGGREGATE,
        (current) => decideWallet(command(key.address), current, this.options.custodyPolicy),
        { actor },
        {
          afterAppend: (events, _state, transaction) => this.indexWallet(events, transaction),
        },
      );
    });
  }

  /**
   * A key is rotated only when nothing depends on the old one: no open movement of the wallet
   * (prepared for the old address) and nothing left at the old address on chain (sweep it to
   * another wallet first, by an internal transfer); otherwise funds would sit where no key of
   * ours signs any more.
   */
  private async rotationBlocker(state: WalletState): Promise<WalletError | undefined> {
    const { walletId, chain: chainName, address, assets } = state.registration;
    const { rows } = await this.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.schema}.withdrawal_queue where wallet_id = $1 limit 1`,
      [walletId],
    );
    if (rows[0] !== undefined)
      return walletError(
        'KEY_ROTATION_BLOCKED',
        'walletId',
        `movement ${rows[0].withdrawal_id} of ${walletId} is still open: finish or cancel it before rotating the key`,
      );
    const chain = this.chains.get(chainName);
    if (chain === undefined)
      return walletError('CHAIN_UNSUPPORTED', 'walletId', `no chain adapter for ${chainName}`);
    const head = await chain.head();
    for (const asset of assets) {
      const balance = await chain.balanceAt(address, asset, head);
      if (balance > 0n)
        return walletError(
          'KEY_ROTATION_BLOCKED',
          'walletId',
          `${address} still holds ${balance} ${asset} minor units: sweep them to another wallet first`,
        );
    }
    return undefined;
  }

  async wallet(walletId: string, transaction?: Transaction): Promise<WalletState | undefined> {
    return (await this.streams.load(walletStreamId(walletId), WALLET_AGGREGATE, transaction)).state;
  }

  async walletIds(chain?: string, transaction?: Transaction): Promise<string[]> {
    const db = transaction?.client ?? this.store.pool;
    const { rows } = await db.query<{ wallet_id: string }>(
      `select wallet_id from ${this.schema}.wallet_registry where ($1::text is null or chain = $1) order by wallet_id`,
      [chain ?? null],
    );
    return rows.map((row) => row.wallet_id);
  }

  private async generateOrReuse(keyId: string) {
    try {
      return await this.options.vault.generateKey(keyId);
    } catch (error) {
      // generated by an earlier attempt that stopped before recording the wallet: the same key id, the same key
      if (error instanceof KeyVaultError && error.code === 'HSM_KEY_ID_TAKEN')
        return this.options.vault.publicKey(keyId);
      throw error;
    }
  }

  private async indexWallet(
    events: readonly WalletEvent[],
    transaction: Transaction,
  ): Promise<void> {
    for (const event of events) {
      if (event.type === 'KeyRotationRequested') continue;
      const walletId = event.data.walletId;
      const chain = event.type === 'WalletRegistered' ? event.data.chain : undefined;
      if (chain !== undefined) {
        await transaction.client.query(
          `insert into ${this.schema}.wallet_registry (wallet_id, chain, address, registered_position) values ($1, $2, $3, 0) on conflict do nothing`,
          [walletId, chain, event.data.address.toLowerCase()],
        );
      }
      await transaction.client.query(
        `insert into ${this.schema}.wallet_addresses (chain, address, wallet_id) select chain, $2, wallet_id from ${this.schema}.wallet_registry where wallet_id = $1 on conflict do nothing`,
        [walletId, event.data.address.toLowerCase()],
      );
    }
  }

  // ---- custodians and key access (TW-18, HK-11c) ----

  async roster(transaction?: Transaction): Promise<RosterState> {
    return (await this.streams.load(ROSTER_STREAM_ID, ROSTER_AGGREGATE, transaction)).state;
  }

  registerCustodian(custodian: Custodian, actor: string) {
    const at = this.at();
    return this.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster({ type: 'RegisterCustodian', custodian, registeredBy: actor, at }, state, {
          walletRegistered: false,
        }),
      { actor },
    );
  }

  async requestKeyAccessChange(
    change: {
      readonly changeId: string;
      readonly custodianId: string;
      readonly walletId: string;
      readonly action: KeyAccessAction;
      readonly reason: string;
    },
    actor: string,
  ): Promise<Executed<RosterState, RosterEvent>> {
    const at = this.at();
    const walletRegistered = (await this.wallet(change.walletId)) !== undefined;
    return this.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster({ type: 'RequestKeyAccessChange', ...change, requestedBy: actor, at }, state, {
          walletRegistered,
        }),
      { actor },
    );
  }

  decideKeyAccessChange(
    changeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    const at = this.at();
    return this.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster(
          { type: 'DecideKeyAccessChange', changeId, decision, reason, decidedBy: actor, at },
          state,
          { walletRegistered: true },
        ),
      { actor },
    );
  }

  // ---- allow-lists with proof of ownership (HK-11h) ----

  async allowList(clientId: string, transaction?: Transaction): Promise<AllowListState> {
    return (await this.streams.load(allowListStreamId(clientId), ALLOW_LIST_AGGREGATE, transaction))
      .state;
  }

  /** A challenge with a random nonce (and, for a micro-payment, a random amount to one of our client wallets on that chain). */
  async issueOwnershipChallenge(
    request: {
      readonly challengeId: string;
      readonly clientId: string;
      readonly chain: string;
      readonly address: string;
      readonly method: OwnershipMethod;
      readonly channel: AdditionChannel;
      readonly reason: string | null;
    },
    actor: string,
  ): Promise<Executed<AllowListState, AllowListEvent> | Refusal> {
    const chain = this.chains.get(request.chain);
    if (chain === undefined)
      return refusal(
        walletError('CHAIN_UNSUPPORTED', 'chain', `no chain adapter for ${request.chain}`),
      );
    if (!isAddress(request.address, { strict: false }))
      return refusal(
        walletError(
          'ADDRESS_INVALID',
          'address',
          `${request.address} is not an address on ${request.chain}`,
        ),
      );
    const now = this.now();
    let microPayment = null;
    if (request.method === 'micro-payment') {
      const receiver = await this.microPaymentReceiver(request.chain, chain.feeAsset);
      if (receiver === undefined)
        return refusal(
          walletError(
            'WALLET_UNKNOWN',
            'chain',
            `no client-segregated wallet on ${request.chain} receives ${chain.feeAsset}`,
          ),
        );
      const [min, max] = this.options.microPaymentRangeMinor ?? MICRO_PAYMENT_RANGE_MINOR_DEFAULT;
      microPayment = {
        asset: chain.feeAsset,
        amountMinor: min + randomBelow(max - min),
        walletId: receiver.registration.walletId,
        toAddress: receiver.registration.address,
      };
    }
    const challenge = {
      challengeId: request.challengeId,
      clientId: request.clientId,
      chain: request.chain,
      address: request.address,
      method: request.method,
      nonce: randomBytes(NONCE_BYTES).toString('hex'),
      microPayment,
      expiresAt: new Date(
        now.getTime() + (this.options.challengeTtlMs ?? CHALLENGE_TTL_MS_DEFAULT),
      ).toISOString(),
    };
    return this.streams.execute(
      allowListStreamId(request.clientId),
      ALLOW_LIST_AGGREGATE,
      (state) =>
        decideAllowList(
          {
            type: 'IssueOwnershipChallenge',
            challenge,
            channel: request.channel,
            reason: request.reason,
            issuedBy: actor,
            at: now.toISOString(),
          },
          state,
          request.clientId,
        ),
      { actor },
      { afterAppend: (events, _state, transaction) => this.indexAllowList(events, transaction) },
    );
  }

  /**
   * HK-11h: verifies a real EIP-191 signature over the issued challenge text (recovering its
   * signer), then records the proof: listed (usable after the cooling-off) when it came through
   * the client's channel and the address is no one else's here; otherwise held for an approver.
   */
  async proveOwnershipBySignature(
    clientId: string,
    challengeId: string,
    signature: string,
    actor: string,
    channel: AdditionChannel,
  ): Promise<Executed<AllowListState, AllowListEvent>> {
    const at = this.at();
    const challenge = (await this.allowList(clientId)).challenges.get(challengeId);
    const recoveredAddress =
      challenge === undefined
        ? null
        : await recoverMessageAddress({
            message: challenge.message,
            signature: signature as Hex,
          }).catch(() => null);
    const prove = async () => {
      const facts =
        challenge === undefined
          ? { otherClients: [], ourWalletId: null }
          : await this.additionFacts(challenge.chain, challenge.address, clientId);
      return this.streams.execute(
        allowListStreamId(clientId),
        ALLOW_LIST_AGGREGATE,
        (state) =>
          decideAllowList(
            {
              type: 'ProveBySignature',
              challengeId,
              signature,
              recoveredAddress,
              at,
              submittedBy: actor,
              channel,
              facts,
              coolingOffMs: this.addressCoolingOffMs,
            },
            state,
            clientId,
          ),
        { actor },
        { afterAppend: (events, _state, transaction) => this.indexAllowList(events, transaction) },
      );
    };
    // two clients proving one address at once: the second reads the first's proof as a fact (held for an approver), never both listed
    return challenge === undefined
      ? prove()
      : this.exclusively(this.addressLockName(challenge.chain, challenge.address), prove);
  }

  /** The lock serialising every proof of one address (a session lock here, a transaction lock in the chain processor: they conflict). */
  addressLockName(chain: string, address: string): string {
    return `custody.allow-list-address.${this.schema}.${chain}.${address.toLowerCase()}`;
  }

  /** HK-11h maker-checker: an approver (never who asked or handed in the proof) lists a held addition, or rejects it. */
  decideAddressAddition(
    clientId: string,
    challengeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    const at = this.at();
    return this.streams.execute(
      allowListStreamId(clientId),
      ALLOW_LIST_AGGREGATE,
      (state) =>
        decideAllowList(
          {
            type: 'DecideAddressAddition',
            challengeId,
            decision,
            reason,
            decidedBy: actor,
            coolingOffMs: this.addressCoolingOffMs,
            at,
          },
          state,
          clientId,
        ),
      { actor },
      { afterAppend: (events, _state, transaction) => this.indexAllowList(events, transaction) },
    );
  }

  /** What an addition of this address must know from elsewhere: other clients listing (or waiting to list) it, a wallet of ours at it. */
  async additionFacts(
    chain: string,
    address: string,
    clientId: string,
    transaction?: Transaction,
  ): Promise<AdditionFacts> {
    const db = transaction?.client ?? this.store.pool;
    const { rows: others } = await db.query<{ client_id: string }>(
      `select distinct client_id from ${this.schema}.allow_list_index where chain = $1 and address = $2 and status in ('proven', 'held') and client_id <> $3 order by client_id`,
      [chain, address.toLowerCase(), clientId],
    );
    const { rows: ours } = await db.query<{ wallet_id: string }>(
      `select wallet_id from ${this.schema}.wallet_addresses where chain = $1 and address = $2`,
      [chain, address.toLowerCase()],
    );
    const staff = this.options.staffAddresses?.find(
      (entry) => entry.chain === chain && entry.address.toLowerCase() === address.toLowerCase(),
    );
    return {
      otherClients: others.map((row) => row.client_id),
      ourWalletId: ours[0]?.wallet_id ?? null,
      staffMember: staff?.staffId ?? null,
    };
  }

  /** TW-17.4 / HK-11h: how, through whom, by whom and when a withdrawal's destination was proven (what the custodians review). */
  async destinationProvenance(movement: WithdrawalState): Promise<AllowListedAddress | null> {
    const { clientId, chain, destinationAddress } = movement.request;
    if (clientId === null) return null;
    return allowListedAddress(await this.allowList(clientId), chain, destinationAddress) ?? null;
  }

  removeAllowListedAddress(
    clientId: string,
    chain: string,
    address: string,
    reason: string,
    actor: string,
  ) {
    const at = this.at();
    return this.streams.execute(
      allowListStreamId(clientId),
      ALLOW_LIST_AGGREGATE,
      (state) =>
        decideAllowList(
          { type: 'RemoveAllowListedAddress', chain, address, removedBy: actor, reason, at },
          state,
          clientId,
        ),
      { actor },
      { afterAppend: (events, _state, transaction) => this.indexAllowList(events, transaction) },
    );
  }

  /** Appends to a client's allow-list in the caller's transaction (the chain watcher's micro-payment proofs). */
  appendAllowList(
    clientId: string,
    decide: (state: AllowListState) => WalletDecision<AllowListEvent>,
    metadata: CommandMetadata,
    transaction: Transaction,
  ) {
    return this.streams.execute(
      allowListStreamId(clientId),
      ALLOW_LIST_AGGREGATE,
      decide,
      metadata,
      { transaction, afterAppend: (events, _state, tx) => this.indexAllowList(events, tx) },
    );
  }

  private async microPaymentReceiver(
    chain: string,
    asset: string,
  ): Promise<WalletState | undefined> {
    for (const walletId of (await this.walletIds(chain)).slice(0, SOURCE_WALLETS_MAX)) {
      const wallet = await this.wallet(walletId);
      if (
        wallet !== undefined &&
        wallet.registration.ownerClass === 'client-segregated' &&
        wallet.registration.assets.includes(asset)
      )
        return wallet;
    }
    return undefined;
  }

  private async indexAllowList(
    events: readonly AllowListEvent[],
    transaction: Transaction,
  ): Promise<void> {
    const db = transaction.client;
    for (const event of events) {
      if (event.type === 'OwnershipChallengeIssued' || event.type === 'AddressChallengeIssued') {
        const { challengeId, clientId, chain, address, method, expiresAt, microPayment } =
          event.data;
        await db.query(
          `insert into ${this.schema}.allow_list_index (challenge_id, client_id, chain, address, method, status, expires_at, asset, amount_minor, to_address)
           values ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9) on conflict do nothing`,
          [
            challengeId,
            clientId,
            chain,
            address.toLowerCase(),
            method,
            expiresAt,
            microPayment?.asset ?? null,
            microPayment?.amountMinor.toString() ?? null,
            microPayment?.toAddress.toLowerCase() ?? null,
          ],
        );
      } else if (event.type === 'AddressOwnershipProven' || event.type === 'AddressAllowListed') {
        await db.query(
          `update ${this.schema}.allow_list_index set status = 'proven' where challenge_id = $1`,
          [event.data.challengeId],
        );
      } else if (event.type === 'AddressProofRecorded') {
        // listed at once (AddressAllowListed follows in the same append) or held for an approver
        if (event.data.holds.length > 0)
          await db.query(
            `update ${this.schema}.allow_list_index set status = 'held' where challenge_id = $1`,
            [event.data.challengeId],
          );
      } else if (event.type === 'AddressAdditionRejected') {
        await db.query(
          `update ${this.schema}.allow_list_index set status = 'rejected' where challenge_id = $1`,
          [event.data.challengeId],
        );
      } else {
        await db.query(
          `update ${this.schema}.allow_list_index set status = 'removed' where client_id = $1 and chain = $2 and address = $3 and status = 'proven'`,
          [event.data.clientId, event.data.chain, event.data.address.toLowerCase()],
        );
      }
    }
  }

  /** Clients whose proven allow-list holds this address. */
  async clientsListing(
    chain: string,
    address: string,
    transaction?: Transaction,
  ): Promise<string[]> {
    const db = transaction?.client ?? this.store.pool;
    const { rows } = await db.query<{ client_id: string }>(
      `select distinct client_id from ${this.schema}.allow_list_index where chain = $1 and address = $2 and status = 'proven' order by client_id`,
      [chain, address.toLowerCase()],
    );
    return rows.map((row) => row.client_id);
  }

  // ---- deposits under review (HK-11h) ----

  /** Keeps the watch lists in step with a deposit's stream: attributed and unconfirmed -> watched; flagged -> under review. */
  async trackDeposit(
    events: readonly DepositEvent[],
    state: DepositState | undefined,
    transaction: Transaction,
  ): Promise<void> {
    if (state === undefined) return;
    const { depositId, chain, blockNumber, fromAddress } = state.transfer;
    if (state.clientId !== null && !state.confirmed) {
      await transaction.client.query(
        `insert into ${this.schema}.deposit_watch (deposit_id, chain, block_number) values ($1, $2, $3) on conflict do nothing`,
        [depositId, chain, blockNumber.toString()],
      );
    }
    if (events.some((event) => event.type === 'DepositFlaggedForReview')) {
      await transaction.client.query(
        `insert into ${this.schema}.deposit_review (deposit_id, chain, from_address) values ($1, $2, $3) on conflict do nothing`,
        [depositId, chain, fromAddress.toLowerCase()],
      );
    }
    if (events.some((event) => event.type === 'DepositAttributed'))
      await transaction.client.query(
        `delete from ${this.schema}.deposit_review where deposit_id = $1`,
        [depositId],
      );
  }

  async deposit(depositId: string): Promise<DepositState | undefined> {
    return (await this.streams.load(depositStreamId(depositId), DEPOSIT_AGGREGATE)).state;
  }

  /** The deposits flagged for review, oldest id first: the reviewers' queue. */
  async flaggedDeposits(limit: number): Promise<DepositState[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > OPEN_WITHDRAWALS_PAGE_MAX)
      throw new Error(`assertion: a page holds 1 to ${OPEN_WITHDRAWALS_PAGE_MAX}`);
    const { rows } = await this.store.pool.query<{ deposit_id: string }>(
      `select deposit_id from ${this.schema}.deposit_review order by deposit_id limit $1`,
      [limit],
    );
    const deposits: DepositState[] = [];
    for (const row of rows) {
      const state = await this.deposit(row.deposit_id);
      if (state !== undefined) deposits.push(state);
    }
    return deposits;
  }

  /** A deposit whose sender is on several clients' proven lists: one reviewer proposes whose it is, a different one decides. */
  proposeDepositAttribution(depositId: string, clientId: string, reason: string, actor: string) {
    return this.reviewDeposit(
      depositId,
      {
        type: 'ProposeDepositAttribution',
        depositId,
        clientId,
        reason,
        proposedBy: actor,
        at: this.at(),
      },
      actor,
    );
  }

  decideDepositAttribution(
    depositId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ) {
    return this.reviewDeposit(
      depositId,
      {
        type: 'DecideDepositAttribution',
        depositId,
        decision,
        reason,
        decidedBy: actor,
        at: this.at(),
      },
      actor,
    );
  }

  private async reviewDeposit(
    depositId: string,
    command: Extract<
      DepositCommand,
      { type: 'ProposeDepositAttribution' | 'DecideDepositAttribution' }
    >,
    actor: string,
  ): Promise<Executed<DepositState | undefined, DepositEvent> | Refusal> {
    const current = await this.deposit(depositId);
    if (current === undefined)
      return refusal(walletError('DEPOSIT_UNKNOWN', 'depositId', `no deposit ${depositId}`));
    const wallet = await this.wallet(current.transfer.walletId);
    if (wallet === undefined)
      return refusal(
        walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${current.transfer.walletId}`),
      );
    return this.streams.execute(
      depositStreamId(depositId),
      DEPOSIT_AGGREGATE,
      (state) => decideDeposit(command, state, { wallet, thresholds: this.thresholds }),
      { actor },
      {
        afterAppend: (events, state, transaction) => this.trackDeposit(events, state, transaction),
      },
    );
  }

  // ---- withdrawals (HK-11d/e/h, TW-15, TW-17.4) ----

  async withdrawal(
    withdrawalId: string,
    transaction?: Transaction,
  ): Promise<WithdrawalState | undefined> {
    return (
      await this.streams.load(withdrawalStreamId(withdrawalId), WITHDRAWAL_AGGREGATE, transaction)
    ).state;
  }

  /** Records a withdrawal request (allow-list, wallet, policy checked); the processor then prepares the transaction for review. */
  async requestWithdrawal(
    input: WithdrawalInput,
    actor: string,
    transaction?: Transaction,
  ): Promise<Executed<WithdrawalState | undefined, WithdrawalEvent> | Refusal> {
    const at = this.at();
    const existing = await this.withdrawal(input.withdrawalId, transaction);
    const walletId =
      existing?.request.walletId ??
      (input.walletId === null
        ? undefined
        : (input.walletId ?? (await this.sourceWallet(input, transaction))));
    if (walletId === undefined)
      return refusal(
        walletError(
          'WITHDRAWAL_NO_SOURCE_WALLET',
          'amountMinor',
          `no hot client-segregated wallet on ${input.chain} holds ${input.amountMinor} ${input.asset}`,
        ),
      );
    const wallet = await this.wallet(walletId, transaction);
    const allowList = await this.allowList(input.clientId, transaction);
    const request = {
      withdrawalId: input.withdrawalId,
      requestId: input.requestId,
      clientId: input.clientId,
      asset: input.asset,
      amountMinor: input.amountMinor,
      walletId,
      destinationAddress: input.destinationAddress,
      destinationWalletId: null,
      requestedBy: actor,
    };
    const chainOfWallet = wallet?.registration.chain ?? input.chain;
    const destinationAllowListedFor = isAllowListed(
      allowList,
      chainOfWallet,
      input.destinationAddress,
    )
      ? [input.clientId]
      : [];
    const destinationUsableFrom =
      allowListedAddress(allowList, chainOfWallet, input.destinationAddress)?.usableFrom ?? null;
    if (existing === undefined && wallet !== undefined) {
      // the wallet's own checks first: the policy service reserves what it allows, so it is asked only about a withdrawal the wallet would take
      const dryRun = decideRequestWithdrawal(
        { type: 'RequestWithdrawal', ...request, at },
        undefined,
        {
          wallet,
          destinationAllowListedFor,
          destinationUsableFrom,
          policy: {
            allowed: true,
            quorumRequired: wallet.quorum.required,
            reason: "the wallet's own checks",
            policyVersion: 'none',
          },
          thresholds: this.thresholds,
        },
      );
      if (!dryRun.ok) return refusal(dryRun.error);
    }
    const policy =
      wallet === undefined
        ? { allowed: false, quorumRequired: 0, reason: 'no wallet', policyVersion: 'none' }
        : await this.withdrawalPolicy.decide(request, wallet, {
            destinationAllowListed: destinationAllowListedFor.includes(input.clientId),
          });
    const executed = await this.streams.execute(
      withdrawalStreamId(input.withdrawalId),
      WITHDRAWAL_AGGREGATE,
      (state) =>
        decideRequestWithdrawal({ type: 'RequestWithdrawal', ...request, at }, state, {
          wallet,
          destinationAllowListedFor,
          destinationUsableFrom,
          policy,
          thresholds: this.thresholds,
        }),
      { actor, correlationId: input.requestId },
      {
        ...(transaction === undefined ? {} : { transaction }),
        afterAppend: (_events, state, tx) => this.queueWithdrawal(state, tx),
      },
    );
    if (executed.ok) await this.notifyAlerts(executed.events);
    return executed;
  }

  /** TW-15.4: a transfer between two of our wallets (cold-to-hot, hot-to-cold), through the source wallet's quorum. */
  async requestInternalTransfer(
    input: {
      readonly transferId: string;
      readonly sourceWalletId: string;
      readonly destinationWalletId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
    },
    actor: string,
  ): Promise<Executed<WithdrawalState | undefined, WithdrawalEvent> | Refusal> {
    const at = this.at();
    const [source, destination] = [
      await this.wallet(input.sourceWalletId),
      await this.wallet(input.destinationWalletId),
    ];
    const request = {
      withdrawalId: input.transferId,
      requestId: input.transferId,
      clientId: null,
      asset: input.asset,
      amountMinor: input.amountMinor,
      walletId: input.sourceWalletId,
      destinationAddress: destination?.registration.address ?? '',
      destinationWalletId: input.destinationWalletId,
      requestedBy: actor,
    };
    const policy =
      source === undefined || destination === undefined
        ? { allowed: false, quorumRequired: 0, reason: 'no wallet', policyVersion: 'none' }
        : await this.withdrawalPolicy.decideInternal(request, source, destination);
    const executed = await this.streams.execute(
      withdrawalStreamId(input.transferId),
      WITHDRAWAL_AGGREGATE,
      (state) =>
        decideRequestInternalTransfer({ type: 'RequestInternalTransfer', ...request, at }, state, {
          source,
          destination,
          policy,
          thresholds: this.thresholds,
        }),
      { actor },
      { afterAppend: (_events, state, tx) => this.queueWithdrawal(state, tx) },
    );
    if (executed.ok) await this.notifyAlerts(executed.events);
    return executed;
  }

  /**
   * Open withdrawals and internal transfers (not confirmed or failed), oldest id first, optionally
   * in one status: the custodians' approval queue is `awaiting-approval`.
   */
  async openWithdrawals(
    status: WithdrawalState['status'] | undefined,
    limit: number,
  ): Promise<WithdrawalState[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > OPEN_WITHDRAWALS_PAGE_MAX)
      throw new Error(`assertion: a page holds 1 to ${OPEN_WITHDRAWALS_PAGE_MAX}`);
    const { rows } = await this.store.pool.query<{ withdrawal_id: string }>(
      `select withdrawal_id from ${this.schema}.withdrawal_queue where ($1::text is null or status = $1) order by withdrawal_id limit $2`,
      [status ?? null, limit],
    );
    const states: WithdrawalState[] = [];
    for (const row of rows) {
      const state = await this.withdrawal(row.withdrawal_id);
      if (state !== undefined) states.push(state);
    }
    return states;
  }

  /** A custodian's approval of the payload hash they reviewed (the authenticated person is `custodianId`). */
  async approveSigning(withdrawalId: string, payloadHash: string, custodianId: string) {
    return this.progress(
      withdrawalId,
      { type: 'ApproveSigning', withdrawalId, custodianId, payloadHash, at: this.at() },
      custodianId,
    );
  }

  async cancelWithdrawal(withdrawalId: string, reason: string, actor: string) {
    return this.progress(
      withdrawalId,
      { type: 'CancelWithdrawal', withdrawalId, cancelledBy: actor, reason, at: this.at() },
      actor,
    );
  }

  /** The ledger placed its hold (custody.ledger.events.v1 WithdrawalHoldPlaced): the HSM may now sign, quorum permitting. */
  async recordLedgerHold(
    withdrawalId: string,
    hold: {
      readonly clientId: string;
      readonly asset: string;
      readonly amountMinor: bigint;
      readonly walletId: string;
    },
    at: string,
    transaction?: Transaction,
  ) {
    return this.progress(
      withdrawalId,
      { type: 'RecordLedgerHold', withdrawalId, hold, at },
      'ledger',
      transaction,
    );
  }

  /** Any decision on a withdrawal after its request, with the wallet and the current roster as facts. */
  async progress(
    withdrawalId: string,
    command: WithdrawalProgressCommand,
    actor: string,
    transaction?: Transaction,
  ): Promise<Executed<WithdrawalState | undefined, WithdrawalEvent> | Refusal> {
    const current = await this.withdrawal(withdrawalId, transaction);
    if (current === undefined)
      return refusal(
        walletError('WITHDRAWAL_UNKNOWN', 'withdrawalId', `no withdrawal ${withdrawalId}`),
      );
    const facts = await this.progressFacts(current, transaction);
    if (facts === undefined)
      return refusal(
        walletError('WALLET_UNKNOWN', 'walletId', `no wallet ${current.request.walletId}`),
      );
    return this.streams.execute(
      withdrawalStreamId(withdrawalId),
      WITHDRAWAL_AGGREGATE,
      (state) => decideWithdrawal(command, state, facts),
      { actor },
      {
        ...(transaction === undefined ? {} : { transaction }),
        afterAppend: (_events, state, tx) => this.queueWithdrawal(state, tx),
      },
    );
  }

  /** What a decision on this movement needs now: its wallet, who may approve, whether its destination is still allowed. */
  async progressFacts(
    movement: WithdrawalState,
    transaction?: Transaction,
  ): Promise<WithdrawalProgressFacts | undefined> {
    const { walletId, clientId, chain, destinationAddress, destinationWalletId } = movement.request;
    const wallet = await this.wallet(walletId, transaction);
    if (wallet === undefined) return undefined;
    const roster = await this.roster(transaction);
    const keyHolders = new Set(
      [...roster.custodians.keys()].filter((custodianId) =>
        hasKeyAccess(roster, walletId, custodianId),
      ),
    );
    const destinationStillAllowed =
      clientId === null
        ? destinationWalletId !== null &&
          (await this.wallet(destinationWalletId, transaction)) !== undefined
        : isAllowListed(await this.allowList(clientId, transaction), chain, destinationAddress);
    return {
      wallet,
      quorum: { custodians: roster.custodians, keyHolders },
      destinationStillAllowed,
    };
  }

  /**
   * The hot client-segregated wallet an exchange withdrawal pays from (reads balances on chain).
   * Callers inside a transaction that appends should resolve it BEFORE their first append: the
   * store's append lock is held from then to the commit, and chain reads must not run under it.
   */
  async sourceWallet(
    input: WithdrawalInput,
    transaction?: Transaction,
  ): Promise<string | undefined> {
    const chain = this.chains.get(input.chain);
    if (chain === undefined) return undefined;
    const head = await chain.head();
    const candidates = [];
    for (const walletId of (await this.walletIds(input.chain, transaction)).slice(
      0,
      SOURCE_WALLETS_MAX,
    )) {
      const wallet = await this.wallet(walletId, transaction);
      if (
        wallet === undefined ||
        wallet.registration.tier !== 'hot' ||
        !wallet.registration.assets.includes(input.asset)
      )
        continue;
      candidates.push({
        wallet,
        balanceMinor: await chain.balanceAt(wallet.registration.address, input.asset, head),
      });
    }
    return chooseSourceWallet(candidates, input.chain, input.asset, input.amountMinor)?.registration
      .walletId;
  }

  private async queueWithdrawal(
    state: WithdrawalState | undefined,
    transaction: Transaction,
  ): Promise<void> {
    if (state === undefined) return;
    const { withdrawalId, chain } = state.request;
    if (state.status === 'confirmed' || state.status === 'failed') {
      await transaction.client.query(
        `delete from ${this.schema}.withdrawal_queue where withdrawal_id = $1`,
        [withdrawalId],
      );
      return;
    }
    await transaction.client.query(
      `insert into ${this.schema}.withdrawal_queue (withdrawal_id, chain, wallet_id, status) values ($1, $2, $3, $4) on conflict (withdrawal_id) do update set status = excluded.status`,
      [withdrawalId, chain, state.request.walletId, state.status],
    );
  }

  /** TW-15.3: alerts recorded as events are delivered to the notification port; a failed delivery is reported, the event stays. */
  async notifyAlerts(
    events: readonly { readonly type: string; readonly data: object }[],
  ): Promise<void> {
    const notifier = this.options.notifier;
    if (notifier === undefined) return;
    for (const event of events) {
      if (event.type === 'LargeTransferAlerted')
        await notifier
          .notify(event.data as Parameters<TransferAlertNotifier['notify']>[0])
          .catch((error: unknown) => this.options.onNotifyError?.(error));
    }
  }
}

/** A uniform random bigint in [0, bound), bound < 2^48 (crypto.randomInt's range). */
function randomBelow(bound: bigint): bigint {
  if (bound <= 0n || bound >= 2n ** 48n)
    throw new Error('assertion: micro-payment range must be within 1 and 2^48 minor units');
  return BigInt(randomInt(Number(bound)));
}
