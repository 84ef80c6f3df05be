import { randomUUID } from 'node:crypto';

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

/** The published messages the compliance spec sends, stamped with the test clock's instant. */
export function complianceMessages(at: () => string) {
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
      assets: ['ETH'],
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
      asset: 'ETH',
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
      asset: 'ETH',
      amountMinor: amountMinor.toString(),
      transactionHash: `0x${'cd'.repeat(32)}`,
      confirmedAt: at(),
    });
  const price = (value: string) =>
    envelope('PriceObserved', 'price-ETH-USD', at(), {
      asset: 'ETH',
      quoteCurrency: 'USD',
      price: value,
      observedAt: at(),
      source: 'exchange-mid',
    });
  type Account =
    | { kind: 'client'; clientId: string; asset: string }
    | { kind: 'custody'; walletId: string; asset: string };
  /** A ledger journal moving `amountMinor` ETH from the credited account to the debited one. */
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
  const custody = (walletId: string): Account => ({ kind: 'custody', walletId, asset: 'ETH' });
  const alice: Account = { kind: 'client', clientId: 'alice', asset: 'ETH' };
  return { wallet, deposit, transfer, price, journal, custody, alice };
}
