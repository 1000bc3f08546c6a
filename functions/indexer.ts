/** Indexer Lambda: batches from the FIFO indexing queue → one search snapshot each, with partial batch failures. */
import { queueIndexerFromEnv } from '../lib/indexer-lambda.ts';

export const handler = queueIndexerFromEnv();
