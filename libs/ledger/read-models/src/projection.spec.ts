import { custodyAccount, decideHouse, houseAccount } from '@custody/ledger-domain';
import { projectLedger, type ProjectedEvent } from './projection';

const decimals = (asset: string) => (asset === 'ETH' ? 18 : undefined);
const at = '2026-11-24T09:00:00.000Z';

function houseJournal(
  command: Parameters<typeof decideHouse>[0],
  position: bigint,
): ProjectedEvent {
  const decision = decideHouse(command, new Map(), decimals);
  if (!decision.ok || decision.events[0] === undefined) throw new Error('no journal');
  return { event: decision.events[0], globalPosition: position, streamClientId: '' };
}

describe("projection of the house's own journals (no client in them)", () => {
  it("TW-15.4 / HK-6 given a custody transfer and an uncarried network fee, then the wallets' custody accounts move, the custody total drops only by the fee the house expensed, and no client line is written", () => {
    const result = projectLedger({ balances: new Map(), holds: new Map(), totals: new Map() }, [
      houseJournal(
        {
          type: 'BookCustodyTransfer',
          transferId: 'T-1',
          fromWalletId: 'hot',
          toWalletId: 'cold',
          asset: 'ETH',
          amountMinor: 100n,
          at,
        },
        1n,
      ),
      houseJournal(
        {
          type: 'BookNetworkFee',
          feeId: 'T-1:0xabc',
          walletId: 'hot',
          asset: 'ETH',
          amountMinor: 3n,
          at,
        },
        2n,
      ),
    ]);
    const row = (walletId: string) =>
      [...result.balances.values()].find(
        (entry) => entry.account.kind === 'custody' && entry.account.walletId === walletId,
      )?.balance;
    expect(row('cold')).toMatchObject({ debitsPosted: 100n, creditsPosted: 0n });
    expect(row('hot')).toMatchObject({ debitsPosted: 0n, creditsPosted: 103n });
    expect(result.totals.get('ETH')).toMatchObject({
      custodyMinor: -3n,
      houseMinor: -3n,
      clientsMinor: 0n,
    }); // custody = clients + house holds
    expect(result.lines).toEqual([]);
    expect([...result.balances.values()].map((row) => row.account)).toEqual(
      expect.arrayContaining([
        custodyAccount('hot', 'ETH'),
        custodyAccount('cold', 'ETH'),
        houseAccount('network-fee-expense', 'ETH'),
      ]),
    );
  });

  it('given the same house journal id again with other content, then JOURNAL_ID_CONFLICT; with the same, nothing', () => {
    const command = {
      type: 'BookCustodyTransfer' as const,
      transferId: 'T-1',
      fromWalletId: 'hot',
      toWalletId: 'cold',
      asset: 'ETH',
      amountMinor: 100n,
      at,
    };
    const first = decideHouse(command, new Map(), decimals);
    const booked = new Map(
      first.ok
        ? first.events.map((event) =>
            event.type === 'JournalPosted'
              ? ([event.data.journalId, event.data.fingerprint] as [string, string])
              : ['', ''],
          )
        : [],
    );
    expect(decideHouse(command, booked, decimals)).toEqual({ ok: true, events: [] });
    expect(decideHouse({ ...command, amountMinor: 101n }, booked, decimals)).toMatchObject({
      ok: false,
      error: { code: 'JOURNAL_ID_CONFLICT' },
    });
    expect(
      decideHouse({ ...command, transferId: 'T-2', toWalletId: 'hot' }, booked, decimals),
    ).toMatchObject({ ok: false, error: { code: 'TRANSFER_SAME_WALLET' } });
  });
});
