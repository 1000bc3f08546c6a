/** Streams forwarder Lambda: each DynamoDB Streams batch → one message on the FIFO indexing queue. */
import { forwarderFromEnv } from '../lib/forwarder-lambda.ts';

export const handler = forwarderFromEnv();
