import { LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC } from '@custody/contracts';
import type { ConsumedMessage } from '@custody/messaging';
import { walletsNamed } from '../custody-wallets/wallet-messages';
import { houseCommandOf } from './house-messages';

const message = (topic: string, type: string, data: Record<string, unknown>): ConsumedMessage => ({
  topic,
  partition: 0,
  offset: '0',
  messageId: 'evt-1',
  headers: {},
  value: { eventId: 'evt-1', type, data },
  raw: { key: null, value: Buffer.from('{}'), offset: '0', headers: {} },
});
const houseDeposit = {
  depositId: 'ethereum:0xfeed:native',
  walletId: 'eth-house-1',
  asset: 'ETH',
  amountMinor: '3000000000000000000',
  chain: 'ethereum',
  transactionHash: `0x${'fe'.repeat(32)}`,
  confirmations: 12,
  confirmedAt: '2026-11-24T09:00:00.000Z',
};

describe("the ledger's reading of a house deposit (issue 25, BC-1..BC-4)", () => {
  it('BC-1 a HouseDepositConfirmed on the wallet topic asks to book the house deposit, at its confirmation time, into the wallet it names as a house wallet', () => {
    const command = houseCommandOf(
      message(WALLET_EVENTS_TOPIC, 'HouseDepositConfirmed', houseDeposit),
    );
    expect(command).toEqual({
      type: 'BookHouseDeposit',
      depositId: 'ethereum:0xfeed:native',
      walletId: 'eth-house-1',
      asset: 'ETH',
      amountMinor: 3_000_000_000_000_000_000n,
      at: '2026-11-24T09:00:00.000Z',
    });
    expect(command === undefined ? [] : walletsNamed(command)).toEqual([
      { path: 'data.walletId', walletId: 'eth-house-1', houseAssets: true },
    ]);
  });

  it('the same type on another topic asks for nothing', () => {
    expect(
      houseCommandOf(message(LEDGER_EVENTS_TOPIC, 'HouseDepositConfirmed', houseDeposit)),
    ).toBeUndefined();
  });
});
