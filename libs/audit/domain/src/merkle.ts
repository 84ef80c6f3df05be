import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2), section 2.1: the hash of a leaf is
 * SHA-256(0x00 || leaf), of an inner node SHA-256(0x01 || left || right); a tree of n leaves
 * splits at the largest power of two below n. Inclusion proofs show one record is in a tree of a
 * given size and root; consistency proofs show a tree of size m is a prefix of one of size n (no
 * record changed, removed or reordered since). Pure: hashes as 32-byte Buffers.
 */
export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leaf: Buffer): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of an empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** n is 2^k for some k >= 0 (exact for every safe integer; `n & (n - 1)` is not beyond 2^31). */
export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** MTH over leaf hashes [from, to). */
function subtreeRoot(leaves: readonly Hash[], from: number, to: number): Hash {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from] as Hash;
  const k = split(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/** The root of the tree over the first `size` leaf hashes. */
export function treeRoot(leaves: readonly Hash[], size = leaves.length): Hash {
  if (size > leaves.length || size < 0)
    throw new Error(`assertion: a tree of ${size} leaves from ${leaves.length}`);
  return subtreeRoot(leaves, 0, size);
}

/** RFC 9162 2.1.3.1: the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(
  leaves: readonly Hash[],
  index: number,
  size = leaves.length,
): Hash[] {
  if (index < 0 || index >= size || size > leaves.length)
    throw new Error(`assertion: leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, from: number, to: number): Hash[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...path(m, from, from + k), subtreeRoot(leaves, from + k, to)]
      : [...path(m - k, from + k, to), subtreeRoot(leaves, from, from + k)];
  };
  return path(index, 0, size);
}

/** RFC 9162 2.1.3.2: does this path prove the leaf hash at `index` in the tree of `size` with this root? */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  // the walk ends after at most log2(size) steps: sn halves at each one, and a step at sn = 0 fails the proof
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // right-shift until LSB(fn) is set: an even fn here equals sn, which is not 0, so it has a set bit (the RFC's "or fn is 0" cannot happen)
      while (fn % 2 === 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.1: the proof that the tree of the first `first` leaves is a prefix of the tree of `second`. */
export function consistencyProof(
  leaves: readonly Hash[],
  first: number,
  second = leaves.length,
): Hash[] {
  if (first < 0 || first > second || second > leaves.length)
    throw new Error(`assertion: no consistency from ${first} to ${second}`);
  if (first === 0) return []; // (first = second: the subproof of a complete tree is empty too)
  const subproof = (m: number, from: number, to: number, complete: boolean): Hash[] => {
    const n = to - from;
    if (m === n) return complete ? [] : [subtreeRoot(leaves, from, to)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, from, from + k, complete), subtreeRoot(leaves, from + k, to)]
      : [...subproof(m - k, from + k, to, false), subtreeRoot(leaves, from, from + k)];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 2.1.4.2: does this proof show the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0; // the empty tree is a prefix of every tree
  const path = [...proof];
  // a first tree that is a complete subtree: its root is where the path starts
  if (isPowerOfTwo(first)) path.unshift(firstRoot);
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const [start, ...rest] = path;
  // Stryker disable next-line ConditionalExpression: the path is empty only when first is not a power of two, and then sn >= 2 after the shift above, so the last line fails the proof anyway; the guard gives start its type
  if (start === undefined) return false;
  let fr = start;
  let sr = start;
  // as in verifyInclusion: at most log2(second) steps, whatever the proof's length
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // right-shift until LSB(fn) is set: an even fn here equals sn, which is not 0, so it has a set bit (the RFC's "or fn is 0" cannot happen)
      while (fn % 2 === 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
