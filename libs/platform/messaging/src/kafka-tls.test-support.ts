/**
 * Test support for Kafka over TLS: a throwaway PKI made with Debian's openssl, and a TLS front
 * for the Kafka test broker (librdkafka's mock cluster speaks plaintext only and cannot be told
 * to advertise another address). The front requires a client certificate signed by the test CA,
 * pipes each accepted connection to the mock broker, and rewrites the broker ports in Metadata
 * and FindCoordinator responses to its own, so kafkajs, which connects to the addresses the
 * metadata advertises, keeps talking TLS to the front and never reaches the plaintext port.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

const OPENSSL_TIMEOUT_MS = 20_000;
const METADATA_API_KEY = 3;
const FIND_COORDINATOR_API_KEY = 10;
/** Last non-flexible versions (kafkajs 2 uses no flexible version); a later one is refused loudly. */
const METADATA_VERSION_MAX = 8;
const FIND_COORDINATOR_VERSION_MAX = 2;
/** A frame larger than this is a bug in the test, not a message. */
const FRAME_BYTES_MAX = 64 * 1024 * 1024;

export interface TestPki {
  readonly directory: string;
  /** PEM files: the CA, the broker's certificate (127.0.0.1, localhost), a client's (CN given) and a stranger's. */
  readonly files: {
    caCert: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
    rogueCaCert: string;
    rogueClientCert: string;
    rogueClientKey: string;
  };
}

function openssl(directory: string, ...args: string[]): void {
  execFileSync('openssl', args, {
    cwd: directory,
    timeout: OPENSSL_TIMEOUT_MS,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function certificateAuthority(directory: string, name: string): void {
  openssl(
    directory,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  );
}

function signedCertificate(
  directory: string,
  name: string,
  ca: string,
  commonName: string,
  extensions: string,
): void {
  writeFileSync(join(directory, `${name}.ext`), `${extensions}\n`);
  openssl(
    directory,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${commonName}`,
  );
  openssl(
    directory,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
}

/** A CA, a broker certificate and a client certificate (CN `clientName`) under it, and a second CA with a client of its own. */
export function createTestPki(directory: string, clientName: string): TestPki {
  certificateAuthority(directory, 'ca');
  certificateAuthority(directory, 'rogue-ca');
  signedCertificate(
    directory,
    'server',
    'ca',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
  );
  signedCertificate(directory, 'client', 'ca', clientName, 'extendedKeyUsage=clientAuth');
  signedCertificate(
    directory,
    'rogue-client',
    'rogue-ca',
    clientName,
    'extendedKeyUsage=clientAuth',
  );
  const file = (name: string) => join(directory, name);
  return {
    directory,
    files: {
      caCert: file('ca.crt'),
      serverCert: file('server.crt'),
      serverKey: file('server.key'),
      clientCert: file('client.crt'),
      clientKey: file('client.key'),
      rogueCaCert: file('rogue-ca.crt'),
      rogueClientCert: file('rogue-client.crt'),
      rogueClientKey: file('rogue-client.key'),
    },
  };
}

export interface MutualTlsFront {
  /** host:port to give kafkajs as its broker. */
  readonly address: string;
  /** Common names of the client certificates accepted, one per connection. */
  readonly acceptedClients: string[];
  /** Handshakes refused (no certificate, unknown CA, ...), by the server's reason. */
  readonly refusedHandshakes: string[];
  /** Requests forwarded to the broker, by Kafka API key (0 Produce, 1 Fetch, 3 Metadata, ...). */
  readonly forwardedRequests: Map<number, number>;
  close(): Promise<void>;
}

/** Calls `onFrame` with each whole Kafka frame (4-byte size, then the frame) read from `socket`. */
function onFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (size < 0 || size > FRAME_BYTES_MAX)
        throw new Error(`assertion: Kafka frame of ${size} bytes`);
      if (buffered.length < 4 + size) return;
      onFrame(buffered.subarray(0, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  });
}

/** Skips a Kafka (nullable) string at `offset`; returns the offset after it. */
function afterString(frame: Buffer, offset: number): number {
  const length = frame.readInt16BE(offset);
  return offset + 2 + Math.max(0, length);
}

/** Rewrites, in place, each broker port of a Metadata or FindCoordinator response (same length: a port is an int32). */
function rewritePorts(
  frame: Buffer,
  apiKey: number,
  apiVersion: number,
  ports: ReadonlyMap<number, number>,
): void {
  const rewrite = (offset: number) => {
    const mapped = ports.get(frame.readInt32BE(offset));
    if (mapped === undefined)
      throw new Error(
        `assertion: the broker advertised port ${frame.readInt32BE(offset)}, which the front does not map`,
      );
    frame.writeInt32BE(mapped, offset);
  };
  let offset = 8; // size, correlation id
  if (apiKey === METADATA_API_KEY) {
    if (apiVersion > METADATA_VERSION_MAX)
      throw new Error(
        `assertion: Metadata v${apiVersion} is flexible; the front reads up to v${METADATA_VERSION_MAX}`,
      );
    if (apiVersion >= 3) offset += 4; // throttle_time_ms
    const brokers = frame.readInt32BE(offset);
    offset += 4;
    for (let index = 0; index < brokers; index += 1) {
      offset = afterString(frame, offset + 4); // node_id, host
      rewrite(offset);
      offset += 4;
      if (apiVersion >= 1) offset = afterString(frame, offset); // rack
    }
  } else if (apiKey === FIND_COORDINATOR_API_KEY) {
    if (apiVersion > FIND_COORDINATOR_VERSION_MAX)
      throw new Error(
        `assertion: FindCoordinator v${apiVersion} is flexible; the front reads up to v${FIND_COORDINATOR_VERSION_MAX}`,
      );
    if (apiVersion >= 1) offset += 4; // throttle_time_ms
    offset += 2; // error_code
    if (apiVersion >= 1) offset = afterString(frame, offset); // error_message
    offset = afterString(frame, offset + 4); // node_id, host
    rewrite(offset);
  }
}

/** A TLS front on 127.0.0.1 for a one-broker test cluster at `upstream` (host:port), requiring a client certificate of `pki`'s CA. */
export async function startMutualTlsFront(upstream: string, pki: TestPki): Promise<MutualTlsFront> {
  const [upstreamHost = '', upstreamPortText = ''] = upstream.split(':');
  const upstreamPort = Number(upstreamPortText);
  const ports = new Map<number, number>();
  const acceptedClients: string[] = [];
  const refusedHandshakes: string[] = [];
  const forwardedRequests = new Map<number, number>();
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      ca: readFileSync(pki.files.caCert),
      cert: readFileSync(pki.files.serverCert),
      key: readFileSync(pki.files.serverKey),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (client: TLSSocket) => {
      acceptedClients.push(String(client.getPeerCertificate().subject.CN));
      const broker = connect(upstreamPort, upstreamHost);
      sockets.add(client).add(broker);
      const requests = new Map<number, { apiKey: number; apiVersion: number }>();
      const close = () => {
        client.destroy();
        broker.destroy();
      };
      client.on('error', close).on('close', close);
      broker.on('error', close).on('close', close);
      onFrames(client, (frame) => {
        const apiKey = frame.readInt16BE(4);
        requests.set(frame.readInt32BE(8), { apiKey, apiVersion: frame.readInt16BE(6) });
        forwardedRequests.set(apiKey, (forwardedRequests.get(apiKey) ?? 0) + 1);
        broker.write(frame);
      });
      onFrames(broker, (frame) => {
        const correlationId = frame.readInt32BE(4);
        const request = requests.get(correlationId);
        requests.delete(correlationId);
        if (request !== undefined) rewritePorts(frame, request.apiKey, request.apiVersion, ports);
        client.write(frame);
      });
    },
  );
  server.on('tlsClientError', (error) => refusedHandshakes.push(error.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  ports.set(upstreamPort, port);
  return {
    address: `127.0.0.1:${port}`,
    acceptedClients,
    refusedHandshakes,
    forwardedRequests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
