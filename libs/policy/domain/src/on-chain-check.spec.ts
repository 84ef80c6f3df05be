import type { ComplianceFacts, WalletHolding } from './facts';
import { onChainCheck, onChainFacts } from './on-chain-check';
import { defaultProfile } from './policy-profile';

const TW = defaultProfile(['TW']);
const holding = (walletId: string, tier: 'cold' | 'hot', clientMinor: bigint, houseMinor = 0n): WalletHolding => ({ walletId, tier, ownerClass: 'client-segregated', asset: 'ETH', clientMinor, houseMinor, onChainMinor: clientMinor + houseMinor });
const facts = (holdings: WalletHolding[]): ComplianceFacts => ({
  asOf: '2026-11-24T09:00:00.000Z',
  reportCurrency: 'USD',
  holdings,
  prices: new Map([['ETH', { asset: 'ETH', price: '3000', observedAt: '2026-11-24T08:59:00.000Z' }]]),
  decimals: new Map([['ETH', 18]]),
  exceptions: [{ exceptionId: 'X-1', walletId: 'hot-1', asset: 'ETH', amountMinor: 5n, purpose: 'network-fee' }],
  insurance: [],
});
const wallets = new Map([
  ['cold-1', { tier: 'cold' as const, ownerClass: 'client-segregated' as const }],
  ['hot-1', { tier: 'hot' as const, ownerClass: 'client-segregated' as const }],
]);

describe('TW-14 monthly check: the ratios and the 20% cap from on-chain balances alone', () => {
  it('TW-3 given records at 80% cold but the chain at 70% cold, then the check fails on what the chain shows', () => {
    const recorded = facts([holding('cold-1', 'cold', 80n), holding('hot-1', 'hot', 20n)]);
    expect(onChainCheck(recorded, TW).find((result) => result.ruleId === 'TW-3')?.verdict).toBe('pass');
    const chain = onChainFacts(recorded, wallets, [{ walletId: 'cold-1', asset: 'ETH', balanceMinor: 70n }, { walletId: 'hot-1', asset: 'ETH', balanceMinor: 30n }]);
    expect(onChainCheck(chain, TW).find((result) => result.ruleId === 'TW-3')).toMatchObject({ verdict: 'fail' });
  });

  it('TW-4 the house share recorded stays the house\'s: the rest of the chain balance is the clients\'', () => {
    const chain = onChainFacts(facts([holding('hot-1', 'hot', 100n, 5n)]), wallets, [{ walletId: 'hot-1', asset: 'ETH', balanceMinor: 103n }]);
    expect(chain.holdings).toEqual([{ walletId: 'hot-1', tier: 'hot', ownerClass: 'client-segregated', asset: 'ETH', clientMinor: 98n, houseMinor: 5n, onChainMinor: 103n }]);
  });

  it('a wallet read on chain that the service does not know is a programmer error, never a silent zero', () => {
    expect(() => onChainFacts(facts([]), wallets, [{ walletId: 'mystery', asset: 'ETH', balanceMinor: 1n }])).toThrow(/not a known wallet/);
  });
});
