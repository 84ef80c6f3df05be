import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  isPowerOfTwo,
  leafHash,
  nodeHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// RFC 6962 / 9162 test data (certificate-transparency reference tests): eight leaves and the roots of their prefixes
const INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));
const leaves = INPUTS.map(leafHash);
const hex = (buffer: Buffer) => buffer.toString('hex');

describe('RFC 9162 Merkle tree', () => {
  it('given the reference leaves, then the reference roots', () => {
    expect(hex(EMPTY_ROOT)).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(treeRoot(leaves, 1))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(hex(treeRoot(leaves, 8))).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  const many = Array.from({ length: 13 }, (_, index) => leafHash(Buffer.from(`record ${index}`)));

  it("given every leaf of every tree size up to 13, then its inclusion proof verifies against that size's root", () => {
    for (let size = 1; size <= many.length; size += 1) {
      const root = treeRoot(many, size);
      for (let index = 0; index < size; index += 1)
        expect(
          verifyInclusion(
            many[index] as Buffer,
            index,
            size,
            inclusionProof(many, index, size),
            root,
          ),
        ).toBe(true);
    }
  });

  it('given an altered record, another position, a truncated or extended proof, or a forged step, then inclusion fails', () => {
    const root = treeRoot(many);
    const proof = inclusionProof(many, 5);
    const leaf = many[5] as Buffer;
    expect(verifyInclusion(leafHash(Buffer.from('record 5 altered')), 5, 13, proof, root)).toBe(
      false,
    );
    expect(verifyInclusion(leaf, 4, 13, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 13, proof.slice(0, -1), root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 13, [...proof, leaf], root)).toBe(false);
    expect(
      verifyInclusion(leaf, 5, 13, [leafHash(Buffer.from('forged')), ...proof.slice(1)], root),
    ).toBe(false);
    expect(verifyInclusion(leaf, 5, 12, proof, treeRoot(many, 12))).toBe(false); // a proof for one tree size against another's root
    expect(verifyInclusion(leaf, 13, 13, proof, root)).toBe(false); // out of range
  });

  it('given every pair of sizes m <= n up to 13, then the consistency proof verifies', () => {
    for (let second = 1; second <= many.length; second += 1) {
      for (let first = 1; first <= second; first += 1) {
        expect(
          verifyConsistency(
            first,
            second,
            treeRoot(many, first),
            treeRoot(many, second),
            consistencyProof(many, first, second),
          ),
        ).toBe(true);
      }
    }
  });

  it('given a later tree in which an earlier record was altered, deleted, reordered or inserted before it, then consistency with the earlier root fails', () => {
    const firstRoot = treeRoot(many, 6);
    const altered = [...many];
    altered[2] = leafHash(Buffer.from('record 2 altered'));
    const deleted = many.filter((_leaf, index) => index !== 2);
    const reordered = [many[0], many[2], many[1], ...many.slice(3)] as Buffer[];
    const inserted = [many[0], leafHash(Buffer.from('inserted')), ...many.slice(1)] as Buffer[];
    for (const later of [altered, deleted, reordered, inserted]) {
      expect(
        verifyConsistency(6, later.length, firstRoot, treeRoot(later), consistencyProof(later, 6)),
      ).toBe(false);
    }
    // and a truncated tree cannot pass as a later one
    expect(
      verifyConsistency(
        10,
        13,
        treeRoot(many, 10),
        treeRoot(many, 13),
        consistencyProof(many, 9, 13),
      ),
    ).toBe(false);
  });
});

/*
 * Known answers: the roots and proofs of the certificate-transparency reference tests (RFC 6962 test data, the
 * same eight leaves as above), recomputed by a short Python hashlib script written from RFC 9162 section 2.1
 * (leaf SHA-256(00 || d), node SHA-256(01 || l || r), split at the largest power of two below n) before being
 * written here; both agree.
 */
describe('RFC 9162 Merkle tree, pinned by known answers', () => {
  const ROOTS = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it('given the reference leaves, then the root of every prefix from 1 to 8 leaves is the reference one; no leaves, the empty root', () => {
    expect(ROOTS.map((_root, index) => hex(treeRoot(leaves, index + 1)))).toEqual(ROOTS);
    expect(treeRoot(leaves, 0)).toEqual(EMPTY_ROOT);
    expect(treeRoot([])).toEqual(EMPTY_ROOT);
  });

  it('given the reference leaves, then the inclusion proofs are the reference ones, and each verifies', () => {
    const cases: [number, number, string[]][] = [
      [
        0,
        8,
        [
          '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        5,
        8,
        [
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
      [0, 1, []],
    ];
    for (const [index, size, proof] of cases) {
      expect(inclusionProof(leaves, index, size).map(hex)).toEqual(proof);
      expect(
        verifyInclusion(
          leaves[index] as Buffer,
          index,
          size,
          proof.map((step) => Buffer.from(step, 'hex')),
          Buffer.from(ROOTS[size - 1] as string, 'hex'),
        ),
      ).toBe(true);
    }
  });

  it('given the reference leaves, then the consistency proofs are the reference ones, and each verifies', () => {
    const cases: [number, number, string[]][] = [
      [
        1,
        8,
        [
          '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
        ],
      ],
      [
        6,
        8,
        [
          '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
          'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
          'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        ],
      ],
      [
        2,
        5,
        [
          '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
          'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        ],
      ],
      [4, 8, ['6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [
        3,
        7,
        [
          '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
          '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
          'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
          '837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e',
        ],
      ],
    ];
    for (const [first, second, proof] of cases) {
      expect(consistencyProof(leaves, first, second).map(hex)).toEqual(proof);
      expect(
        verifyConsistency(
          first,
          second,
          Buffer.from(ROOTS[first - 1] as string, 'hex'),
          Buffer.from(ROOTS[second - 1] as string, 'hex'),
          proof.map((step) => Buffer.from(step, 'hex')),
        ),
      ).toBe(true);
    }
  });
});

describe('RFC 9162 Merkle tree: malformed requests and forged proofs', () => {
  const many = Array.from({ length: 13 }, (_, index) => leafHash(Buffer.from(`record ${index}`)));
  const [a, b] = many as [Buffer, Buffer];
  const two = nodeHash(a, b); // the root of the tree of a and b
  const rootOf = [EMPTY_ROOT, ...many.map((_leaf, index) => treeRoot(many, index + 1))]; // rootOf[size]

  it('given a tree, proof or consistency asked for leaves it does not have, then an assertion fails', () => {
    expect(() => treeRoot(leaves, 9)).toThrow(/assertion/);
    expect(() => treeRoot(leaves, -1)).toThrow(/assertion/);
    expect(() => inclusionProof(leaves, -1)).toThrow(/assertion/);
    expect(() => inclusionProof(leaves, 8)).toThrow(/assertion/);
    expect(() => inclusionProof(leaves, 3, 3)).toThrow(/assertion/);
    expect(() => inclusionProof(leaves, 0, 9)).toThrow(/assertion/);
    expect(() => consistencyProof(leaves, -1)).toThrow(/assertion/);
    expect(() => consistencyProof(leaves, 5, 4)).toThrow(/assertion/);
    expect(() => consistencyProof(leaves, 1, 9)).toThrow(/assertion/);
  });

  it('given the empty tree or the whole tree as the first one, then the consistency proof is empty', () => {
    expect(consistencyProof(leaves, 0)).toEqual([]);
    expect(consistencyProof(leaves, 8)).toEqual([]);
    expect(consistencyProof(leaves, 5, 5)).toEqual([]);
  });

  it('given an index or size that is negative, past the end or not a whole number, then inclusion fails though the hashes would chain', () => {
    // each of these walks, unchecked, would end at the root of a and b
    expect(verifyInclusion(a, 0, 2, [b], two)).toBe(true);
    expect(verifyInclusion(a, -1, 2, [b], two)).toBe(false);
    expect(verifyInclusion(a, 2, 2, [b], two)).toBe(false);
    expect(verifyInclusion(a, 0.5, 2, [b], two)).toBe(false);
    expect(verifyInclusion(a, Number.NaN, 2, [b], two)).toBe(false);
    expect(verifyInclusion(a, 0, 2.5, [b], two)).toBe(false);
  });

  it("given a proof shorter than the tree's height, or one step longer, then inclusion fails even against the root that walk would give", () => {
    expect(verifyInclusion(a, 0, 2, [], a)).toBe(false); // no step: the leaf is not the root of two leaves
    expect(verifyInclusion(a, 0, 1, [b], nodeHash(b, a))).toBe(false); // a step past the root of one leaf
  });

  it("given every leaf of every tree size up to 13, then its proof fails for a neighbouring index, against a neighbouring size's root, with any step changed, dropped or added", () => {
    const flip = (hash: Buffer) =>
      Buffer.from(hash.map((byte, at) => (at === 0 ? byte ^ 1 : byte)));
    for (let size = 1; size <= many.length; size += 1) {
      const root = rootOf[size] as Buffer;
      for (let index = 0; index < size; index += 1) {
        const leaf = many[index] as Buffer;
        const proof = inclusionProof(many, index, size);
        expect(verifyInclusion(flip(leaf), index, size, proof, root)).toBe(false);
        if (index > 0) expect(verifyInclusion(leaf, index - 1, size, proof, root)).toBe(false);
        if (index + 1 < size)
          expect(verifyInclusion(leaf, index + 1, size, proof, root)).toBe(false);
        if (size < many.length)
          expect(verifyInclusion(leaf, index, size + 1, proof, rootOf[size + 1] as Buffer)).toBe(
            false,
          );
        if (index < size - 1)
          expect(verifyInclusion(leaf, index, size - 1, proof, rootOf[size - 1] as Buffer)).toBe(
            false,
          );
        proof.forEach((_step, at) =>
          expect(
            verifyInclusion(
              leaf,
              index,
              size,
              proof.map((step, which) => (which === at ? flip(step) : step)),
              root,
            ),
          ).toBe(false),
        );
        if (proof.length > 0)
          expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, leaf], root)).toBe(false);
      }
    }
  });

  it('given the empty tree first, then consistency holds with an empty proof and fails with any step', () => {
    expect(verifyConsistency(0, 5, EMPTY_ROOT, treeRoot(many, 5), [])).toBe(true);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, treeRoot(many, 5), [a])).toBe(false);
  });

  it('given two trees of one size, then they are consistent only if their roots are equal and the proof is empty', () => {
    const root = treeRoot(many, 5);
    expect(verifyConsistency(5, 5, root, root, [])).toBe(true);
    expect(verifyConsistency(5, 5, root, treeRoot(many, 6), [])).toBe(false);
    expect(verifyConsistency(5, 5, root, root, [a])).toBe(false);
  });

  it('given sizes that are negative, out of order or not whole numbers, then consistency fails though the hashes would chain', () => {
    expect(verifyConsistency(-1, 1, a, a, [a])).toBe(false);
    expect(verifyConsistency(3, 2, a, two, [a, b])).toBe(false);
    expect(verifyConsistency(0.5, 1, a, a, [])).toBe(false);
    expect(verifyConsistency(2, 2.5, a, a, [])).toBe(false);
    expect(verifyConsistency(Number.NaN, 2, a, a, [])).toBe(false);
  });

  it('given a first tree that is not complete and no proof, then consistency fails', () => {
    expect(verifyConsistency(3, 5, treeRoot(many, 3), treeRoot(many, 5), [])).toBe(false);
  });

  it('given a consistency proof one step short or one step long, then it fails even against the roots that walk would give', () => {
    const [s, c1, c2, c3] = many.slice(4, 8) as [Buffer, Buffer, Buffer, Buffer];
    // from 3 to 4: the path starts at s; c1 joins the second tree only, c2 both; then both reach their roots
    expect(
      verifyConsistency(3, 4, nodeHash(c2, s), nodeHash(c2, nodeHash(s, c1)), [s, c1, c2]),
    ).toBe(true);
    expect(verifyConsistency(3, 4, s, nodeHash(s, c1), [s, c1])).toBe(false);
    expect(
      verifyConsistency(
        3,
        4,
        nodeHash(c3, nodeHash(c2, s)),
        nodeHash(c3, nodeHash(c2, nodeHash(s, c1))),
        [s, c1, c2, c3],
      ),
    ).toBe(false);
  });

  it('given every pair of sizes up to 13, then the proof fails for a neighbouring first size, against a neighbouring second tree, other roots, or any step changed, dropped or added', () => {
    const flip = (hash: Buffer) =>
      Buffer.from(hash.map((byte, at) => (at === 0 ? byte ^ 1 : byte)));
    for (let second = 2; second <= many.length; second += 1) {
      for (let first = 1; first < second; first += 1) {
        const firstRoot = rootOf[first] as Buffer;
        const secondRoot = rootOf[second] as Buffer;
        const proof = consistencyProof(many, first, second);
        expect(verifyConsistency(first, second, flip(firstRoot), secondRoot, proof)).toBe(false);
        expect(verifyConsistency(first, second, firstRoot, flip(secondRoot), proof)).toBe(false);
        if (first > 1)
          expect(verifyConsistency(first - 1, second, firstRoot, secondRoot, proof)).toBe(false);
        if (first + 1 < second)
          expect(verifyConsistency(first + 1, second, firstRoot, secondRoot, proof)).toBe(false);
        if (second < many.length)
          expect(
            verifyConsistency(first, second + 1, firstRoot, rootOf[second + 1] as Buffer, proof),
          ).toBe(false);
        if (first < second - 1)
          expect(
            verifyConsistency(first, second - 1, firstRoot, rootOf[second - 1] as Buffer, proof),
          ).toBe(false);
        proof.forEach((_step, at) =>
          expect(
            verifyConsistency(
              first,
              second,
              firstRoot,
              secondRoot,
              proof.map((step, which) => (which === at ? flip(step) : step)),
            ),
          ).toBe(false),
        );
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof.slice(0, -1))).toBe(
          false,
        );
        expect(verifyConsistency(first, second, firstRoot, secondRoot, [...proof, firstRoot])).toBe(
          false,
        );
      }
    }
  });
});

describe('RFC 9162 consistency beyond 2^31 records (HK-22)', () => {
  // Sizes only steer the verification, so a proof for trees of 3 * 2^31 and 2^33 records can be
  // built from three subtree roots: L = [0, 2^32), A = [2^32, 3 * 2^31), B = [3 * 2^31, 2^33).
  // RFC 9162 2.1.4.1 gives the proof [A, B, L]; the same shape at 6 and 8 leaves is checked
  // against consistencyProof first, so the construction is the RFC's and not this test's.
  const hashOf = (text: string) => leafHash(Buffer.from(text));

  it('given the proof shape at 6 and 8 leaves, then it is what consistencyProof builds', () => {
    const leaves = Array.from({ length: 8 }, (_, n) => hashOf(`record ${n}`));
    expect(consistencyProof(leaves, 6, 8)).toEqual([
      treeRoot(leaves.slice(4, 6)),
      treeRoot(leaves.slice(6, 8)),
      treeRoot(leaves.slice(0, 4)),
    ]);
  });

  it('HK-22 given a first tree of 3 * 2^31 records (not a power of two, though its low 32 bits say so), then a valid proof verifies and a forged one does not', () => {
    const [left, a, b] = [hashOf('L'), hashOf('A'), hashOf('B')];
    const first = 3 * 2 ** 31;
    const second = 2 ** 33;
    const firstRoot = nodeHash(left, a);
    const secondRoot = nodeHash(left, nodeHash(a, b));
    expect(verifyConsistency(first, second, firstRoot, secondRoot, [a, b, left])).toBe(true);
    expect(
      verifyConsistency(first, second, firstRoot, secondRoot, [a, hashOf('forged'), left]),
    ).toBe(false);
  });

  it('isPowerOfTwo is exact over safe integers', () => {
    expect([1, 2, 4, 2 ** 31, 2 ** 32, 2 ** 52, 2 ** 53].every(isPowerOfTwo)).toBe(true);
    expect(
      [0, 3, 6, 2 ** 31 - 1, 2 ** 31 + 1, 3 * 2 ** 31, 2 ** 32 + 2 ** 31, 2 ** 53 - 1].some(
        isPowerOfTwo,
      ),
    ).toBe(false);
  });
});
