/**
 * The Lambda functions' AWS clients (lib/lambda.ts awsClients, settings from lib/aws-clients.ts)
 * against an endpoint that accepts connections and never answers: every call ends with a
 * TimeoutError after its attempts, within a bound, instead of waiting until the function's own
 * timeout. The clients are the ones the functions build; the SDK's service-specific endpoint
 * variables (AWS_ENDPOINT_URL_<SERVICE>) point them at a real TCP server started here.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsService, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '../../lib/aws-clients.ts';
import { awsClients } from '../../lib/lambda.ts';
import { type HungServer, startHungServer } from '../helpers/hung-server.ts';

let hung: HungServer;
const saved: Record<string, string | undefined> = {};
const setEnv = (k: string, v: string) => {
  if (!(k in saved)) saved[k] = process.env[k];
  process.env[k] = v;
};

beforeAll(async () => {
  hung = await startHungServer();
  setEnv('AWS_REGION', 'eu-west-1');
  setEnv('AWS_ACCESS_KEY_ID', 'test');
  setEnv('AWS_SECRET_ACCESS_KEY', 'test');
  for (const service of ['DYNAMODB', 'SQS', 'SECRETS_MANAGER'])
    setEnv(`AWS_ENDPOINT_URL_${service}`, hung.endpoint);
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await hung?.close();
});

/** Runs `call`, expecting it to fail after every attempt timed out; returns how long it took. */
async function timedOut(service: AwsService, call: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  const error = (await call().then(
    () => new Error('answered'),
    (e: unknown) => e,
  )) as { name?: string; $metadata?: { attempts?: number } };
  const ms = performance.now() - t0;
  expect(error.name, service).toBe('TimeoutError');
  expect(error.$metadata?.attempts, service).toBe(SDK_MAX_ATTEMPTS);
  const floor = SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS[service] - 500;
  expect(ms, service).toBeGreaterThanOrEqual(floor);
  expect(ms, service).toBeLessThan(floor + 15_000);
}

describe('the Lambda clients against an endpoint that never answers', () => {
  // S3 shares the settings with a 15 s request timeout (45 s in all): left out for the suite's time.
  it('DynamoDB, SQS and Secrets Manager calls fail with TimeoutError after three attempts each', async () => {
    const clients = awsClients();
    try {
      await Promise.all([
        timedOut('dynamo', () => clients.dynamo.send(new DescribeTableCommand({ TableName: 't' }))),
        timedOut('sqs', () =>
          clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${hung.endpoint}/000000000000/q` })),
        ),
        timedOut('secrets', () => clients.secrets.send(new GetSecretValueCommand({ SecretId: 's' }))),
      ]);
      expect(hung.connections()).toBeGreaterThanOrEqual(3 * SDK_MAX_ATTEMPTS);
    } finally {
      for (const c of Object.values(clients)) c.destroy();
    }
  }, 60_000);
});
