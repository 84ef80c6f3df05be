import {
  accept,
  canonical,
  isAtOrAfter,
  refuse,
  sameAddress,
  walletError,
  WALLET_ERROR_CODES,
} from './wallet-errors';

describe('wallet refusals and decisions', () => {
  it('given a refusal, then it carries its code, the field path and the reason', () => {
    expect(walletError('WALLET_UNKNOWN', 'walletId', 'no wallet w-1')).toEqual({
      code: 'WALLET_UNKNOWN',
      path: 'walletId',
      reason: 'no wallet w-1',
    });
    expect(refuse('REASON_REQUIRED', 'reason', 'state why')).toEqual({
      ok: false,
      error: { code: 'REASON_REQUIRED', path: 'reason', reason: 'state why' },
    });
  });

  it("given events accepted, then they are the decision's events in order; none is a no-op", () => {
    expect(accept('a', 'b')).toEqual({ ok: true, events: ['a', 'b'] });
    expect(accept()).toEqual({ ok: true, events: [] });
  });

  it('the refusal codes are a contract: each listed once', () => {
    expect(new Set(WALLET_ERROR_CODES).size).toBe(WALLET_ERROR_CODES.length);
  });
});

describe('comparisons for retried commands', () => {
  it('given the same content with keys in another order, nested too, then the canonical text is the same', () => {
    expect(canonical({ b: 1, a: { d: [2, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":2,"f":1}]},"b":1}',
    );
    expect(canonical({ a: 1, b: 2 })).toBe(canonical({ b: 2, a: 1 }));
  });

  it('given amounts as bigint, then they are written as decimal text, so 1n and 2n differ', () => {
    expect(canonical({ amountMinor: 10n ** 20n })).toBe('{"amountMinor":"100000000000000000000"}');
    expect(canonical({ amountMinor: 1n })).not.toBe(canonical({ amountMinor: 2n }));
  });

  it('given arrays, then their order is kept (a list in another order is other content)', () => {
    expect(canonical(['b', 'a'])).toBe('["b","a"]');
  });

  it('given instants in different offsets, then they compare as instants, at or after', () => {
    expect(isAtOrAfter('2026-11-24T17:00:00.000+08:00', '2026-11-24T09:00:00.000Z')).toBe(true);
    expect(isAtOrAfter('2026-11-24T09:00:00.001Z', '2026-11-24T09:00:00.000Z')).toBe(true);
    expect(isAtOrAfter('2026-11-24T08:59:59.999Z', '2026-11-24T09:00:00.000Z')).toBe(false);
  });

  it('given EVM addresses differing only in case, then they are the same address; another address is not', () => {
    expect(
      sameAddress(
        '0x52908400098527886E0F7030069857D2E4169EE7',
        '0x52908400098527886e0f7030069857d2e4169ee7',
      ),
    ).toBe(true);
    expect(
      sameAddress(
        '0x52908400098527886e0f7030069857d2e4169ee7',
        '0x52908400098527886e0f7030069857d2e4169ee8',
      ),
    ).toBe(false);
  });
});
