import { atQuery, instantToLocalInput, LIVE, localInputToInstant } from './moment';

const HONG_KONG = () => -480; // Date#getTimezoneOffset at UTC+08:00
const UTC = () => 0;

describe('point-in-time moments', () => {
  it('given local wall-clock time in Hong Kong, then the UTC instant', () => {
    expect(localInputToInstant('2026-11-24T17:00:00', HONG_KONG)).toBe('2026-11-24T09:00:00.000Z');
    expect(localInputToInstant('2026-11-24T17:00', HONG_KONG)).toBe('2026-11-24T09:00:00.000Z');
    expect(localInputToInstant('2026-11-24T09:00:05', UTC)).toBe('2026-11-24T09:00:05.000Z');
  });

  it('given an instant, then the local input shows it back', () => {
    expect(instantToLocalInput('2026-11-24T09:00:00.000Z', HONG_KONG)).toBe('2026-11-24T17:00:00');
    expect(
      localInputToInstant(instantToLocalInput('2026-01-02T03:04:05.000Z', HONG_KONG), HONG_KONG),
    ).toBe('2026-01-02T03:04:05.000Z');
  });

  it('given no or a malformed time, then no instant', () => {
    expect(localInputToInstant('', UTC)).toBeUndefined();
    expect(localInputToInstant('2026-13-45T99:00:00', UTC)).toBeUndefined();
    expect(localInputToInstant('yesterday', UTC)).toBeUndefined();
  });

  it('given live, then no at= query; given a moment, then its instant, encoded', () => {
    expect(atQuery(LIVE)).toBe('');
    expect(atQuery({ kind: 'at', instant: '2026-11-24T09:00:00.000Z' })).toBe(
      '?at=2026-11-24T09%3A00%3A00.000Z',
    );
    expect(atQuery({ kind: 'at', instant: '2026-11-24T09:00:00.000Z' }, '&')).toBe(
      '&at=2026-11-24T09%3A00%3A00.000Z',
    );
  });
});
