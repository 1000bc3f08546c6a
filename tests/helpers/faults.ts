/**
 * Fault injection on the real AWS SDK client (not a mock of the store): middleware that fails,
 * throttles or partially processes chosen commands before they reach the DynamoDB server.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoJsonTransport } from '../../lib/store/direct.ts';

const WRITES = new Set(['PutItemCommand', 'BatchWriteItemCommand', 'DeleteItemCommand', 'UpdateItemCommand']);

/** Fails the n-th write command (1-based) with an error; returns a handle to count and disarm. */
export function failNthWrite(
  client: DynamoDBClient,
  n: number,
): { writes: () => number; disarm: () => void } {
  let count = 0;
  let armed = true;
  const name = `fail-write-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && WRITES.has(String(context.commandName))) {
        count++;
        if (count === n)
          throw Object.assign(new Error(`injected failure at write ${n}`), { name: 'InjectedFault' });
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    writes: () => count,
    disarm: () => {
      armed = false;
      client.middlewareStack.remove(name);
    },
  };
}

/** Makes every command fail as DynamoDB does when throttling persists past the SDK's retries. */
export function throttleAll(client: DynamoDBClient): () => void {
  const name = `throttle-${Math.random()}`;
  client.middlewareStack.add(
    () => async () => {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
      });
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

/**
 * BatchWriteItem processes only the first `keep` requests of each call and reports the rest as
 * UnprocessedItems, as DynamoDB does under load, for the first `times` calls.
 */
export function partialBatchWrites(
  client: DynamoDBClient,
  keep: number,
  times: number,
): { calls: () => number; remove: () => void } {
  let calls = 0;
  const name = `partial-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand' || calls >= times) return next(args);
      calls++;
      const input = args.input as { RequestItems: Record<string, unknown[]> };
      const [table, requests] = Object.entries(input.RequestItems)[0] as [string, unknown[]];
      const kept = requests.slice(0, keep);
      const rest = requests.slice(keep);
      const result =
        kept.length > 0
          ? await next({ ...args, input: { ...input, RequestItems: { [table]: kept } } })
          : { output: { $metadata: {} }, response: {} };
      const output = result.output as { UnprocessedItems?: Record<string, unknown[]> };
      if (rest.length > 0) output.UnprocessedItems = { [table]: rest };
      return result;
    },
    { step: 'initialize', name },
  );
  return { calls: () => calls, remove: () => client.middlewareStack.remove(name) };
}

/**
 * The same faults on the embedded store's direct transport (lib/store/direct.ts), which has no
 * middleware: answers as DynamoDB gives them, on the wire.
 */
export const transportFaults = {
  /** Every request answered as DynamoDB answers throttling that persists. */
  throttleAll(): DynamoJsonTransport {
    return async () => ({
      status: 400,
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message: 'Rate of requests exceeds the allowed throughput.',
      }),
    });
  },

  /** As {@link partialBatchWrites}: the first `times` BatchWriteItem calls process `keep` requests. */
  partialBatchWrites(
    transport: DynamoJsonTransport,
    keep: number,
    times: number,
  ): { transport: DynamoJsonTransport; calls: () => number } {
    let calls = 0;
    const wrapped: DynamoJsonTransport = async (operation, body) => {
      if (operation !== 'BatchWriteItem' || calls >= times) return transport(operation, body);
      calls++;
      const input = JSON.parse(body) as { RequestItems: Record<string, unknown[]> };
      const [table, requests] = Object.entries(input.RequestItems)[0] as [string, unknown[]];
      const kept = requests.slice(0, keep);
      const rest = requests.slice(keep);
      const reply =
        kept.length > 0
          ? await transport(operation, JSON.stringify({ ...input, RequestItems: { [table]: kept } }))
          : { status: 200, body: '{}' };
      if (reply.status !== 200 || rest.length === 0) return reply;
      const output = JSON.parse(reply.body) as { UnprocessedItems?: Record<string, unknown[]> };
      output.UnprocessedItems = { [table]: rest };
      return { status: 200, body: JSON.stringify(output) };
    };
    return { transport: wrapped, calls: () => calls };
  },
};

/**
 * Makes every command wait `ms` before it is sent, as a distant or throttled table would, and
 * calls `seen` with each command's name and input as it leaves (the moment a job's record is
 * saved, say). Returns what removes it.
 */
export function slowCommands(
  client: DynamoDBClient,
  ms: () => number,
  seen: (command: string, input: Record<string, unknown>) => void = () => {},
): () => void {
  const name = `slow-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const wait = ms();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      seen(String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}
