/** Real DynamoDB-protocol servers for tests: embedded dynalite per file, DynamoDB Local per run. */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { type Embedded, localClient, startEmbeddedDynamo } from '../../local/embedded.ts';
import { createLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { enforceContract } from './contract.ts';
import { read, samplesDir } from './shared.ts';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A fresh table name, so tests never see each other's data. */
export function tableName(prefix = 't'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Starts an in-memory dynalite server for one test file. */
export async function embedded(): Promise<Embedded & { client: DynamoDBClient }> {
  const e = await startEmbeddedDynamo();
  return { ...e, client: localClient(e.endpoint) };
}

/** Endpoint of the DynamoDB Local started by the global setup, or null (with the reason printed there). */
export function dynamoLocalEndpoint(): string | null {
  return inject('dynamoLocalEndpoint') ?? null;
}

/**
 * A runtime (store, indexer, app) on a fresh table. Its app checks every response against the
 * OpenAPI document (./contract.ts): an undeclared route, status or field fails the test.
 */
export async function runtime(
  client: DynamoDBClient,
  extra: Partial<Parameters<typeof createLocalRuntime>[0]> = {},
): Promise<LocalRuntime> {
  const rt = await createLocalRuntime({
    client,
    tableName: tableName(),
    token: TOKEN,
    logger: () => {},
    publishDelayMs: 10,
    ...extra,
  });
  enforceContract(rt.app);
  return rt;
}

/**
 * An embedded store and a runtime with the kenji sample ingested as `kenji` (201 checked): the
 * starting point of the editor tests that need one small real interview.
 */
export async function runtimeWithKenji(): Promise<{
  db: Awaited<ReturnType<typeof embedded>>;
  rt: LocalRuntime;
}> {
  const db = await embedded();
  const rt = await runtime(db.client);
  const res = await rt.app.request('/interviews?id=kenji', {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/plain' },
    body: read(`${samplesDir}/03-blog-kenji.txt`),
  });
  if (res.status !== 201) throw new Error(`ingesting the kenji sample answered ${res.status}`);
  return { db, rt };
}

/** Waits for the runtime's last publish, then stops the store. */
export async function closeRuntime(db: { close(): Promise<void> }, rt: LocalRuntime): Promise<void> {
  await rt.flush();
  await db.close();
}
