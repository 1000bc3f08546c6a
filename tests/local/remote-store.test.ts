/**
 * `npm start` pointed at a DynamoDB endpoint that is not on this machine (DYNAMODB_ENDPOINT):
 * its client has the Lambda clients' timeouts and retries (lib/aws-clients.ts), so an endpoint
 * that accepts connections and never answers ends in a clear start-up error, not a server that
 * hangs for good. The endpoint is a real TCP server started here, on a non-loopback address of
 * this machine so that the remote path is the one taken.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '../../lib/aws-clients.ts';
import { endpointClient, isLoopback } from '../../local/embedded.ts';
import { type HungServer, nonLoopbackHost, startHungServer } from '../helpers/hung-server.ts';
import { repoRoot } from '../helpers/shared.ts';

/** What the remote client needs from the environment (no real account is called). */
const AWS_ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
/** Every attempt waits out its timeout; the SDK's backoff between them is well under a second. */
const FLOOR_MS = SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS.dynamo - 500;
/** Far from "hangs for good", with room for a loaded machine's late timers and a slow start. */
const CEILING_MS = FLOOR_MS + 15_000;

describe('which DynamoDB client npm start builds for DYNAMODB_ENDPOINT', () => {
  it('treats only this machine as local (DynamoDB Local, dynalite): its own credentials', () => {
    expect(isLoopback('http://localhost:8000')).toBe(true);
    expect(isLoopback('http://127.0.0.1:8000')).toBe(true);
    expect(isLoopback('http://[::1]:8000')).toBe(true);
    expect(isLoopback('https://dynamodb.eu-west-1.amazonaws.com')).toBe(false);
    // The host, not the start of the string: this one is somebody else's machine.
    expect(isLoopback('http://localhost.example.com:8000')).toBe(false);
    expect(isLoopback('not a url')).toBe(false);
  });
});

describe.concurrent('a remote DynamoDB endpoint that accepts connections and never answers', () => {
  let hung: HungServer;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    hung = await startHungServer(nonLoopbackHost());
    expect(isLoopback(hung.endpoint)).toBe(false);
    for (const [k, v] of Object.entries(AWS_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await hung?.close();
  });

  it('fails a call with TimeoutError after the Lambda clients’ three attempts of 5 s', async () => {
    const connectionsBefore = hung.connections();
    const client = endpointClient(hung.endpoint);
    const t0 = performance.now();
    const error = (await client.send(new DescribeTableCommand({ TableName: 't' })).catch((e) => e)) as {
      name: string;
      $metadata?: { attempts?: number };
    };
    const ms = performance.now() - t0;
    client.destroy();
    expect(error.name).toBe('TimeoutError');
    expect(error.$metadata?.attempts).toBe(SDK_MAX_ATTEMPTS);
    // Each attempt reached the server (the other test's attempts may be counted too).
    expect(hung.connections() - connectionsBefore).toBeGreaterThanOrEqual(SDK_MAX_ATTEMPTS);
    expect(ms).toBeGreaterThanOrEqual(FLOOR_MS);
    expect(ms).toBeLessThan(CEILING_MS);
  }, 60_000);

  it('npm start exits with a start-up error naming the endpoint and what to check', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kk-remote-'));
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'local', 'server.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...AWS_ENV,
        PORT: '0',
        DATA_DIR: dataDir,
        DYNAMODB_ENDPOINT: hung.endpoint,
        SAMPLES: 'none',
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const ms = performance.now() - t0;
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(
      `kikigaki: cannot start: the DynamoDB endpoint did not answer after ${SDK_MAX_ATTEMPTS} attempts (${hung.endpoint})`,
    );
    expect(stderr).toContain('what to do: check DYNAMODB_ENDPOINT');
    expect(stderr).not.toContain('    at ');
    expect(ms).toBeGreaterThanOrEqual(FLOOR_MS);
    // Start-up (tsx, the reading dictionary) comes on top of the attempts.
    expect(ms).toBeLessThan(CEILING_MS + 20_000);
  }, 90_000);
});
