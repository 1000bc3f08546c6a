/** Real event shapes: API Gateway HTTP API (v2), REST API (v1), DynamoDB Streams records. */
import type { DynamoDBRecord } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';

// The event types hono's handle() accepts (structurally the same as API Gateway's).
type APIGatewayProxyEventV2 = Extract<LambdaEvent, { version: '2.0'; rawPath: string }>;
type APIGatewayProxyEvent = Extract<LambdaEvent, { httpMethod: string; resource: string }>;

interface Req {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

function encodeBody(r: Req): string | null {
  if (r.body === undefined) return null;
  return r.base64 ? Buffer.from(r.body, 'utf8').toString('base64') : r.body;
}

/** An HTTP API (payload format 2.0) event. */
export function httpApiEvent(r: Req): APIGatewayProxyEventV2 {
  const qs = new URLSearchParams(r.query ?? {}).toString();
  const headers = {
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'curl/8.5.0',
    ...(r.headers ?? {}),
  };
  return {
    version: '2.0',
    routeKey: `${r.method} /{proxy+}`,
    rawPath: r.path,
    rawQueryString: qs,
    cookies: [],
    headers,
    queryStringParameters: r.query,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: headers.host,
      domainPrefix: 'abc123',
      http: {
        method: r.method,
        path: r.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: `${r.method} /{proxy+}`,
      stage: '$default',
      time: '27/Nov/2026:03:00:00 +0000',
      timeEpoch: 1795748400000,
    },
    pathParameters: { proxy: r.path.slice(1) },
    body: encodeBody(r),
    isBase64Encoded: r.base64 ?? false,
  } as APIGatewayProxyEventV2;
}

/** A REST API (payload format 1.0) event. */
export function restApiEvent(r: Req): APIGatewayProxyEvent {
  const headers = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'curl/8.5.0',
    ...(r.headers ?? {}),
  };
  return {
    version: '1.0',
    resource: '/{proxy+}',
    path: r.path,
    httpMethod: r.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: r.query ?? {},
    multiValueQueryStringParameters: r.query
      ? Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: { proxy: r.path.slice(1) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      extendedRequestId: 'ext-1',
      requestTime: '27/Nov/2026:03:00:00 +0000',
      authorizer: {},
      protocol: 'HTTP/1.1',
      httpMethod: r.method,
      identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' } as never,
      path: `/prod${r.path}`,
      stage: 'prod',
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      requestTimeEpoch: 1795748400000,
      resourceId: 'res1',
      resourcePath: '/{proxy+}',
    },
    body: encodeBody(r),
    isBase64Encoded: r.base64 ?? false,
  } as APIGatewayProxyEvent;
}

let seq = 1000;

/** A DynamoDB Streams record (NEW_AND_OLD_IMAGES) for a key. */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: Record<string, string> | null,
): DynamoDBRecord {
  seq++;
  return {
    eventID: `evt-${seq}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/kikigaki/stream/2026-11-27T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1795748400,
      ...(keys ? { Keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, { S: v }])) } : {}),
      SequenceNumber: String(seq).padStart(21, '0'),
      SizeBytes: 120,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
