/** API Lambda: the Hono app behind API Gateway (HTTP API v2 and REST v1 events), instrumented. */
import { apiHandlerFromEnv } from '../lib/lambda.ts';

export const handler = apiHandlerFromEnv();
