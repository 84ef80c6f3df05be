import { commandClients, type LedgerCommand, type TradeExecution } from './ledger-commands';

const metadata = { at: '2026-11-24T09:00:00.000Z' };
const trade: TradeExecution = {
  tradeId: 'T-1',
  base: 'BTC',
  quote: 'USDT',
  buyerClientId: 'alice',
  sellerClientId: 'bob',
  quantityMinor: 1n,
  price: '1',
  quoteAmountMinor: 1n,
  buyerFee: { asset: 'BTC', amountMinor: 0n },
  sellerFee: { asset: 'USDT', amountMinor: 0n },
};

describe('the clients whose books a command reads and writes', () => {
  it('a trade touches its buyer and its seller, buyer first', () => {
    expect(commandClients({ type: 'SettleTrade', trade, metadata })).toEqual(['alice', 'bob']);
  });

  it.each<LedgerCommand>([
    { type: 'OnboardClient', clientId: 'carol', metadata },
    {
      type: 'BookDeposit',
      depositId: 'D-1',
      clientId: 'carol',
      asset: 'BTC',
      amountMinor: 1n,
      walletId: 'w',
      metadata,
    },
    {
      type: 'HoldWithdrawal',
      withdrawalId: 'W-1',
      clientId: 'carol',
      asset: 'BTC',
      amountMinor: 1n,
      walletId: 'w',
      destinationAllowListedForClientId: 'carol',
      metadata,
    },
    {
      type: 'SettleWithdrawal',
      withdrawalId: 'W-1',
      clientId: 'carol',
      asset: 'BTC',
      amountMinor: 1n,
      walletId: 'w',
      networkFeeMinor: 0n,
      metadata,
    },
    {
      type: 'ReleaseWithdrawal',
      withdrawalId: 'W-1',
      clientId: 'carol',
      reason: 'failed',
      metadata,
    },
    {
      type: 'RequestAdjustment',
      adjustmentId: 'A-1',
      requestedBy: 'op',
      clientId: 'carol',
      asset: 'BTC',
      direction: 'credit',
      amountMinor: 1n,
      debitReason: null,
      note: '',
      metadata,
    },
    {
      type: 'ApproveAdjustment',
      adjustmentId: 'A-1',
      clientId: 'carol',
      approvedBy: 'ap',
      approvalWindowMs: 1,
      metadata,
    },
    {
      type: 'RejectAdjustment',
      adjustmentId: 'A-1',
      clientId: 'carol',
      rejectedBy: 'ap',
      reason: 'r',
      metadata,
    },
    {
      type: 'ExpireAdjustment',
      adjustmentId: 'A-1',
      clientId: 'carol',
      approvalWindowMs: 1,
      metadata,
    },
  ])('$type touches only its own client', (command) => {
    expect(commandClients(command)).toEqual(['carol']);
  });

  it('a command of no known type is a programmer error', () => {
    expect(() =>
      commandClients({ type: 'Forgotten', clientId: 'carol' } as unknown as LedgerCommand),
    ).toThrow('assertion: unknown command {"type":"Forgotten","clientId":"carol"}');
  });
});
