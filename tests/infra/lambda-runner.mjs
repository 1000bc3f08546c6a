/**
 * One Lambda "container" for the artifact test: a plain Node process whose environment is exactly
 * what the parent gives it (the template's variables plus what the Lambda runtime sets), which
 * imports one bundled handler as the Node.js runtime does (`<file>.<export>` under the task root)
 * and then serves invocations sent over IPC, one at a time. An import failure is reported as the
 * runtime reports an init error, and the process exits.
 *
 * argv: <task root> <handler, e.g. index.handler>
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskRoot, handlerSpec] = process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const base = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

function send(message) {
  return new Promise((resolve) => process.send(message, resolve));
}

let handler;
try {
  // The runtime tries these extensions in this order.
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(taskRoot, base + ext)).find((f) => existsSync(f));
  if (!file) throw new Error(`Runtime.ImportModuleError: no ${base}.mjs/.js/.cjs in ${taskRoot}`);
  const mod = await import(pathToFileURL(file).href);
  handler = mod[exportName];
  if (typeof handler !== 'function')
    throw new Error(`Runtime.HandlerNotFound: ${handlerSpec} is not a function in ${file}`);
  await send({ type: 'ready' });
} catch (e) {
  await send({ type: 'init-error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
}

let queue = Promise.resolve();
process.on('message', (m) => {
  queue = queue.then(async () => {
    const env = process.env;
    // Set per invocation by the runtime (X-Ray trace header).
    env._X_AMZN_TRACE_ID = m.traceId;
    const deadline = Date.now() + m.timeoutMs;
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: `arn:aws:lambda:${env.AWS_REGION}:123456789012:function:${env.AWS_LAMBDA_FUNCTION_NAME}`,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: m.requestId,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {},
      fail() {},
      succeed() {},
    };
    try {
      const result = await handler(m.event, context);
      await send({ type: 'result', id: m.id, result: result === undefined ? null : result });
    } catch (e) {
      await send({
        type: 'error',
        id: m.id,
        error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
      });
    }
  });
});
