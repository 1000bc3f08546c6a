/** Real DynamoDB-protocol servers for tests: embedded dynalite per file, DynamoDB Local per run. */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { type Embedded, localClient, startEmbeddedDynamo } from '../../local/embedded.ts';
import { createLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { enforceContract } from './contract.ts';

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
