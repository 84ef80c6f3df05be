import { decideDeposit, evolveDeposit, type DepositCommand, type DepositState, type ObservedTransfer } from './deposit';
import { NO_TRANSFER_THRESHOLDS } from './transfer-monitoring';
import type { WalletState } from './wallet';

const t0 = '2026-11-24T09:00:00.000Z';
const wallet: WalletState = {
  registration: {
    walletId: 'w-hot',
    tier: 'hot',
    ownerClass: 'client-segregated',
    chain: 'ethereum',
    assets: ['ETH'],
    address: '0x00000000000000000000000000000000000000aa',
    key: { keyId: 'k-hot', location: { site: 'HK-DC1', jurisdiction: 'HK' }, backups: [{ site: 'HK-VAULT2', jurisdiction: 'HK' }], rotationDueAt: '2027-01-01T00:00:00.000Z' },
  },
  quorum: { required: 2, spanDepartmentsOrSites: false, approvalTtlMs: 60_000 },
  confirmationsRequired: 3,
  registeredAt: t0,
};
const facts = { wallet, thresholds: NO_TRANSFER_THRESHOLDS };
const transfer: ObservedTransfer = {
  depositId: `ethereum:0x${'d'.repeat(64)}:native`,
  walletId: 'w-hot',
  chain: 'ethereum',
  asset: 'ETH',
  amountMinor: 5n * 10n ** 17n,
  fromAddress: '0x52908400098527886e0f7030069857d2e4169ee7',
  toAddress: wallet.registration.address,
  transactionHash: `0x${'d'.repeat(64)}`,
  blockNumber: 10n,
};
const observe = (senderAllowListedFor: string[]): DepositCommand => ({ type: 'ObserveDeposit', transfer, senderAllowListedFor, at: t0 });
const confirm = (confirmations: number): DepositCommand => ({ type: 'ConfirmDeposit', depositId: transfer.depositId, confirmations, at: '2026-11-24T09:00:36.000Z' });
function after(...commands: DepositCommand[]) {
  let state: DepositState | undefined;
  const events: string[] = [];
  for (const command of commands) {
    const decision = decideDeposit(command, state, facts);
    if (!decision.ok) throw new Error(decision.error.code);
    events.push(...decision.events.map((event) => event.type));
    state = decision.events.reduce(evolveDeposit, state);
  }
  return { state, events };
}

describe('deposits (HK-11h, TW-13 confirmation time)', () => {
  it('HK-11h given a deposit from an address on exactly one client\'s proven allow-list, then it is theirs and credited once it has the wallet\'s confirmations, with the confirmation time', () => {
    expect(after(observe(['alice']), confirm(2)).events).toEqual(['DepositObserved']);
    const { events } = after(observe(['alice']), confirm(2), confirm(3), confirm(4));
    expect(events).toEqual(['DepositObserved', 'DepositConfirmed']); // once, however often it is confirmed again
    const decision = decideDeposit(confirm(3), after(observe(['alice'])).state, facts);
    expect(decision.ok && decision.events[0]?.data).toMatchObject({ clientId: 'alice', amountMinor: 5n * 10n ** 17n, confirmations: 3, confirmedAt: '2026-11-24T09:00:36.000Z' });
  });

  it('HK-11h given a deposit from an address on no allow-list, or on several, then it is flagged for review and credited to nobody', () => {
    expect(after(observe([]), confirm(10)).events).toEqual(['DepositObserved', 'DepositFlaggedForReview']);
    const decision = decideDeposit(observe(['bob', 'alice']), undefined, facts);
    expect(decision.ok && decision.events[1]?.data).toMatchObject({ reason: 'source-on-several-allow-lists', candidates: ['alice', 'bob'] });
  });

  it('HK-11h given a flagged deposit whose sender is later proven to be exactly one client\'s address, then it is attributed to them and credited once confirmed; before that, nothing', () => {
    const reattribute = (candidates: string[]): DepositCommand => ({ type: 'ReattributeDeposit', depositId: transfer.depositId, senderAllowListedFor: candidates, at: '2026-11-25T09:00:00.000Z' });
    expect(after(observe([]), reattribute([]), reattribute(['alice', 'bob']), confirm(10)).events).toEqual(['DepositObserved', 'DepositFlaggedForReview']);
    const { events, state } = after(observe([]), reattribute(['carol']), confirm(10));
    expect(events).toEqual(['DepositObserved', 'DepositFlaggedForReview', 'DepositAttributed', 'DepositConfirmed']);
    expect(state?.clientId).toBe('carol');
    expect(after(observe(['alice']), reattribute(['carol'])).state?.clientId).toBe('alice'); // an attributed deposit stays its client's
    // flagged because its sender was on two lists: one list shrinking later does not hand it to the other client
    expect(after(observe(['alice', 'bob']), reattribute(['bob'])).state?.clientId).toBeNull();
  });

  it('HK-11h given a deposit from an address on two clients\' lists, then a reviewer proposes one of them and a different one approves; nobody else, never the proposer', () => {
    const propose = (clientId: string, by = 'ops-1'): DepositCommand => ({ type: 'ProposeDepositAttribution', depositId: transfer.depositId, clientId, reason: 'evidence', proposedBy: by, at: t0 });
    const decide = (by: string, decision: 'approve' | 'reject' = 'approve'): DepositCommand => ({ type: 'DecideDepositAttribution', depositId: transfer.depositId, decision, reason: 'checked', decidedBy: by, at: t0 });
    const flagged = after(observe(['alice', 'bob'])).state;
    const code = (command: DepositCommand, state: DepositState | undefined) => {
      const decision = decideDeposit(command, state, facts);
      return decision.ok ? decision.events.map((event) => event.type) : [decision.error.code, decision.error.path];
    };
    expect(code(propose('carol'), flagged)).toEqual(['ALLOWLIST_ADDRESS_NOT_LISTED', 'clientId']);
    const proposed = after(observe(['alice', 'bob']), propose('bob')).state;
    expect(code(decide('ops-1'), proposed)).toEqual(['MAKER_CHECKER_SAME_PERSON', 'decidedBy']);
    expect(code(decide('approver-1'), proposed)).toEqual(['DepositAttributionDecided', 'DepositAttributed']);
    expect(after(observe(['alice', 'bob']), propose('bob'), decide('approver-1', 'reject')).state?.clientId).toBeNull();
    expect(code(propose('alice'), after(observe([])).state)).toEqual(['DEPOSIT_NOT_UNDER_REVIEW', 'depositId']); // an unknown sender proves the address instead
  });

  it('given the same transfer observed again, then nothing new; the same id with another amount is DEPOSIT_ID_CONFLICT', () => {
    const { state } = after(observe(['alice']));
    expect(decideDeposit(observe(['alice']), state, facts)).toEqual({ ok: true, events: [] });
    const other = decideDeposit({ ...observe(['alice']), transfer: { ...transfer, amountMinor: 1n } } as DepositCommand, state, facts);
    expect(other.ok ? 'accepted' : other.error.code).toBe('DEPOSIT_ID_CONFLICT');
  });

  it('TW-15.3 given a deposit above the asset threshold, then LargeTransferAlerted', () => {
    const thresholds = { perAssetMinor: new Map([['ETH', 10n ** 17n]]), perClientMinor: new Map(), notifyRoles: ['compliance-officer'] };
    const decision = decideDeposit(observe(['alice']), undefined, { ...facts, thresholds });
    expect(decision.ok && decision.events.map((event) => event.type)).toEqual(['DepositObserved', 'LargeTransferAlerted']);
  });
});
