/**
 * Timeouts and retries of every AWS SDK client kikigaki builds (the Lambda functions' clients in
 * lib/lambda.ts and lib/forwarder-lambda.ts, and `npm start`'s client of a remote DynamoDB
 * endpoint in local/embedded.ts), written once. Without them the SDK waits for a hung connection
 * forever: a Lambda call until its own timeout, `npm start` for good. This module imports no SDK
 * client, so a bundle that uses one client does not pull in the others.
 */

/** Attempts per call (the first and two retries, the SDK's standard backoff between them). */
export const SDK_MAX_ATTEMPTS = 3;

/** Milliseconds to establish a connection (TCP and TLS) before the attempt fails. */
export const CONNECTION_TIMEOUT_MS = 1000;

/**
 * Milliseconds an attempt may wait for the response to start, and then for each next piece of
 * it (the socket's idle limit), by service: a hung connection must fail well inside the API's
 * 29 s, leaving time for the retries; S3 reads of a large snapshot get longer. A snapshot's body
 * may take longer than this to arrive as a whole, as long as it keeps arriving.
 */
export const REQUEST_TIMEOUT_MS = { dynamo: 5000, s3: 15_000, secrets: 3000, sqs: 5000 } as const;

/** A service kikigaki calls. */
export type AwsService = keyof typeof REQUEST_TIMEOUT_MS;

/** The retry and timeout settings of a client of `service`, to spread into its constructor's config. */
export function clientSettings(service: AwsService): {
  maxAttempts: number;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    throwOnRequestTimeout: true;
    socketTimeout: number;
  };
} {
  const ms = REQUEST_TIMEOUT_MS[service];
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      // Since @smithy/node-http-handler 4.x an exceeded `requestTimeout` only logs a warning
      // ("…exceeded the configured 5000 ms requestTimeout") and the call keeps waiting, for ever
      // on a server that accepted the connection and never answers: it fails the attempt only
      // with `throwOnRequestTimeout`. The timer stops when the response starts; `socketTimeout`
      // then fails a response that stops arriving.
      requestTimeout: ms,
      throwOnRequestTimeout: true,
      socketTimeout: ms,
    },
  };
}
