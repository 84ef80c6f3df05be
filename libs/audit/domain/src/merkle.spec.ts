import { consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, treeRoot, verifyConsistency, verifyInclusion } from './merkle';

// RFC 6962 / 9162 test data (certificate-transparency reference tests): eight leaves and the roots of their prefixes
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const leaves = INPUTS.map(leafHash);
const hex = (buffer: Buffer) => buffer.toString('hex');

describe('RFC 9162 Merkle tree', () => {
  it('given the reference leaves, then the reference roots', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(treeRoot(leaves, 1))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(treeRoot(leaves, 8))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  const many = Array.from({ length: 13 }, (_, index) => leafHash(Buffer.from(`record ${index}`)));

  it('given every leaf of every tree size up to 13, then its inclusion proof verifies against that size\'s root', () => {
    for (let size = 1; size <= many.length; size += 1) {
      const root = treeRoot(many, size);
      for (let index = 0; index < size; index += 1) expect(verifyInclusion(many[index] as Buffer, index, size, inclusionProof(many, index, size), root)).toBe(true);
    }
  });

  it('given an altered record, another position, a truncated or extended proof, or a forged step, then inclusion fails', () => {
    const root = treeRoot(many);
    const proof = inclusionProof(many, 5);
    const leaf = many[5] as Buffer;
    expect(verifyInclusion(leafHash(Buffer.from('record 5 altered')), 5, 13, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 4, 13, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 13, proof.slice(0, -1), root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 13, [...proof, leaf], root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 13, [leafHash(Buffer.from('forged')), ...proof.slice(1)], root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 12, proof, treeRoot(many, 12))).toBe(false); // a proof for one tree size against another's root
    expect(verifyInclusion(leaf, 13, 13, proof, root)).toBe(false); // out of range
  });

  it('given every pair of sizes m <= n up to 13, then the consistency proof verifies', () => {
    for (let second = 1; second <= many.length; second += 1) {
      for (let first = 1; first <= second; first += 1) {
        expect(verifyConsistency(first, second, treeRoot(many, first), treeRoot(many, second), consistencyProof(many, first, second))).toBe(true);
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
      expect(verifyConsistency(6, later.length, firstRoot, treeRoot(later), consistencyProof(later, 6))).toBe(false);
    }
    // and a truncated tree cannot pass as a later one
    expect(verifyConsistency(10, 13, treeRoot(many, 10), treeRoot(many, 13), consistencyProof(many, 9, 13))).toBe(false);
  });
});
