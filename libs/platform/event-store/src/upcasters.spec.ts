import { UpcasterRegistry } from './upcasters';

describe('upcaster registry', () => {
  const registry = new UpcasterRegistry([
    { eventType: 'Deposited', fromVersion: 1, upcast: (d) => ({ ...d, asset: 'BTC' }) },
    {
      eventType: 'Deposited',
      fromVersion: 2,
      upcast: ({ amount, ...rest }) => ({ ...rest, amountMinor: amount ?? null }),
    },
  ]);

  it('given a v1 event, when read, then every step up to the latest version is applied in order', () => {
    expect(registry.upcast('Deposited', 1, { amount: '5' })).toEqual({
      schemaVersion: 3,
      data: { asset: 'BTC', amountMinor: '5' },
    });
  });

  it('given an event already at the latest version, when read, then it is returned unchanged', () => {
    const data = { asset: 'ETH', amountMinor: '7' };
    expect(registry.upcast('Deposited', 3, data)).toEqual({ schemaVersion: 3, data });
  });

  it('given another event type, when read, then no upcaster applies', () => {
    expect(registry.upcast('Withdrawn', 1, { a: 1 })).toEqual({ schemaVersion: 1, data: { a: 1 } });
  });

  it('refuses two upcasters for the same step', () => {
    expect(() =>
      registry.register({ eventType: 'Deposited', fromVersion: 1, upcast: (d) => d }),
    ).toThrow(/twice/);
  });
});
