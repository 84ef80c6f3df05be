import { blockAtOrBefore, confirmationsAt } from './chain-reader';

/** Blocks mined at the given times (ms), block n at times[n]. */
const chainOf = (times: number[]) => {
  let reads = 0;
  return {
    reads: () => reads,
    head: () => Promise.resolve(BigInt(times.length - 1)),
    blockTime: (blockNumber: bigint) => {
      reads += 1;
      const time = times[Number(blockNumber)];
      return time === undefined
        ? Promise.reject(new Error(`no block ${blockNumber}`))
        : Promise.resolve(time);
    },
  };
};

describe("the block at a business day's cut-off", () => {
  const times = [1_000, 2_000, 2_000, 3_000, 5_000, 8_000];

  it('given an instant between two blocks, then the last block mined at or before it', async () => {
    expect(await blockAtOrBefore(chainOf(times), 4_999)).toBe(3n);
    expect(await blockAtOrBefore(chainOf(times), 5_000)).toBe(4n); // at the second: included
  });

  it('given blocks mined in the same second, then the last of them', async () => {
    expect(await blockAtOrBefore(chainOf(times), 2_500)).toBe(2n);
  });

  it('given an instant after the head, then the head; before the first block, then none', async () => {
    expect(await blockAtOrBefore(chainOf(times), 99_000)).toBe(5n);
    expect(await blockAtOrBefore(chainOf(times), 999)).toBeUndefined();
  });

  it('given a million blocks, then about twenty reads, not a million', async () => {
    const many = chainOf(Array.from({ length: 1_000_000 }, (_, index) => index * 12_000));
    expect(await blockAtOrBefore(many, 6_000_006_000)).toBe(500_000n);
    expect(many.reads()).toBeLessThanOrEqual(22);
  });

  it("confirmations count the transaction's own block", () => {
    expect([
      confirmationsAt(10n, 10n),
      confirmationsAt(11n, 10n),
      confirmationsAt(9n, 10n),
    ]).toEqual([1, 2, 0]);
  });
});
