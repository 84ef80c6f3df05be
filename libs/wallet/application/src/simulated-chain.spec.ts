import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { hexToBigInt, parseEther, type Hex } from 'viem';
import type { EvmSignature } from './key-vault';
import { SIMULATED_GAS_PRICE, SimulatedChain } from './simulated-chain';

const TOKEN = '0x00000000000000000000000000000000000000c0';
const newChain = () =>
  new SimulatedChain({
    chain: 'ethereum',
    chainId: 31_337,
    nativeAsset: 'ETH',
    tokens: { USDT: TOKEN },
  });
/** A key made for this run only (never a key in code), signing as the HSM would: a digest in, r, s and the parity out. */
function signer() {
  const account = privateKeyToAccount(generatePrivateKey());
  return {
    address: account.address,
    sign: async (digest: Hex): Promise<EvmSignature> => {
      const signature = await account.sign({ hash: digest });
      const r = `0x${signature.slice(2, 66)}` as Hex;
      const s = `0x${signature.slice(66, 130)}` as Hex;
      return { r, s, yParity: hexToBigInt(`0x${signature.slice(130, 132)}`) === 28n ? 1 : 0 };
    },
  };
}

describe('simulated chain (deterministic, behind the chain adapter port)', () => {
  it('given transfers in, then each is seen once in its block, and balances are as of any height', async () => {
    const chain = newChain();
    const wallet = signer();
    chain.transfer(null, wallet.address, 'ETH', parseEther('2'));
    chain.mine(2);
    chain.transfer(null, wallet.address, 'USDT', 500n);
    expect(await chain.head()).toBe(4n);
    const seen = await chain.transfersTo([wallet.address.toLowerCase()], 0n, 4n);
    expect(
      seen.map((transfer) => [
        transfer.asset,
        transfer.amountMinor,
        transfer.blockNumber,
        transfer.logIndex,
      ]),
    ).toEqual([
      ['ETH', parseEther('2'), 1n, null],
      ['USDT', 500n, 4n, 0],
    ]);
    expect(await chain.transfersTo([wallet.address], 2n, 3n)).toEqual([]);
    expect(await chain.balanceAt(wallet.address, 'USDT', 3n)).toBe(0n);
    expect(await chain.balanceAt(wallet.address, 'USDT', 4n)).toBe(500n);
  });

  it("given a prepared transfer signed by the wallet's key, then it is mined: value and fee leave the signer, the outcome names the fee", async () => {
    const chain = newChain();
    const wallet = signer();
    const client = signer();
    chain.transfer(null, wallet.address, 'ETH', parseEther('2'));
    const prepared = await chain.prepareTransfer(
      wallet.address,
      'ETH',
      parseEther('0.5'),
      client.address,
    );
    const { signedTransaction, transactionHash } = chain.assembleSigned(
      prepared.unsignedTransaction,
      await wallet.sign(prepared.payloadHash),
    );
    expect(await chain.broadcast(signedTransaction)).toBe(transactionHash);
    expect(await chain.broadcast(signedTransaction)).toBe(transactionHash); // a re-broadcast changes nothing
    const outcome = await chain.outcome(transactionHash);
    expect(outcome).toEqual({
      status: 'success',
      blockNumber: 2n,
      feeMinor: 21_000n * SIMULATED_GAS_PRICE,
    });
    const head = await chain.head();
    expect(await chain.balanceAt(client.address, 'ETH', head)).toBe(parseEther('0.5'));
    expect(await chain.balanceAt(wallet.address, 'ETH', head)).toBe(
      parseEther('1.5') - 21_000n * SIMULATED_GAS_PRICE,
    );
    expect(await chain.nextNonce(wallet.address)).toBe(1);
    expect(await chain.nonceAt(wallet.address, 1n)).toBe(0); // before its block
    expect(await chain.nonceAt(wallet.address, 2n)).toBe(1);
  });

  it('given a token transfer, then the token moves and the fee is paid in the native coin', async () => {
    const chain = newChain();
    const wallet = signer();
    const client = signer();
    chain.transfer(null, wallet.address, 'ETH', parseEther('1'));
    chain.transfer(null, wallet.address, 'USDT', 1_000n);
    const prepared = await chain.prepareTransfer(wallet.address, 'USDT', 400n, client.address);
    const { signedTransaction } = chain.assembleSigned(
      prepared.unsignedTransaction,
      await wallet.sign(prepared.payloadHash),
    );
    await chain.broadcast(signedTransaction);
    const head = await chain.head();
    expect(await chain.balanceAt(client.address, 'USDT', head)).toBe(400n);
    expect(await chain.balanceAt(wallet.address, 'USDT', head)).toBe(600n);
    expect(await chain.balanceAt(wallet.address, 'ETH', head)).toBe(
      parseEther('1') - 42_000n * SIMULATED_GAS_PRICE,
    );
  });

  it('given a wrong nonce, a signature by another key for an empty account, or too little to pay, then the node refuses it with a code and nothing changes', async () => {
    const chain = newChain();
    const wallet = signer();
    const stranger = signer();
    chain.transfer(null, wallet.address, 'ETH', parseEther('1'));
    const ahead = await chain.prepareTransfer(wallet.address, 'ETH', 1n, stranger.address, 5);
    await expect(
      chain.broadcast(
        chain.assembleSigned(ahead.unsignedTransaction, await wallet.sign(ahead.payloadHash))
          .signedTransaction,
      ),
    ).rejects.toMatchObject({ code: 'NONCE_MISMATCH' });
    const prepared = await chain.prepareTransfer(wallet.address, 'ETH', 1n, stranger.address);
    // signed by a key that is not the wallet's: the signer is the stranger, who has nothing
    await expect(
      chain.broadcast(
        chain.assembleSigned(
          prepared.unsignedTransaction,
          await stranger.sign(prepared.payloadHash),
        ).signedTransaction,
      ),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const tooMuch = await chain.prepareTransfer(
      wallet.address,
      'ETH',
      parseEther('1'),
      stranger.address,
    );
    await expect(
      chain.broadcast(
        chain.assembleSigned(tooMuch.unsignedTransaction, await wallet.sign(tooMuch.payloadHash))
          .signedTransaction,
      ),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await chain.head()).toBe(1n);
    expect(await chain.nextNonce(wallet.address)).toBe(0);
  });
});
