/**
 * A Secrets Manager stand-in: a loopback HTTP server speaking the service's JSON protocol for the
 * one call the functions make (GetSecretValue), found by the SDK through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER exactly as the real endpoint would be. Secrets are looked up by
 * ARN or name, as the service does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stand-in. */
export interface SecretsStandIn {
  endpoint: string;
  /** Adds a secret; returns its ARN. */
  put(name: string, value: string, arn?: string): string;
  /** GetSecretValue calls answered so far, by secret id. */
  calls: string[];
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port. */
export async function startSecretsManager(): Promise<SecretsStandIn> {
  const byId = new Map<string, { arn: string; name: string; value: string }>();
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return reply(400, {
          __type: 'InvalidRequestException',
          message: `unsupported ${req.headers['x-amz-target']}`,
        });
      let id = '';
      try {
        id = String((JSON.parse(body) as { SecretId?: unknown }).SecretId ?? '');
      } catch {
        return reply(400, { __type: 'InvalidRequestException', message: 'body is not JSON' });
      }
      calls.push(id);
      const s = byId.get(id);
      if (!s)
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      return reply(200, {
        ARN: s.arn,
        Name: s.name,
        SecretString: s.value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1795748400,
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    put(name, value, arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`) {
      const s = { arn, name, value };
      byId.set(arn, s);
      byId.set(name, s);
      return arn;
    },
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
