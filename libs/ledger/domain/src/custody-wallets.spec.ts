import { deciderSpecification } from '@custody/decider/testing';
import {
  custodyWalletsDecider,
  decideRecogniseWallet,
  evolveCustodyWallets,
  initialCustodyWallets,
  refuseMovementWallets,
  type CustodyWalletEvent,
  type CustodyWallets,
  type RecogniseWallet,
} from './custody-wallets';

const cold = {
  walletId: 'eth-cold-1',
  ownerClass: 'client-segregated',
  tier: 'cold',
  chain: 'ethereum',
} as const;
const recognise = (wallet: RecogniseWallet['wallet'] = cold): RecogniseWallet => ({
  type: 'RecogniseWallet',
  wallet,
  registeredAt: '2026-12-07T09:00:00.000Z',
  sourceEventId: 'evt-1',
});
const spec = deciderSpecification(custodyWalletsDecider);
const given = (events: readonly CustodyWalletEvent[]): CustodyWallets => spec.given(events).state;
const coldRecognised: CustodyWalletEvent = {
  type: 'CustodyWalletRecognised',
  data: { ...cold, registeredAt: '2026-12-07T09:00:00.000Z', sourceEventId: 'evt-1' },
};

describe('custody wallets the ledger books for (issue 22, defence in depth)', () => {
  describe('when no wallet is known', () => {
    it('a registration from the wallet service is recognised, with its source and instant', () => {
      spec
        .given([])
        .when(recognise())
        .thenEmits([
          {
            type: 'CustodyWalletRecognised',
            data: { ...cold, registeredAt: '2026-12-07T09:00:00.000Z', sourceEventId: 'evt-1' },
          },
        ]);
    });

    it('a movement naming any wallet is refused as WALLET_UNKNOWN at its path', () => {
      expect(
        refuseMovementWallets(
          [{ path: 'walletId', walletId: 'eth-cold-1' }],
          initialCustodyWallets,
        ),
      ).toMatchObject({ code: 'WALLET_UNKNOWN', path: 'walletId' });
    });
  });

  describe('when the wallet is known', () => {
    const wallets = given([coldRecognised]);

    it('the same registration again (a redelivery, a replay) changes nothing', () => {
      spec
        .given([coldRecognised])
        .when({ ...recognise(), sourceEventId: 'evt-2' })
        .thenEmitsNothing();
    });

    it.each([
      ['ownerClass', { ...cold, ownerClass: 'house' }],
      ['tier', { ...cold, tier: 'hot' }],
      ['chain', { ...cold, chain: 'polygon' }],
    ] as const)(
      'a registration claiming another %s is refused as WALLET_REGISTRATION_CONFLICT',
      (field, wallet) => {
        spec
          .given([coldRecognised])
          .when(recognise(wallet))
          .thenRefuses('WALLET_REGISTRATION_CONFLICT', `wallet.${field}`);
      },
    );

    it("HK-6 a client's movement through a house wallet is refused; the house's own movement through it passes", () => {
      const withHouse = evolveCustodyWallets(wallets, {
        type: 'CustodyWalletRecognised',
        data: {
          walletId: 'eth-house-1',
          ownerClass: 'house',
          tier: 'hot',
          chain: 'ethereum',
          registeredAt: '2026-12-07T09:00:00.000Z',
          sourceEventId: 'evt-3',
        },
      });
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'eth-house-1', clientAssets: true }],
          withHouse,
        ),
      ).toMatchObject({ code: 'WALLET_NOT_CLIENT_SEGREGATED', path: 'data.walletId' });
      expect(
        refuseMovementWallets([{ path: 'data.walletId', walletId: 'eth-house-1' }], withHouse),
      ).toBeUndefined();
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'eth-cold-1', clientAssets: true }],
          withHouse,
        ),
      ).toBeUndefined();
    });

    it('a movement naming it passes, and one naming it beside an unknown wallet is refused at the unknown one', () => {
      expect(
        refuseMovementWallets([{ path: 'walletId', walletId: 'eth-cold-1' }], wallets),
      ).toBeUndefined();
      expect(
        refuseMovementWallets(
          [
            { path: 'fromWalletId', walletId: 'eth-cold-1' },
            { path: 'toWalletId', walletId: 'attacker-1' },
          ],
          wallets,
        ),
      ).toMatchObject({
        code: 'WALLET_UNKNOWN',
        path: 'toWalletId',
        reason: expect.stringContaining("'attacker-1'"),
      });
    });
  });

  describe('folding recognitions', () => {
    const recognised = (walletId: string, tier: 'cold' | 'hot'): CustodyWalletEvent => ({
      type: 'CustodyWalletRecognised',
      data: {
        walletId,
        ownerClass: 'client-segregated',
        tier,
        chain: 'ethereum',
        registeredAt: '2026-12-07T09:00:00.000Z',
        sourceEventId: `evt-${walletId}`,
      },
    });

    it('starts with no wallet; each recognition adds its wallet by id, without its registration metadata, and leaves the map before it unchanged', () => {
      expect(initialCustodyWallets.size).toBe(0);
      const one = given([recognised('eth-cold-1', 'cold')]);
      const two = evolveCustodyWallets(one, recognised('eth-hot-1', 'hot'));
      expect([...two]).toEqual([
        [
          'eth-cold-1',
          {
            walletId: 'eth-cold-1',
            ownerClass: 'client-segregated',
            tier: 'cold',
            chain: 'ethereum',
          },
        ],
        [
          'eth-hot-1',
          {
            walletId: 'eth-hot-1',
            ownerClass: 'client-segregated',
            tier: 'hot',
            chain: 'ethereum',
          },
        ],
      ]);
      expect([...one.keys()]).toEqual(['eth-cold-1']);
    });

    it('the stream holds recognitions only, folded from no wallet by evolveCustodyWallets', () => {
      expect([...custodyWalletsDecider.eventTypes]).toEqual(['CustodyWalletRecognised']);
      expect(custodyWalletsDecider.initialState).toBe(initialCustodyWallets);
      expect(custodyWalletsDecider.evolve).toBe(evolveCustodyWallets);
      expect(custodyWalletsDecider.decide).toBe(decideRecogniseWallet);
    });

    it('an event of no known type is a programmer error', () => {
      expect(() =>
        evolveCustodyWallets(initialCustodyWallets, {
          type: 'WalletForgotten',
        } as unknown as CustodyWalletEvent),
      ).toThrow('assertion: unhandled "WalletForgotten"');
    });
  });

  describe('HK-6 which wallets a movement may name', () => {
    const wallets = given([
      {
        type: 'CustodyWalletRecognised',
        data: { ...cold, registeredAt: '2026-12-07T09:00:00.000Z', sourceEventId: 'evt-1' },
      },
      {
        type: 'CustodyWalletRecognised',
        data: {
          walletId: 'eth-house-1',
          ownerClass: 'house',
          tier: 'hot',
          chain: 'ethereum',
          registeredAt: '2026-12-07T09:00:00.000Z',
          sourceEventId: 'evt-2',
        },
      },
    ]);

    it("TW-4 a house deposit is booked only into a house wallet: naming a client-segregated one is refused with WALLET_NOT_HOUSE; a client's deposit into it passes as before", () => {
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'eth-house-1', houseAssets: true }],
          wallets,
        ),
      ).toBeUndefined();
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'eth-cold-1', houseAssets: true }],
          wallets,
        ),
      ).toMatchObject({
        code: 'WALLET_NOT_HOUSE',
        path: 'data.walletId',
        reason: expect.stringContaining("'eth-cold-1' is a client-segregated wallet"),
      });
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'eth-cold-1', clientAssets: true }],
          wallets,
        ),
      ).toBeUndefined();
      expect(
        refuseMovementWallets(
          [{ path: 'data.walletId', walletId: 'nobody-1', houseAssets: true }],
          wallets,
        ),
      ).toMatchObject({ code: 'WALLET_UNKNOWN' });
    });

    it('a movement naming no wallet passes', () => {
      expect(refuseMovementWallets([], wallets)).toBeUndefined();
    });

    it('a house movement (clientAssets false) through a house wallet passes', () => {
      expect(
        refuseMovementWallets(
          [{ path: 'fromWalletId', walletId: 'eth-house-1', clientAssets: false }],
          wallets,
        ),
      ).toBeUndefined();
    });

    it('the first refusal in the order named is the one returned', () => {
      expect(
        refuseMovementWallets(
          [
            { path: 'fromWalletId', walletId: 'eth-house-1', clientAssets: true },
            { path: 'toWalletId', walletId: 'nobody-1' },
          ],
          wallets,
        ),
      ).toMatchObject({ code: 'WALLET_NOT_CLIENT_SEGREGATED', path: 'fromWalletId' });
      expect(
        refuseMovementWallets(
          [
            { path: 'fromWalletId', walletId: 'eth-cold-1', clientAssets: true },
            { path: 'toWalletId', walletId: 'eth-house-1', clientAssets: true },
          ],
          wallets,
        ),
      ).toMatchObject({ code: 'WALLET_NOT_CLIENT_SEGREGATED', path: 'toWalletId' });
    });

    it('a second wallet is recognised beside the first, and the first registration still conflicts on its own fields only', () => {
      expect(
        decideRecogniseWallet(
          recognise({
            walletId: 'eth-cold-2',
            ownerClass: 'client-segregated',
            tier: 'cold',
            chain: 'ethereum',
          }),
          wallets,
        ),
      ).toMatchObject({
        ok: true,
        events: [{ type: 'CustodyWalletRecognised', data: { walletId: 'eth-cold-2' } }],
      });
      expect(
        decideRecogniseWallet(recognise({ ...cold, tier: 'hot', chain: 'polygon' }), wallets),
      ).toMatchObject({
        ok: false,
        error: { code: 'WALLET_REGISTRATION_CONFLICT', path: 'wallet.tier' },
      });
    });
  });
});
