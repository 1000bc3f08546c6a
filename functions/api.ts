/** API Lambda: the Hono app behind API Gateway (HTTP API v2 and REST v1 events). */
import { handle } from 'hono/aws-lambda';
import { lambdaApiFromEnv } from '../lib/lambda.ts';

export const handler = handle(lambdaApiFromEnv());
