import { randomUUID } from 'node:crypto';
import { DEFAULT_ASSET_REGISTRY, POLICY_EVENTS_TOPIC } from '@custody/contracts';
import { PostgresEventStore } from '@custody/event-store';
import { InboxConsumer, InProcessMessageBus, OutboxRelay } from '@custody/messaging';
import type { Pool } from 'pg';
import { POLICY_CONSUMED_TOPICS } from '../messages/policy-messages';
import { composePolicy, type ComposePolicyOptions } from '../testing/compose-policy';

export const WAIT_MS = 20_000;
/** Decimal places per asset, from the shipped asset registry. */
export const decimals = new Map(
  Object.entries(DEFAULT_ASSET_REGISTRY as Record<string, { decimals: number }>).map(
    ([asset, { decimals: places }]) => [asset, places],
  ),
);

/** The service's clock, moved by the test. */
export class TestClock {
  private instant = Date.parse('2026-11-24T09:00:00.000Z');
  now = (): Date => new Date(this.instant);
  advance(ms: number): void {
    this.instant += ms;
  }
}

export function envelope(
  type: string,
  streamId: string,
  occurredAt: string,
  data: Record<string, unknown>,
) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion: '1',
    occurredAt,
    causationId: null,
    correlationId: eventId,
    data,
  };
}

/**
 * The published messages the compliance specs send, stamped with the test clock's instant, each
 * of `asset` (ETH unless given).
 */
export function complianceMessages(at: () => string, asset = 'ETH') {
  const wallet = (
    walletId: string,
    tier: 'cold' | 'hot',
    ownerClass: 'client-segregated' | 'house',
  ) =>
    envelope('WalletRegistered', `wallet-${walletId}`, at(), {
      walletId,
      tier,
      ownerClass,
      chain: 'ethereum',
      assets: [asset],
      address: `0x${'0'.repeat(38)}${walletId.length.toString(16).padStart(2, '0')}`,
      key: {
        keyId: `${walletId}.k1`,
        location: { site: 'HK-DC1', jurisdiction: 'HK' },
        backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }],
        rotationDueAt: '2027-11-24T00:00:00.000Z',
      },
      quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 600_000 },
      confirmationsRequired: 2,
      registeredBy: 'admin-1',
      at: at(),
    });
  const deposit = (depositId: string, walletId: string, amountMinor: bigint) =>
    envelope('DepositConfirmed', `wallet-deposit-${depositId}`, at(), {
      depositId,
      clientId: 'alice',
      asset,
      amountMinor: amountMinor.toString(),
      walletId,
      chain: 'ethereum',
      transactionHash: `0x${'ab'.repeat(32)}`,
      confirmations: 2,
      confirmedAt: at(),
    });
  const transfer = (id: string, from: string, to: string, amountMinor: bigint) =>
    envelope('InternalTransferConfirmed', `wallet-withdrawal-${id}`, at(), {
      withdrawalId: id,
      sourceWalletId: from,
      destinationWalletId: to,
      asset,
      amountMinor: amountMinor.toString(),
      transactionHash: `0x${'cd'.repeat(32)}`,
      confirmedAt: at(),
    });
  const price = (value: string) =>
    envelope('PriceObserved', `price-${asset}-USD`, at(), {
      asset,
      quoteCurrency: 'USD',
      price: value,
      observedAt: at(),
      source: 'exchange-mid',
    });
  type Account =
    | { kind: 'client'; clientId: string; asset: string }
    | { kind: 'custody'; walletId: string; asset: string };
  /** A ledger journal moving `amountMinor` of the asset from the credited account to the debited one. */
  const journal = (
    journalId: string,
    kind: string,
    streamId: string,
    debit: Account,
    credit: Account,
    amountMinor: bigint,
  ) =>
    envelope('JournalPosted', streamId, at(), {
      journalId,
      kind,
      sourceReference: journalId.split(':')[1] ?? journalId,
      fingerprint: `fp-${journalId}`,
      entries: [
        { account: debit, side: 'debit', amountMinor: amountMinor.toString() },
        { account: credit, side: 'credit', amountMinor: amountMinor.toString() },
      ],
      at: at(),
    });
  const custody = (walletId: string): Account => ({ kind: 'custody', walletId, asset });
  const alice: Account = { kind: 'client', clientId: 'alice', asset };
  return { wallet, deposit, transfer, price, journal, custody, alice };
}

/**
 * The policy service as its host wires it over the test database's `policy` schema and an
 * in-process bus: composed and migrated, its inbox consumer started on its topics, its outbox
 * relayed to custody.policy.events.v1 (every relayed event pushed to `published`), stamped by
 * `now`. `publish` sends messages as the producers would; `stop` stops reader, relay and consumer.
 */
export async function startPolicyService(options: {
  readonly db: { readonly pool: Pool };
  readonly now: () => Date;
  readonly insurance: ComposePolicyOptions['insurance'];
  readonly tier1Capital?: string;
  readonly published: { type: string; data: Record<string, unknown> }[];
}) {
  const { db, published } = options;
  const store = new PostgresEventStore({ pool: db.pool, schema: 'policy' });
  await store.migrate();
  const policy = composePolicy({
    store,
    jurisdictions: ['HK', 'TW'],
    reportCurrency: 'USD',
    decimals,
    insurance: options.insurance,
    ...(options.tier1Capital === undefined ? {} : { tier1Capital: options.tier1Capital }),
    now: options.now,
  });
  await policy.migrate();
  const bus = new InProcessMessageBus();
  const consumer = new InboxConsumer({
    bus,
    groupId: 'policy',
    topics: [...POLICY_CONSUMED_TOPICS],
    pool: db.pool,
    schema: 'policy',
    apply: policy.applyMessages,
  });
  await consumer.migrate();
  await consumer.start();
  const relay = new OutboxRelay(store, {
    topic: POLICY_EVENTS_TOPIC,
    publisher: bus.publisher,
    pollIntervalMs: 20,
  });
  relay.start();
  const reader = bus.subscriber('policy-events-reader', [POLICY_EVENTS_TOPIC]);
  await reader.start(async (batch) => {
    for (const message of batch.messages)
      published.push(
        JSON.parse(message.value.toString()) as { type: string; data: Record<string, unknown> },
      );
  });
  const running = [reader, relay, consumer];
  return {
    policy,
    bus,
    publish: async (topic: string, ...messages: ReturnType<typeof envelope>[]) => {
      await bus.publisher.publish(
        topic,
        messages.map((message) => ({ key: message.streamId, value: JSON.stringify(message) })),
      );
    },
    stop: async () => {
      for (const part of running) await part.stop();
    },
  };
}

export type PolicyService = Awaited<ReturnType<typeof startPolicyService>>;
