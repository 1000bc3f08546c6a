/** Indexer Lambda: DynamoDB Streams batches → search index snapshot, with partial batch failures. */
import { streamHandlerFromEnv } from '../lib/lambda.ts';

export const handler = streamHandlerFromEnv();
