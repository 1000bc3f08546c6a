/**
 * Wiring of the Streams forwarder on Lambda, apart from lib/lambda.ts so that its bundle holds
 * only the stream-to-queue code (lib/index-queue.ts), the SQS client and Powertools.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { clientSettings } from './aws-clients.ts';
import { readLambdaConfigFor, readTelemetryConfig } from './config.ts';
import { indexQueueSender, streamForwarder } from './index-queue.ts';
import { instrument, lambdaTelemetry } from './telemetry.ts';

/** The Streams forwarder, from the environment (cold start). */
export function forwarderFromEnv(env: Record<string, string | undefined> = process.env) {
  const config = readLambdaConfigFor('forwarder', env);
  const t = lambdaTelemetry(readTelemetryConfig('forwarder', env));
  const sqs = t.tracer.captureAWSv3Client(new SQSClient(clientSettings('sqs')));
  const handler = streamForwarder({
    logger: t.log,
    // A retried batch within 5 minutes is sent once (content-based deduplication).
    send: indexQueueSender(sqs, config.indexQueueUrl),
  });
  return instrument(t, (event: DynamoDBStreamEvent) => handler(event));
}
