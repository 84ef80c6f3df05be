import { deterministicUuid } from './consumer';

describe('dead-letter ids', () => {
  it('given the same topic, partition and offset twice, then the id is the same; otherwise it differs', () => {
    expect(deterministicUuid('t\u00000\u000042')).toBe(deterministicUuid('t\u00000\u000042'));
    expect(deterministicUuid('t\u00000\u000042')).not.toBe(deterministicUuid('t\u00000\u000043'));
  });

  it('is a well-formed RFC 4122 UUID (version 8, variant 10)', () => {
    expect(deterministicUuid('anything')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
